import { useSignal } from '@preact/signals';
import type { DeviceView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { Connecting, Modal } from '../server/ui/components';
import { formatTime, localParts, minutesBetween } from '../server/ui/format';
import { TopBar } from './counter-app';
import { CONDITION_HINTS, CONDITION_LABELS, conditionTone, KIND_LABELS } from './device-words';
import { PairingSection } from './pairing-section';
import { devicesOpen, session } from './session';
import { ScreenAlerts } from './staff-tools';

/**
 * What a button on this screen last did, shown next to it; worded when shown, so that it follows
 * a change of language (a message from the hub stays in the language it came in).
 */
type Outcome = { ok: boolean; text: (t: Translate) => string };
type Translate = ReturnType<typeof useAppState>['t'];

interface BridgeSummary {
  id: string;
  online: boolean;
  devices: number;
}

/**
 * The supervisor's devices: every printer, keypad and LED display with where it hangs (the hub's
 * own machine or a bridge PC), its state in plain words and since when; a test page per printer;
 * per bridge, issuing its token (shown once, with the command to run on that PC) or revoking it;
 * and the kiosks and rating tablets paired with the hub (pairing-section.tsx).
 */
export function DevicesScreen() {
  const state = useAppState();
  const { t } = state;
  const info = session.value!;
  const staff = state.staffView.value?.view ?? null;
  const devices = staff?.devices ?? [];
  const tests = useSignal<Record<string, Outcome | 'busy'>>({});
  const bridgeOutcomes = useSignal<Record<string, Outcome>>({});
  const dialog = useSignal<
    | { kind: 'issue'; bridgeId: string }
    | { kind: 'revoke'; bridgeId: string }
    | { kind: 'token'; bridgeId: string; token: string }
    | null
  >(null);
  const busy = useSignal(false);

  const bridges: BridgeSummary[] = [];
  for (const device of devices) {
    if (device.bridge === 'hub') continue;
    const known = bridges.find((b) => b.id === device.bridge);
    if (known) {
      known.devices += 1;
      known.online ||= device.bridgeOnline;
    } else bridges.push({ id: device.bridge, online: device.bridgeOnline, devices: 1 });
  }

  const testPrint = async (deviceId: string) => {
    if (tests.value[deviceId] === 'busy') return;
    tests.value = { ...tests.value, [deviceId]: 'busy' };
    const answer = await state.client.command('device:test-print', { deviceId });
    let outcome: Outcome;
    if (!answer.ok) {
      const message = answer.message;
      outcome = { ok: false, text: () => message };
    } else if (answer.data.ok) outcome = { ok: true, text: (tr) => tr('devices.testPrint.ok') };
    else {
      const reason = CONDITION_LABELS[answer.data.condition];
      outcome = { ok: false, text: (tr) => tr('devices.testPrint.failed', { reason: tr(reason) }) };
    }
    tests.value = { ...tests.value, [deviceId]: outcome };
  };

  const issue = async (bridgeId: string) => {
    if (busy.value) return;
    busy.value = true;
    const answer = await state.client.command('bridge:issue-token', { bridgeId });
    busy.value = false;
    if (answer.ok) {
      dialog.value = { kind: 'token', bridgeId, token: answer.data.token };
      bridgeOutcomes.value = { ...bridgeOutcomes.value, [bridgeId]: { ok: true, text: (tr) => tr('devices.bridge.issued') } };
    } else {
      dialog.value = null;
      const message = answer.message;
      bridgeOutcomes.value = { ...bridgeOutcomes.value, [bridgeId]: { ok: false, text: () => message } };
    }
  };

  const revoke = async (bridgeId: string) => {
    if (busy.value) return;
    busy.value = true;
    const answer = await state.client.command('bridge:revoke-token', { bridgeId });
    busy.value = false;
    dialog.value = null;
    let outcome: Outcome;
    if (!answer.ok) {
      const message = answer.message;
      outcome = { ok: false, text: () => message };
    } else {
      const key = answer.data.revoked ? 'devices.bridge.revoked' : 'devices.bridge.noToken';
      outcome = { ok: true, text: (tr) => tr(key, { id: bridgeId }) };
    }
    bridgeOutcomes.value = { ...bridgeOutcomes.value, [bridgeId]: outcome };
  };

  const open = dialog.value;
  return (
    <>
      <TopBar title={t('devices.title')} subtitle={info.officer.name} loggedIn onBack={() => (devicesOpen.value = false)} />
      <ScreenAlerts />
      <main class="devices">
        {!staff ? (
          <Connecting />
        ) : devices.length === 0 ? (
          <section class="devices__section">
            <h2 class="devices__heading">{t('devices.list')}</h2>
            <p class="devices__empty">{t('devices.none')}</p>
          </section>
        ) : (
          <section class="devices__section">
            <h2 class="devices__heading">{t('devices.list')}</h2>
            <table class="device-table">
              <thead>
                <tr>
                  <th scope="col">{t('devices.col.device')}</th>
                  <th scope="col">{t('devices.col.where')}</th>
                  <th scope="col">{t('devices.col.state')}</th>
                  <th scope="col">{t('devices.col.since')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('devices.col.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {devices.map((device) => (
                  <DeviceRow key={device.id} device={device} test={tests.value[device.id] ?? null} onTest={() => void testPrint(device.id)} />
                ))}
              </tbody>
            </table>
          </section>
        )}
        {bridges.length > 0 && (
          <section class="devices__section">
            <h2 class="devices__heading">{t('devices.bridges')}</h2>
            <p class="devices__intro">{t('devices.bridges.intro')}</p>
            <div class="bridge-list">
              {bridges.map((bridge) => {
                const outcome = bridgeOutcomes.value[bridge.id];
                return (
                  <div key={bridge.id} class="bridge-card" data-testid={`bridge-${bridge.id}`}>
                    <div class="bridge-card__head">
                      <span class="bridge-card__name">{t('devices.where.bridge', { id: bridge.id })}</span>
                      <span class={`state-badge state-badge--${bridge.online ? 'ok' : 'bad'}`}>
                        {t(bridge.online ? 'devices.bridge.online' : 'devices.bridge.offline')}
                      </span>
                    </div>
                    <div class="bridge-card__meta">{t('devices.bridge.devices', { count: bridge.devices })}</div>
                    {outcome && (
                      <div class={`outcome ${outcome.ok ? 'outcome--ok' : 'outcome--bad'}`} role={outcome.ok ? 'status' : 'alert'}>
                        {outcome.text(t)}
                      </div>
                    )}
                    <div class="bridge-card__actions">
                      <button
                        type="button"
                        class="pad-button pad-button--small"
                        disabled={busy.value}
                        onClick={() => (dialog.value = { kind: 'issue', bridgeId: bridge.id })}
                      >
                        {t('devices.bridge.issue')}
                      </button>
                      <button
                        type="button"
                        class="pad-button pad-button--small pad-button--danger"
                        disabled={busy.value}
                        onClick={() => (dialog.value = { kind: 'revoke', bridgeId: bridge.id })}
                      >
                        {t('devices.bridge.revoke')}
                      </button>
                    </div>
                  </div>
                );
              })}
            </div>
          </section>
        )}
        {staff && <PairingSection />}
      </main>
      {open?.kind === 'issue' && (
        <ConfirmDialog
          title={t('devices.bridge.issueTitle', { id: open.bridgeId })}
          text={t('devices.bridge.issueConfirm', { id: open.bridgeId })}
          confirm={t('devices.bridge.issue')}
          busy={busy.value}
          onConfirm={() => void issue(open.bridgeId)}
          onCancel={() => (dialog.value = null)}
        />
      )}
      {open?.kind === 'revoke' && (
        <ConfirmDialog
          title={t('devices.bridge.revokeTitle', { id: open.bridgeId })}
          text={t('devices.bridge.revokeConfirm', { id: open.bridgeId })}
          confirm={t('devices.bridge.revoke')}
          danger
          busy={busy.value}
          onConfirm={() => void revoke(open.bridgeId)}
          onCancel={() => (dialog.value = null)}
        />
      )}
      {open?.kind === 'token' && <TokenDialog bridgeId={open.bridgeId} token={open.token} onClose={() => (dialog.value = null)} />}
    </>
  );
}

function DeviceRow(props: { device: DeviceView; test: Outcome | 'busy' | null; onTest: () => void }) {
  const { t, now } = useAppState();
  const { device, test } = props;
  const tone = conditionTone(device.condition);
  const bridgeAway = !device.bridgeOnline && device.bridge !== 'hub';
  const hintKey = bridgeAway ? 'device.hint.bridge-offline' : CONDITION_HINTS[device.condition];
  // The hint already says the bridge is away in words; other details are for the technician.
  const detail = bridgeAway && device.detail === 'BRIDGE_OFFLINE' ? null : device.detail;
  return (
    <tr class={`device-row device-row--${tone}`} data-testid={`device-${device.id}`}>
      <td>
        <div class="device-row__kind">{t(KIND_LABELS[device.kind])}</div>
        <div class="device-row__id">{device.id}</div>
      </td>
      <td class="device-row__where">
        {device.bridge === 'hub' ? t('devices.where.hub') : t('devices.where.bridge', { id: device.bridge })}
      </td>
      <td>
        <span class={`state-badge state-badge--${tone}`} data-testid="device-state">
          {t(CONDITION_LABELS[device.condition])}
        </span>
        {hintKey && <div class="device-row__hint">{t(hintKey)}</div>}
        {detail && <div class="device-row__detail">{detail}</div>}
      </td>
      <td class="device-row__since">
        {device.since === null ? (
          t('devices.sinceUnknown')
        ) : (
          <>
            <div>{sinceText(device.since, now.value, t)}</div>
            <div class="device-row__elapsed">{t('counter.elapsed', { minutes: minutesBetween(device.since, now.value) })}</div>
          </>
        )}
      </td>
      <td class="device-row__actions">
        {device.kind === 'printer' && (
          <button type="button" class="pad-button pad-button--small" disabled={test === 'busy'} onClick={props.onTest}>
            {t(test === 'busy' ? 'devices.testPrint.busy' : 'devices.testPrint')}
          </button>
        )}
        {test && test !== 'busy' && (
          <div class={`outcome ${test.ok ? 'outcome--ok' : 'outcome--bad'}`} role={test.ok ? 'status' : 'alert'} data-testid="test-print-result">
            {test.text(t)}
          </div>
        )}
      </td>
    </tr>
  );
}

/** "từ 08:15", with the date when it began on another day. */
function sinceText(since: number, now: number, t: Translate): string {
  const then = localParts(since);
  const today = localParts(now);
  const sameDay = then.year === today.year && then.month === today.month && then.day === today.day;
  return sameDay
    ? t('devices.since', { time: formatTime(since) })
    : t('devices.sinceDate', { time: formatTime(since), day: then.day, month: then.month });
}

export function ConfirmDialog(props: {
  title: string;
  text: string;
  confirm: string;
  danger?: boolean;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useAppState();
  return (
    <Modal title={props.title} onClose={props.onCancel}>
      <p class="dialog-text">{props.text}</p>
      <div class="dialog-actions">
        <button type="button" class="pad-button pad-button--quiet" onClick={props.onCancel}>
          {t('counter.cancel')}
        </button>
        <button
          type="button"
          class={`pad-button ${props.danger ? 'pad-button--danger-solid' : 'pad-button--primary'}`}
          disabled={props.busy}
          onClick={props.onConfirm}
        >
          {props.confirm}
        </button>
      </div>
    </Modal>
  );
}

/**
 * The token, once: the command to run on the bridge PC, a copy button, and a plain warning that it
 * will not be shown again. A tap beside the dialog does not close it.
 */
function TokenDialog(props: { bridgeId: string; token: string; onClose: () => void }) {
  const { t } = useAppState();
  const copied = useSignal<boolean | null>(null);
  const command = t('devices.token.command', { origin: location.origin, token: props.token });
  return (
    <Modal title={t('devices.token.title', { id: props.bridgeId })} onClose={props.onClose} closeOnBackdrop={false} class="token-dialog">
      <p class="dialog-text">{t('devices.token.run', { id: props.bridgeId })}</p>
      <pre class="token-command" data-testid="bridge-command">
        <code>{command}</code>
      </pre>
      <div class="token-dialog__copy">
        <button
          type="button"
          class="pad-button pad-button--small pad-button--primary"
          onClick={() => void copyText(command).then((ok) => (copied.value = ok))}
        >
          {t('devices.token.copy')}
        </button>
        {copied.value !== null && (
          <span class={`outcome ${copied.value ? 'outcome--ok' : 'outcome--bad'}`} role="status">
            {t(copied.value ? 'devices.token.copied' : 'devices.token.copyFailed')}
          </span>
        )}
      </div>
      <p class="token-dialog__once" role="note">
        {t('devices.token.once')}
      </p>
      <div class="dialog-actions">
        <button type="button" class="pad-button pad-button--primary" onClick={props.onClose}>
          {t('devices.token.done')}
        </button>
      </div>
    </Modal>
  );
}

/**
 * Copies text. The clipboard API needs a secure context, and the hub is reached over plain HTTP on
 * the office network: there the old way (select a hidden text area, "copy") is what works.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (window.isSecureContext && navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (no permission, page not focused): try the old way.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.top = '0';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
