import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { CredentialView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { Modal } from '../server/ui/components';
import { ConfirmDialog, copyText } from './devices-screen';
import { momentText, officerNames } from './security-words';

type Translate = ReturnType<typeof useAppState>['t'];
type Kind = 'kiosk' | 'rating';

/** A kiosk id or counter id as the hub spells them. */
const TARGET_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** The kiosk picker's choice for "an id that is not in the configuration". */
const OTHER = '';

interface Pairing {
  kind: Kind;
  targetId: string;
}

/**
 * Pairing kiosks and rating tablets with the hub: what is paired now (never the secrets), pairing
 * one (a configured kiosk or a typed id; a counter's rating tablet) with the URL to open once on
 * it, and revoking. A kiosk on the centre's own networks takes numbers unpaired; a rating tablet
 * sees its counter's question only once paired.
 */
export function PairingSection() {
  const state = useAppState();
  const { t, now } = state;
  const pairings = useSignal<CredentialView[] | null>(null);
  const kiosks = useSignal<string[]>([]);
  const listError = useSignal<string | null>(null);
  const kind = useSignal<Kind>('kiosk');
  const kioskChoice = useSignal<string | null>(null);
  const typedKiosk = useSignal('');
  const counterChoice = useSignal<string | null>(null);
  const busy = useSignal(false);
  const outcome = useSignal<{ ok: boolean; text: (tr: Translate) => string } | null>(null);
  const dialog = useSignal<
    | ({ kind: 'issue'; again: boolean } & { pairing: Pairing })
    | { kind: 'revoke'; pairing: Pairing }
    | { kind: 'url'; pairing: Pairing; url: string }
    | null
  >(null);

  const load = async () => {
    const answer = await state.client.request('credential:list', {});
    if (answer.ok) {
      pairings.value = answer.data
        .filter((c) => c.kind === 'kiosk' || c.kind === 'rating')
        .sort((a, b) => a.kind.localeCompare(b.kind) || a.ownerId.localeCompare(b.ownerId));
      listError.value = null;
    } else listError.value = answer.message;
  };

  useEffect(() => {
    void load();
    // The configured kiosks, to pick from (the staff view does not list them).
    void state.client.request('config:get', {}).then((answer) => {
      if (!answer.ok) return;
      const list = (answer.data.config as { kiosks?: { id: string }[] }).kiosks ?? [];
      kiosks.value = list.map((k) => k.id);
    });
  }, []);

  const counters = [...(state.staffView.value?.view.counters ?? [])].sort((a, b) => a.number - b.number);
  const counterNumber = (id: string) => counters.find((c) => c.id === id)?.number ?? null;
  /** "Kiosk k1", "Màn hình đánh giá Quầy 1". */
  const targetName = (p: Pairing, tr: Translate) => {
    if (p.kind === 'kiosk') return tr('sup.pair.kioskName', { id: p.targetId });
    const number = counterNumber(p.targetId);
    return tr('sup.pair.ratingName', { counter: number === null ? p.targetId : tr('counter.counterN', { number }) });
  };

  // What the form names now.
  const kioskPicked = kioskChoice.value ?? kiosks.value[0] ?? OTHER;
  const kioskId = kioskPicked === OTHER ? typedKiosk.value.trim().toLowerCase() : kioskPicked;
  const counterId = counterChoice.value ?? counters[0]?.id ?? '';
  const targetId = kind.value === 'kiosk' ? kioskId : counterId;
  const valid = TARGET_ID.test(targetId);
  const isPaired = (p: Pairing) => pairings.value?.some((c) => c.kind === p.kind && c.ownerId === p.targetId) ?? false;

  const issue = async (p: Pairing) => {
    if (busy.value) return;
    busy.value = true;
    const answer = await state.client.command('pairing:issue', { kind: p.kind, targetId: p.targetId });
    busy.value = false;
    if (answer.ok) {
      dialog.value = { kind: 'url', pairing: p, url: answer.data.url };
      outcome.value = { ok: true, text: (tr) => tr('sup.pair.issued', { name: targetName(p, tr) }) };
    } else {
      dialog.value = null;
      const message = answer.message;
      outcome.value = { ok: false, text: () => message };
    }
    await load();
  };

  const revoke = async (p: Pairing) => {
    if (busy.value) return;
    busy.value = true;
    const answer = await state.client.command('pairing:revoke', { kind: p.kind, targetId: p.targetId });
    busy.value = false;
    dialog.value = null;
    if (answer.ok) {
      const key = answer.data.revoked ? 'sup.pair.revoked' : 'sup.pair.notPaired';
      outcome.value = { ok: true, text: (tr) => tr(key, { name: targetName(p, tr) }) };
    } else {
      const message = answer.message;
      outcome.value = { ok: false, text: () => message };
    }
    await load();
  };

  const names = officerNames(state);
  const open = dialog.value;
  return (
    <section class="devices__section pairing" data-testid="pairing">
      <h2 class="devices__heading">{t('sup.pair.title')}</h2>
      <p class="devices__intro">{t('sup.pair.intro')}</p>

      <form
        class="pairing__form"
        autocomplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid || busy.value) return;
          const p = { kind: kind.value, targetId };
          outcome.value = null;
          dialog.value = { kind: 'issue', pairing: p, again: isPaired(p) };
        }}
      >
        <fieldset class="cfg-choices pairing__kinds">
          <legend>{t('sup.pair.what')}</legend>
          {(['kiosk', 'rating'] as const).map((k) => (
            <label key={k} class={`radio-card cfg-radio ${kind.value === k ? 'radio-card--on' : ''}`}>
              <input type="radio" name="pairing-kind" checked={kind.value === k} onChange={() => (kind.value = k)} />
              <span>
                <span class="cfg-radio__label">{t(k === 'kiosk' ? 'sup.pair.kind.kiosk' : 'sup.pair.kind.rating')}</span>
                <span class="cfg-radio__hint">{t(k === 'kiosk' ? 'sup.pair.kind.kioskHint' : 'sup.pair.kind.ratingHint')}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div class="pairing__target">
          {kind.value === 'kiosk' ? (
            <>
              <label class="cfg-field">
                <span class="cfg-field__label">{t('sup.pair.kiosk')}</span>
                <select class="cfg-input" data-testid="pairing-kiosk-choice" value={kioskPicked} onChange={(e) => (kioskChoice.value = e.currentTarget.value)}>
                  {kiosks.value.map((id) => (
                    <option key={id} value={id}>
                      {t('sup.pair.kioskName', { id })}
                    </option>
                  ))}
                  <option value={OTHER}>{t('sup.pair.otherKiosk')}</option>
                </select>
              </label>
              {kioskPicked === OTHER && (
                <label class="cfg-field">
                  <span class="cfg-field__label">{t('sup.pair.kioskId')}</span>
                  <input
                    class={`cfg-input ${typedKiosk.value.trim() && !valid ? 'cfg-input--bad' : ''}`}
                    name="kiosk-id"
                    value={typedKiosk.value}
                    placeholder="k1"
                    maxLength={40}
                    autocapitalize="off"
                    spellcheck={false}
                    onInput={(e) => (typedKiosk.value = e.currentTarget.value)}
                  />
                </label>
              )}
            </>
          ) : (
            <label class="cfg-field">
              <span class="cfg-field__label">{t('sup.pair.counter')}</span>
              <select class="cfg-input" data-testid="pairing-counter-choice" value={counterId} onChange={(e) => (counterChoice.value = e.currentTarget.value)}>
                {counters.map((c) => (
                  <option key={c.id} value={c.id}>
                    {t('counter.counterN', { number: c.number })}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="submit" class="pad-button pad-button--primary pairing__submit" disabled={!valid || busy.value}>
            {t('sup.pair.issue')}
          </button>
        </div>
        {kind.value === 'kiosk' && kioskPicked === OTHER && (
          <p class={`sup-hint ${typedKiosk.value.trim() && !valid ? 'sup-hint--bad' : ''}`}>{t('sup.pair.kioskIdRule')}</p>
        )}
      </form>

      {outcome.value && (
        <p class={`outcome ${outcome.value.ok ? 'outcome--ok' : 'outcome--bad'} pairing__outcome`} role={outcome.value.ok ? 'status' : 'alert'} data-testid="pairing-outcome">
          {outcome.value.text(t)}
        </p>
      )}

      <h3 class="pairing__subheading">{t('sup.pair.list')}</h3>
      {listError.value && (
        <p class="form-error" role="alert">
          {listError.value}
        </p>
      )}
      {pairings.value === null ? (
        !listError.value && <p class="sup-muted">{t('sup.loading')}</p>
      ) : pairings.value.length === 0 ? (
        <p class="devices__empty" data-testid="pairing-none">
          {t('sup.pair.none')}
        </p>
      ) : (
        <table class="device-table credential-table" data-testid="pairing-list">
          <thead>
            <tr>
              <th scope="col">{t('devices.col.device')}</th>
              <th scope="col">{t('sup.pair.col.paired')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('devices.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {pairings.value.map((c) => {
              const p: Pairing = { kind: c.kind as Kind, targetId: c.ownerId };
              const nameId = `pairing-${c.kind}-${c.ownerId}`;
              return (
                <tr key={nameId} data-testid={nameId}>
                  <td>
                    <div class="device-row__kind" id={nameId + '-name'}>
                      {targetName(p, t)}
                    </div>
                    <div class="device-row__id">{c.ownerId}</div>
                  </td>
                  <td>
                    <div>{momentText(c.issuedAt, now.value, t)}</div>
                    <div class="sup-muted">{t('sup.pair.by', { name: names.get(c.issuedBy) ?? c.issuedBy })}</div>
                  </td>
                  <td class="credential-table__actions">
                    <button
                      type="button"
                      class="pad-button pad-button--small"
                      aria-describedby={nameId + '-name'}
                      disabled={busy.value}
                      onClick={() => {
                        outcome.value = null;
                        dialog.value = { kind: 'issue', pairing: p, again: true };
                      }}
                    >
                      {t('sup.pair.again')}
                    </button>
                    <button
                      type="button"
                      class="pad-button pad-button--small pad-button--danger"
                      aria-describedby={nameId + '-name'}
                      disabled={busy.value}
                      onClick={() => {
                        outcome.value = null;
                        dialog.value = { kind: 'revoke', pairing: p };
                      }}
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

      {open?.kind === 'issue' && (
        <ConfirmDialog
          title={t('sup.pair.issueTitle', { name: targetName(open.pairing, t) })}
          text={
            open.again
              ? t('sup.pair.issueAgain', { name: targetName(open.pairing, t) })
              : t(open.pairing.kind === 'kiosk' ? 'sup.pair.issueKiosk' : 'sup.pair.issueRating', { name: targetName(open.pairing, t) })
          }
          confirm={t('sup.pair.issue')}
          busy={busy.value}
          onConfirm={() => void issue(open.pairing)}
          onCancel={() => (dialog.value = null)}
        />
      )}
      {open?.kind === 'revoke' && (
        <ConfirmDialog
          title={t('sup.pair.revokeTitle', { name: targetName(open.pairing, t) })}
          text={t(open.pairing.kind === 'kiosk' ? 'sup.pair.revokeKiosk' : 'sup.pair.revokeRating', { name: targetName(open.pairing, t) })}
          confirm={t('sup.cred.revoke')}
          danger
          busy={busy.value}
          onConfirm={() => void revoke(open.pairing)}
          onCancel={() => (dialog.value = null)}
        />
      )}
      {open?.kind === 'url' && (
        <PairingUrlDialog
          pairing={open.pairing}
          name={targetName(open.pairing, t)}
          counter={open.pairing.kind === 'rating' ? counterNumber(open.pairing.targetId) : null}
          url={open.url}
          onClose={() => (dialog.value = null)}
        />
      )}
    </section>
  );
}

/**
 * The URL to open once on the paired device, with a copy button, where it goes, and a plain
 * warning that it is not shown again. A tap beside the dialog does not close it.
 */
function PairingUrlDialog(props: { pairing: Pairing; name: string; counter: number | null; url: string; onClose: () => void }) {
  const { t } = useAppState();
  const copied = useSignal<boolean | null>(null);
  const kiosk = props.pairing.kind === 'kiosk';
  const where = kiosk
    ? t('sup.pair.url.kiosk', { id: props.pairing.targetId })
    : t('sup.pair.url.rating', { counter: props.counter === null ? props.pairing.targetId : t('counter.counterN', { number: props.counter }) });
  return (
    <Modal title={t('sup.pair.url.title', { name: props.name })} onClose={props.onClose} closeOnBackdrop={false} class="token-dialog">
      <p class="dialog-text">{where}</p>
      <pre class="token-command" data-testid="pairing-url">
        <code>{props.url}</code>
      </pre>
      <div class="token-dialog__copy">
        <button
          type="button"
          class="pad-button pad-button--small pad-button--primary"
          onClick={() => void copyText(props.url).then((ok) => (copied.value = ok))}
        >
          {t('sup.pair.url.copy')}
        </button>
        {copied.value !== null && (
          <span class={`outcome ${copied.value ? 'outcome--ok' : 'outcome--bad'}`} role="status">
            {t(copied.value ? 'devices.token.copied' : 'sup.pair.url.copyFailed')}
          </span>
        )}
      </div>
      {kiosk && <p class="dialog-text pairing__startup">{t('sup.pair.url.kioskStartup')}</p>}
      <p class="token-dialog__once" role="note">
        {t('sup.pair.url.once')}
      </p>
      <div class="dialog-actions">
        <button type="button" class="pad-button pad-button--primary" onClick={props.onClose}>
          {t('sup.pair.url.done')}
        </button>
      </div>
    </Modal>
  );
}
