import '../server/ui/base.css';
import './display.css';
import { computed, effect } from '@preact/signals';
import { lockDownTouchScreen, mountApp } from '../server/ui/mount';
import { startCallFeed } from './call-feed';
import { DisplayApp, DisplayContext, type DisplayServices } from './display-app';
import { watchOrientation } from './orientation';
import { startVoiceAnnouncer } from './voice/announcer';

lockDownTouchScreen();
const services: DisplayServices = { feed: null, voice: null, orientation: watchOrientation() };
mountApp(
  { app: 'display' },
  () => (
    <DisplayContext.Provider value={services}>
      <DisplayApp />
    </DisplayContext.Provider>
  ),
  (state) => {
    // Created before the first render. Only live `ticket:called` events pass through the feed, so
    // the voice never reads out a snapshot (a reconnect, a reload) as a new call.
    const feed = startCallFeed(state.client);
    services.feed = feed;
    services.voice = startVoiceAnnouncer({
      calls: feed,
      settings: computed(() => state.publicView.value?.view.display.voice ?? null),
    });
    effect(() => {
      document.title = state.t('display.pageTitle');
    });
  },
);
