import { signal, useSignal } from '@preact/signals';
import type { AppState } from '../server/ui/app-state';
import { useAppState } from '../server/ui/app-state';
import { logOut } from './counter-app';
import { ReprintDialog } from './dialogs';
import { devicesOpen, isSupervisor, session, supervisorTab } from './session';

/**
 * Why the officer is still logged in after pressing "Log out" (a counter still held a ticket, ...),
 * worded when shown so that it follows a change of language.
 */
export const logoutProblem = signal<((t: AppState['t']) => string) | null>(null);
const leaving = signal(false);

/**
 * Logs out, closing first every counter this officer has open, so that the wall display does not
 * keep showing a counter as open by someone who has left. A counter that holds a ticket is not
 * closed: the officer is asked to finish that ticket first, and stays logged in.
 */
export async function leaveWork(state: AppState): Promise<void> {
  const me = session.peek()?.officer;
  if (!me || leaving.peek()) return;
  const pad = state.counterView.peek()?.view ?? null;
  const open = (state.staffView.peek()?.view.counters ?? [])
    .filter((c) => c.officer?.id === me.id && c.status !== 'closed')
    .map((c) => ({ id: c.id, number: c.number }));
  if (pad && pad.officer?.id === me.id && pad.status !== 'closed' && !open.some((c) => c.id === pad.counterId))
    open.push({ id: pad.counterId, number: pad.number });

  const held = pad && open.some((c) => c.id === pad.counterId) ? pad.current : null;
  if (held) {
    const number = held.number;
    logoutProblem.value = (t) => t('counter.logout.finishFirst', { number });
    return;
  }
  leaving.value = true;
  try {
    for (const counter of open) {
      const answer = await state.client.command('counter:close', { counterId: counter.id });
      if (answer.ok) continue;
      const message = answer.message;
      logoutProblem.value =
        answer.error === 'COUNTER_BUSY'
          ? (t) => t('counter.logout.busy', { number: counter.number })
          : (t) => t('counter.logout.notClosed', { number: counter.number, message });
      return;
    }
    logoutProblem.value = null;
    await logOut(state);
  } finally {
    leaving.value = false;
  }
}

/**
 * The officer's tools in the top bar of every logged-in screen: reprint a ticket (everyone),
 * the devices (supervisors), log out.
 */
export function StaffTools() {
  const state = useAppState();
  const { t } = state;
  const reprinting = useSignal(false);
  return (
    <>
      <button type="button" class="tool-button tool-button--ghost" onClick={() => (reprinting.value = true)}>
        {t('counter.reprint')}
      </button>
      {isSupervisor() && !devicesOpen.value && !supervisorTab.value && (
        <button type="button" class="tool-button tool-button--ghost" data-testid="open-supervisor" onClick={() => (supervisorTab.value = 'overview')}>
          {t('sup.open')}
        </button>
      )}
      {isSupervisor() && !devicesOpen.value && !supervisorTab.value && (
        <button type="button" class="tool-button tool-button--ghost" data-testid="open-devices" onClick={() => (devicesOpen.value = true)}>
          {t('devices.open')}
        </button>
      )}
      <button type="button" class="tool-button" disabled={leaving.value} onClick={() => void leaveWork(state)}>
        {t('counter.logout')}
      </button>
      {reprinting.value && <ReprintDialog onClose={() => (reprinting.value = false)} />}
    </>
  );
}

/**
 * Strips under the top bar: why a logout did not happen, and, for supervisors, printers short of
 * paper (on every screen they use, so that nobody has to open the device list to find out).
 */
export function ScreenAlerts({ paper = true }: { paper?: boolean } = {}) {
  const state = useAppState();
  const { t } = state;
  const problem = logoutProblem.value;
  const printers = paper && isSupervisor()
    ? (state.staffView.value?.view.devices ?? []).filter(
        (d) => d.kind === 'printer' && (d.condition === 'paper-out' || d.condition === 'paper-near-end'),
      )
    : [];
  if (!problem && printers.length === 0) return null;
  const out = printers.some((d) => d.condition === 'paper-out');
  return (
    <div class="screen-alerts">
      {problem && (
        <div class="alert-strip alert-strip--error" role="alert" data-testid="logout-problem">
          <span>{problem(t)}</span>
          <button type="button" class="pad-message__close" aria-label={t('counter.dismiss')} onClick={() => (logoutProblem.value = null)}>
            ×
          </button>
        </div>
      )}
      {printers.length > 0 && (
        <div class={`alert-strip ${out ? 'alert-strip--error' : 'alert-strip--warn'}`} role="status" data-testid="paper-warning">
          <span class="alert-strip__lines">
            {printers.map((d) => (
              <span key={d.id}>
                {t(d.condition === 'paper-out' ? 'devices.warn.paperOut' : 'devices.warn.nearEnd', { id: d.id })}
              </span>
            ))}
          </span>
          {!devicesOpen.value && (
            <button type="button" class="pad-button pad-button--small" onClick={() => (devicesOpen.value = true)}>
              {t('devices.warn.see')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
