/**
 * The wall display's voice: every live call from the call feed goes through the announcement queue
 * (one at a time, in arrival order, a recall again) and is played from the clips by Web Audio.
 *
 * Only `ticket:called` events reach the feed, never a snapshot, so a display that reconnects (or
 * reloads) does not read out the last call again. The settings come from PublicView.display.voice
 * and are read when a call's turn comes; `enabled: false` keeps the display silent.
 */

import { effect, type ReadonlySignal } from '@preact/signals';
import type { PublicCall, PublicView } from '../../server/protocol/views';
import { createAnnouncementQueue, type AnnouncementQueue } from './announcement-queue';
import { CLIPS, PHRASE_CLIP_IDS, type VoiceSettings } from './clips';
import { SoundLockedError, createWebAudioClipPlayer, type SoundState, type WebAudioClipPlayer } from './web-audio-player';

export type DisplayVoiceSettings = PublicView['display']['voice'];

export interface CallSource {
  subscribe(listener: (call: PublicCall) => void): () => void;
}

export interface VoiceAnnouncer {
  readonly soundState: ReadonlySignal<SoundState>;
  /** From a tap: lets the browser play sound. */
  unlock(): Promise<void>;
  readonly queue: AnnouncementQueue;
  dispose(): void;
}

export interface VoiceAnnouncerOptions {
  calls: CallSource;
  /** The current voice settings (null until the first view arrives: then nothing is said). */
  settings: ReadonlySignal<DisplayVoiceSettings | null>;
  player?: WebAudioClipPlayer;
  /** Give up on one announcement after this long (a stuck audio device must not block the queue). */
  timeoutMs?: number;
}

/** The clips the display may need with these settings, to load before the first call. */
export function clipsForSettings(settings: Pick<VoiceSettings, 'english' | 'template'>): string[] {
  const phrase = settings.template === 'xin-moi' ? PHRASE_CLIP_IDS.xinMoi : PHRASE_CLIP_IDS.kinhMoi;
  return CLIPS.filter((clip) => {
    if (clip.kind === 'chime') return true;
    if (clip.lang === 'en') return settings.english;
    if (clip.kind === 'phrase') return clip.id === phrase || clip.id === PHRASE_CLIP_IDS.denQuaySo;
    return true;
  }).map((clip) => clip.id);
}

/** The events in which a browser lets a page start sound. */
export const UNLOCK_EVENTS = ['pointerdown', 'pointerup', 'keydown'] as const;

export function startVoiceAnnouncer(options: VoiceAnnouncerOptions): VoiceAnnouncer {
  const player = options.player ?? createWebAudioClipPlayer();
  const voiceSettings = (): Partial<VoiceSettings> => {
    const s = options.settings.peek();
    if (!s) return {};
    return { dialect: s.dialect, style: s.style, repeat: s.repeat, english: s.english, template: s.template };
  };
  const queue = createAnnouncementQueue(
    async (clipIds, signal) => {
      // Switched off while the call was waiting its turn: stay silent.
      if (options.settings.peek()?.enabled !== true) return;
      await player.play(clipIds, signal);
    },
    {
      settings: voiceSettings,
      timeoutMs: options.timeoutMs ?? 60_000,
      onError(error, call) {
        if (error instanceof SoundLockedError) console.warn(`Not announced (sound locked): ${call.ticketNumber}`);
        else console.error(`Announcing ${call.ticketNumber} at counter ${call.counterNumber} failed`, error);
      },
    },
  );

  // Load the clips while the display is idle, as soon as the settings are known (and again when
  // they ask for other clips), so the first call is not delayed by fetching.
  let preloadedFor = '';
  const stopPreload = effect(() => {
    const s = options.settings.value;
    if (!s?.enabled) return;
    const key = `${s.english}/${s.template}`;
    if (key === preloadedFor) return;
    preloadedFor = key;
    void player.preload(clipsForSettings(s));
  });

  const stopCalls = options.calls.subscribe((call) => {
    if (options.settings.peek()?.enabled !== true) return;
    void queue.enqueue({ ticketNumber: call.number, counterNumber: call.counterNumber });
  });

  // Any touch, click or key press lets the browser play sound (needed without the kiosk autoplay
  // flag). A mouse grants it on pointerdown, a finger only on pointerup: listen to both.
  const unlock = () => void player.unlock();
  for (const type of UNLOCK_EVENTS) document.addEventListener(type, unlock, true);

  return {
    soundState: player.soundState,
    unlock: () => player.unlock(),
    queue,
    dispose() {
      stopCalls();
      stopPreload();
      for (const type of UNLOCK_EVENTS) document.removeEventListener(type, unlock, true);
      player.dispose();
    },
  };
}
