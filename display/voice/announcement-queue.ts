/**
 * Announcement queue for the wall display: calls play one after the other, never overlapping.
 *
 * Pure apart from timers (no DOM): the caller supplies a `player` that plays a list of clip ids and
 * resolves when done (Web Audio in the browser, a recorder in tests).
 * - Calls that arrive together are announced in arrival order, each after the previous one ended.
 * - No de-duplication: a recall enqueued again is announced again.
 * - A player that rejects or throws is reported to `onError`; the queue goes on with the next call.
 * - With `timeoutMs`, a player that has not finished in time is aborted (its AbortSignal fires,
 *   so a real player must stop sound then) and the queue goes on.
 * - Settings are read when a call's turn comes, so a changed setting applies to waiting calls.
 */

import { callClipSequence, type CallToAnnounce, type VoiceSettings } from './clips';

/** Plays the clips in order; resolves when done. A player taking only `clipIds` is fine too. */
export type ClipPlayer = (clipIds: string[], signal: AbortSignal) => Promise<void>;

export interface AnnouncementQueueOptions {
  /** Voice settings, or a function read at each announcement. Missing values take the defaults. */
  settings?: Partial<VoiceSettings> | (() => Partial<VoiceSettings>);
  /** Called when building the clip list or playing fails (or times out). */
  onError?: (error: unknown, call: CallToAnnounce) => void;
  /** Give up on (and abort) one announcement after this many milliseconds. No limit by default. */
  timeoutMs?: number;
}

export type AnnouncementOutcome = 'played' | 'failed';

export interface AnnouncementQueue {
  /**
   * Adds a call. Resolves once this call has been announced ('played') or has failed ('failed');
   * never rejects.
   */
  enqueue(call: CallToAnnounce): Promise<AnnouncementOutcome>;
  /** Resolves when nothing is playing or waiting. */
  whenIdle(): Promise<void>;
  /** Calls waiting or playing. */
  readonly size: number;
}

interface Waiting {
  call: CallToAnnounce;
  done: (outcome: AnnouncementOutcome) => void;
}

export class AnnouncementTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Announcement did not finish within ${timeoutMs} ms`);
    this.name = 'AnnouncementTimeoutError';
  }
}

export function createAnnouncementQueue(
  player: ClipPlayer,
  options: AnnouncementQueueOptions = {},
): AnnouncementQueue {
  const waiting: Waiting[] = [];
  const idleWaiters: Array<() => void> = [];
  let playing = false;

  const currentSettings = (): Partial<VoiceSettings> => {
    const { settings } = options;
    return typeof settings === 'function' ? settings() : (settings ?? {});
  };

  const report = (error: unknown, call: CallToAnnounce): void => {
    try {
      options.onError?.(error, call);
    } catch {
      // An error reporter that throws must not stop the announcements either.
    }
  };

  async function playOne(call: CallToAnnounce): Promise<AnnouncementOutcome> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const clipIds = callClipSequence(call, currentSettings());
      const playback = Promise.resolve().then(() => player(clipIds, controller.signal));
      const { timeoutMs } = options;
      if (timeoutMs === undefined) {
        await playback;
      } else {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const error = new AnnouncementTimeoutError(timeoutMs);
            controller.abort(error);
            reject(error);
          }, timeoutMs);
        });
        // Keep a late rejection of an aborted player from being reported as unhandled.
        playback.catch(() => undefined);
        await Promise.race([playback, timeout]);
      }
      return 'played';
    } catch (error) {
      report(error, call);
      return 'failed';
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  async function drain(): Promise<void> {
    if (playing) return;
    playing = true;
    try {
      for (let next = waiting.shift(); next !== undefined; next = waiting.shift()) {
        next.done(await playOne(next.call));
      }
    } finally {
      playing = false;
      for (const resolve of idleWaiters.splice(0)) resolve();
    }
  }

  return {
    enqueue(call) {
      return new Promise<AnnouncementOutcome>((done) => {
        waiting.push({ call, done });
        void drain();
      });
    },
    whenIdle() {
      if (!playing && waiting.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    get size() {
      return waiting.length + (playing ? 1 : 0);
    },
  };
}
