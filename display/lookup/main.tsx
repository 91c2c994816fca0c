import '../../server/ui/base.css';
import '../phone/phone-page.css';
import './lookup.css';
import { effect } from '@preact/signals';
import { mountApp } from '../../server/ui/mount';
import { LookupApp, LookupContext } from './lookup-app';
import { lookupFromUrl, startLookup, type LookupController } from './lookup-state';

// The phone's dossier lookup: /display/lookup.html?code=<code>&key=<key> (the receipt's QR code).
let lookup: LookupController | null = null;
mountApp(
  { app: 'display' },
  () => (
    <LookupContext.Provider value={lookup}>
      <LookupApp />
    </LookupContext.Provider>
  ),
  (state) => {
    lookup = startLookup(state.client, lookupFromUrl(location.search));
    effect(() => {
      document.title = state.t('phoneLookup.pageTitle');
    });
  },
);
