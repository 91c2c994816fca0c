import '../server/ui/base.css';
import './counter.css';
import './supervisor.css';
import './rating.css';
import { effect } from '@preact/signals';
import { mountApp } from '../server/ui/mount';
import { CounterApp, watchSession } from './counter-app';
import { currentToken } from './session';

mountApp({ app: 'counter', token: currentToken }, CounterApp, (state) => {
  watchSession(state);
  effect(() => {
    document.title = state.t('counter.pageTitle');
  });
});
