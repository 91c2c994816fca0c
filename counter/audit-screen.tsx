import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { MessageKey } from '../server/i18n';
import type { AuditEntry } from '../server/protocol/config-types';
import { useAppState } from '../server/ui/app-state';
import { formatTime, localParts } from '../server/ui/format';
import { loaded } from './config-model';

const ACTIONS: Record<string, MessageKey> = {
  'config.replace': 'sup.audit.action.replace',
  'officer.password': 'sup.audit.action.password',
  'session.ended': 'sup.audit.action.sessionEnded',
  'apikey.issued': 'sup.audit.action.apikeyIssued',
  'apikey.revoked': 'sup.audit.action.apikeyRevoked',
  'bridge.token-issued': 'sup.audit.action.bridgeIssued',
  'bridge.token-revoked': 'sup.audit.action.bridgeRevoked',
  'pairing.kiosk-issued': 'sup.audit.action.kioskPaired',
  'pairing.kiosk-revoked': 'sup.audit.action.kioskUnpaired',
  'pairing.rating-issued': 'sup.audit.action.ratingPaired',
  'pairing.rating-revoked': 'sup.audit.action.ratingUnpaired',
};

const LIMIT = 200;

/** The audit trail of configuration changes: who, when, what, and each field before -> after. */
export function AuditScreen() {
  const state = useAppState();
  const { t } = state;
  const entries = useSignal<AuditEntry[] | null>(null);
  const error = useSignal<string | null>(null);
  const loading = useSignal(false);

  const load = async () => {
    loading.value = true;
    const answer = await state.client.request('audit:list', { limit: LIMIT });
    loading.value = false;
    if (answer.ok) {
      entries.value = answer.data;
      error.value = null;
    } else error.value = answer.message;
  };
  useEffect(() => void load(), []);

  // Officers' names from the configuration when it has been loaded; else the staff view's.
  const names = new Map<string, string>();
  for (const c of state.staffView.value?.view.counters ?? []) if (c.officer) names.set(c.officer.id, c.officer.name);
  for (const o of loaded.value?.config.officers ?? []) names.set(o.id, o.name);

  return (
    <div class="audit">
      <section class="sup-card">
        <div class="sup-card__head">
          <h2 class="sup-heading">{t('sup.audit.title')}</h2>
          <button type="button" class="pad-button pad-button--small" disabled={loading.value} onClick={() => void load()}>
            {t('sup.refresh')}
          </button>
        </div>
        {error.value && (
          <p class="form-error" role="alert">
            {error.value}
          </p>
        )}
        {entries.value === null ? (
          <p class="sup-muted">{t('sup.loading')}</p>
        ) : entries.value.length === 0 ? (
          <p class="sup-muted">{t('sup.audit.none')}</p>
        ) : (
          <table class="sup-table audit-table" data-testid="audit">
            <thead>
              <tr>
                <th scope="col">{t('sup.audit.when')}</th>
                <th scope="col">{t('sup.audit.who')}</th>
                <th scope="col">{t('sup.audit.action')}</th>
                <th scope="col">{t('sup.audit.changes')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.value.map((entry, i) => {
                const p = localParts(entry.at);
                const action = ACTIONS[entry.action];
                return (
                  <tr key={`${entry.at}-${i}`} data-testid="audit-entry">
                    <td class="audit-table__when">
                      <div>{formatTime(entry.at)}</div>
                      <div class="sup-muted">{`${p.day}/${p.month}/${p.year}`}</div>
                    </td>
                    <td>
                      <div>{names.get(entry.by) ?? entry.by}</div>
                      <div class="sup-muted">{entry.by}</div>
                    </td>
                    <td>{action ? t(action) : entry.action}</td>
                    <td>
                      <ul class="audit-changes">
                        {entry.changes.map((change, j) => (
                          <li key={j}>
                            <code class="audit-changes__path">{change.path}</code>
                            <span class="audit-changes__values">
                              <span class="audit-changes__before">{valueText(change.before, t)}</span>
                              <span class="audit-changes__arrow" title={t('sup.audit.to')}>
                                {' → '}
                              </span>
                              <span class="audit-changes__after">{valueText(change.after, t)}</span>
                            </span>
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function valueText(value: unknown, t: ReturnType<typeof useAppState>['t']): string {
  if (value === null || value === undefined) return t('sup.audit.empty');
  const text = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
