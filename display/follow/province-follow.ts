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
  // Its own connection (forceNew): the page's hub client, never connected here, would be shared.
  const socket: Socket<PortalServerEvents, PortalClientEvents> = io(PORTAL_NAMESPACE, { transports: ['websocket'], reconnectionDelayMax: 5_000, forceNew: true });

  socket.on('connect', () => {
    if (!ticketId) return;
    socket.emit('follow:ticket', { centreId, ticketId }, (answer) => {
      if (answer.ok) display.show(answer.data, false);
      else if (answer.error === 'UNKNOWN_TICKET' || answer.error === 'INVALID_PAYLOAD') state.value = { kind: 'unknown' };
    });
  });
  socket.on('follow:update', (view) => display.show(view));

  return {
    state,
    alert,
    dismissAlert() {
      alert.value = null;
    },
    dispose() {
      socket.close();
    },
  };
}
