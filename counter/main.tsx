import '../server/ui/base.css';
import './counter.css';
import './supervisor.css';
import './rating.css';
import { effect } from '@preact/signals';
import { mountApp } from '../server/ui/mount';
import { refreshCatalog } from '../server/ui/procedure-catalog';
import { CounterApp, watchSession } from './counter-app';
import { currentToken } from './session';

mountApp({ app: 'counter', token: currentToken }, CounterApp, (state) => {
  watchSession(state);
  // The procedure catalog, for the procedure a visitor chose at the kiosk (fetched again when it changes).
  effect(() => {
    void refreshCatalog(state.publicView.value?.view.procedures?.version ?? null);
  });
  effect(() => {
    document.title = state.t('counter.pageTitle');
  });
});
