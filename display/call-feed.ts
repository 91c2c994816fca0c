import { signal, type ReadonlySignal } from '@preact/signals';
import type { HubClient } from '../server/protocol/hub-client';
import type { PublicCall } from '../server/protocol/views';

/**
 * The one place where the display hears `ticket:called`. The screen highlights the call for a
 * while; an announcer (the voice queue in display/voice/) subscribes here to speak it. Snapshots
 * never pass through here, so a reconnect never looks or sounds like a new call.
 */
export interface CallFeed {
  /** The call being highlighted now, or null when no call is fresh. */
  readonly highlighted: ReadonlySignal<HighlightedCall | null>;
  /** Every call and recall, once, in arrival order: hook a player here. */
  subscribe(listener: (call: PublicCall) => void): () => void;
  dispose(): void;
}

export interface HighlightedCall {
  call: PublicCall;
  /** Changes with every call, also for a recall of the same number, to restart the animation. */
  key: number;
}

export const CALL_HIGHLIGHT_MS = 10_000;

export function startCallFeed(client: HubClient, highlightMs = CALL_HIGHLIGHT_MS): CallFeed {
  const highlighted = signal<HighlightedCall | null>(null);
  const listeners = new Set<(call: PublicCall) => void>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let counter = 0;

  const stop = client.onCall((call) => {
    highlighted.value = { call, key: ++counter };
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      highlighted.value = null;
    }, highlightMs);
    for (const listener of listeners) {
      try {
        listener(call);
      } catch (error) {
        // An announcer's failure must never stop the screen from showing the call.
        console.error(error);
      }
    }
  });

  return {
    highlighted,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    dispose() {
      stop();
      if (timer) clearTimeout(timer);
    },
  };
}
