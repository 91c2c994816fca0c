import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { MessageKey } from '../server/i18n';
import type { DeadlineRow } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { formatTime, localParts } from '../server/ui/format';

type Translate = ReturnType<typeof useAppState>['t'];

const REFRESH_MS = 60_000;

/** National dossier statuses (1-10) in words. */
export const DOSSIER_STATUS: Record<number, MessageKey> = {
  1: 'sup.dossier.status.1',
  2: 'sup.dossier.status.2',
  3: 'sup.dossier.status.3',
  4: 'sup.dossier.status.4',
  5: 'sup.dossier.status.5',
  6: 'sup.dossier.status.6',
  7: 'sup.dossier.status.7',
  8: 'sup.dossier.status.8',
  9: 'sup.dossier.status.9',
  10: 'sup.dossier.status.10',
};

/**
 * Dossiers near or past their deadline (from the one-stop software's pushes): late ones marked,
 * the working days left or late in words. Asked again every minute and on request.
 */
export function DeadlinesScreen() {
  const state = useAppState();
  const { t } = state;
  const rows = useSignal<DeadlineRow[] | null>(null);
  const error = useSignal<string | null>(null);
  const loading = useSignal(false);
  const loadedAt = useSignal<number | null>(null);

  const load = async () => {
    loading.value = true;
    const answer = await state.client.request('dossier:deadlines', {});
    loading.value = false;
    if (answer.ok) {
      rows.value = answer.data;
      error.value = null;
      loadedAt.value = state.client.serverNow();
    } else error.value = answer.message;
  };
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const list = rows.value ?? [];
  const late = list.filter((r) => r.timeliness.kind === 'late').length;
  return (
    <div class="deadlines">
      <section class="sup-card">
        <div class="sup-card__head">
          <h2 class="sup-heading">{t('sup.dl.title')}</h2>
          <div class="sup-card__tools">
            {loadedAt.value !== null && <span class="sup-muted">{t('sup.dl.loadedAt', { time: formatTime(loadedAt.value) })}</span>}
            <button type="button" class="pad-button pad-button--small" disabled={loading.value} onClick={() => void load()}>
              {t('sup.refresh')}
            </button>
          </div>
        </div>
        {error.value && (
          <p class="form-error" role="alert">
            {error.value}
          </p>
        )}
        {rows.value === null ? (
          <p class="sup-muted">{t('sup.loading')}</p>
        ) : list.length === 0 ? (
          <p class="sup-muted" data-testid="deadlines-empty">
            {t('sup.dl.none')}
          </p>
        ) : (
          <>
            <p class="deadlines__summary" data-testid="deadlines-summary">
              {t('sup.dl.summary', { late, near: list.length - late })}
            </p>
            <table class="sup-table deadline-table" data-testid="deadlines">
              <thead>
                <tr>
                  <th scope="col">{t('sup.dl.code')}</th>
                  <th scope="col">{t('sup.dl.procedure')}</th>
                  <th scope="col">{t('sup.dl.applicant')}</th>
                  <th scope="col">{t('sup.dl.due')}</th>
                  <th scope="col">{t('sup.dl.status')}</th>
                  <th scope="col">{t('sup.dl.timeliness')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((row) => {
                  const isLate = row.timeliness.kind === 'late';
                  return (
                    <tr key={row.code} class={isLate ? 'deadline-row--late' : 'deadline-row--near'} data-testid={`deadline-${row.code}`}>
                      <td class="deadline-table__code">{row.code}</td>
                      <td>
                        <div>{row.procedure}</div>
                        {row.field && <div class="sup-muted">{row.field}</div>}
                      </td>
                      <td>{row.applicantName}</td>
                      <td class="deadline-table__due">{dueText(row.dueAt)}</td>
                      <td>{t(DOSSIER_STATUS[row.status] ?? 'sup.dossier.status.4')}</td>
                      <td>
                        <span class={`state-badge state-badge--${isLate ? 'bad' : 'warn'}`}>{t(isLate ? 'sup.dl.late' : 'sup.dl.near')}</span>
                        <div class="deadline-table__left">{timelinessText(row, t)}</div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </>
        )}
      </section>
    </div>
  );
}

function dueText(ms: number): string {
  const p = localParts(ms);
  return `${formatTime(ms)} ${p.day}/${p.month}/${p.year}`;
}

function timelinessText(row: DeadlineRow, t: Translate): string {
  const tl = row.timeliness;
  if (tl.kind === 'late') return t('sup.dl.daysLate', { days: tl.workingDaysLate });
  if (tl.kind === 'in-time') {
    if (tl.workingDaysLeft > 0) return t('sup.dl.daysLeft', { days: tl.workingDaysLeft });
    const minutes = Math.max(0, Math.floor(tl.msLeft / 60_000));
    return t('sup.dl.dueToday', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  }
  return '';
}
