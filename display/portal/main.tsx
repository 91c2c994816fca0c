import '../../server/ui/base.css';
import '../phone/phone-page.css';
import './portal.css';
import { effect } from '@preact/signals';
import { setCentreTimeZone } from '../../server/ui/format';
import { mountApp } from '../../server/ui/mount';
import { PortalApp, PortalContext } from './portal-app';
import { createPortal, type PortalController } from './portal-state';

// The citizens' portal of the province: /display/portal.html (the province sends / here). No hub
// behind it: the centres and their queues come from the province's REST API.
let portal: PortalController | null = null;
setCentreTimeZone('Asia/Ho_Chi_Minh');
mountApp(
  { app: 'display', connect: false },
  () => (
    <PortalContext.Provider value={portal}>
      <PortalApp />
    </PortalContext.Provider>
  ),
  (state) => {
    portal = createPortal();
    void portal.load();
    effect(() => {
      document.title = state.t('portal.pageTitle');
    });
  },
);
