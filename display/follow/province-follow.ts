import { signal } from '@preact/signals';
import { io, type Socket } from 'socket.io-client';
import { PORTAL_NAMESPACE, type PortalClientEvents, type PortalServerEvents } from '../../server/protocol/portal-protocol';
import { followDisplay, type CalledAlert, type FollowController, type FollowState } from './follow-state';

/**
 * The follow page when the province's portal serves it (`follow.html?centre=<id>&ticket=<id>`):
 * the same controller as with a hub (follow-state.ts), fed by the province's `/portal` namespace.
 * The ticket is asked for when the connection comes up; every change of it is pushed
 * (`follow:update`), a call raising the alert at once.
 */
export function startProvinceFollow(centreId: string, ticketId: string | null, options: { onLiveAlert?: (alert: CalledAlert) => void } = {}): FollowController {
  const state = signal<FollowState>(ticketId ? { kind: 'loading' } : { kind: 'no-ticket' });
  const alert = signal<CalledAlert | null>(null);
  const display = followDisplay(state, alert, options.onLiveAlert);
  const staleSince = signal<number | null>(null);
  /** When the centre's last news was made (its hub's clock), and when it came (this phone's). */
  let lastAt: number | null = null;
  let lastCame = Date.now();
  const heard = (at: number) => {
    lastAt = at;
    lastCame = Date.now();
    staleSince.value = null;
  };
  // The hub sends its state at least every 30 s, but only what changed reaches a phone: a ticket
  // that does not move for a while is not news. So "stale" is the link, not a quiet ticket.
  const check = setInterval(() => {
    if (!socket.connected) staleSince.value ??= lastAt ?? lastCame;
  }, 5_000);
  // Its own connection (forceNew): the page's hub client, never connected here, would be shared.
  const socket: Socket<PortalServerEvents, PortalClientEvents> = io(PORTAL_NAMESPACE, { transports: ['websocket'], reconnectionDelayMax: 5_000, forceNew: true });

  socket.on('connect', () => {
    if (!ticketId) return;
    socket.emit('follow:ticket', { centreId, ticketId }, (answer) => {
      if (answer.ok) {
        heard(answer.data.at);
        display.show(answer.data, false);
      }
      else if (answer.error === 'UNKNOWN_TICKET' || answer.error === 'INVALID_PAYLOAD') state.value = { kind: 'unknown' };
    });
  });
  socket.on('follow:update', (view) => {
    heard(view.at);
    display.show(view);
  });
  socket.on('disconnect', () => {
    staleSince.value ??= lastAt ?? lastCame;
  });

  return {
    state,
    alert,
    staleSince,
    dismissAlert() {
      alert.value = null;
    },
    dispose() {
      clearInterval(check);
      socket.close();
    },
  };
}
