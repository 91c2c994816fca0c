import '../server/ui/base.css';
import './display.css';
import { effect } from '@preact/signals';
import { lockDownTouchScreen, mountApp } from '../server/ui/mount';
import { startCallFeed, type CallFeed } from './call-feed';
import { CallFeedContext, DisplayApp } from './display-app';

lockDownTouchScreen();
let feed: CallFeed | null = null;
mountApp(
  { app: 'display' },
  () => (
    <CallFeedContext.Provider value={feed}>
      <DisplayApp />
    </CallFeedContext.Provider>
  ),
  (state) => {
    // Created before the first render; the voice player will subscribe to this same feed.
    feed = startCallFeed(state.client);
    effect(() => {
      document.title = state.t('display.pageTitle');
    });
  },
);
