import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { MessageKey } from '../../server/i18n';
import type { ProvinceRole, SessionView } from '../../server/protocol/province-protocol';
import { AccountsScreen } from './accounts-screen';
import { AuditScreen } from './audit-screen';
import { ProvinceOverview } from './province-overview';
import { ProvinceReportsScreen } from './province-reports-screen';
import { api, checkSession, lang, liveStatus, session, signedIn, signOut, t } from './province-state';
import { RegistryScreen } from './registry-screen';
import { SettingsScreen } from './settings-screen';

type Tab = 'overview' | 'reports' | 'registry' | 'accounts' | 'settings' | 'audit';

const TABS: readonly { tab: Tab; label: MessageKey; roles: readonly ProvinceRole[] }[] = [
  { tab: 'overview', label: 'province.tab.overview', roles: ['admin', 'supervisor', 'centre-supervisor'] },
  { tab: 'reports', label: 'province.tab.reports', roles: ['admin', 'supervisor', 'centre-supervisor'] },
  { tab: 'registry', label: 'province.tab.registry', roles: ['admin'] },
  { tab: 'accounts', label: 'province.tab.accounts', roles: ['admin'] },
  { tab: 'settings', label: 'province.tab.settings', roles: ['admin'] },
  { tab: 'audit', label: 'province.tab.audit', roles: ['admin', 'supervisor', 'centre-supervisor'] },
];

const ROLE_LABEL: Record<ProvinceRole, MessageKey> = {
  admin: 'province.role.admin',
  supervisor: 'province.role.supervisor',
  'centre-supervisor': 'province.role.centre-supervisor',
};
export { ROLE_LABEL };

const tab = signal<Tab>('overview');

/** The province supervisor's page: the sign-in, then the tabs this account's role may see. */
export function ProvinceApp() {
  useEffect(() => void checkSession(), []);
  useEffect(() => {
    document.title = t('province.pageTitle');
  }, [lang.value]);
  const view = session.value;
  if (view === undefined) return <div class="pv-loading">{t('conn.connecting')}</div>;
  if (view === null) return <SignIn />;
  const tabs = TABS.filter((x) => x.roles.includes(view.account.role));
  const current = tabs.some((x) => x.tab === tab.value) ? tab.value : 'overview';
  return (
    <div class="pv">
      <header class="pv-top">
        <div class="pv-top__title">
          <span class="pv-top__app">{t('app.name')}</span>
          <span class="pv-top__what">{t('province.title')}</span>
        </div>
        <div class="pv-top__who">
          <span class="pv-top__name" data-testid="pv-who">
            {view.account.name}
          </span>
          <span class="pv-top__role">
            {t(ROLE_LABEL[view.account.role])}
            {view.account.centreId ? ` · ${view.account.centreId}` : ''}
          </span>
        </div>
        <div class="pv-top__tools">
          <LanguageSwitch />
          <button type="button" class="pv-button pv-button--quiet" onClick={() => void signOut()}>
            {t('province.signOut')}
          </button>
        </div>
      </header>
      <nav class="pv-tabs" aria-label={t('province.tabs')}>
        {tabs.map((x) => (
          <button
            key={x.tab}
            type="button"
            class={`pv-tabs__tab ${current === x.tab ? 'pv-tabs__tab--on' : ''}`}
            aria-current={current === x.tab ? 'page' : undefined}
            data-testid={`pv-tab-${x.tab}`}
            onClick={() => (tab.value = x.tab)}
          >
            {t(x.label)}
          </button>
        ))}
        {liveStatus.value !== 'online' && (
          <span class="pv-tabs__offline" role="status">
            {t(liveStatus.value === 'connecting' ? 'conn.connecting' : 'conn.offline')}
          </span>
        )}
      </nav>
      <main class="pv-main">
        {current === 'overview' && <ProvinceOverview account={view.account} />}
        {current === 'reports' && <ProvinceReportsScreen account={view.account} />}
        {current === 'registry' && <RegistryScreen />}
        {current === 'accounts' && <AccountsScreen self={view.account.id} />}
        {current === 'settings' && <SettingsScreen />}
        {current === 'audit' && <AuditScreen account={view.account} />}
      </main>
    </div>
  );
}

export function LanguageSwitch() {
  const other = lang.value === 'vi' ? 'en' : 'vi';
  return (
    <button type="button" class="pv-button pv-button--quiet" lang={other} onClick={() => (lang.value = other)}>
      {t('lang.switch')}
    </button>
  );
}

function SignIn() {
  const user = useSignal('');
  const password = useSignal('');
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    busy.value = true;
    const answer = await api<SessionView>('POST', '/session', { user: user.value, password: password.value });
    busy.value = false;
    if (answer.ok) {
      password.value = '';
      // Whoever signs in starts at the overview (not at the tab the one before left open).
      tab.value = 'overview';
      signedIn(answer.data);
    } else error.value = answer.message ?? t(`error.${answer.error}`);
  };

  return (
    <main class="pv-signin">
      <form class="pv-signin__card" onSubmit={(e) => void submit(e)}>
        <div class="pv-signin__lang">
          <LanguageSwitch />
        </div>
        <h1 class="pv-signin__title">
          <span class="pv-top__app">{t('app.name')}</span> {t('province.title')}
        </h1>
        <p class="pv-muted">{t('province.signIn.intro')}</p>
        <label class="pv-field">
          <span>{t('province.signIn.user')}</span>
          <input ref={first} name="username" autoComplete="username" autoCapitalize="none" value={user.value} onInput={(e) => (user.value = e.currentTarget.value)} required />
        </label>
        <label class="pv-field">
          <span>{t('province.signIn.password')}</span>
          <input type="password" name="password" autoComplete="current-password" value={password.value} onInput={(e) => (password.value = e.currentTarget.value)} required />
        </label>
        {error.value && (
          <p class="pv-error" role="alert">
            {error.value}
          </p>
        )}
        <button type="submit" class="pv-button pv-button--primary pv-signin__submit" disabled={busy.value}>
          {t('province.signIn.submit')}
        </button>
      </form>
    </main>
  );
}
