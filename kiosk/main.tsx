import '../server/ui/base.css';
import './kiosk.css';
import { effect } from '@preact/signals';
import { lockDownTouchScreen, mountApp } from '../server/ui/mount';
import { pairingSecret } from '../server/ui/pairing';
import { KioskApp } from './kiosk-app';
import { watchPrinting } from './printing';

/** `/kiosk/?kiosk=<id>` names this kiosk (its printer); the hub refuses a malformed id, so check it. */
function kioskIdFromUrl(): string | null {
  const id = new URLSearchParams(location.search).get('kiosk');
  return id && /^[a-z0-9][a-z0-9-]{0,39}$/.test(id) ? id : null;
}

lockDownTouchScreen();
mountApp({ app: 'kiosk', kioskId: kioskIdFromUrl(), pairing: pairingSecret('luot.kiosk.pairing') }, KioskApp, (state) => {
  watchPrinting(state);
  effect(() => {
    document.title = state.t('kiosk.pageTitle');
  });
});
