import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { MessageKey } from '../../server/i18n';
import type { AuditPage, AuditRowView, ProvinceAccountView } from '../../server/protocol/province-protocol';
import { formatDay, formatTime } from '../../server/ui/format';
import { api, lang, overview, t } from './province-state';

/** The audit log's actions in words; an action not listed here is shown as it is stored. */
const ACTIONS: Record<string, MessageKey> = {
  'centre.added': 'province.audit.action.centre.added',
  'centre.token-issued': 'province.audit.action.centre.token-issued',
  'centre.token-revoked': 'province.audit.action.centre.token-revoked',
  'account.added': 'province.audit.action.account.added',
  'account.password-set': 'province.audit.action.account.password-set',
  'account.disabled': 'province.audit.action.account.disabled',
  'session.login': 'province.audit.action.session.login',
  'session.login-failed': 'province.audit.action.session.login-failed',
  'session.logout': 'province.audit.action.session.logout',
  'link.hello': 'province.audit.action.link.hello',
  'link.check-in-unknown': 'province.audit.action.link.check-in-unknown',
  'link.message-unknown': 'province.audit.action.link.message-unknown',
  'link.message-rejected': 'province.audit.action.link.message-rejected',
  'booking.check-in-over-cancellation': 'province.audit.action.booking.check-in-over-cancellation',
};

/** Filters by kind: a prefix ("centre.") or one action. */
const FILTERS: readonly { value: string; label: MessageKey }[] = [
  { value: '', label: 'province.audit.all' },
  { value: 'centre.', label: 'province.audit.kind.centre' },
  { value: 'account.', label: 'province.audit.kind.account' },
  { value: 'session.', label: 'province.audit.kind.session' },
  { value: 'link.', label: 'province.audit.kind.link' },
  { value: 'booking.', label: 'province.audit.kind.booking' },
];

/** The province's audit log, newest first, a page at a time; by centre and by kind of action. */
export function AuditScreen({ account }: { account: ProvinceAccountView }) {
  const entries = useSignal<AuditRowView[] | null>(null);
  const next = useSignal<number | null>(null);
  const error = useSignal<string | null>(null);
  const centre = useSignal('');
  const action = useSignal('');
  const loading = useSignal(false);

  const load = async (more: boolean) => {
    loading.value = true;
    const query = new URLSearchParams({ limit: '50' });
    if (more && next.value !== null) query.set('before', String(next.value));
    if (centre.value) query.set('centre', centre.value);
    if (action.value) query.set('action', action.value);
    const answer = await api<AuditPage>('GET', `/audit?${query}`);
    loading.value = false;
    if (!answer.ok) {
      error.value = answer.message ?? t(`error.${answer.error}`);
      return;
    }
    error.value = null;
    entries.value = more ? [...(entries.value ?? []), ...answer.data.entries] : answer.data.entries;
    next.value = answer.data.next;
  };
  useEffect(() => void load(false), [centre.value, action.value]);
  const centres = [...overview.value].sort((a, b) => a.name[lang.value].localeCompare(b.name[lang.value], lang.value));
  const centreName = (id: string | null) => (id === null ? '' : (overview.value.find((c) => c.id === id)?.name[lang.value] ?? id));

  return (
    <section class="pv-card pv-audit">
      <div class="pv-card__head">
        <h2 class="pv-heading">{t('province.audit.title')}</h2>
        <div class="pv-controls-row">
          {account.role !== 'centre-supervisor' && (
            <label class="pv-inline-field">
              <span>{t('province.report.centre')}</span>
              <select value={centre.value} onChange={(e) => (centre.value = e.currentTarget.value)}>
                <option value="">{t('province.report.allCentres')}</option>
                {centres.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name[lang.value]}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label class="pv-inline-field">
            <span>{t('province.audit.kind')}</span>
            <select value={action.value} data-testid="pv-audit-kind" onChange={(e) => (action.value = e.currentTarget.value)}>
              {FILTERS.map((f) => (
                <option key={f.value} value={f.value}>
                  {t(f.label)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="pv-button pv-button--small" disabled={loading.value} onClick={() => void load(false)}>
            {t('province.refresh')}
          </button>
        </div>
      </div>
      {error.value && (
        <p class="pv-error" role="alert">
          {error.value}
        </p>
      )}
      {entries.value === null ? (
        <p class="pv-muted">{t('province.loading')}</p>
      ) : entries.value.length === 0 ? (
        <p class="pv-muted">{t('province.audit.none')}</p>
      ) : (
        <div class="pv-table-wrap">
          <table class="pv-table" data-testid="pv-audit">
            <thead>
              <tr>
                <th scope="col">{t('province.audit.when')}</th>
                <th scope="col">{t('province.audit.who')}</th>
                <th scope="col">{t('province.audit.what')}</th>
                <th scope="col">{t('province.audit.centre')}</th>
                <th scope="col">{t('province.audit.details')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.value.map((e) => (
                <tr key={e.id} data-testid="pv-audit-entry" data-action={e.action}>
                  <td data-label={t('province.audit.when')}>
                    {formatTime(e.at)} <span class="pv-muted">{formatDay(e.at)}</span>
                  </td>
                  <td data-label={t('province.audit.who')}>
                    <code>{e.actor}</code>
                  </td>
                  <td data-label={t('province.audit.what')}>{ACTIONS[e.action] ? t(ACTIONS[e.action]!) : e.action}</td>
                  <td data-label={t('province.audit.centre')}>{centreName(e.centreId)}</td>
                  <td data-label={t('province.audit.details')} class="pv-audit__details">
                    {Object.keys(e.details).length === 0 ? '' : detailsText(e.details)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next.value !== null && (
        <button type="button" class="pv-button pv-audit__more" disabled={loading.value} onClick={() => void load(true)}>
          {t('province.audit.more')}
        </button>
      )}
    </section>
  );
}

function detailsText(details: Record<string, unknown>): string {
  const text = Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
  return text.length > 200 ? `${text.slice(0, 197)}…` : text;
}
