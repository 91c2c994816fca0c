import '../../server/ui/base.css';
import '../phone/phone-page.css';
import './follow.css';
import { effect } from '@preact/signals';
import { mountApp } from '../../server/ui/mount';
import { UNLOCK_EVENTS } from '../voice/announcer';
import { CHIME_CLIP_ID } from '../voice/clips';
import { createWebAudioClipPlayer } from '../voice/web-audio-player';
import { FollowApp, FollowContext, type FollowServices } from './follow-app';
import { startFollow, ticketIdFromUrl } from './follow-state';
import { startProvinceFollow } from './province-follow';
import { centreFromUrl } from '../book/book-state';
import { portalCentreName } from '../phone/phone-header';
import type { LocalizedText } from '../../server/config/centre-config';

/** Long, short, long: noticeable in a pocket. */
const CALLED_VIBRATION = [500, 200, 500, 200, 900];

// Phones keep sound off until the page is tapped: the player waits for the "turn on" button.
const player = createWebAudioClipPlayer({ pauseAfterSeconds: 0, resumeWaitMs: 500 });

function vibrate(pattern: number | number[]): void {
  try {
    // Not on iPhones, and ignored by Chrome until the page has been tapped once.
    navigator.vibrate?.(pattern);
  } catch {
    // Vibration is a bonus: the alert on screen is what counts.
  }
}

function chime(times: number): void {
  if (player.soundState.peek() !== 'running') return;
  const ids = Array.from({ length: times }, () => CHIME_CLIP_ID);
  player.play(ids, new AbortController().signal).catch((error: unknown) => console.warn('chime failed', error));
}

let services: FollowServices | null = null;
// Served by the province's portal (?centre=<id>): the ticket is followed through the province.
const centre = centreFromUrl(location.search);
const serviceNames = new Map<string, LocalizedText>();
if (centre)
  void fetch(`/api/portal/centres/${encodeURIComponent(centre)}`)
    .then((res) => (res.ok ? (res.json() as Promise<{ data: { name: LocalizedText; services: { id: string; name: LocalizedText }[] } }>) : null))
    .then((answer) => {
      if (!answer) return;
      for (const s of answer.data.services) serviceNames.set(s.id, s.name);
      portalCentreName.value = answer.data.name;
    })
    .catch(() => undefined);
mountApp(
  { app: 'display', ...(centre ? { connect: false } : {}) },
  () => (
    <FollowContext.Provider value={services}>
      <FollowApp />
    </FollowContext.Provider>
  ),
  (state) => {
    const onLiveAlert = () => {
      vibrate(CALLED_VIBRATION);
      chime(2);
    };
    const ticketId = ticketIdFromUrl(location.search);
    const follow = centre ? startProvinceFollow(centre, ticketId, { onLiveAlert }) : startFollow(state.client, ticketId, { onLiveAlert });
    services = {
      follow,
      serviceName: (id) => serviceNames.get(id) ?? null,
      sound: {
        state: player.soundState,
        enable() {
          // In the tap itself: this is what lets the phone play sound and vibrate later.
          vibrate(60);
          void player.unlock().then(() => chime(1));
        },
      },
    };
    void player.preload([CHIME_CLIP_ID]);
    // Any tap counts as permission for sound (the language button, closing the alert, ...). Not a
    // tap on the turn-on button: that one confirms with a buzz and a chime (enable()), and unlocking
    // on its pointerdown would swap it for "alert on" before its click arrived.
    const onSoundButton = (event: Event) => event.target instanceof Element && event.target.closest('[data-sound-enable]') !== null;
    for (const type of UNLOCK_EVENTS)
      document.addEventListener(
        type,
        (event) => {
          if (!onSoundButton(event)) void player.unlock();
        },
        { capture: true },
      );
    effect(() => {
      document.title = state.t('follow.pageTitle');
    });
  },
);
