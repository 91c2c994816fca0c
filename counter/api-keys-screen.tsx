import { signal, useSignal } from '@preact/signals';
import { useAppState } from '../server/ui/app-state';
import { Modal } from '../server/ui/components';
import { formatTime } from '../server/ui/format';
import { ConfirmDialog, copyText } from './devices-screen';

const INTEGRATION_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

type Translate = ReturnType<typeof useAppState>['t'];
/** What was done here this session, newest first; worded when shown (it follows the language). */
const history = signal<{ at: number; text: (t: Translate) => string; ok: boolean }[]>([]);

/**
 * API keys for other systems (the one-stop software pushes dossiers with one): the supervisor
 * types the system's id, issues a key (shown once, with a copy button) or revokes it. Issuing a
 * new key for an id ends the old one.
 */
export function ApiKeysScreen() {
  const state = useAppState();
  const { t } = state;
  const id = useSignal('');
  const busy = useSignal(false);
  const dialog = useSignal<{ kind: 'issue' | 'revoke'; id: string } | { kind: 'key'; id: string; key: string } | null>(null);
  const wanted = id.value.trim().toLowerCase();
  const valid = INTEGRATION_ID.test(wanted);

  const note = (ok: boolean, text: (tr: Translate) => string) => {
    history.value = [{ at: state.client.serverNow(), ok, text }, ...history.value].slice(0, 20);
  };

  const issue = async (integrationId: string) => {
    if (busy.value) return;
    busy.value = true;
    const answer = await state.client.command('apikey:issue', { integrationId });
    busy.value = false;
    if (answer.ok) {
      dialog.value = { kind: 'key', id: integrationId, key: answer.data.key };
      note(true, (tr) => tr('sup.keys.issued', { id: integrationId }));
    } else {
      dialog.value = null;
      const message = answer.message;
      note(false, () => message);
    }
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
  };

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
            if (valid) dialog.value = { kind: 'issue', id: wanted };
          }}
        >
          <label class="field api-keys__field">
            <span class="field__label">{t('sup.keys.id')}</span>
            <input
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
            <button type="submit" class="pad-button pad-button--primary" disabled={!valid || busy.value}>
              {t('sup.keys.issue')}
            </button>
            <button type="button" class="pad-button pad-button--danger" disabled={!valid || busy.value} onClick={() => (dialog.value = { kind: 'revoke', id: wanted })}>
              {t('sup.keys.revoke')}
            </button>
          </div>
        </form>
        <p class={`sup-hint ${id.value.trim() && !valid ? 'sup-hint--bad' : ''}`}>{t('sup.keys.idRule')}</p>
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
      {open?.kind === 'issue' && (
        <ConfirmDialog
          title={t('sup.keys.issueTitle', { id: open.id })}
          text={t('sup.keys.issueConfirm', { id: open.id })}
          confirm={t('sup.keys.issue')}
          busy={busy.value}
          onConfirm={() => void issue(open.id)}
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
      {open?.kind === 'key' && <KeyDialog id={open.id} apiKey={open.key} onClose={() => (dialog.value = null)} />}
    </div>
  );
}

/** The key, once, with a copy button; a tap beside the dialog does not close it. */
function KeyDialog(props: { id: string; apiKey: string; onClose: () => void }) {
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
