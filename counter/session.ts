import { signal } from '@preact/signals';
import type { SessionInfo } from '../server/protocol/views';

/**
 * The officer's session for this tab: kept in sessionStorage, so a reload stays logged in and at
 * the same counter, and closing the tab forgets it. The token goes to the hub in the socket `auth`.
 */
const SESSION_KEY = 'luot.counter.session';
const COUNTER_KEY = 'luot.counter.counterId';

export const session = signal<SessionInfo | null>(readSession());
export const chosenCounter = signal<string | null>(session.peek() ? read(COUNTER_KEY) : null);
/** The supervisor's device screen is shown over the picker or the pad (which stay as they were). */
export const devicesOpen = signal(false);

/** The supervisor's screens (overview, reports, ...), shown over the picker or the pad; null: none. */
export type SupervisorTab = 'overview' | 'reports' | 'deadlines' | 'bookings' | 'procedures' | 'sessions' | 'apikeys' | 'config' | 'audit';
export const supervisorTab = signal<SupervisorTab | null>(null);

/** Supervisors see the devices; the hub checks it again on every device command. */
export function isSupervisor(): boolean {
  return session.value?.officer.role === 'supervisor';
}

export function currentToken(): string | null {
  const s = session.peek();
  return s && s.expiresAt > Date.now() ? s.token : null;
}

export function saveSession(info: SessionInfo | null): void {
  session.value = info;
  write(SESSION_KEY, info ? JSON.stringify(info) : null);
  if (!info) {
    chooseCounter(null);
    devicesOpen.value = false;
    supervisorTab.value = null;
  }
}

export function chooseCounter(counterId: string | null): void {
  chosenCounter.value = counterId;
  write(COUNTER_KEY, counterId);
}

function readSession(): SessionInfo | null {
  const text = read(SESSION_KEY);
  if (!text) return null;
  try {
    const info = JSON.parse(text) as SessionInfo;
    if (typeof info?.token !== 'string' || typeof info.expiresAt !== 'number' || info.expiresAt <= Date.now()) return null;
    if (!info.officer || !Array.isArray(info.counters)) return null;
    return info;
  } catch {
    return null;
  }
}

function read(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // Storage may be unavailable; the session then lasts as long as the page.
  }
}
