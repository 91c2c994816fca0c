import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { checklistSections } from '../../server/domain/procedure-checklist';
import type { OfferedProcedure } from '../../server/protocol/procedure-catalog';
import { useAppState } from '../../server/ui/app-state';
import { OfflineBadge } from '../../server/ui/components';
import { findProcedures, catalogInScreen } from '../../server/ui/procedure-catalog';
import { copiesText, fullyOnline, procedureName, timeText } from '../../server/ui/procedure-text';
import { PhoneHeader } from '../phone/phone-header';

/** The code in the page's address, if it is one. */
function codeInUrl(): string | null {
  const code = new URLSearchParams(location.search).get('code');
  return code && /^\d{1,2}\.\d{6}$/.test(code) ? code : null;
}

/**
 * The centre's procedures on a phone (from 360x640 up): found by name or code, typed with or
 * without marks, or browsed by field; one procedure at `?code=<code>`, a link that can be shared,
 * with everything the national database publishes for it: the papers as a checklist, the time, the
 * fees, the steps, the conditions, the result, the legal basis, its portal page and where the facts
 * were read.
 */
export function ProceduresApp() {
  const { t } = useAppState();
  const code = useSignal(codeInUrl());
  useEffect(() => {
    const back = () => (code.value = codeInUrl());
    window.addEventListener('popstate', back);
    return () => window.removeEventListener('popstate', back);
  }, []);
  const open = (next: string | null) => {
    history.pushState(null, '', next ? `?code=${next}` : location.pathname);
    code.value = next;
    window.scrollTo(0, 0);
  };
  const catalog = catalogInScreen.value;
  const procedure = code.value ? catalog?.byCode.get(code.value) : undefined;
  return (
    <div class="phone-page pprocs">
      <PhoneHeader />
      <main class="phone-main">
        {!catalog ? (
          <section class="phone-card" role="status">
            {t('procedures.loading')}
          </section>
        ) : code.value && !procedure ? (
          <section class="phone-card" role="alert" data-testid="procedure-unknown">
            <h1 class="pprocs__title">{t('error.UNKNOWN_PROCEDURE')}</h1>
            <button type="button" class="pprocs__link" onClick={() => open(null)}>
              {t('procedures.allFields')}
            </button>
          </section>
        ) : procedure ? (
          <ProcedureDetails procedure={procedure} onBack={() => open(null)} />
        ) : (
          <ProcedureFinder onOpen={open} />
        )}
      </main>
      <OfflineBadge />
    </div>
  );
}

function ProcedureFinder({ onOpen }: { onOpen: (code: string) => void }) {
  const { t, local, lang, publicView } = useAppState();
  const query = useSignal('');
  const field = useSignal<string | null>(null);
  const catalog = catalogInScreen.value!;
  const services = publicView.value?.view.services ?? [];
  const typed = query.value.trim();
  const list = typed
    ? findProcedures(catalog, typed, 20)
    : field.value
      ? catalog.view.procedures.filter((p) => p.serviceId === field.value).sort((a, b) => a.name.localeCompare(b.name, 'vi'))
      : null;
  const counts = new Map<string, number>();
  for (const p of catalog.view.procedures) if (p.serviceId) counts.set(p.serviceId, (counts.get(p.serviceId) ?? 0) + 1);
  return (
    <section class="phone-card pprocs__finder" data-testid="procedures">
      <h1 class="pprocs__title">{t('procedures.title')}</h1>
      <label class="pprocs__search">
        <span>{t('procedures.search.phone')}</span>
        <input
          type="search"
          value={query.value}
          placeholder={t('procedures.search.example')}
          maxLength={80}
          autocomplete="off"
          onInput={(e) => (query.value = e.currentTarget.value)}
          data-testid="procedure-search"
        />
      </label>
      {list === null ? (
        <>
          <h2 class="pprocs__heading">{t('procedures.byField')}</h2>
          <ul class="pprocs__fields">
            {services
              .filter((s) => counts.has(s.id))
              .map((s) => (
                <li key={s.id}>
                  <button type="button" class="pprocs__field" onClick={() => (field.value = s.id)}>
                    <span>{local(s.name)}</span>
                    <span class="pprocs__muted">{t('procedures.count', { count: counts.get(s.id) ?? 0 })}</span>
                  </button>
                </li>
              ))}
          </ul>
        </>
      ) : (
        <>
          <h2 class="pprocs__heading" aria-live="polite">
            {typed ? (list.length > 0 ? t('procedures.found', { count: list.length }) : t('procedures.none')) : local(services.find((s) => s.id === field.value)?.name)}
          </h2>
          {!typed && (
            <button type="button" class="pprocs__link" onClick={() => (field.value = null)}>
              {t('procedures.allFields')}
            </button>
          )}
          <ul class="pprocs__list" data-testid="procedure-results">
            {list.map((p) => (
              <li key={p.code}>
                <a
                  class="pprocs__item"
                  href={`?code=${p.code}`}
                  onClick={(e) => {
                    e.preventDefault();
                    onOpen(p.code);
                  }}
                >
                  <span class="pprocs__item-name">{procedureName(p, lang.value)}</span>
                  <span class="pprocs__muted">
                    {p.code} · {p.field}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ProcedureDetails({ procedure: p, onBack }: { procedure: OfferedProcedure; onBack: () => void }) {
  const { t, local, lang, publicView } = useAppState();
  const service = publicView.value?.view.services.find((s) => s.id === p.serviceId);
  const shared = useSignal(false);
  const share = async () => {
    const url = location.href;
    try {
      if (navigator.share) await navigator.share({ title: p.name, url });
      else {
        await navigator.clipboard.writeText(url);
        shared.value = true;
      }
    } catch {
      // Shared nowhere (the visitor closed the sheet): nothing to say.
    }
  };
  return (
    <article class="phone-card pprocs__procedure" data-testid="procedure" data-code={p.code}>
      <button type="button" class="pprocs__link" onClick={onBack}>
        ‹ {t('procedures.title')}
      </button>
      <h1 class="pprocs__title">{procedureName(p, lang.value)}</h1>
      <p class="pprocs__muted">{t('procedure.meta', { field: local(service?.name) || p.field, code: p.code })}</p>
      {fullyOnline(p) && <p class="pprocs__online">{t('procedure.online.noVisit')}</p>}
      <dl class="pprocs__facts">
        <dt>{t('procedure.time')}</dt>
        <dd data-testid="procedure-time">{timeText(p, t)}</dd>
        <dt>{t('procedure.fees')}</dt>
        <dd data-testid="procedure-fees">{p.fees.length === 0 ? t('procedure.fees.none') : p.fees.map((f, i) => <div key={i}>{f.text}</div>)}</dd>
        <dt>{t('procedure.ways')}</dt>
        <dd>{p.ways.map((w) => t(`procedure.way.${w}`)).join(' · ')}</dd>
      </dl>
      <h2 class="pprocs__heading">{t('procedure.documents', { count: p.documents.length })}</h2>
      {p.documents.length === 0 ? (
        <p>{t('procedure.documents.none')}</p>
      ) : (
        <div data-testid="procedure-documents">
          {checklistSections(p.documents).map((section, si) => (
            <div key={si} class="pprocs__section">
              {section.heading && <h3 class="pprocs__section-title">{section.heading}</h3>}
              <ul class="pprocs__docs">
                {section.documents.map((d, i) => (
                  <li key={i}>
                    <label class="pprocs__doc">
                      <input type="checkbox" />
                      <span>
                        {d.name}
                        {copiesText(d, t) && <strong class="pprocs__count"> — {copiesText(d, t)}</strong>}
                        {d.form && (
                          <span class="pprocs__muted pprocs__form">
                            {d.form.url ? <a href={d.form.url}>{t('procedure.form', { form: d.form.name })}</a> : t('procedure.form', { form: d.form.name })}
                          </span>
                        )}
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
      <Texts title={t('procedure.steps')} items={p.steps} />
      <Texts title={t('procedure.conditions')} items={p.conditions} />
      <h2 class="pprocs__heading">{t('procedure.result')}</h2>
      <p>{p.result}</p>
      <Texts title={t('procedure.legalBasis')} items={p.legalBasis} />
      <div class="pprocs__actions">
        {p.portalUrl && (
          <a class="pprocs__button" href={p.portalUrl} rel="noopener" target="_blank">
            {t('procedure.portal')}
          </a>
        )}
        <button type="button" class="pprocs__button pprocs__button--plain" onClick={() => void share()} data-testid="procedure-share">
          {shared.value ? t('procedure.shared') : t('procedure.share')}
        </button>
      </div>
      <p class="pprocs__muted pprocs__source">{t('procedure.source', { date: p.source.retrievedOn.split('-').reverse().join('/') })}</p>
    </article>
  );
}

function Texts({ title, items }: { title: string; items: readonly string[] }) {
  if (items.length === 0) return null;
  return (
    <>
      <h2 class="pprocs__heading">{title}</h2>
      <ol class="pprocs__texts">
        {items.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ol>
    </>
  );
}
