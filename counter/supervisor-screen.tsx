import type { MessageKey } from '../server/i18n';
import { ProceduresScreen } from './procedures-screen';
import { useAppState } from '../server/ui/app-state';
import { ApiKeysScreen } from './api-keys-screen';
import { AuditScreen } from './audit-screen';
import { BookingsScreen } from './bookings-screen';
import { ConfigScreen } from './config-screen';
import { TopBar } from './counter-app';
import { DeadlinesScreen } from './deadlines-screen';
import { OverviewScreen } from './overview-screen';
import { ReportsScreen } from './reports-screen';
import { SessionsScreen } from './sessions-screen';
import { devicesOpen, session, supervisorTab, type SupervisorTab } from './session';
import { ScreenAlerts } from './staff-tools';

const TABS: readonly { tab: SupervisorTab; label: MessageKey }[] = [
  { tab: 'overview', label: 'sup.tab.overview' },
  { tab: 'reports', label: 'sup.tab.reports' },
  { tab: 'deadlines', label: 'sup.tab.deadlines' },
  { tab: 'bookings', label: 'supBook.tab' },
  { tab: 'procedures', label: 'supProc.tab' },
  { tab: 'sessions', label: 'sup.tab.sessions' },
  { tab: 'apikeys', label: 'sup.tab.apikeys' },
  { tab: 'config', label: 'sup.tab.config' },
  { tab: 'audit', label: 'sup.tab.audit' },
];

/**
 * The supervisor's screens, over the picker or the pad (which stay as they were): a row of tabs
 * under the top bar, and the devices one tap away. "Back" returns to the counter work.
 */
export function SupervisorScreen() {
  const state = useAppState();
  const { t, local } = state;
  const info = session.value!;
  const tab = supervisorTab.value ?? 'overview';
  const centre = local(state.publicView.value?.view.centre.name);
  return (
    <>
      <TopBar
        title={t('sup.title')}
        subtitle={centre ? `${centre} · ${info.officer.name}` : info.officer.name}
        loggedIn
        onBack={() => (supervisorTab.value = null)}
      />
      <nav class="sup-nav" aria-label={t('sup.title')}>
        {TABS.map((item) => (
          <button
            key={item.tab}
            type="button"
            class={`sup-nav__tab ${item.tab === tab ? 'sup-nav__tab--on' : ''}`}
            aria-current={item.tab === tab ? 'page' : undefined}
            data-testid={`sup-tab-${item.tab}`}
            onClick={() => (supervisorTab.value = item.tab)}
          >
            {t(item.label)}
          </button>
        ))}
        <button type="button" class="sup-nav__tab sup-nav__tab--aside" data-testid="sup-tab-devices" onClick={() => (devicesOpen.value = true)}>
          {t('devices.open')}
        </button>
      </nav>
      {/* The overview lists paper warnings among its alerts; the other screens keep the strip. */}
      <ScreenAlerts paper={tab !== 'overview'} />
      <main class={`sup-main sup-main--${tab}`}>
        {tab === 'overview' && <OverviewScreen />}
        {tab === 'reports' && <ReportsScreen />}
        {tab === 'deadlines' && <DeadlinesScreen />}
        {tab === 'bookings' && <BookingsScreen />}
        {tab === 'procedures' && <ProceduresScreen />}
        {tab === 'sessions' && <SessionsScreen />}
        {tab === 'apikeys' && <ApiKeysScreen />}
        {tab === 'config' && <ConfigScreen />}
        {tab === 'audit' && <AuditScreen />}
      </main>
    </>
  );
}
