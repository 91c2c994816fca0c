import { useAppState } from '../server/ui/app-state';

const WIDTH = 960;
const HEIGHT = 280;
const LEFT = 48;
const RIGHT = 12;
const TOP = 26;
const BOTTOM = 34;

/** A round step for about four grid lines: 1, 2, 5, 10, 20, 50, ... */
function niceStep(max: number): number {
  const rough = Math.max(1, max / 4);
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const m of [1, 2, 5, 10]) if (m * power >= rough) return m * power;
  return 10 * power;
}

/**
 * Tickets per hour of the day as bars, drawn in plain SVG (it scales to the screen and to paper).
 * Office hours are always shown; hours outside them only when someone came then.
 */
export function HourChart({ counts }: { counts: number[] }) {
  const { t } = useAppState();
  const used = counts.flatMap((n, hour) => (n > 0 ? [hour] : []));
  const first = Math.min(7, ...used);
  const last = Math.max(17, ...used);
  const hours = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const max = Math.max(1, ...counts);
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = plotW / hours.length;
  const barW = Math.min(48, slot * 0.68);
  const y = (value: number) => TOP + plotH - (value / top) * plotH;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const summary = hours
    .filter((h) => (counts[h] ?? 0) > 0)
    .map((h) => t('sup.report.chartHour', { hour: h, count: counts[h] ?? 0 }))
    .join(', ');

  return (
    <svg
      class="hour-chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`${t('sup.report.chart')}: ${summary || t('sup.report.empty')}`}
      data-testid="hour-chart"
    >
      {ticks.map((value) => (
        <g key={value}>
          <line class="hour-chart__grid" x1={LEFT} x2={WIDTH - RIGHT} y1={y(value)} y2={y(value)} />
          <text class="hour-chart__axis" x={LEFT - 8} y={y(value) + 5} text-anchor="end">
            {value}
          </text>
        </g>
      ))}
      {hours.map((hour, i) => {
        const value = counts[hour] ?? 0;
        const x = LEFT + i * slot + (slot - barW) / 2;
        return (
          <g key={hour}>
            {value > 0 && (
              <>
                <rect class="hour-chart__bar" x={x} y={y(value)} width={barW} height={TOP + plotH - y(value)} rx={3} data-hour={hour} data-count={value} />
                <text class="hour-chart__value" x={x + barW / 2} y={y(value) - 6} text-anchor="middle">
                  {value}
                </text>
              </>
            )}
            <text class="hour-chart__axis" x={LEFT + i * slot + slot / 2} y={HEIGHT - BOTTOM + 22} text-anchor="middle">
              {`${hour}h`}
            </text>
          </g>
        );
      })}
      <line class="hour-chart__base" x1={LEFT} x2={WIDTH - RIGHT} y1={TOP + plotH} y2={TOP + plotH} />
    </svg>
  );
}
