import { signal } from '@preact/signals';
import type { DeviceCondition, DeviceKind } from '../../hardware/device-contract';
import type { MessageKey } from '../../server/i18n';
import type { CentreOverviewRow, ProvinceAccountView } from '../../server/protocol/province-protocol';
import { formatDay, formatTime, minutesBetween } from '../../server/ui/format';
import { CONDITION_LABELS, KIND_LABELS } from '../device-words';
import { lang, now, overview, overviewLoaded, t } from './province-state';

type SortKey = 'waiting' | 'longest' | 'name' | 'link';
const sortKey = signal<SortKey>('waiting');

const ALERT_LABELS: Record<string, MessageKey> = {
  'printer-paper': 'province.alert.printer-paper',
  'device-down': 'province.alert.device-down',
  'long-wait': 'province.alert.long-wait',
  'idle-counter': 'province.alert.idle-counter',
  'login-guessing': 'province.alert.login-guessing',
};

function compare(key: SortKey, at: number, l: 'vi' | 'en') {
  const byName = (a: CentreOverviewRow, b: CentreOverviewRow) => a.name[l].localeCompare(b.name[l], l);
  const wait = (r: CentreOverviewRow) => (r.longestWaitSince === null ? -1 : at - r.longestWaitSince);
  const link = (r: CentreOverviewRow) => (r.connected ? 2 : r.linked ? 0 : 1);
  return (a: CentreOverviewRow, b: CentreOverviewRow) => {
    if (key === 'waiting') return b.waiting - a.waiting || byName(a, b);
    if (key === 'longest') return wait(b) - wait(a) || byName(a, b);
    if (key === 'link') return link(a) - link(b) || byName(a, b);
    return byName(a, b);
  };
}

/** "09:12", with the date when it is not today. */
function when(ms: number, at: number): string {
  return formatDay(ms) === formatDay(at) ? formatTime(ms) : `${formatTime(ms)} ${formatDay(ms)}`;
}

/**
 * Every centre of the province, live: its link (connected or not, since when, what is still on its
 * way in each direction), who waits there, open counters, the longest wait, devices at fault and
 * the centre's alerts. A centre supervisor sees their own centre only (the province sends no other).
 */
export function ProvinceOverview({ account }: { account: ProvinceAccountView }) {
  const at = now.value;
  const l = lang.value;
  const rows = [...overview.value].sort(compare(sortKey.value, at, l));
  if (!overviewLoaded.value) return <p class="pv-muted">{t('province.loading')}</p>;
  const connected = rows.filter((r) => r.connected).length;
  const waiting = rows.reduce((n, r) => n + (r.connected ? r.waiting : 0), 0);
  const down = rows.filter((r) => !r.connected && r.linked);

  const head = (key: SortKey, label: MessageKey, className = '') => (
    <th scope="col" class={className} aria-sort={sortKey.value === key ? (key === 'name' || key === 'link' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" class={`pv-sort ${sortKey.value === key ? 'pv-sort--on' : ''}`} data-testid={`pv-sort-${key}`} onClick={() => (sortKey.value = key)}>
        {t(label)}
        <span aria-hidden="true">{sortKey.value === key ? (key === 'name' || key === 'link' ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );

  return (
    <div class="pv-overview">
      <p class="pv-summary" data-testid="pv-summary">
        {t('province.ov.summary', { centres: rows.length, connected, waiting })}
        {down.length > 0 && (
          <span class="pv-summary__down" data-testid="pv-summary-down">
            {' '}
            {t('province.ov.downCount', { count: down.length })}
          </span>
        )}
      </p>
      {account.role === 'centre-supervisor' && <p class="pv-muted">{t('province.ov.ownCentre')}</p>}
      {rows.length === 0 ? (
        <p class="pv-muted">{t('province.ov.none')}</p>
      ) : (
        <div class="pv-table-wrap">
          <table class="pv-table pv-ov-table" data-testid="pv-overview">
            <caption class="visually-hidden">{t('province.ov.caption')}</caption>
            <thead>
              <tr>
                {head('name', 'province.ov.centre')}
                {head('link', 'province.ov.link')}
                {head('waiting', 'province.ov.waiting', 'num')}
                <th scope="col" class="num">
                  {t('province.ov.counters')}
                </th>
                {head('longest', 'province.ov.longest', 'num')}
                <th scope="col">{t('province.ov.faults')}</th>
                <th scope="col">{t('province.ov.alerts')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <CentreRow key={row.id} row={row} at={at} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="pv-legend">{t('province.ov.lagLegend')}</p>
    </div>
  );
}

function CentreRow({ row, at }: { row: CentreOverviewRow; at: number }) {
  const l = lang.value;
  const state = row.connected ? 'up' : row.linked || row.lastContactAt !== null ? 'down' : 'never';
  const stale = !row.connected && row.stateAt !== null;
  const fields = row.fields.filter((f) => f.waiting > 0).sort((a, b) => b.waiting - a.waiting);
  // A centre out of touch: its figures are those of its last state, the longest wait then included.
  const longest = row.longestWaitSince === null ? null : minutesBetween(row.longestWaitSince, stale ? row.stateAt! : at);
  const alerts = Object.entries(row.alerts).filter(([, n]) => n > 0);
  const lagText = t('province.ov.lagFull', { to: row.lag.toCentre, from: row.lag.fromCentre ?? '—' });
  return (
    <tr class={`pv-ov-row pv-ov-row--${state} ${stale ? 'pv-ov-row--stale' : ''}`} data-testid={`pv-centre-${row.id}`} data-state={state}>
      <th scope="row" class="pv-ov-centre" data-label={t('province.ov.centre')}>
        <span class="pv-ov-centre__name">{row.name[l]}</span>
        <span class="pv-ov-centre__area">{row.area}</span>
      </th>
      <td data-label={t('province.ov.link')}>
        <span class={`pv-link pv-link--${state}`} data-testid="pv-link">
          <span class="pv-link__mark" aria-hidden="true">
            {state === 'up' ? '●' : state === 'down' ? '✕' : '○'}
          </span>
          {t(state === 'up' ? 'province.ov.connected' : state === 'down' ? 'province.ov.disconnected' : 'province.ov.neverLinked')}
        </span>
        {state === 'up' && row.connectedAt !== null && <span class="pv-ov-sub">{t('province.ov.since', { time: when(row.connectedAt, at) })}</span>}
        {state === 'down' && row.disconnectedSince !== null && (
          <span class="pv-ov-sub pv-ov-sub--bad" data-testid="pv-down-since">
            {t('province.ov.since', { time: when(row.disconnectedSince, at) })}
          </span>
        )}
        {state !== 'never' && (
          <span class="pv-ov-sub pv-lag" aria-label={lagText} title={lagText} data-testid="pv-lag">
            {t('province.ov.lag', { to: row.lag.toCentre, from: row.lag.fromCentre ?? '—' })}
          </span>
        )}
      </td>
      <td class="num" data-label={t('province.ov.waiting')}>
        <span class={`pv-ov-count ${stale ? 'pv-ov-count--stale' : ''}`} data-testid="pv-waiting">
          {row.stateAt === null ? '—' : row.waiting}
        </span>
        {fields.length > 0 && (
          <span class="pv-ov-fields">
            {fields.slice(0, 4).map((f) => (
              <span key={f.id} class="pv-ov-field">
                {`${f.name[l]} ${f.waiting}`}
              </span>
            ))}
          </span>
        )}
        {stale && <span class="pv-ov-sub">{t('province.ov.asOf', { time: when(row.stateAt!, at) })}</span>}
      </td>
      <td class="num" data-label={t('province.ov.counters')}>
        {row.counters ? t('province.ov.countersOpen', { open: row.counters.open, total: row.counters.total }) : '—'}
        {row.counters && row.counters.paused > 0 && <span class="pv-ov-sub">{t('province.ov.paused', { count: row.counters.paused })}</span>}
      </td>
      <td class="num" data-label={t('province.ov.longest')}>
        {longest === null ? '—' : <span class={longest >= 30 ? 'pv-ov-late' : ''}>{t('province.ov.minutes', { minutes: longest })}</span>}
      </td>
      <td data-label={t('province.ov.faults')}>
        {row.faults.length === 0 ? (
          <span class="pv-muted">{t('province.ov.noFaults')}</span>
        ) : (
          <ul class="pv-plain-list pv-ov-faults">
            {row.faults.map((f) => (
              <li key={f.deviceId}>
                <span class="pv-badge pv-badge--bad">{t(CONDITION_LABELS[f.condition as DeviceCondition] ?? 'province.ov.fault')}</span>{' '}
                {KIND_LABELS[f.kind as DeviceKind] ? t(KIND_LABELS[f.kind as DeviceKind]) : f.kind} <code>{f.deviceId}</code>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-label={t('province.ov.alerts')}>
        {alerts.length === 0 ? (
          <span class="pv-muted">{t('province.ov.noAlerts')}</span>
        ) : (
          <ul class="pv-plain-list">
            {alerts.map(([kind, n]) => (
              <li key={kind}>
                <span class="pv-badge pv-badge--warn">{n}</span> {ALERT_LABELS[kind] ? t(ALERT_LABELS[kind]) : kind}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
