import { computed, effect, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { LocalizedText } from '../config/centre-config';
import { isLang, translate, type Lang, type MessageKey } from '../i18n';
import {
  createHubClient,
  type ConnectionStatus,
  type HubClient,
  type HubClientOptions,
} from '../protocol/hub-client';
import type { CounterView, PublicView, StaffView, Versioned } from '../protocol/views';
import { setCentreTimeZone } from './format';

/**
 * What every screen shares, as signals (the "app state" pattern of the Preact signals guide): the
 * language, the connection, the hub's newest views and a ticking clock corrected to the hub's time.
 * Created once per page and handed down through a context, so components stay small.
 */
export interface AppState {
  app: HubClientOptions['app'];
  client: HubClient;
  lang: Signal<Lang>;
  status: ReadonlySignal<ConnectionStatus>;
  /** True once the hub has been unreachable for a few seconds (short blips are not worth a banner). */
  offline: ReadonlySignal<boolean>;
  publicView: ReadonlySignal<Versioned<PublicView> | null>;
  staffView: ReadonlySignal<Versioned<StaffView> | null>;
  counterView: ReadonlySignal<Versioned<CounterView> | null>;
  /** The hub's clock, ticking once a second. */
  now: ReadonlySignal<number>;
  /** Chooses the counter this screen works at (null: none) and loads its view. */
  selectCounter(counterId: string | null): ReturnType<HubClient['setCounter']>;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** A configured text (service, centre, group name) in the current language. */
  local(text: LocalizedText | null | undefined): string;
  dispose(): void;
}

export interface AppStateOptions {
  app: HubClientOptions['app'];
  /** Read at every (re)connect: the officer's session token, if any. */
  token?: () => string | null;
  kioskId?: string | null;
  /** The pairing secret of a kiosk or rating screen (pairing.ts). */
  pairing?: string | null;
  ackTimeoutMs?: number;
  offlineAfterMs?: number;
  /** False: a page with no hub to connect to (the province's portal pages). */
  connect?: boolean;
}

export const OFFLINE_BADGE_DELAY_MS = 3_000;

export function createAppState(options: AppStateOptions): AppState {
  const langKey = `luot.${options.app}.lang`;
  const lang = signal<Lang>(readStoredLang(langKey));
  const status = signal<ConnectionStatus>('connecting');
  const offline = signal(false);
  const publicView = signal<Versioned<PublicView> | null>(null);
  const staffView = signal<Versioned<StaffView> | null>(null);
  const counterView = signal<Versioned<CounterView> | null>(null);

  const client = createHubClient({
    app: options.app,
    lang: () => lang.peek(),
    ...(options.token ? { token: options.token } : {}),
    ...(options.kioskId ? { kioskId: options.kioskId } : {}),
    ...(options.pairing ? { pairing: () => options.pairing ?? null } : {}),
    ...(options.ackTimeoutMs ? { ackTimeoutMs: options.ackTimeoutMs } : {}),
    ...(options.connect === false ? { connect: false } : {}),
  });
  const now = signal(client.serverNow());

  const disposers: (() => void)[] = [];
  disposers.push(client.onStatus((s) => (status.value = s)));
  disposers.push(
    client.onView('public', (m) => {
      // Times on every screen are shown in the centre's zone, as the hub's configuration says.
      setCentreTimeZone(m.view.centre?.timeZone);
      publicView.value = m;
    }),
  );
  disposers.push(client.onView('staff', (m) => (staffView.value = m)));
  disposers.push(client.onView('counter', (m) => (counterView.value = m)));

  let offlineTimer: ReturnType<typeof setTimeout> | null = null;
  disposers.push(
    effect(() => {
      // A page with no hub (the province's portal) is never "offline" for want of one.
      const online = status.value === 'online' || options.connect === false;
      if (online) {
        if (offlineTimer) clearTimeout(offlineTimer);
        offlineTimer = null;
        offline.value = false;
      } else if (!offlineTimer && !offline.peek()) {
        offlineTimer = setTimeout(() => {
          offlineTimer = null;
          offline.value = true;
        }, options.offlineAfterMs ?? OFFLINE_BADGE_DELAY_MS);
      }
    }),
  );
  disposers.push(
    effect(() => {
      const value = lang.value;
      document.documentElement.lang = value;
      try {
        localStorage.setItem(langKey, value);
      } catch {
        // Storage may be off (private mode, kiosk policy): the language still works for this page.
      }
    }),
  );
  const ticker = setInterval(() => (now.value = client.serverNow()), 1_000);
  disposers.push(() => clearInterval(ticker));

  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(lang.value, key, params);
  const local = (text: LocalizedText | null | undefined) => (text ? text[lang.value] : '');
  return {
    app: options.app,
    client,
    lang,
    status: computed(() => status.value),
    offline: computed(() => offline.value),
    publicView,
    staffView,
    counterView,
    now,
    selectCounter(counterId) {
      if (counterId !== client.counterId) counterView.value = null;
      return client.setCounter(counterId);
    },
    t,
    local,
    dispose() {
      disposers.forEach((d) => d());
      if (offlineTimer) clearTimeout(offlineTimer);
      client.close();
    },
  };
}

function readStoredLang(key: string): Lang {
  try {
    const stored = localStorage.getItem(key);
    return isLang(stored) ? stored : 'vi';
  } catch {
    return 'vi';
  }
}

export const AppStateContext = createContext<AppState | null>(null);

export function useAppState(): AppState {
  const state = useContext(AppStateContext);
  if (!state) throw new Error('useAppState() outside <AppStateContext.Provider>');
  return state;
}

/** `t(key, params)` in the current language; a component using it re-renders when the language changes. */
export function useT(): AppState['t'] {
  return useAppState().t;
}
