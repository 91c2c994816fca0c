import { computed, signal } from '@preact/signals';
import { io, type Socket } from 'socket.io-client';
import { isLang, translate, type Lang, type MessageKey } from '../../server/i18n';
import {
  PROVINCE_NAMESPACE,
  type CentreOverviewRow,
  type OverviewSnapshot,
  type ProvinceAnswer,
  type ProvinceClientEvents,
  type ProvinceServerEvents,
  type SessionView,
} from '../../server/protocol/province-protocol';

/**
 * What the province screen shares, as signals: the language, the session, the province's clock,
 * and the live overview (a snapshot when the socket connects and every 30 s, and each centre's
 * new row as it comes). The session lives in an HttpOnly cookie the page never reads: requests and
 * the socket carry it by themselves.
 */

const LANG_KEY = 'luot.province.lang';
export const lang = signal<Lang>(storedLang());
lang.subscribe((value) => {
  document.documentElement.lang = value;
  try {
    localStorage.setItem(LANG_KEY, value);
  } catch {
    // Storage may be off: the language still holds for this page.
  }
});

export type T = (key: MessageKey, params?: Record<string, string | number>) => string;
/** `t(key)` in the current language (a component reading it re-renders when the language changes). */
export const t: T = (key, params) => translate(lang.value, key, params);

/** undefined: not known yet; null: signed out. */
export const session = signal<SessionView | null | undefined>(undefined);
/** The province's clock minus this browser's. */
const offset = signal(0);
export const now = signal(Date.now());
setInterval(() => (now.value = Date.now() + offset.peek()), 1_000);
const setServerNow = (serverNow: number) => {
  offset.value = serverNow - Date.now();
  now.value = serverNow;
};

/** A call to /api/province/…; an answer always comes (a lost connection is a typed error too). */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ProvinceAnswer<T>> {
  let response: Response;
  try {
    response = await fetch(`/api/province${path}`, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'Accept-Language': lang.peek(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    return { ok: false, error: 'INTERNAL', message: translate(lang.peek(), 'client.offline') };
  }
  const answer = (await response.json().catch(() => null)) as ProvinceAnswer<T> | null;
  if (!answer) return { ok: false, error: 'INTERNAL', message: translate(lang.peek(), 'client.noAnswer') };
  if (!answer.ok && (answer.error === 'NOT_LOGGED_IN' || answer.error === 'SESSION_EXPIRED') && path !== '/session') signedOut();
  return answer;
}

/** Downloads a file the API makes (a report), under the name it suggests. */
export async function download(path: string, fallbackName: string): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch(`/api/province${path}`, { credentials: 'same-origin', cache: 'no-store', headers: { 'Accept-Language': lang.peek() } });
  } catch {
    return translate(lang.peek(), 'client.offline');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { message?: string } | null;
    return body?.message ?? translate(lang.peek(), 'error.INTERNAL');
  }
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const name = /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
  return null;
}

/** Counts sign-ins and sign-outs: an answer about a session that has since changed is ignored. */
let generation = 0;

export async function checkSession(): Promise<void> {
  const asked = generation;
  const answer = await api<SessionView>('GET', '/session');
  if (asked !== generation) return;
  if (answer.ok) signedIn(answer.data);
  else signedOut();
}

export function signedIn(view: SessionView): void {
  generation += 1;
  setServerNow(view.serverNow);
  session.value = view;
  connectLive();
}

export function signedOut(): void {
  generation += 1;
  session.value = null;
  disconnectLive();
}

export async function signOut(): Promise<void> {
  await api('DELETE', '/session');
  signedOut();
}

// --- the live overview ------------------------------------------------------------------------

export type LiveStatus = 'connecting' | 'online' | 'offline';
export const liveStatus = signal<LiveStatus>('connecting');
const rowsById = signal<Map<string, CentreOverviewRow>>(new Map());
export const overview = computed(() => [...rowsById.value.values()]);
export const overviewLoaded = signal(false);

let socket: Socket<ProvinceServerEvents, ProvinceClientEvents> | null = null;
let refresh: ReturnType<typeof setInterval> | null = null;

function connectLive(): void {
  if (socket) return;
  const s: Socket<ProvinceServerEvents, ProvinceClientEvents> = io(PROVINCE_NAMESPACE, { transports: ['websocket'], withCredentials: true });
  socket = s;
  liveStatus.value = 'connecting';
  s.on('connect', () => {
    liveStatus.value = 'online';
    void snapshot();
  });
  s.on('disconnect', (reason) => {
    if (socket !== s) return;
    liveStatus.value = 'offline';
    // The province let the screen go (the session ended): the page asks for a sign-in again.
    if (reason === 'io server disconnect') void checkSession();
  });
  s.on('connect_error', (error) => {
    if (socket !== s) return;
    liveStatus.value = 'offline';
    if (error.message === 'NOT_LOGGED_IN' || error.message === 'SESSION_EXPIRED') signedOut();
  });
  s.on('province:centre', (row) => {
    const known = rowsById.peek().get(row.id);
    if (known && known.computedAt > row.computedAt) return;
    const next = new Map(rowsById.peek());
    next.set(row.id, row);
    rowsById.value = next;
  });
  refresh = setInterval(() => void snapshot(), 30_000);
}

async function snapshot(): Promise<void> {
  const s = socket;
  if (!s?.connected) return;
  const answer = (await s
    .timeout(10_000)
    .emitWithAck('province:overview', {})
    .catch(() => null)) as ProvinceAnswer<OverviewSnapshot> | null;
  if (!answer?.ok) return;
  setServerNow(answer.data.serverNow);
  // Rows that came while the snapshot was on its way and are newer stay.
  const known = rowsById.peek();
  rowsById.value = new Map(answer.data.rows.map((r) => {
    const mine = known.get(r.id);
    return [r.id, mine && mine.computedAt > r.computedAt ? mine : r];
  }));
  overviewLoaded.value = true;
}

function disconnectLive(): void {
  if (refresh) clearInterval(refresh);
  refresh = null;
  socket?.close();
  socket = null;
  rowsById.value = new Map();
  overviewLoaded.value = false;
}

function storedLang(): Lang {
  try {
    const stored = localStorage.getItem(LANG_KEY);
    return isLang(stored) ? stored : 'vi';
  } catch {
    return 'vi';
  }
}
