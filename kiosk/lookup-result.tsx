import type { MessageKey } from '../server/i18n';
import type { DossierLookupView, TimelinessView } from '../server/protocol/views';
import { useAppState, type AppState } from '../server/ui/app-state';
import { formatDay, formatDayTime } from '../server/ui/format';
import { useCountdown } from '../server/ui/hooks';
import { useActivity } from './activity';

/** How long a dossier stays on the screen after the last touch. */
export const LOOKUP_RESULT_SHOWN_MS = 60_000;

const HOUR_MS = 3_600_000;
/** The newest steps of the history that fit on the screen; older ones are counted. */
const HISTORY_SHOWN = 6;
const DAY_MS = 24 * HOUR_MS;

export type BadgeKind = 'early' | 'on-time' | 'late' | 'in-time';

/**
 * "Trước hạn" / "Đúng hạn" / "Quá hạn 2 ngày" / "Còn 1 ngày 5 giờ": the hub counts working time, a
 * working day being a whole day of the centre's calendar. A dossier that was closed without a
 * result has no deadline, and no badge.
 */
export function timelinessBadge(timeliness: TimelinessView, t: AppState['t']): { kind: BadgeKind; text: string } | null {
  const days = (n: number) => (n === 1 ? t('lookup.time.day') : t('lookup.time.days', { n }));
  const hours = (n: number) => (n === 1 ? t('lookup.time.hour') : t('lookup.time.hours', { n }));
  switch (timeliness.kind) {
    case 'early':
      return { kind: 'early', text: t('lookup.badge.early') };
    case 'on-time':
      return { kind: 'on-time', text: t('lookup.badge.onTime') };
    case 'late':
      return { kind: 'late', text: t('lookup.badge.late', { time: days(Math.max(1, timeliness.workingDaysLate)) }) };
    case 'in-time': {
      const ms = Math.max(0, timeliness.msLeft);
      const d = Math.floor(ms / DAY_MS);
      const h = Math.floor((ms % DAY_MS) / HOUR_MS);
      if (d === 0 && h === 0) return { kind: 'in-time', text: t('lookup.badge.lastHour') };
      const parts = [d > 0 ? days(d) : null, h > 0 ? hours(h) : null].filter((p): p is string => p !== null);
      return { kind: 'in-time', text: t('lookup.badge.left', { time: parts.join(' ') }) };
    }
    case 'closed':
      return null;
  }
}

export function statusName(status: number, t: AppState['t']): string {
  return status >= 1 && status <= 10 ? t(`dossier.status.${status}` as MessageKey) : String(status);
}

/**
 * A dossier found by its code and key: the procedure, the masked applicant, the dates, the status
 * in plain words with the deadline badge, how the result is collected and the steps so far. Back to
 * the start by itself a minute after the last touch.
 */
export function LookupResultScreen(props: { result: DossierLookupView; onAgain: () => void; onDone: () => void }) {
  const { t } = useAppState();
  const activity = useActivity();
  const secondsLeft = useCountdown(LOOKUP_RESULT_SHOWN_MS, props.onDone, activity);
  const { result } = props;
  const badge = timelinessBadge(result.timeliness, t);
  const known = result.status >= 1 && result.status <= 10;
  const delivery =
    result.delivery === 'post'
      ? t('lookup.delivery.post')
      : result.delivery === 'electronic'
        ? t('lookup.delivery.electronic')
        : result.collectAt
          ? t('lookup.delivery.centreAt', { place: result.collectAt })
          : t('lookup.delivery.centre');
  const all = [...result.history].sort((a, b) => a.at - b.at);
  const history = all.slice(-HISTORY_SHOWN);
  const earlier = all.length - history.length;
  return (
    <section class="dossier" data-testid="dossier" aria-live="polite">
      <div class="dossier__main">
        <p class="dossier__kicker">{t('lookup.result.title')}</p>
        <h1 class="dossier__procedure" data-testid="dossier-procedure">
          {result.procedure}
          {result.procedureCode && <span class="dossier__procedure-code"> · {t('procedure.codeShort', { code: result.procedureCode })}</span>}
        </h1>
        <p class="dossier__code">
          {t('lookup.code')}: <span class="dossier__code-value">{result.code}</span>
        </p>
        <div class={`dossier-status dossier-status--${badge?.kind ?? 'none'}`} data-testid="dossier-status">
          <div class="dossier-status__label">{t('lookup.result.status')}</div>
          <div class="dossier-status__row">
            <span class="dossier-status__name">{statusName(result.status, t)}</span>
            {badge && (
              <span class={`deadline-badge deadline-badge--${badge.kind}`} data-testid="deadline-badge" data-kind={badge.kind}>
                {badge.text}
              </span>
            )}
          </div>
          {known && <p class="dossier-status__hint">{t(`dossier.hint.${result.status}` as MessageKey)}</p>}
          {badge?.kind === 'in-time' && <p class="dossier-status__note">{t('lookup.badge.working')}</p>}
        </div>
        <dl class="dossier__facts">
          <div class="dossier__fact">
            <dt>{t('lookup.result.applicant')}</dt>
            <dd data-testid="dossier-applicant">{result.applicantMasked}</dd>
          </div>
          {result.field && (
            <div class="dossier__fact">
              <dt>{t('lookup.result.field')}</dt>
              <dd>{result.field}</dd>
            </div>
          )}
          <div class="dossier__fact">
            <dt>{t('lookup.result.received')}</dt>
            <dd data-testid="dossier-received">{formatDay(result.receivedAt)}</dd>
          </div>
          <div class="dossier__fact">
            <dt>{t('lookup.result.due')}</dt>
            <dd data-testid="dossier-due">{formatDay(result.dueAt)}</dd>
          </div>
          <div class="dossier__fact dossier__fact--wide">
            <dt>{t('lookup.result.collect')}</dt>
            <dd data-testid="dossier-collect">{delivery}</dd>
          </div>
        </dl>
      </div>
      <div class="dossier__side">
        <div class="dossier__history">
          <h2 class="dossier__history-title">{t('lookup.history')}</h2>
          {earlier > 0 && <p class="timeline__earlier">{t('lookup.history.earlier', { count: earlier })}</p>}
          <ol class="timeline" data-testid="dossier-history">
            {history.map((step, i) => (
              <li key={`${step.at}-${i}`} class={`timeline__step ${i === history.length - 1 ? 'timeline__step--now' : ''}`}>
                <span class="timeline__dot" aria-hidden="true" />
                <span class="timeline__what">{statusName(step.status, t)}</span>
                <span class="timeline__when">{formatDayTime(step.at)}</span>
              </li>
            ))}
          </ol>
        </div>
        <div class="dossier__actions">
          <button type="button" class="big-button big-button--primary" onClick={props.onDone}>
            {t('kiosk.toStart')}
          </button>
          <button type="button" class="big-button" onClick={props.onAgain}>
            {t('lookup.again')}
          </button>
        </div>
        <p class="dossier__auto">{t('kiosk.autoReturn', { seconds: secondsLeft })}</p>
      </div>
    </section>
  );
}
