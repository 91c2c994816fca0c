import type { ProvinceReportRow } from '../../server/protocol/province-protocol';
import { lang, t } from './province-state';

/**
 * The report's rows as horizontal bars, numbers taken and served side by side, in plain HTML and
 * CSS (it reflows to a phone, and reads as a list). The figures are in the table too.
 */
export function ReportBars({ rows }: { rows: ProvinceReportRow[] }) {
  const l = lang.value;
  const max = Math.max(1, ...rows.map((r) => r.tickets));
  const width = (n: number) => `${Math.max(n > 0 ? 0.5 : 0, (n / max) * 100).toFixed(2)}%`;
  return (
    <figure class="pv-bars" data-testid="pv-chart">
      <figcaption class="pv-bars__caption">
        {t('province.report.chart')}
        <span class="pv-bars__key">
          <span class="pv-bars__swatch pv-bars__swatch--tickets" aria-hidden="true" /> {t('report.taken')}
          <span class="pv-bars__swatch pv-bars__swatch--served" aria-hidden="true" /> {t('report.served')}
        </span>
      </figcaption>
      <ul class="pv-bars__list">
        {rows.map((r) => (
          <li key={r.key} class="pv-bars__row" data-key={r.key}>
            <span class="pv-bars__label">{r.label[l]}</span>
            <span class="pv-bars__track" role="img" aria-label={t('province.report.chartRow', { name: r.label[l], tickets: r.tickets, served: r.served })}>
              <span class="pv-bars__bar pv-bars__bar--tickets" style={{ width: width(r.tickets) }} data-value={r.tickets} />
              <span class="pv-bars__bar pv-bars__bar--served" style={{ width: width(r.served) }} data-value={r.served} />
            </span>
            <span class="pv-bars__value" aria-hidden="true">
              {`${r.tickets} / ${r.served}`}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
