/**
 * Plays voice clips with Web Audio: each clip is fetched and decoded once (then kept), and a list of
 * clips is scheduled sample-exactly one after the other on the AudioContext's clock, so a call
 * flows without gaps and never overlaps itself. One call at a time is the announcement queue's job
 * (./announcement-queue): this player resolves only when the last clip has ended.
 *
 * Browsers start an AudioContext "suspended" until someone touches the page, unless Chromium runs
 * with `--autoplay-policy=no-user-gesture-required` (the wall display's kiosk setup). `soundState`
 * tells the screen whether to show the "tap to enable sound" hint; `unlock()` belongs in a tap.
 */

import { signal, type ReadonlySignal } from '@preact/signals';
import type { ClipPlayer } from './announcement-queue';

export type SoundState = 'running' | 'locked' | 'unavailable';

export interface WebAudioClipPlayer {
  /** For createAnnouncementQueue: plays the clips back to back, resolves when the last one ended. */
  play: ClipPlayer;
  /** Fetches and decodes clips ahead of time (errors are ignored: play() reports them). */
  preload(clipIds: Iterable<string>): Promise<void>;
  /** Resumes the AudioContext; call it from a tap or a key press. */
  unlock(): Promise<void>;
  readonly soundState: ReadonlySignal<SoundState>;
  /** Closes the AudioContext. */
  dispose(): void;
}

export interface WebAudioClipPlayerOptions {
  /** Where `<clip id>.wav` files are served. */
  baseUrl?: string;
  /** Silence after an announcement, before the next one may start. */
  pauseAfterSeconds?: number;
  /** How long to wait for a suspended AudioContext to resume before giving up on a call. */
  resumeWaitMs?: number;
}

export const CLIPS_BASE_URL = '/audio/clips/';

/** How far ahead of "now" the first clip is scheduled, so it starts cleanly. */
const LEAD_SECONDS = 0.05;

export class SoundLockedError extends Error {
  constructor() {
    super('Sound is locked until someone taps the screen (autoplay policy)');
    this.name = 'SoundLockedError';
  }
}

export class ClipLoadError extends Error {
  constructor(
    readonly clipId: string,
    cause: unknown,
  ) {
    super(`Voice clip "${clipId}" could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ClipLoadError';
  }
}

type AudioContextCtor = new () => AudioContext;

function audioContextClass(): AudioContextCtor | null {
  const w = globalThis as unknown as { AudioContext?: AudioContextCtor; webkitAudioContext?: AudioContextCtor };
  return w.AudioContext ?? w.webkitAudioContext ?? null;
}

export function createWebAudioClipPlayer(options: WebAudioClipPlayerOptions = {}): WebAudioClipPlayer {
  const baseUrl = options.baseUrl ?? CLIPS_BASE_URL;
  const pauseAfterSeconds = options.pauseAfterSeconds ?? 0.6;
  const resumeWaitMs = options.resumeWaitMs ?? 1_500;
  const Ctor = audioContextClass();
  const soundState = signal<SoundState>('unavailable');
  const buffers = new Map<string, Promise<AudioBuffer>>();
  let context: AudioContext | null = null;

  const readState = () => {
    if (!context || context.state === 'closed') soundState.value = 'unavailable';
    else soundState.value = context.state === 'running' ? 'running' : 'locked';
  };

  if (Ctor) {
    try {
      context = new Ctor();
      context.addEventListener('statechange', readState);
      readState();
      // Allowed without a tap when the autoplay policy permits it; harmless otherwise.
      void context.resume().catch(() => undefined);
    } catch (error) {
      console.error('Web Audio is not available', error);
      context = null;
    }
  }

  function load(ctx: AudioContext, clipId: string): Promise<AudioBuffer> {
    const known = buffers.get(clipId);
    if (known) return known;
    const loading = (async () => {
      const response = await fetch(`${baseUrl}${encodeURIComponent(clipId)}.wav`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.arrayBuffer();
      return ctx.decodeAudioData(data);
    })().catch((cause: unknown) => {
      // Forget a failure, so the next call tries again (the hub may have been restarting).
      buffers.delete(clipId);
      throw new ClipLoadError(clipId, cause);
    });
    buffers.set(clipId, loading);
    return loading;
  }

  async function ensureRunning(ctx: AudioContext): Promise<void> {
    if (ctx.state === 'running') return;
    await Promise.race([ctx.resume().catch(() => undefined), new Promise((r) => setTimeout(r, resumeWaitMs))]);
    // `state` changes after resume(); TypeScript narrowed it above, so read it fresh.
    if ((ctx.state as AudioContextState) !== 'running') throw new SoundLockedError();
  }

  const play: ClipPlayer = async (clipIds, abortSignal) => {
    const ctx = context;
    if (!ctx) throw new Error('Web Audio is not available');
    const loaded = await Promise.all(clipIds.map((id) => load(ctx, id)));
    abortSignal?.throwIfAborted();
    await ensureRunning(ctx);
    abortSignal?.throwIfAborted();

    const sources: AudioBufferSourceNode[] = [];
    let at = ctx.currentTime + LEAD_SECONDS;
    for (const buffer of loaded) {
      const source = ctx.createBufferSource();
      source.buffer = buffer;
      source.connect(ctx.destination);
      source.start(at);
      sources.push(source);
      at += buffer.duration;
    }
    const last = sources[sources.length - 1];
    if (!last) return;

    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(fallback);
        abortSignal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = () => {
        for (const source of sources) {
          try {
            source.stop();
          } catch {
            // Not started yet or already stopped: nothing to silence.
          }
        }
        finish(abortSignal?.reason ?? new Error('aborted'));
      };
      last.addEventListener('ended', () => finish());
      // If the audio clock stalls (the device went away), do not hold the queue forever.
      const fallback = setTimeout(() => finish(), (at - ctx.currentTime) * 1000 + 2_000);
      abortSignal?.addEventListener('abort', onAbort, { once: true });
    });
    for (const source of sources) source.disconnect();
    if (pauseAfterSeconds > 0) await new Promise((r) => setTimeout(r, pauseAfterSeconds * 1000));
  };

  return {
    play,
    async preload(clipIds) {
      const ctx = context;
      if (!ctx) return;
      const ids = [...new Set(clipIds)];
      // A few at a time: the display should not flood the hub (or its own CPU) at start-up.
      const workers = Array.from({ length: 4 }, async () => {
        for (let id = ids.shift(); id !== undefined; id = ids.shift()) await load(ctx, id).catch(() => undefined);
      });
      await Promise.all(workers);
    },
    async unlock() {
      if (!context || context.state === 'running') return;
      await context.resume().catch(() => undefined);
      readState();
    },
    soundState,
    dispose() {
      if (!context) return;
      context.removeEventListener('statechange', readState);
      void context.close().catch(() => undefined);
      context = null;
      readState();
    },
  };
}
