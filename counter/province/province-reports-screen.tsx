import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { MessageKey } from '../../server/i18n';
import { MAX_PROVINCE_REPORT_DAYS, type ProvinceAccountView, type ProvinceReport, type ProvinceReportGrouping, type ProvinceReportRow } from '../../server/protocol/province-protocol';
import { addMonths, centreDay, daysBetween, formatDay, isIsoDay, monthOf } from '../dates';
import { ReportBars } from './bar-chart';
import { api, download, lang, now, overview, t } from './province-state';

const GROUPINGS: readonly { groupBy: ProvinceReportGrouping; label: MessageKey }[] = [
  { groupBy: 'centre', label: 'province.report.by.centre' },
  { groupBy: 'field', label: 'province.report.by.field' },
  { groupBy: 'month', label: 'province.report.by.month' },
];

type Preset = 'thisMonth' | 'lastMonth' | 'thisYear' | 'last12';
const PRESETS: readonly { preset: Preset; label: MessageKey }[] = [
  { preset: 'thisMonth', label: 'province.report.thisMonth' },
  { preset: 'lastMonth', label: 'province.report.lastMonth' },
  { preset: 'thisYear', label: 'province.report.thisYear' },
  { preset: 'last12', label: 'province.report.last12' },
];

function presetRange(preset: Preset, today: string): { from: string; to: string } {
  if (preset === 'thisMonth') return { from: monthOf(today).from, to: today };
  if (preset === 'lastMonth') return monthOf(addMonths(today, -1));
  if (preset === 'thisYear') return { from: `${today.slice(0, 4)}-01-01`, to: today };
  return { from: monthOf(addMonths(today, -11)).from, to: today };
}

// The choices stay while the supervisor looks at other tabs.
const range = signal<{ from: string; to: string } | null>(null);
const grouping = signal<ProvinceReportGrouping>('centre');
const centreFilter = signal<string>('');

/**
 * Reports across centres from the days they closed: a period, grouped by centre, field or month,
 * one centre or all; the figures in a table and as bars, CSV and XLSX to download. Averages are
 * the centres' own averages weighted by the number served (said under the table).
 */
export function ProvinceReportsScreen({ account }: { account: ProvinceAccountView }) {
  const today = centreDay(now.value);
  const { from, to } = range.value ?? presetRange('thisMonth', today);
  const groupBy = grouping.value;
  const centre = account.role === 'centre-supervisor' ? account.centreId! : centreFilter.value;
  const problem: MessageKey | null = !isIsoDay(from) || !isIsoDay(to) ? 'province.report.badDate' : from > to ? 'province.report.fromAfterTo' : daysBetween(from, to) >= MAX_PROVINCE_REPORT_DAYS ? 'province.report.tooLong' : null;
  const report = useSignal<ProvinceReport | null>(null);
  const error = useSignal<string | null>(null);
  const loading = useSignal(false);
  const downloading = useSignal<'csv' | 'xlsx' | null>(null);
  const latest = useRef(0);
  const query = () => new URLSearchParams({ from, to, groupBy, ...(centre ? { centre } : {}) });

  useEffect(() => {
    if (problem) return;
    const mine = ++latest.current;
    loading.value = true;
    void api<ProvinceReport>('GET', `/reports?${query()}`).then((answer) => {
      if (mine !== latest.current) return;
      loading.value = false;
      if (answer.ok) {
        report.value = answer.data;
        error.value = null;
      } else error.value = answer.message ?? t(`error.${answer.error}`);
    });
  }, [from, to, groupBy, centre, problem]);

  const save = async (format: 'csv' | 'xlsx') => {
    if (downloading.value || problem) return;
    downloading.value = format;
    const failed = await download(`/reports?${query()}&format=${format}&lang=${lang.value}`, `luot-tinh-${groupBy}-${from}-${to}.${format}`);
    downloading.value = null;
    if (failed) error.value = failed;
  };

  const shown = report.value;
  const centres = [...overview.value].sort((a, b) => a.name[lang.value].localeCompare(b.name[lang.value], lang.value));
  return (
    <div class="pv-reports">
      <section class="pv-card pv-report-controls" aria-label={t('province.report.choose')}>
        <div class="pv-controls-row">
          <div class="pv-seg" role="group" aria-label={t('province.report.period')}>
            {PRESETS.map((p) => {
              const r = presetRange(p.preset, today);
              const on = r.from === from && r.to === to;
              return (
                <button key={p.preset} type="button" class={`pv-seg__item ${on ? 'pv-seg__item--on' : ''}`} aria-pressed={on} onClick={() => (range.value = r)}>
                  {t(p.label)}
                </button>
              );
            })}
          </div>
          <label class="pv-inline-field">
            <span>{t('province.report.from')}</span>
            <input type="date" value={from} max={today} data-testid="pv-report-from" onInput={(e) => (range.value = { from: e.currentTarget.value, to })} />
          </label>
          <label class="pv-inline-field">
            <span>{t('province.report.to')}</span>
            <input type="date" value={to} data-testid="pv-report-to" onInput={(e) => (range.value = { from, to: e.currentTarget.value })} />
          </label>
        </div>
        <div class="pv-controls-row">
          <div class="pv-seg" role="group" aria-label={t('province.report.groupBy')}>
            <span class="pv-seg__label">{t('province.report.groupBy')}</span>
            {GROUPINGS.map((g) => (
              <button
                key={g.groupBy}
                type="button"
                class={`pv-seg__item ${groupBy === g.groupBy ? 'pv-seg__item--on' : ''}`}
                aria-pressed={groupBy === g.groupBy}
                data-testid={`pv-group-${g.groupBy}`}
                onClick={() => (grouping.value = g.groupBy)}
              >
                {t(g.label)}
              </button>
            ))}
          </div>
          {account.role !== 'centre-supervisor' && (
            <label class="pv-inline-field">
              <span>{t('province.report.centre')}</span>
              <select value={centreFilter.value} onChange={(e) => (centreFilter.value = e.currentTarget.value)}>
                <option value="">{t('province.report.allCentres')}</option>
                {centres.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name[lang.value]}
                  </option>
                ))}
              </select>
            </label>
          )}
          <div class="pv-controls-actions">
            <button type="button" class="pv-button" disabled={!!downloading.value || !!problem} onClick={() => void save('csv')}>
              {t(downloading.value === 'csv' ? 'province.report.downloading' : 'province.report.csv')}
            </button>
            <button type="button" class="pv-button" disabled={!!downloading.value || !!problem} onClick={() => void save('xlsx')}>
              {t(downloading.value === 'xlsx' ? 'province.report.downloading' : 'province.report.xlsx')}
            </button>
          </div>
        </div>
        {problem && (
          <p class="pv-error" role="alert">
            {t(problem, { days: MAX_PROVINCE_REPORT_DAYS })}
          </p>
        )}
      </section>

      {error.value && (
        <p class="pv-error" role="alert">
          {error.value}
        </p>
      )}
      <section class="pv-card" aria-busy={loading.value}>
        <h2 class="pv-heading">
          {t('province.report.heading', { from: formatDay(from), to: formatDay(to) })}
        </h2>
        {!shown ? (
          <p class="pv-muted">{t('province.loading')}</p>
        ) : shown.rows.length === 0 ? (
          <p class="pv-muted" data-testid="pv-report-empty">
            {t('province.report.empty')}
          </p>
        ) : (
          <>
            <ReportTable report={shown} />
            <p class="pv-note" data-testid="pv-weighted-note">
              {t('province.report.weightedNote')}
            </p>
            <ReportBars rows={shown.rows} />
          </>
        )}
      </section>
    </div>
  );
}

function ReportTable({ report }: { report: ProvinceReport }) {
  const l = lang.value;
  const minutes = (v: number | null) => (v === null ? '—' : v.toLocaleString(l === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 }));
  const line = (r: ProvinceReportRow, total = false) => (
    <tr key={r.key} class={total ? 'pv-report-total' : ''} data-testid={total ? 'pv-report-total' : `pv-report-row-${r.key}`}>
      <th scope="row" data-label={t(GROUPINGS.find((g) => g.groupBy === report.groupBy)!.label)}>
        {r.label[l]}
      </th>
      <td class="num" data-label={t('province.report.days')}>{r.days}</td>
      <td class="num" data-label={t('report.taken')}>{r.tickets}</td>
      <td class="num" data-label={t('report.served')}>{r.served}</td>
      <td class="num" data-label={t('report.noShows')}>{r.noShows}</td>
      <td class="num" data-label={t('report.transfers')}>{r.transfers}</td>
      <td class="num" data-label={t('report.cancelled')}>{r.cancelled}</td>
      <td class="num" data-label={`${t('province.report.waitWeightedShort')}*`}>{minutes(r.waitAverageMinutes)}</td>
      <td class="num" data-label={`${t('province.report.serviceWeightedShort')}*`}>{minutes(r.serviceAverageMinutes)}</td>
      <td class="num" data-label={t('province.report.ratings')}>{`${r.ratings.veryGood} / ${r.ratings.good} / ${r.ratings.poor}`}</td>
    </tr>
  );
  return (
    <div class="pv-table-wrap">
      <table class="pv-table pv-report-table" data-testid="pv-report">
        <thead>
          <tr>
            <th scope="col">{t(GROUPINGS.find((g) => g.groupBy === report.groupBy)!.label)}</th>
            <th scope="col" class="num">{t('province.report.days')}</th>
            <th scope="col" class="num">{t('report.taken')}</th>
            <th scope="col" class="num">{t('report.served')}</th>
            <th scope="col" class="num">{t('report.noShows')}</th>
            <th scope="col" class="num">{t('report.transfers')}</th>
            <th scope="col" class="num">{t('report.cancelled')}</th>
            <th scope="col" class="num">{t('province.report.waitWeightedShort')}*</th>
            <th scope="col" class="num">{t('province.report.serviceWeightedShort')}*</th>
            <th scope="col" class="num">{t('province.report.ratings')}</th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r) => line(r))}
          {line(report.total, true)}
        </tbody>
      </table>
    </div>
  );
}
