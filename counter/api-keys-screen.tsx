import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { CredentialView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { Modal } from '../server/ui/components';
import { formatTime } from '../server/ui/format';
import { ConfirmDialog, copyText } from './devices-screen';
import { API_SCOPES, momentText, officerNames, scopeText, type ApiScope } from './security-words';

const INTEGRATION_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

type Translate = ReturnType<typeof useAppState>['t'];
/** What was done here this session, newest first; worded when shown (it follows the language). */
const history = signal<{ at: number; text: (t: Translate) => string; ok: boolean }[]>([]);

/**
 * API keys for other systems: the one-stop software pushes dossiers with one, another system may
 * take numbers and list the day's tickets with one. The supervisor types the system's id, chooses
 * what its key may do, issues it (shown once, with a copy button) or revokes it; the keys issued
 * are listed with what each may do. Issuing a new key for an id ends the old one.
 */
export function ApiKeysScreen() {
  const state = useAppState();
  const { t, now } = state;
  const id = useSignal('');
  const scopes = useSignal<ApiScope[]>(['dossiers']);
  const busy = useSignal(false);
  const dialog = useSignal<
    | { kind: 'issue'; id: string; scopes: ApiScope[] }
    | { kind: 'revoke'; id: string }
    | { kind: 'key'; id: string; key: string; scopes: ApiScope[] }
    | null
  >(null);
  const keys = useSignal<CredentialView[] | null>(null);
  const listError = useSignal<string | null>(null);
  const idInput = useRef<HTMLInputElement>(null);
  const wanted = id.value.trim().toLowerCase();
  const valid = INTEGRATION_ID.test(wanted);
  const scoped = scopes.value.length > 0;

  const note = (ok: boolean, text: (tr: Translate) => string) => {
    history.value = [{ at: state.client.serverNow(), ok, text }, ...history.value].slice(0, 20);
  };

  const loadKeys = async () => {
    const answer = await state.client.request('credential:list', {});
    if (answer.ok) {
      keys.value = answer.data.filter((c) => c.kind === 'apikey').sort((a, b) => a.ownerId.localeCompare(b.ownerId));
      listError.value = null;
    } else listError.value = answer.message;
  };
  useEffect(() => void loadKeys(), []);

  const issue = async (integrationId: string, wantedScopes: ApiScope[]) => {
    if (busy.value) return;
    busy.value = true;
    const answer = await state.client.command('apikey:issue', { integrationId, scopes: wantedScopes });
    busy.value = false;
    if (answer.ok) {
      dialog.value = { kind: 'key', id: integrationId, key: answer.data.key, scopes: answer.data.scopes };
      note(true, (tr) => tr('sup.keys.issued', { id: integrationId }));
    } else {
      dialog.value = null;
      const message = answer.message;
      note(false, () => message);
    }
    await loadKeys();
  };

  const revoke = async (integrationId: string) => {
    if (busy.value) return;
    busy.value = true;
    const answer = await state.client.command('apikey:revoke', { integrationId });
    busy.value = false;
    dialog.value = null;
    if (!answer.ok) {
      const message = answer.message;
      note(false, () => message);
    } else note(true, (tr) => tr(answer.data.revoked ? 'sup.keys.revoked' : 'sup.keys.noKey', { id: integrationId }));
    await loadKeys();
  };

  const toggle = (scope: ApiScope, on: boolean) => {
    const next = on ? [...scopes.value, scope] : scopes.value.filter((s) => s !== scope);
    scopes.value = API_SCOPES.map((s) => s.scope).filter((s) => next.includes(s));
  };

  const names = officerNames(state);
  const open = dialog.value;
  return (
    <div class="api-keys">
      <section class="sup-card">
        <h2 class="sup-heading">{t('sup.keys.title')}</h2>
        <p class="sup-intro">{t('sup.keys.intro')}</p>
        <form
          class="api-keys__form"
          autocomplete="off"
          onSubmit={(e) => {
            e.preventDefault();
            if (valid && scoped) dialog.value = { kind: 'issue', id: wanted, scopes: scopes.value };
          }}
        >
          <label class="field api-keys__field">
            <span class="field__label">{t('sup.keys.id')}</span>
            <input
              ref={idInput}
              class="field__input"
              name="integration-id"
              value={id.value}
              placeholder="motcua"
              maxLength={40}
              autocapitalize="off"
              spellcheck={false}
              onInput={(e) => (id.value = e.currentTarget.value)}
            />
          </label>
          <div class="api-keys__actions">
            <button type="submit" class="pad-button pad-button--primary" disabled={!valid || !scoped || busy.value}>
              {t('sup.keys.issue')}
            </button>
            <button type="button" class="pad-button pad-button--danger" disabled={!valid || busy.value} onClick={() => (dialog.value = { kind: 'revoke', id: wanted })}>
              {t('sup.keys.revoke')}
            </button>
          </div>
        </form>
        <p class={`sup-hint ${id.value.trim() && !valid ? 'sup-hint--bad' : ''}`}>{t('sup.keys.idRule')}</p>
        <fieldset class="cfg-choices api-keys__scopes" data-testid="apikey-scopes">
          <legend>{t('sup.keys.scopes')}</legend>
          {API_SCOPES.map((s) => {
            const on = scopes.value.includes(s.scope);
            return (
              <label key={s.scope} class={`cfg-check api-keys__scope ${on ? 'cfg-check--on' : ''}`}>
                <input type="checkbox" checked={on} onChange={(e) => toggle(s.scope, e.currentTarget.checked)} />
                <span>
                  <span class="api-keys__scope-label">{t(s.label)}</span>
                  <span class="api-keys__scope-hint">{t(s.hint)}</span>
                </span>
              </label>
            );
          })}
        </fieldset>
        {!scoped && (
          <p class="sup-hint sup-hint--bad" role="alert" data-testid="apikey-no-scope">
            {t('sup.keys.scope.needOne')}
          </p>
        )}
        {history.value.length > 0 && (
          <ul class="api-keys__history" data-testid="apikey-history">
            {history.value.map((h, i) => (
              <li key={i} class={`outcome ${h.ok ? 'outcome--ok' : 'outcome--bad'}`}>
                {formatTime(h.at)} · {h.text(t)}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="sup-card">
        <div class="sup-card__head">
          <h2 class="sup-heading">{t('sup.keys.list')}</h2>
          <button type="button" class="pad-button pad-button--small" onClick={() => void loadKeys()}>
            {t('sup.refresh')}
          </button>
        </div>
        {listError.value && (
          <p class="form-error" role="alert">
            {listError.value}
          </p>
        )}
        {keys.value === null ? (
          !listError.value && <p class="sup-muted">{t('sup.loading')}</p>
        ) : keys.value.length === 0 ? (
          <p class="sup-muted" data-testid="apikey-none">
            {t('sup.keys.none')}
          </p>
        ) : (
          <table class="sup-table credential-table" data-testid="apikey-list">
            <thead>
              <tr>
                <th scope="col">{t('sup.keys.col.system')}</th>
                <th scope="col">{t('sup.keys.col.scopes')}</th>
                <th scope="col">{t('sup.keys.col.issued')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('devices.col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.value.map((key) => {
                const nameId = `apikey-${key.ownerId}-name`;
                const keyScopes = (key.scopes ?? ['dossiers']) as ApiScope[];
                return (
                  <tr key={key.ownerId} data-testid={`apikey-${key.ownerId}`}>
                    <td>
                      <code class="credential-table__id" id={nameId}>
                        {key.ownerId}
                      </code>
                    </td>
                    <td>
                      <ul class="scope-list">
                        {API_SCOPES.filter((s) => keyScopes.includes(s.scope)).map((s) => (
                          <li key={s.scope} class="scope-chip">
                            {t(s.label)}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      <div>{momentText(key.issuedAt, now.value, t)}</div>
                      <div class="sup-muted">{t('sup.keys.by', { name: names.get(key.issuedBy) ?? key.issuedBy })}</div>
                    </td>
                    <td class="credential-table__actions">
                      <button
                        type="button"
                        class="pad-button pad-button--small"
                        aria-describedby={nameId}
                        disabled={busy.value}
                        onClick={() => {
                          id.value = key.ownerId;
                          scopes.value = keyScopes;
                          dialog.value = { kind: 'issue', id: key.ownerId, scopes: keyScopes };
                        }}
                      >
                        {t('sup.keys.reissue')}
                      </button>
                      <button
                        type="button"
                        class="pad-button pad-button--small pad-button--danger"
                        aria-describedby={nameId}
                        disabled={busy.value}
                        onClick={() => (dialog.value = { kind: 'revoke', id: key.ownerId })}
                      >
                        {t('sup.cred.revoke')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      {open?.kind === 'issue' && (
        <ConfirmDialog
          title={t('sup.keys.issueTitle', { id: open.id })}
          text={`${t('sup.keys.issueScopes', { scopes: scopeText(open.scopes, t) })} ${t('sup.keys.issueConfirm', { id: open.id })}`}
          confirm={t('sup.keys.issue')}
          busy={busy.value}
          onConfirm={() => void issue(open.id, open.scopes)}
          onCancel={() => (dialog.value = null)}
        />
      )}
      {open?.kind === 'revoke' && (
        <ConfirmDialog
          title={t('sup.keys.revokeTitle', { id: open.id })}
          text={t('sup.keys.revokeConfirm', { id: open.id })}
          confirm={t('sup.keys.revoke')}
          danger
          busy={busy.value}
          onConfirm={() => void revoke(open.id)}
          onCancel={() => (dialog.value = null)}
        />
      )}
      {open?.kind === 'key' && (
        <KeyDialog
          id={open.id}
          apiKey={open.key}
          scopes={open.scopes}
          onClose={() => {
            dialog.value = null;
            idInput.current?.focus();
          }}
        />
      )}
    </div>
  );
}

/** The key, once, with a copy button and what it may do; a tap beside the dialog does not close it. */
function KeyDialog(props: { id: string; apiKey: string; scopes: ApiScope[]; onClose: () => void }) {
  const { t } = useAppState();
  const copied = useSignal<boolean | null>(null);
  return (
    <Modal title={t('sup.keys.keyTitle', { id: props.id })} onClose={props.onClose} closeOnBackdrop={false} class="token-dialog">
      <p class="dialog-text">{t('sup.keys.keyUse')}</p>
      <pre class="token-command" data-testid="api-key">
        <code>{props.apiKey}</code>
      </pre>
      <div class="token-dialog__copy">
        <button
          type="button"
          class="pad-button pad-button--small pad-button--primary"
          onClick={() => void copyText(props.apiKey).then((ok) => (copied.value = ok))}
        >
          {t('sup.keys.copy')}
        </button>
        {copied.value !== null && (
          <span class={`outcome ${copied.value ? 'outcome--ok' : 'outcome--bad'}`} role="status">
            {t(copied.value ? 'devices.token.copied' : 'sup.keys.copyFailed')}
          </span>
        )}
      </div>
      <p class="dialog-text token-dialog__scopes" data-testid="api-key-scopes">
        {t('sup.keys.scopesOf', { scopes: scopeText(props.scopes, t) })}
      </p>
      <p class="token-dialog__once" role="note">
        {t('sup.keys.once')}
      </p>
      <div class="dialog-actions">
        <button type="button" class="pad-button pad-button--primary" onClick={props.onClose}>
          {t('sup.keys.done')}
        </button>
      </div>
    </Modal>
  );
}
