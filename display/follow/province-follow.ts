import { signal } from '@preact/signals';
import { io, type Socket } from 'socket.io-client';
import { PORTAL_NAMESPACE, type PortalClientEvents, type PortalFollowView, type PortalServerEvents } from '../../server/protocol/portal-protocol';
import type { CalledAlert, FollowController, FollowState } from './follow-state';

/**
 * The follow page when the province's portal serves it (`follow.html?centre=<id>&ticket=<id>`):
 * the same controller as with a hub (follow-state.ts), fed by the province's `/portal` namespace.
 * The ticket is asked for when the connection comes up; every change of it is pushed
 * (`follow:update`), a call raising the alert at once.
 */
export function startProvinceFollow(centreId: string, ticketId: string | null, options: { onLiveAlert?: (alert: CalledAlert) => void } = {}): FollowController {
  const state = signal<FollowState>(ticketId ? { kind: 'loading' } : { kind: 'no-ticket' });
  const alert = signal<CalledAlert | null>(null);
  let alertKey = 0;
  let alertedThisCall = false;
  // Its own connection (forceNew): the page's hub client, never connected here, would be shared.
  const socket: Socket<PortalServerEvents, PortalClientEvents> = io(PORTAL_NAMESPACE, { transports: ['websocket'], reconnectionDelayMax: 5_000, forceNew: true });

  const apply = (view: PortalFollowView, live: boolean) => {
    const previous = state.peek();
    state.value = { kind: 'ticket', view };
    if (view.status === 'called' && view.counterNumber !== null) {
      if (!alertedThisCall) {
        alertedThisCall = true;
        const next: CalledAlert = { number: view.number, counterNumber: view.counterNumber, key: ++alertKey, live: live && previous.kind === 'ticket' && previous.view.status === 'waiting' };
        alert.value = next;
        if (next.live) options.onLiveAlert?.(next);
      }
    } else {
      alertedThisCall = false;
      if (alert.peek()) alert.value = null;
    }
  };

  socket.on('connect', () => {
    if (!ticketId) return;
    socket.emit('follow:ticket', { centreId, ticketId }, (answer) => {
      if (answer.ok) apply(answer.data, false);
      else if (answer.error === 'UNKNOWN_TICKET' || answer.error === 'INVALID_PAYLOAD') state.value = { kind: 'unknown' };
    });
  });
  socket.on('follow:update', (view) => apply(view, true));

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
