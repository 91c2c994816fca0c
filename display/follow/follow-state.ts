import { signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type { ClientAck, HubClient } from '../../server/protocol/hub-client';
import type { PublicCall, TicketFollowView } from '../../server/protocol/views';

/**
 * The visitor's phone following one ticket. The hub is asked `ticket:status` when the connection
 * comes up and after every `queue:public` (the queue moved), at most once a second; a live
 * `ticket:called` with the ticket's number raises the alert at once, before the answer comes.
 */

export type FollowState =
  | { kind: 'no-ticket' }
  | { kind: 'loading' }
  | { kind: 'unknown' }
  | { kind: 'ticket'; view: TicketFollowView };

export interface CalledAlert {
  number: string;
  counterNumber: number;
  /** New for every call and recall, so the screen can restart its animation. */
  key: number;
  /** Raised while the page was open (a call or a change seen live): worth a chime and a buzz. */
  live: boolean;
}

export interface FollowController {
  readonly state: ReadonlySignal<FollowState>;
  readonly alert: ReadonlySignal<CalledAlert | null>;
  /**
   * Through the province: since when no news of the centre came (its link or the phone's is down),
   * or null while the news is fresh. With a hub, the page's offline badge says it instead.
   */
  readonly staleSince?: ReadonlySignal<number | null>;
  dismissAlert(): void;
  dispose(): void;
}

export const STATUS_MIN_INTERVAL_MS = 1_000;

/** Asks the hub where a ticket stands (`ticket:status`, with the page's language). */
export function askTicketStatus(client: HubClient, ticketId: string): Promise<ClientAck<TicketFollowView>> {
  return client.request('ticket:status', { ticketId });
}

/** The ticket id in the page's address: `follow.html?ticket=<ticketId>`. */
export function ticketIdFromUrl(search: string): string | null {
  const id = new URLSearchParams(search).get('ticket')?.trim() ?? '';
  return id.length > 0 && id.length <= 80 ? id : null;
}

/**
 * The ticket shown and its alert, however the news comes (the hub's answers and calls, or the
 * province's pushes): a ticket seen waiting and then called raises the alert, once per call.
 */
export function followDisplay(state: Signal<FollowState>, alert: Signal<CalledAlert | null>, onLiveAlert?: (alert: CalledAlert) => void) {
  let alertKey = 0;
  /** An alert was raised since the ticket was last seen called (so a status answer does not repeat it). */
  let alertedThisCall = false;
  const raise = (number: string, counterNumber: number, live: boolean) => {
    const next: CalledAlert = { number, counterNumber, key: ++alertKey, live };
    alertedThisCall = true;
    alert.value = next;
    if (live) onLiveAlert?.(next);
  };
  /** A new view of the ticket; `seen`: it comes while the page is open (not its first answer). */
  const show = (view: TicketFollowView, seen = true) => {
    const previous = state.peek();
    state.value = { kind: 'ticket', view };
    if (view.status === 'called' && view.counterNumber !== null) {
      // Seen waiting on this page and now called: the visitor should hear it.
      if (!alertedThisCall) raise(view.number, view.counterNumber, seen && previous.kind === 'ticket' && previous.view.status === 'waiting');
    } else {
      alertedThisCall = false;
      if (alert.peek()) alert.value = null;
    }
  };
  return { raise, show };
}

export function startFollow(
  client: HubClient,
  ticketId: string | null,
  options: { onLiveAlert?: (alert: CalledAlert) => void; minIntervalMs?: number } = {},
): FollowController {
  const state = signal<FollowState>(ticketId ? { kind: 'loading' } : { kind: 'no-ticket' });
  const alert = signal<CalledAlert | null>(null);
  const minInterval = options.minIntervalMs ?? STATUS_MIN_INTERVAL_MS;
  const display = followDisplay(state, alert, options.onLiveAlert);
  let inFlight = false;
  let pending = false;
  let lastAskedAt = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const apply = (answer: ClientAck<TicketFollowView>) => {
    if (disposed) return;
    if (!answer.ok) {
      // The connection dropped or the hub was slow: keep what is shown, ask again next time.
      if ('local' in answer) return;
      state.value = { kind: 'unknown' };
      alert.value = null;
      return;
    }
    display.show(answer.data);
  };

  const ask = () => {
    if (!ticketId || disposed) return;
    if (inFlight || timer) {
      pending = true;
      return;
    }
    const wait = lastAskedAt + minInterval - Date.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = null;
        ask();
      }, wait);
      return;
    }
    inFlight = true;
    pending = false;
    lastAskedAt = Date.now();
    void askTicketStatus(client, ticketId)
      .then(apply)
      .finally(() => {
        inFlight = false;
        if (pending) {
          pending = false;
          ask();
        }
      });
  };

  const onCall = (call: PublicCall) => {
    const current = state.peek();
    if (current.kind !== 'ticket') return ask();
    const { view } = current;
    if (call.number === view.number && call.serviceId === view.serviceId) display.raise(call.number, call.counterNumber, true);
    ask();
  };

  const stops = [
    client.onStatus((status) => status === 'online' && ask()),
    client.onView('public', () => ask()),
    client.onCall(onCall),
  ];
  if (client.status === 'online') ask();

  return {
    state,
    alert,
    dismissAlert() {
      alert.value = null;
    },
    dispose() {
      disposed = true;
      stops.forEach((stop) => stop());
      if (timer) clearTimeout(timer);
    },
  };
}
