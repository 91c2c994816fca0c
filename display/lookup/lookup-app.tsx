import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { DossierLookupView } from '../../server/protocol/views';
import { useAppState } from '../../server/ui/app-state';
import { OfflineBadge } from '../../server/ui/components';
import { formatDay, formatDayTime } from '../../server/ui/format';
import { PhoneHeader } from '../phone/phone-header';
import {
  badgeText,
  CODE_MAX,
  KEY_MAX,
  statusHintKey,
  statusKey,
  timelinessBadge,
  type LookupController,
  type LookupState,
} from './lookup-state';

export const LookupContext = createContext<LookupController | null>(null);

function useLookup(): LookupController {
  const lookup = useContext(LookupContext);
  if (!lookup) throw new Error('useLookup() outside <LookupContext.Provider>');
  return lookup;
}

/**
 * "Tra cứu hồ sơ" on the visitor's phone (from 360x640 up), opened from the QR code on the receipt
 * with the code and key in its address. What the hub answers is all it shows: the procedure, the
 * applicant's name masked, the dates, the status and deadline, how to get the result and the
 * steps so far. Nothing is kept on the phone.
 */
export function LookupApp() {
  const { t } = useAppState();
  const lookup = useLookup();
  const state = lookup.state.value;
  return (
    <div class="phone-page plookup">
      <PhoneHeader />
      <main class="phone-main" aria-live="polite">
        {state.kind === 'found' ? (
          <DossierDetails view={state.view} onAgain={() => lookup.again()} />
        ) : state.kind === 'searching' && state.auto ? (
          <section class="phone-card plookup-searching" data-testid="lookup-searching">
            <span class="plookup-spinner" aria-hidden="true" />
            {t('phoneLookup.searching')}
          </section>
        ) : (
          <>
            <Problem state={state} />
            <LookupForm state={state} />
          </>
        )}
      </main>
      <OfflineBadge />
    </div>
  );
}

/** Seconds left until `until` (this device's clock), ticking; 0 once it has passed. */
function useSecondsUntil(until: number | null): number {
  const left = () => (until === null ? 0 : Math.max(0, Math.ceil((until - Date.now()) / 1000)));
  const [seconds, setSeconds] = useState(left);
  useEffect(() => {
    setSeconds(left());
    if (until === null) return;
    const timer = setInterval(() => {
      const next = left();
      setSeconds(next);
      if (next <= 0) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [until]);
  return seconds;
}

/** Why the last try gave nothing: said kindly, revealing nothing about the dossier. */
function Problem({ state }: { state: LookupState }) {
  const { t } = useAppState();
  const seconds = useSecondsUntil(state.kind === 'wait' ? state.until : null);
  if (state.kind === 'not-found')
    return (
      <section class="phone-card plookup-problem" data-testid="lookup-problem" data-problem="not-found" role="alert">
        <h2 class="plookup-problem__title">{t('phoneLookup.notFound.title')}</h2>
        <p class="plookup-problem__body">{t('phoneLookup.notFound.body')}</p>
      </section>
    );
  if (state.kind === 'wait' && seconds > 0)
    return (
      <section class="phone-card plookup-problem" data-testid="lookup-problem" data-problem="wait" role="alert">
        <h2 class="plookup-problem__title">{t('phoneLookup.wait.title')}</h2>
        <p class="plookup-problem__body" data-testid="lookup-wait">
          {t('phoneLookup.wait.body', { seconds })}
        </p>
      </section>
    );
  if (state.kind === 'failed')
    return (
      <section class="phone-card plookup-problem" data-testid="lookup-problem" data-problem={state.reason} role="alert">
        <h2 class="plookup-problem__title">{t('phoneLookup.failed.title')}</h2>
        <p class="plookup-problem__body">
          {state.reason === 'offline' ? t('phoneLookup.failed.offline') : t('phoneLookup.failed.error')}
        </p>
      </section>
    );
  return null;
}

function LookupForm({ state }: { state: LookupState }) {
  const { t } = useAppState();
  const lookup = useLookup();
  const [missing, setMissing] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);
  const keyInput = useRef<HTMLInputElement>(null);
  const seconds = useSecondsUntil(state.kind === 'wait' ? state.until : null);
  const searching = state.kind === 'searching';
  const blocked = searching || seconds > 0;

  // Straight to the field that is still empty (a QR code with the code only, a fresh form).
  useEffect(() => {
    if (state.kind !== 'form') return;
    if (lookup.code.peek() && !lookup.key.peek()) keyInput.current?.focus();
  }, []);

  const submit = (e: Event) => {
    e.preventDefault();
    if (blocked) return;
    const sent = lookup.submit();
    setMissing(!sent);
    if (!sent) (lookup.code.peek().trim() ? keyInput : codeInput).current?.focus();
  };

  return (
    <form class="phone-card plookup-form" onSubmit={submit} noValidate data-testid="lookup-form">
      <h1 class="plookup-form__title">{t('phoneLookup.title')}</h1>
      <p class="plookup-form__intro">{t('phoneLookup.intro')}</p>
      <label class="plookup-field">
        <span class="plookup-field__label">{t('phoneLookup.code')}</span>
        <input
          ref={codeInput}
          class="plookup-field__input plookup-field__input--code"
          name="code"
          data-testid="lookup-code"
          value={lookup.code.value}
          onInput={(e) => (lookup.code.value = e.currentTarget.value)}
          maxLength={CODE_MAX}
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          inputMode="text"
          placeholder={t('phoneLookup.code.example')}
        />
      </label>
      <label class="plookup-field">
        <span class="plookup-field__label">{t('phoneLookup.key')}</span>
        <input
          ref={keyInput}
          class="plookup-field__input plookup-field__input--key"
          name="key"
          data-testid="lookup-key"
          value={lookup.key.value}
          onInput={(e) => (lookup.key.value = e.currentTarget.value)}
          maxLength={KEY_MAX}
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
        />
        <span class="plookup-field__hint">{t('phoneLookup.key.hint')}</span>
      </label>
      {missing && (
        <p class="plookup-form__missing" role="alert" data-testid="lookup-missing">
          {t('phoneLookup.missing')}
        </p>
      )}
      <button type="submit" class="plookup-button plookup-button--primary" disabled={blocked} data-testid="lookup-submit">
        {searching ? t('phoneLookup.searching') : seconds > 0 ? t('phoneLookup.wait.button', { seconds }) : t('phoneLookup.submit')}
      </button>
    </form>
  );
}

function DossierDetails({ view, onAgain }: { view: DossierLookupView; onAgain: () => void }) {
  const { t } = useAppState();
  const badge = timelinessBadge(view.timeliness);
  const status = statusKey(view.status);
  const hint = statusHintKey(view.status);
  const delivery =
    view.delivery === 'post'
      ? t('phoneLookup.delivery.post')
      : view.delivery === 'electronic'
        ? t('phoneLookup.delivery.electronic')
        : view.collectAt
          ? t('phoneLookup.delivery.centreAt', { place: view.collectAt })
          : t('phoneLookup.delivery.centre');
  const history = [...view.history].sort((a, b) => a.at - b.at);
  return (
    <>
      <section class="phone-card plookup-summary" data-testid="lookup-result">
        <div class="plookup-summary__code">
          <span class="plookup-summary__code-label">{t('phoneLookup.code')}</span>
          <span class="plookup-summary__code-value" data-testid="lookup-result-code">
            {view.code}
          </span>
        </div>
        <h1 class="plookup-summary__procedure" data-testid="lookup-procedure">
          {view.procedure}
        </h1>
        {view.procedureCode && (
          <a class="plookup-summary__procedure-link" href={`/display/procedures.html?code=${view.procedureCode}`} data-testid="lookup-procedure-link">
            {t('phoneLookup.procedureLink', { code: view.procedureCode })}
          </a>
        )}
        <div class={`plookup-status plookup-status--${badge?.kind ?? 'none'}`}>
          <div class="plookup-status__label">{t('phoneLookup.status')}</div>
          <div class="plookup-status__name" data-testid="lookup-status">
            {status ? t(status) : String(view.status)}
          </div>
          {badge && (
            <div class={`plookup-badge plookup-badge--${badge.kind}`} data-testid="lookup-badge" data-kind={badge.kind}>
              {badgeText(badge, t)}
            </div>
          )}
          {hint && <p class="plookup-status__hint">{t(hint)}</p>}
          {badge && (badge.kind === 'late' || badge.kind === 'in-time') && (
            <p class="plookup-status__note">{t('phoneLookup.badge.working')}</p>
          )}
        </div>
      </section>

      <section class="phone-card">
        <dl class="plookup-facts">
          <div class="plookup-fact">
            <dt>{t('phoneLookup.applicant')}</dt>
            <dd data-testid="lookup-applicant">{view.applicantMasked}</dd>
          </div>
          {view.field && (
            <div class="plookup-fact">
              <dt>{t('phoneLookup.field')}</dt>
              <dd>{view.field}</dd>
            </div>
          )}
          <div class="plookup-fact">
            <dt>{t('phoneLookup.received')}</dt>
            <dd data-testid="lookup-received">{formatDay(view.receivedAt)}</dd>
          </div>
          <div class="plookup-fact">
            <dt>{t('phoneLookup.due')}</dt>
            <dd data-testid="lookup-due">{formatDay(view.dueAt)}</dd>
          </div>
          <div class="plookup-fact plookup-fact--wide">
            <dt>{t('phoneLookup.collect')}</dt>
            <dd data-testid="lookup-collect">{delivery}</dd>
          </div>
        </dl>
        <p class="plookup-privacy">{t('phoneLookup.privacy')}</p>
      </section>

      {history.length > 0 && (
        <section class="phone-card">
          <h2 class="plookup-section-title">{t('phoneLookup.history')}</h2>
          <ol class="plookup-timeline" data-testid="lookup-history">
            {history.map((step, i) => {
              const name = statusKey(step.status);
              const last = i === history.length - 1;
              return (
                <li key={`${step.at}-${i}`} class={`plookup-step ${last ? 'plookup-step--now' : ''}`}>
                  <span class="plookup-step__dot" aria-hidden="true" />
                  <span class="plookup-step__what">{name ? t(name) : String(step.status)}</span>
                  <span class="plookup-step__when">{formatDayTime(step.at)}</span>
                </li>
              );
            })}
          </ol>
        </section>
      )}

      <button type="button" class="plookup-button" onClick={onAgain} data-testid="lookup-again">
        {t('phoneLookup.again')}
      </button>
    </>
  );
}
