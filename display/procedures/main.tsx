import '../../server/ui/base.css';
import '../phone/phone-page.css';
import './procedures.css';
import { effect } from '@preact/signals';
import { mountApp } from '../../server/ui/mount';
import { refreshCatalog } from '../../server/ui/procedure-catalog';
import { ProceduresApp } from './procedures-app';

// The procedures on a phone: /display/procedures.html, and ?code=<code> for one (a link to share).
mountApp({ app: 'display' }, ProceduresApp, (state) => {
  effect(() => {
    void refreshCatalog(state.publicView.value?.view.procedures?.version ?? null);
  });
  effect(() => {
    document.title = state.t('procedures.title');
  });
});
