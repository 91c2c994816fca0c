import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { OfferedProcedure } from '../server/protocol/procedure-catalog';
import type { PublicView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { useCountdown } from '../server/ui/hooks';
import { Pictogram } from '../server/ui/icons';
import { OnScreenKeyboard } from '../server/ui/on-screen-keyboard';
import { useActivity } from './activity';
import { ENTRY_IDLE_MS } from './code-entry';
import { findProcedures, catalogInScreen } from '../server/ui/procedure-catalog';
import { procedureName } from '../server/ui/procedure-text';

/** Where the visitor was in the catalog: what was typed, or the field opened (to come back to). */
export interface CatalogPlace {
  query: string;
  serviceId: string | null;
}

/** At most this many results while typing: the first screenful, best first. */
const RESULTS = 8;
/** The "going back in n seconds" line shows only near the end. */
const COUNTDOWN_SHOWN_BELOW_S = 20;

/**
 * "Thủ tục hành chính": the procedures of the centre, browsed by field (the same fields as the
 * number tiles) or found by words typed on the on-screen keyboard, with or without marks, with
 * abbreviations and small typos; results come as the visitor types. A tap opens the procedure.
 */
export function ProceduresScreen(props: { view: PublicView; place: CatalogPlace; onPlace: (p: CatalogPlace) => void; onOpen: (code: string) => void; onBack: () => void }) {
  const { t, local, lang } = useAppState();
  const section = useRef<HTMLElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const query = useSignal(props.place.query);
  const activity = useActivity();
  const secondsLeft = useCountdown(ENTRY_IDLE_MS, props.onBack, activity);
  const catalog = catalogInScreen.value;
  // On a portrait kiosk the fields get the whole screen until the visitor taps the search box;
  // then the keyboard comes up (a landscape kiosk shows both at once).
  const typing = useSignal(props.place.query !== '');
  useEffect(() => {
    if (typing.peek() || window.matchMedia('(orientation: landscape)').matches) field.current?.focus();
  }, []);

  const typed = query.value.trim();
  const services = props.view.services;
  const opened = props.place.serviceId ? services.find((s) => s.id === props.place.serviceId) : undefined;
  const procedures = catalog?.view.procedures ?? [];
  let list: OfferedProcedure[] | null = null;
  if (catalog && typed) list = findProcedures(catalog, typed, RESULTS);
  else if (opened) list = procedures.filter((p) => p.serviceId === opened.id).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  const counts = new Map<string, number>();
  for (const p of procedures) if (p.serviceId) counts.set(p.serviceId, (counts.get(p.serviceId) ?? 0) + 1);

  const setQuery = (text: string) => {
    query.value = text;
    props.onPlace({ query: text, serviceId: text.trim() ? null : props.place.serviceId });
  };

  return (
    <section class={`lookup procs ${typing.value ? 'procs--typing' : 'procs--browsing'}`} ref={section} data-testid="procedures">
      <div class="lookup__side procs__side">
        <h1 class="lookup__title">{t('procedures.title')}</h1>
        <label class="lookup-field procs__search">
          <span class="lookup-field__label">{t('procedures.search')}</span>
          <span class="procs__search-row">
            <input
              ref={field}
              class="lookup-field__input procs__input"
              name="procedure-search"
              type="text"
              inputMode="none"
              autocomplete="off"
              spellcheck={false}
              maxLength={80}
              value={query.value}
              placeholder={t('procedures.search.example')}
              onInput={(e) => setQuery(e.currentTarget.value)}
              onFocus={() => (typing.value = true)}
              data-testid="procedure-search"
            />
            {typed && (
              <button type="button" class="procs__clear" onClick={() => setQuery('')} aria-label={t('procedures.search.clear')}>
                ×
              </button>
            )}
          </span>
        </label>
        {!catalog ? (
          <p class="procs__empty" role="status">
            {t('procedures.loading')}
          </p>
        ) : list === null ? (
          <>
            <h2 class="procs__heading">{t('procedures.byField')}</h2>
            <div class="procs__fields" data-testid="procedure-fields" tabIndex={0} role="region" aria-label={t('procedures.byField')}>
              {services
                .filter((s) => counts.has(s.id))
                .map((s) => (
                  <button type="button" key={s.id} class="procs__field" onClick={() => props.onPlace({ query: '', serviceId: s.id })}>
                    <span class="procs__field-icon">
                      <Pictogram name={s.icon} />
                    </span>
                    <span class="procs__field-name">{local(s.name)}</span>
                    <span class="procs__field-count">{t('procedures.count', { count: counts.get(s.id) ?? 0 })}</span>
                  </button>
                ))}
            </div>
          </>
        ) : (
          <>
            <h2 class="procs__heading" aria-live="polite">
              {typed ? (list.length > 0 ? t('procedures.found', { count: list.length }) : t('procedures.none')) : local(opened?.name)}
            </h2>
            {typed && list.length === 0 && <p class="procs__empty">{t('procedures.none.hint')}</p>}
            <ul class="procs__list" data-testid="procedure-results" tabIndex={0} aria-label={t('procedures.results')}>
              {list.map((p) => (
                <li key={p.code}>
                  <button type="button" class="procs__item" onClick={() => props.onOpen(p.code)} data-code={p.code}>
                    <span class="procs__item-name">{procedureName(p, lang.value)}</span>
                    <span class="procs__item-field">{local(services.find((s) => s.id === p.serviceId)?.name) || p.field}</span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
        <div class="lookup__actions">
          <button
            type="button"
            class="big-button"
            onClick={() => (opened && !typed ? props.onPlace({ query: '', serviceId: null }) : props.onBack())}
            data-testid="procedures-back"
          >
            {opened && !typed ? t('procedures.allFields') : t('kiosk.back')}
          </button>
        </div>
        {secondsLeft <= COUNTDOWN_SHOWN_BELOW_S && <p class="lookup__auto">{t('kiosk.autoReturn', { seconds: secondsLeft })}</p>}
      </div>
      <OnScreenKeyboard layout="vietnamese" scope={section} class="lookup__keyboard" data-testid="procedure-keyboard" />
    </section>
  );
}
