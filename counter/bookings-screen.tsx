import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { MessageKey } from '../server/i18n';
import type { BookingClosureView, BookingOptionsView, BookingStaffRow, NoShowRow } from '../server/protocol/booking-protocol';
import { useAppState } from '../server/ui/app-state';
import { formatDay as formatInstantDay, formatTime } from '../server/ui/format';
import { BookOnBehalfDialog, CancelBookingDialog, CloseDayDialog, DayButtons, dayText, FieldSelect, shortDay } from './booking-dialogs';
import {
  bookedByText,
  cancellable,
  closuresOn,
  exportFrom,
  exportTo,
  fetchOptions,
  listDay,
  listService,
  shownRows,
  statusText,
  STATUS_TONE,
  SUMMARY_STATUSES,
} from './booking-model';
import { openConfigSection } from './config-screen';
import { addDays, centreDay, daysBetween, formatDay, isIsoDay, type IsoDay } from './dates';
import { ConfirmDialog } from './devices-screen';
import { fetchStaffFile, saveBlob } from './downloads';
import { officerNames } from './security-words';

type Translate = ReturnType<typeof useAppState>['t'];

const REFRESH_MS = 30_000;
/** Day buttons shown for today and the coming days; further days through the date field. */
const STRIP_DAYS = 8;
const MAX_EXPORT_DAYS = 366;

type Column = { label: MessageKey; class?: string; hidden?: boolean };
const LIST_COLUMNS: readonly Column[] = [
  { label: 'supBook.col.time' },
  { label: 'supBook.col.field' },
  { label: 'supBook.col.name' },
  { label: 'supBook.col.phone' },
  { label: 'supBook.col.status' },
  { label: 'supBook.col.by' },
  { label: 'supBook.col.ticket' },
  { label: 'supBook.col.actions', hidden: true },
];
const NO_SHOW_COLUMNS: readonly Column[] = [
  { label: 'supBook.col.phone' },
  { label: 'supBook.col.name' },
  { label: 'supBook.noShows.count', class: 'num' },
  { label: 'supBook.noShows.last' },
  { label: 'supBook.noShows.ban' },
];

/** A table's head row; a column without a visible heading (the buttons) is still named. */
function HeadRow({ columns }: { columns: readonly Column[] }) {
  const { t } = useAppState();
  return (
    <tr>
      {columns.map((c) => (
        <th key={c.label} scope="col" class={c.class}>
          {c.hidden ? <span class="visually-hidden">{t(c.label)}</span> : t(c.label)}
        </th>
      ))}
    </tr>
  );
}

type Dialog =
  | { kind: 'cancel'; row: BookingStaffRow }
  | { kind: 'close' }
  | { kind: 'reopen'; closure: BookingClosureView }
  | { kind: 'book' }
  | null;

/**
 * The supervisor's bookings: a day (today and the coming days, or any other) and a field; the
 * day's bookings with their status, who booked and the ticket once checked in; cancel one; the
 * day's closures, reopened or a new one made; a booking made for a citizen on the phone; the
 * phones with no-shows and their bans; the bookings of a period as CSV or XLSX.
 */
export function BookingsScreen() {
  const state = useAppState();
  const { t, local } = state;
  const today = centreDay(state.now.value);
  const day = listDay.value ?? today;
  const serviceId = listService.value;

  const options = useSignal<BookingOptionsView | null>(null);
  /** The day's bookings and the closures, when (by the hub's clock) they came, or why they did not. */
  const loaded = useSignal<{ day: IsoDay; rows: BookingStaffRow[]; closures: BookingClosureView[]; at: number } | null>(null);
  const problem = useSignal<string | null>(null);
  const noShows = useSignal<NoShowRow[] | null>(null);
  const loading = useSignal(false);
  const dialog = useSignal<Dialog>(null);
  const busy = useSignal(false);
  /** What the last action did, in the words of the language shown when it is read. */
  const outcome = useSignal<{ ok: boolean; text: (t: Translate) => string } | null>(null);
  const asked = useRef(0);

  const load = async () => {
    const wanted = day;
    const mine = ++asked.current;
    loading.value = true;
    const [list, missed, opts] = await Promise.all([
      state.client.request('booking:list', { from: wanted, to: wanted }),
      state.client.request('booking:no-shows', {}),
      fetchOptions(state.lang.value),
    ]);
    if (mine !== asked.current) return; // another day was chosen meanwhile
    loading.value = false;
    if (opts.ok) options.value = opts.data;
    if (missed.ok) noShows.value = missed.data;
    problem.value = list.ok ? null : list.message;
    if (list.ok) loaded.value = { day: wanted, rows: list.data.bookings, closures: list.data.closures, at: state.client.serverNow() };
  };
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [day]);

  const services = options.value?.services ?? [];
  const serviceName = (id: string) =>
    local(services.find((s) => s.serviceId === id)?.name) || local(state.publicView.value?.view.services.find((s) => s.id === id)?.name) || id;
  const names = officerNames(state);
  const current = loaded.value?.day === day ? loaded.value : null;
  const all = current?.rows ?? [];
  const closures = current?.closures ?? [];
  const shown = shownRows(all, serviceId);
  const dayClosures = closuresOn(closures, day, serviceId);
  const past = day < today;

  const done = (text: (t: Translate) => string) => {
    dialog.value = null;
    outcome.value = { ok: true, text };
    void load();
  };

  const reopen = async (closure: BookingClosureView) => {
    if (busy.value) return;
    busy.value = true;
    const answer = await state.client.command('booking:reopen-day', { closureId: closure.closureId });
    busy.value = false;
    dialog.value = null;
    if (!answer.ok) {
      const message = answer.message;
      outcome.value = { ok: false, text: () => message };
    } else {
      const scope = closure.serviceId;
      outcome.value = { ok: true, text: (tr) => tr('supBook.reopen.done', { day: formatDay(closure.day), scope: scope === null ? tr('supBook.scope.all') : serviceName(scope) }) };
    }
    void load();
  };

  if (options.value && !options.value.enabled)
    return (
      <section class="sup-card" data-testid="bookings-off">
        <h2 class="sup-heading">{t('supBook.title')}</h2>
        <p class="sup-intro">{t('supBook.off')}</p>
        <button type="button" class="pad-button pad-button--small pad-button--primary" onClick={() => openConfigSection('booking')}>
          {t('supBook.toConfig')}
        </button>
      </section>
    );

  const open = dialog.value;
  return (
    <div class="bookings">
      <section class="sup-card book-controls" aria-label={t('supBook.choose')}>
        <div class="book-controls__row">
          <DayButtons
            label={t('supBook.day')}
            chosen={day}
            days={Array.from({ length: Math.min(STRIP_DAYS, (options.value?.horizonDays ?? 7) + 1) }, (_, i) => {
              const d = addDays(today, i);
              return { day: d, label: i === 0 ? t('supBook.today') : i === 1 ? t('supBook.tomorrow') : shortDay(d, t) };
            })}
            onChoose={(d) => (listDay.value = d === today ? null : d)}
          />
          <label class="inline-field">
            <span>{t('supBook.otherDay')}</span>
            <input
              type="date"
              class="date-input"
              value={day}
              data-testid="book-day"
              onInput={(e) => (listDay.value = isIsoDay(e.currentTarget.value) && e.currentTarget.value !== today ? e.currentTarget.value : null)}
            />
          </label>
        </div>
        <div class="book-controls__row">
          <FieldSelect services={services} value={serviceId} onChange={(v) => (listService.value = v)} all={t('supBook.allFields')} inline testId="book-filter" />
          <div class="book-controls__actions">
            <button type="button" class="pad-button pad-button--small" disabled={past || services.length === 0} data-testid="open-close-day" onClick={() => (dialog.value = { kind: 'close' })}>
              {t('supBook.close.open')}
            </button>
            <button type="button" class="pad-button pad-button--small pad-button--primary" disabled={services.length === 0} data-testid="open-book" onClick={() => (dialog.value = { kind: 'book' })}>
              {t('supBook.book.open')}
            </button>
          </div>
        </div>
      </section>

      {outcome.value && (
        <div class={`alert-strip ${outcome.value.ok ? 'alert-strip--ok' : 'alert-strip--error'}`} role={outcome.value.ok ? 'status' : 'alert'} data-testid="book-outcome">
          <span>{outcome.value.text(t)}</span>
          <button type="button" class="pad-message__close" aria-label={t('counter.dismiss')} onClick={() => (outcome.value = null)}>
            ×
          </button>
        </div>
      )}

      <section class="sup-card" data-testid="bookings">
        <div class="sup-card__head">
          <h2 class="sup-heading">
            {t('supBook.listTitle')} <span class="report-figures__period">{dayText(day, t)}</span>
          </h2>
          <div class="sup-card__tools">
            <span class={problem.value ? 'form-error' : 'sup-muted'} role={problem.value ? 'alert' : undefined}>
              {problem.value ?? (loading.value ? t('sup.loading') : current ? t('sup.dl.loadedAt', { time: formatTime(current.at) }) : '')}
            </span>
            <button type="button" class="pad-button pad-button--small" disabled={loading.value} onClick={() => void load()}>
              {t(problem.value ? 'counter.retry' : 'sup.refresh')}
            </button>
          </div>
        </div>
        {dayClosures.map((c) => (
          <div key={c.closureId} class="alert-strip alert-strip--warn book-closure" data-testid={`closure-${c.serviceId ?? 'all'}`}>
            <span>
              {t('supBook.closed', { scope: c.serviceId === null ? t('supBook.scope.all') : serviceName(c.serviceId), reason: local(c.reason) })}
              <span class="book-closure__by">{t('supBook.closedBy', { name: names.get(c.by) ?? c.by, time: formatTime(c.at), day: formatInstantDay(c.at) })}</span>
            </span>
            <button type="button" class="pad-button pad-button--small" disabled={past} onClick={() => (dialog.value = { kind: 'reopen', closure: c })}>
              {t('supBook.reopen')}
            </button>
          </div>
        ))}
        {shown.length === 0 ? (
          <p class="sup-muted" data-testid={current ? 'bookings-empty' : undefined}>
            {current ? t('supBook.none') : problem.value ? '' : t('sup.loading')}
          </p>
        ) : (
            <div class="report-table__wrap">
              <table class="sup-table book-table" data-testid="booking-table">
                <caption class="book-summary" data-testid="bookings-summary">
                  {summaryText(shown, t)}
                </caption>
                <thead>
                  <HeadRow columns={LIST_COLUMNS} />
                </thead>
                <tbody>
                  {shown.map((row) => (
                    <tr key={row.bookingId} class={`book-row book-row--${row.status}`} data-testid={`booking-${row.phone}`}>
                      <td class="book-table__time">{row.time}</td>
                      <td>{serviceName(row.serviceId)}</td>
                      <td>
                        <div class="book-table__name">{row.name}</div>
                        {row.code && <div class="sup-muted book-table__code">{row.code}</div>}
                      </td>
                      <td class="book-table__phone">{row.phone}</td>
                      <td>
                        <span class={`state-badge state-badge--${STATUS_TONE[row.status]}`}>{statusText(row.status, t)}</span>
                        {row.status === 'cancelled' && row.cancelledBy && <div class="sup-muted">{t(`supBook.cancelledBy.${row.cancelledBy}`)}</div>}
                        {row.checkedInAt !== null && <div class="sup-muted">{t('supBook.checkedInAt', { time: formatTime(row.checkedInAt) })}</div>}
                      </td>
                      <td>{bookedByText(row.by, names, t)}</td>
                      <td class="book-table__ticket">{row.ticketNumber ?? '—'}</td>
                      <td class="book-table__actions">
                        {cancellable(row) && (
                          <button type="button" class="pad-button pad-button--small pad-button--danger" onClick={() => (dialog.value = { kind: 'cancel', row })}>
                            {t('supBook.cancel.open')}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
        )}
      </section>

      <NoShowList rows={noShows.value} />
      <ExportCard today={today} horizon={options.value?.horizonDays ?? 7} />

      {open?.kind === 'cancel' && (
        <CancelBookingDialog row={open.row} serviceName={serviceName(open.row.serviceId)} onDone={done} onClose={() => (dialog.value = null)} />
      )}
      {open?.kind === 'close' && (
        <CloseDayDialog
          day={day}
          services={services}
          rows={all}
          closures={closures}
          initialService={serviceId}
          onDone={done}
          onClose={() => (dialog.value = null)}
        />
      )}
      {open?.kind === 'reopen' && (
        <ConfirmDialog
          title={t('supBook.reopen.title', { day: dayText(open.closure.day, t) })}
          text={t('supBook.reopen.text', { scope: open.closure.serviceId === null ? t('supBook.scope.all') : serviceName(open.closure.serviceId) })}
          confirm={t('supBook.reopen')}
          busy={busy.value}
          onCancel={() => (dialog.value = null)}
          onConfirm={() => void reopen(open.closure)}
        />
      )}
      {open?.kind === 'book' && (
        <BookOnBehalfDialog services={services} initialService={serviceId} initialDay={day} onBooked={() => void load()} onClose={() => (dialog.value = null)} />
      )}
    </div>
  );
}

/** "5 lịch hẹn: 3 Đã đặt · 1 Đã đến · 1 Đã hủy" */
function summaryText(rows: readonly BookingStaffRow[], t: Translate): string {
  const parts = SUMMARY_STATUSES.map((status) => ({ status, count: rows.filter((r) => r.status === status).length }))
    .filter((p) => p.count > 0)
    .map((p) => `${p.count} ${statusText(p.status, t).toLowerCase()}`);
  return `${t('supBook.count', { count: rows.length })}: ${parts.join(' · ')}`;
}

/** Phones with no-shows within the window of the rules, most first, and their bans. */
function NoShowList({ rows }: { rows: NoShowRow[] | null }) {
  const state = useAppState();
  const { t } = state;
  const now = state.now.value;
  return (
    <section class="sup-card" data-testid="no-shows">
      <h2 class="sup-heading">{t('supBook.noShows.title')}</h2>
      <p class="sup-intro">{t('supBook.noShows.intro')}</p>
      {rows === null ? (
        <p class="sup-muted">{t('sup.loading')}</p>
      ) : rows.length === 0 ? (
        <p class="sup-muted">{t('supBook.noShows.none')}</p>
      ) : (
        <table class="sup-table book-table">
          <thead>
            <HeadRow columns={NO_SHOW_COLUMNS} />
          </thead>
          <tbody>
            {rows.map((r) => {
              const banned = r.bannedUntil !== null && r.bannedUntil > now;
              return (
                <tr key={r.phone} data-testid={`no-show-${r.phone}`}>
                  <td class="book-table__phone">{r.phone}</td>
                  <td>{r.name}</td>
                  <td class="num">{r.noShows}</td>
                  <td>
                    {formatTime(r.last)} {formatInstantDay(r.last)}
                  </td>
                  <td>
                    {banned ? (
                      <span class="state-badge state-badge--bad">{t('supBook.noShows.bannedUntil', { day: formatInstantDay(r.bannedUntil!) })}</span>
                    ) : (
                      <span class="sup-muted">{t('supBook.noShows.notBanned')}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The bookings of a period (all fields) as CSV or XLSX, from the hub with the session token. */
function ExportCard({ today, horizon }: { today: IsoDay; horizon: number }) {
  const { t, lang } = useAppState();
  const from = exportFrom.value ?? today;
  const to = exportTo.value ?? addDays(today, horizon);
  const downloading = useSignal<'csv' | 'xlsx' | null>(null);
  const error = useSignal<string | null>(null);
  const problem = !isIsoDay(from) || !isIsoDay(to) ? 'sup.report.badDate' : from > to ? 'sup.report.fromAfterTo' : daysBetween(from, to) > MAX_EXPORT_DAYS ? 'sup.report.tooLong' : null;

  const download = async (format: 'csv' | 'xlsx') => {
    if (downloading.value || problem) return;
    downloading.value = format;
    error.value = null;
    const query = new URLSearchParams({ from, to, format });
    const file = await fetchStaffFile(`/api/booking/export?${query}`, lang.value, `luot-bookings-${from}-${to}.${format}`);
    downloading.value = null;
    if (file.ok) saveBlob(file.blob, file.name);
    else error.value = file.message ?? t('sup.report.downloadFailed');
  };

  return (
    <section class="sup-card" data-testid="bookings-export">
      <h2 class="sup-heading">{t('supBook.export.title')}</h2>
      <p class="sup-intro">{t('supBook.export.intro')}</p>
      <div class="book-controls__row book-controls__row--start">
        <label class="inline-field">
          <span>{t('sup.report.from')}</span>
          <input type="date" class="date-input" value={from} data-testid="export-from" onInput={(e) => (exportFrom.value = e.currentTarget.value || null)} />
        </label>
        <label class="inline-field">
          <span>{t('sup.report.to')}</span>
          <input type="date" class="date-input" value={to} data-testid="export-to" onInput={(e) => (exportTo.value = e.currentTarget.value || null)} />
        </label>
        <button type="button" class="pad-button pad-button--small" disabled={!!downloading.value || !!problem} onClick={() => void download('csv')}>
          {t(downloading.value === 'csv' ? 'sup.report.downloading' : 'sup.report.csv')}
        </button>
        <button type="button" class="pad-button pad-button--small" disabled={!!downloading.value || !!problem} onClick={() => void download('xlsx')}>
          {t(downloading.value === 'xlsx' ? 'sup.report.downloading' : 'sup.report.xlsx')}
        </button>
      </div>
      {(problem || error.value) && (
        <p class="form-error book-export__problem" role="alert">
          {problem ? t(problem) : error.value}
        </p>
      )}
    </section>
  );
}
