import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { MessageKey } from '../server/i18n';
import type { LabelledReport, ReportFiguresView } from '../server/protocol/report-types';
import { useAppState } from '../server/ui/app-state';
import { formatDate, formatTime } from '../server/ui/format';
import { addDays, addMonths, centreDay, daysBetween, formatDay, isIsoDay, monthOf, weekOf, type IsoDay } from './dates';
import { fetchStaffFile, saveBlob } from './downloads';
import { HourChart } from './hour-chart';

type Period = 'day' | 'week' | 'month' | 'range';
type Grouping = LabelledReport['groupBy'];

const PERIODS: readonly { period: Period; label: MessageKey }[] = [
  { period: 'day', label: 'sup.report.day' },
  { period: 'week', label: 'sup.report.week' },
  { period: 'month', label: 'sup.report.month' },
  { period: 'range', label: 'sup.report.range' },
];

const GROUPINGS: readonly { groupBy: Grouping; label: MessageKey }[] = [
  { groupBy: 'service', label: 'report.by.service' },
  { groupBy: 'counter', label: 'report.by.counter' },
  { groupBy: 'officer', label: 'report.by.officer' },
  { groupBy: 'procedure', label: 'report.by.procedure' },
];

// The choices stay while the supervisor looks at other tabs.
const period = signal<Period>('day');
/** The day the period is around; null: today (the centre's, by the hub's clock). */
const anchor = signal<IsoDay | null>(null);
const rangeFrom = signal<IsoDay | null>(null);
const rangeTo = signal<IsoDay | null>(null);
const grouping = signal<Grouping>('service');

const MAX_RANGE_DAYS = 365;

function bounds(p: Period, day: IsoDay, today: IsoDay): { from: IsoDay; to: IsoDay } {
  if (p === 'week') return weekOf(day);
  if (p === 'month') return monthOf(day);
  if (p === 'range') return { from: rangeFrom.value ?? addDays(today, -6), to: rangeTo.value ?? today };
  return { from: day, to: day };
}

/**
 * Reports: a day, week, month or any range of days (in the centre's zone), grouped by service,
 * counter or officer; the figures in a table, tickets per hour in a bar chart, CSV and XLSX to
 * download, and a print layout on A4.
 */
export function ReportsScreen() {
  const state = useAppState();
  const { t, local, lang } = state;
  const today = centreDay(state.now.value);
  const day = anchor.value ?? today;
  const { from, to } = bounds(period.value, day, today);
  const groupBy = grouping.value;
  const rangeProblem = !isIsoDay(from) || !isIsoDay(to) ? 'sup.report.badDate' : from > to ? 'sup.report.fromAfterTo' : daysBetween(from, to) > MAX_RANGE_DAYS ? 'sup.report.tooLong' : null;

  const report = useSignal<LabelledReport | null>(null);
  const error = useSignal<string | null>(null);
  const loading = useSignal(false);
  const downloading = useSignal<'csv' | 'xlsx' | null>(null);
  const latest = useRef(0);

  const load = async () => {
    if (rangeProblem) return;
    const mine = ++latest.current;
    loading.value = true;
    const answer = await state.client.request('report:get', { from, to, groupBy });
    if (mine !== latest.current) return; // a newer choice was made meanwhile
    loading.value = false;
    if (answer.ok) {
      report.value = answer.data;
      error.value = null;
    } else error.value = answer.message;
  };
  useEffect(() => {
    void load();
  }, [from, to, groupBy, rangeProblem]);

  const download = async (format: 'csv' | 'xlsx') => {
    if (downloading.value || rangeProblem) return;
    downloading.value = format;
    const query = new URLSearchParams({ from, to, groupBy, format });
    const file = await fetchStaffFile(`/api/reports?${query}`, lang.value, `luot-${groupBy}-${from}-${to}.${format}`);
    downloading.value = null;
    if (file.ok) saveBlob(file.blob, file.name);
    else error.value = file.message ?? t('sup.report.downloadFailed');
  };

  const shift = (direction: -1 | 1) => {
    if (period.value === 'month') anchor.value = addMonths(day, direction);
    else anchor.value = addDays(day, direction * (period.value === 'week' ? 7 : 1));
  };

  const shown = report.value && report.value.from === from && report.value.to === to && report.value.groupBy === groupBy ? report.value : null;
  const periodText = describePeriod(period.value, from, to, t);
  const publicView = state.publicView.value?.view ?? null;
  const label = (key: string, data: LabelledReport): string => {
    if (key === 'total') return t('report.total');
    if (data.groupBy === 'service') return local(publicView?.services.find((s) => s.id === key)?.name) || data.labels[key] || key;
    if (data.groupBy === 'counter') {
      const number = state.staffView.value?.view.counters.find((c) => c.id === key)?.number;
      return number !== undefined ? t('counter.counterN', { number }) : (data.labels[key] ?? key);
    }
    return data.labels[key] ?? key;
  };

  return (
    <div class="reports">
      <section class="sup-card report-controls no-print" aria-label={t('sup.report.choose')}>
        <div class="report-controls__row">
          <div class="seg" role="group" aria-label={t('sup.report.period')}>
            {PERIODS.map((p) => (
              <button
                key={p.period}
                type="button"
                class={`seg__item ${period.value === p.period ? 'seg__item--on' : ''}`}
                aria-pressed={period.value === p.period}
                onClick={() => (period.value = p.period)}
              >
                {t(p.label)}
              </button>
            ))}
          </div>
          {period.value === 'range' ? (
            <div class="report-controls__dates">
              <label class="inline-field">
                <span>{t('sup.report.from')}</span>
                <input type="date" class="date-input" value={from} max={today} onInput={(e) => (rangeFrom.value = e.currentTarget.value || null)} />
              </label>
              <label class="inline-field">
                <span>{t('sup.report.to')}</span>
                <input type="date" class="date-input" value={to} onInput={(e) => (rangeTo.value = e.currentTarget.value || null)} />
              </label>
            </div>
          ) : (
            <div class="report-controls__dates">
              <button type="button" class="pad-button pad-button--small step-button" aria-label={t('sup.report.previous')} onClick={() => shift(-1)}>
                ‹
              </button>
              <label class="inline-field">
                <span class="visually-hidden">{t('sup.report.dayIn')}</span>
                <input
                  type="date"
                  class="date-input"
                  data-testid="report-day"
                  value={day}
                  onInput={(e) => (anchor.value = isIsoDay(e.currentTarget.value) ? e.currentTarget.value : null)}
                />
              </label>
              <button type="button" class="pad-button pad-button--small step-button" aria-label={t('sup.report.next')} onClick={() => shift(1)}>
                ›
              </button>
              {day !== today && (
                <button type="button" class="pad-button pad-button--small pad-button--quiet" onClick={() => (anchor.value = null)}>
                  {t('sup.report.today')}
                </button>
              )}
            </div>
          )}
        </div>
        <div class="report-controls__row">
          <div class="seg" role="group" aria-label={t('sup.report.groupBy')}>
            <span class="seg__label">{t('sup.report.groupBy')}</span>
            {GROUPINGS.map((g) => (
              <button
                key={g.groupBy}
                type="button"
                class={`seg__item ${groupBy === g.groupBy ? 'seg__item--on' : ''}`}
                aria-pressed={groupBy === g.groupBy}
                onClick={() => (grouping.value = g.groupBy)}
              >
                {t(g.label)}
              </button>
            ))}
          </div>
          <div class="report-controls__actions">
            <button type="button" class="pad-button pad-button--small" disabled={!!downloading.value || !!rangeProblem} onClick={() => void download('csv')}>
              {t(downloading.value === 'csv' ? 'sup.report.downloading' : 'sup.report.csv')}
            </button>
            <button type="button" class="pad-button pad-button--small" disabled={!!downloading.value || !!rangeProblem} onClick={() => void download('xlsx')}>
              {t(downloading.value === 'xlsx' ? 'sup.report.downloading' : 'sup.report.xlsx')}
            </button>
            <button type="button" class="pad-button pad-button--small pad-button--primary" disabled={!shown} onClick={() => window.print()}>
              {t('sup.report.print')}
            </button>
          </div>
        </div>
      </section>

      <div class="print-only report-print-head">
        {publicView?.centre.authority && <div class="report-print-head__authority">{local(publicView.centre.authority)}</div>}
        <div class="report-print-head__centre">{local(publicView?.centre.name)}</div>
        <h1 class="report-print-head__title">{t('sup.report.printTitle')}</h1>
        <div>
          {t('sup.report.period')}: {periodText} · {t('sup.report.groupBy')} {t(GROUPINGS.find((g) => g.groupBy === groupBy)!.label).toLowerCase()}
        </div>
        <div class="report-print-head__printed">
          {t('sup.report.printedAt', { time: formatTime(state.now.value), date: formatDate(state.now.value, t) })}
        </div>
      </div>

      {rangeProblem && (
        <p class="form-error no-print" role="alert">
          {t(rangeProblem)}
        </p>
      )}
      {error.value && !rangeProblem && (
        <div class="pad-message no-print" role="alert">
          <span>{error.value}</span>
          <button type="button" class="pad-button pad-button--small" onClick={() => void load()}>
            {t('counter.retry')}
          </button>
        </div>
      )}

      <section class="sup-card report-figures" data-testid="report">
        <div class="sup-card__head">
          <h2 class="sup-heading">
            {t('sup.report.heading')} <span class="report-figures__period">{periodText}</span>
          </h2>
          {loading.value && <span class="sup-muted no-print">{t('sup.loading')}</span>}
        </div>
        {!shown ? (
          <p class="sup-muted">{loading.value ? t('sup.loading') : ''}</p>
        ) : shown.rows.length === 0 ? (
          <p class="sup-muted" data-testid="report-empty">
            {t('sup.report.empty')}
          </p>
        ) : (
          <ReportTable report={shown} label={(key) => label(key, shown)} />
        )}
      </section>

      {shown?.bookings && <BookingFigures figures={shown.bookings} />}

      {shown && shown.rows.length > 0 && (
        <section class="sup-card report-chart">
          <h2 class="sup-heading">{t('sup.report.chart')}</h2>
          <HourChart counts={shown.busiestHours} />
        </section>
      )}
    </div>
  );
}

/** Booked against walk-in visitors, and what became of the period's bookings. */
function BookingFigures({ figures }: { figures: NonNullable<LabelledReport['bookings']> }) {
  const { t, lang } = useAppState();
  const locale = lang.value === 'vi' ? 'vi-VN' : 'en-GB';
  const number = (n: number | null) => (n === null ? '–' : new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(n));
  const percent = (n: number | null) => (n === null ? '–' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(n));
  const rows: [MessageKey, string][] = [
    ['report.bookedTickets', number(figures.bookedTickets)],
    ['report.walkInTickets', number(figures.walkInTickets)],
    ['report.bookingsExpected', number(figures.expected)],
    ['report.checkInRate', percent(figures.checkInRate)],
    ['report.noShowRate', percent(figures.noShowRate)],
    ['report.bookingsCancelledByCitizen', number(figures.cancelledByCitizen)],
    ['report.bookingsCancelledByCentre', number(figures.cancelledByCentre)],
    ['report.bookedWaitAverage', number(figures.bookedWaitAverageMinutes)],
    ['report.walkInWaitAverage', number(figures.walkInWaitAverageMinutes)],
    ['report.bookedWaitP90', number(figures.bookedWaitP90Minutes)],
    ['report.walkInWaitP90', number(figures.walkInWaitP90Minutes)],
  ];
  return (
    <section class="sup-card" data-testid="report-bookings">
      <h2 class="sup-heading">{t('report.bookings')}</h2>
      <dl class="report-bookings">
        {rows.map(([key, value]) => (
          <div key={key}>
            <dt>{t(key)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function ReportTable({ report, label }: { report: LabelledReport; label: (key: string) => string }) {
  const { t, lang } = useAppState();
  const numbers = new Intl.NumberFormat(lang.value === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 });
  const n = (value: number | null) => (value === null ? '—' : numbers.format(value));
  const row = (r: ReportFiguresView, total: boolean) => (
    <tr key={r.key} class={total ? 'report-table__total' : ''} data-testid={`report-row-${r.key}`}>
      <th scope="row">{label(r.key)}</th>
      <td>{n(r.tickets)}</td>
      <td>{n(r.served)}</td>
      <td>{n(r.noShows)}</td>
      <td>{n(r.transfers)}</td>
      <td>{n(r.waitAverageMinutes)}</td>
      <td>{n(r.waitP90Minutes)}</td>
      <td>{n(r.serviceAverageMinutes)}</td>
      <td>{n(r.serviceP90Minutes)}</td>
      <td>{n(r.estimateErrorMinutes)}</td>
      <td data-testid="rating-very-good">{n(r.ratings.veryGood)}</td>
      <td data-testid="rating-good">{n(r.ratings.good)}</td>
      <td data-testid="rating-poor">{n(r.ratings.poor)}</td>
    </tr>
  );
  return (
    <div class="report-table__wrap">
      <table class="report-table" data-testid="report-table">
        <thead>
          <tr>
            <th scope="col" rowSpan={2} class="report-table__name">
              {t(`report.by.${report.groupBy}`)}
            </th>
            <th scope="col" rowSpan={2}>
              {t(report.groupBy === 'service' || report.groupBy === 'procedure' ? 'report.taken' : 'report.called')}
            </th>
            <th scope="col" rowSpan={2}>
              {t('report.served')}
            </th>
            <th scope="col" rowSpan={2}>
              {t('report.noShows')}
            </th>
            <th scope="col" rowSpan={2}>
              {t('report.transfers')}
            </th>
            <th scope="colgroup" colSpan={2}>
              {t('sup.report.wait')}
            </th>
            <th scope="colgroup" colSpan={2}>
              {t('sup.report.service')}
            </th>
            <th scope="col" rowSpan={2}>
              {t('report.estimateError')}
            </th>
            <th scope="colgroup" colSpan={3}>
              {t('sup.report.ratings')}
            </th>
          </tr>
          <tr>
            <th scope="col">{t('sup.report.average')}</th>
            <th scope="col">{t('sup.report.p90')}</th>
            <th scope="col">{t('sup.report.average')}</th>
            <th scope="col">{t('sup.report.p90')}</th>
            <th scope="col">{t('report.veryGood')}</th>
            <th scope="col">{t('report.good')}</th>
            <th scope="col">{t('report.poor')}</th>
          </tr>
        </thead>
        <tbody>{report.rows.map((r) => row(r, false))}</tbody>
        <tfoot>{row(report.total, true)}</tfoot>
      </table>
    </div>
  );
}

function describePeriod(p: Period, from: IsoDay, to: IsoDay, t: ReturnType<typeof useAppState>['t']): string {
  if (p === 'day' || from === to) return t('sup.report.periodDay', { date: formatDay(from) });
  if (p === 'month') {
    const [year, month] = from.split('-');
    return t('sup.report.periodMonth', { month: month!, year: year! });
  }
  if (p === 'week') return t('sup.report.periodWeek', { from: formatDay(from), to: formatDay(to) });
  return t('sup.report.periodRange', { from: formatDay(from), to: formatDay(to) });
}
