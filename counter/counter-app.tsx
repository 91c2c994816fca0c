import { signal, useSignal } from '@preact/signals';
import type { AppState } from '../server/ui/app-state';
import type { MessageKey } from '../server/i18n';
import { useAppState } from '../server/ui/app-state';
import { Clock, Connecting, LanguageToggle, OfflineBadge } from '../server/ui/components';
import { DevicesScreen } from './devices-screen';
import { PadScreen } from './pad-screen';
import { chooseCounter, chosenCounter, devicesOpen, isSupervisor, saveSession, session, supervisorTab } from './session';
import { ScreenAlerts, StaffTools } from './staff-tools';
import { SupervisorScreen } from './supervisor-screen';

/** A message to show on the login or picker screen after the hub sent us back there. */
export const notice = signal<string | null>(null);

/** Keeps the stored session honest: a refused token logs out, a refused counter goes back to the picker. */
export function watchSession(state: AppState): void {
  const counterId = chosenCounter.peek();
  if (session.peek() && counterId) void state.selectCounter(counterId);
  state.client.onSnapshotError((error) => {
    if (error.error === 'NOT_LOGGED_IN' || error.error === 'SESSION_EXPIRED') endSession(state, error.message);
    else {
      chooseCounter(null);
      void state.selectCounter(null);
      notice.value = error.message;
    }
  });
  // Ended elsewhere (logged out on another screen, a new password, ended by the supervisor): at once.
  state.client.onSessionEnded((reason) => {
    if (session.peek()) endSession(state, state.t(SESSION_ENDED_TEXT[reason] ?? 'session.ended.logout'));
  });
  state.client.onSnapshot((snapshot) => {
    // The hub sends the staff view only to a valid session: without it, the stored token is dead.
    if (session.peek() && !snapshot.staff) endSession(state, state.t('error.SESSION_EXPIRED'));
  });
}

const SESSION_ENDED_TEXT: Record<string, MessageKey> = {
  logout: 'session.ended.logout',
  'password-changed': 'session.ended.passwordChanged',
  'officer-removed': 'session.ended.officerRemoved',
  'officer-disabled': 'session.ended.officerDisabled',
  'ended-by-supervisor': 'session.ended.bySupervisor',
  expired: 'error.SESSION_EXPIRED',
};

export function endSession(state: AppState, message: string | null): void {
  saveSession(null);
  void state.selectCounter(null);
  notice.value = message;
}

export async function logOut(state: AppState): Promise<void> {
  // Forget the session here even if the hub cannot be told (it expires by itself).
  await state.client.request('session:logout', {});
  endSession(state, null);
}

export function CounterApp() {
  const info = session.value;
  const counterId = chosenCounter.value;
  // The device screen is for supervisors only (the hub refuses its commands to anyone else).
  const devices = devicesOpen.value && isSupervisor();
  // So are the supervisor's screens (overview, reports, dossiers, keys, configuration, audit).
  const supervising = supervisorTab.value !== null && isSupervisor();
  return (
    <div class="pad-app">
      {!info ? (
        <LoginScreen />
      ) : devices ? (
        <DevicesScreen />
      ) : supervising ? (
        <SupervisorScreen />
      ) : !counterId ? (
        <PickerScreen />
      ) : (
        <PadScreen counterId={counterId} />
      )}
      <OfflineBadge />
    </div>
  );
}

/** The bar at the top of the login, picker and device screens. */
export function TopBar(props: { title: string; subtitle?: string | null; loggedIn: boolean; onBack?: () => void }) {
  const state = useAppState();
  return (
    <header class="topbar">
      <div class="topbar__titles">
        <div class="topbar__title">{props.title}</div>
        {props.subtitle && <div class="topbar__subtitle">{props.subtitle}</div>}
      </div>
      <div class="topbar__tools">
        <Clock />
        <LanguageToggle />
        {props.onBack && (
          <button type="button" class="tool-button tool-button--ghost" data-testid="back" onClick={props.onBack}>
            {state.t('counter.back')}
          </button>
        )}
        {props.loggedIn && <StaffTools />}
      </div>
    </header>
  );
}

function LoginScreen() {
  const state = useAppState();
  const { t, local } = state;
  const username = useSignal('');
  const password = useSignal('');
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const blockedUntil = useSignal(0);
  const blocked = blockedUntil.value > state.now.value;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value || blocked) return;
    busy.value = true;
    const answer = await state.client.request('session:login', {
      username: username.value.trim(),
      password: password.value,
    });
    busy.value = false;
    if (answer.ok) {
      password.value = '';
      error.value = null;
      notice.value = null;
      saveSession(answer.data);
      return;
    }
    error.value = answer.message;
    if ('retryAfterSeconds' in answer && answer.retryAfterSeconds)
      blockedUntil.value = state.client.serverNow() + answer.retryAfterSeconds * 1000;
  };

  const shown = error.value ?? notice.value;
  return (
    <>
      <TopBar title={t('counter.appTitle')} subtitle={local(state.publicView.value?.view.centre.name)} loggedIn={false} />
      <main class="login">
        <form class="login__card" onSubmit={submit} autocomplete="off">
          <h1 class="login__title">{t('counter.login.title')}</h1>
          <label class="field">
            <span class="field__label">{t('counter.login.username')}</span>
            <input
              class="field__input"
              name="username"
              autocomplete="username"
              autocapitalize="off"
              spellcheck={false}
              value={username.value}
              onInput={(e) => (username.value = e.currentTarget.value)}
              required
            />
          </label>
          <label class="field">
            <span class="field__label">{t('counter.login.password')}</span>
            <input
              class="field__input"
              name="password"
              type="password"
              autocomplete="current-password"
              value={password.value}
              onInput={(e) => (password.value = e.currentTarget.value)}
              required
            />
          </label>
          {shown && (
            <p class="form-error" role="alert">
              {shown}
            </p>
          )}
          <button type="submit" class="pad-button pad-button--primary login__submit" disabled={busy.value || blocked}>
            {t('counter.login.submit')}
          </button>
        </form>
      </main>
    </>
  );
}

function PickerScreen() {
  const state = useAppState();
  const { t, local } = state;
  const info = session.value!;
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const staff = state.staffView.value?.view ?? null;
  const services = state.publicView.value?.view.services ?? [];
  const counters = staff?.counters.filter((c) => info.counters.includes(c.id)) ?? [];

  const open = async (counterId: string) => {
    if (busy.value) return;
    busy.value = true;
    const answer = await state.client.command('counter:open', { counterId });
    busy.value = false;
    if (!answer.ok) {
      error.value = answer.message;
      return;
    }
    notice.value = null;
    chooseCounter(counterId);
    void state.selectCounter(counterId);
  };

  const shown = error.value ?? notice.value;
  return (
    <>
      <TopBar title={t('counter.pick')} subtitle={info.officer.name} loggedIn />
      <ScreenAlerts />
      <main class="picker">
        {shown && (
          <p class="form-error" role="alert">
            {shown}
          </p>
        )}
        {!staff && <Connecting />}
        <div class="picker__grid">
          {counters.map((counter) => {
            const mine = counter.officer?.id === info.officer.id;
            const taken = counter.officer !== null && !mine;
            return (
              <button
                key={counter.id}
                type="button"
                class={`counter-card ${mine ? 'counter-card--mine' : ''} ${taken ? 'counter-card--taken' : ''}`}
                disabled={busy.value}
                onClick={() => void open(counter.id)}
              >
                <span class="counter-card__name">{t('counter.counterN', { number: counter.number })}</span>
                <span class="counter-card__services">
                  {counter.services.map((id) => local(services.find((s) => s.id === id)?.name)).join(', ')}
                </span>
                <span class="counter-card__who">
                  {mine
                    ? t('counter.yours')
                    : counter.officer
                      ? t('counter.occupiedBy', { name: counter.officer.name })
                      : t('counter.free')}
                </span>
              </button>
            );
          })}
        </div>
      </main>
    </>
  );
}
