import { signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type { MessageKey } from '../../server/i18n';
import type { ClientAck, HubClient } from '../../server/protocol/hub-client';
import type { DossierLookupView, TimelinessView } from '../../server/protocol/views';

/**
 * A visitor looking a dossier up on a phone: from the QR code on the receipt (code and key in the
 * address, looked up at once) or typed into the form. The hub answers `dossier:lookup`; a wrong
 * code and a wrong key get the same answer, and wrong tries are slowed down (RATE_LIMITED).
 */

export type LookupState =
  | { kind: 'form' }
  /** `auto`: started from the address (the QR code), not from the form. */
  | { kind: 'searching'; auto: boolean }
  | { kind: 'found'; view: DossierLookupView }
  | { kind: 'not-found' }
  /** Too many wrong tries: the next one is allowed at `until` (this device's clock). */
  | { kind: 'wait'; until: number }
  | { kind: 'failed'; reason: 'offline' | 'error' };

export interface LookupController {
  readonly state: ReadonlySignal<LookupState>;
  readonly code: Signal<string>;
  readonly key: Signal<string>;
  /** Looks up what is in the form. False when a field is empty (nothing was sent). */
  submit(): boolean;
  /** Back to an empty form, for another dossier. */
  again(): void;
  dispose(): void;
}

/** The longest code and key the hub accepts (server/protocol/commands.ts). */
export const CODE_MAX = 60;
export const KEY_MAX = 20;
/** How long to wait for the connection before saying the hub cannot be reached. */
export const CONNECT_WAIT_MS = 10_000;

/** `lookup.html?code=...&key=...` (the QR code on the receipt holds both). */
export function lookupFromUrl(search: string): { code: string; key: string } {
  const params = new URLSearchParams(search);
  return { code: cleanCode(params.get('code') ?? ''), key: cleanKey(params.get('key') ?? '') };
}

export function cleanCode(code: string): string {
  return code.trim();
}

/** Keys are printed in groups on some receipts ("A7K9 Q2"): spaces are not part of the key. */
export function cleanKey(key: string): string {
  return key.replace(/\s+/g, '').toUpperCase();
}

/** Resolves once the hub client is connected, or false after `timeoutMs`. */
export function whenOnline(client: HubClient, timeoutMs = CONNECT_WAIT_MS): Promise<boolean> {
  if (client.status === 'online') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(false);
    }, timeoutMs);
    const stop = client.onStatus((status) => {
      if (status !== 'online') return;
      clearTimeout(timer);
      stop();
      resolve(true);
    });
  });
}

export function startLookup(client: HubClient, initial: { code: string; key: string }): LookupController {
  const code = signal(initial.code);
  const key = signal(initial.key);
  const state = signal<LookupState>(initial.code && initial.key ? { kind: 'searching', auto: true } : { kind: 'form' });
  let asked = 0;
  let disposed = false;

  const apply = (answer: ClientAck<DossierLookupView>) => {
    if (answer.ok) {
      state.value = { kind: 'found', view: answer.data };
      return;
    }
    switch (answer.error) {
      case 'DOSSIER_NOT_FOUND':
      case 'INVALID_PAYLOAD':
        // Whatever was wrong (the code, the key, their shape), the visitor hears the same thing.
        state.value = { kind: 'not-found' };
        return;
      case 'RATE_LIMITED': {
        const seconds = 'retryAfterSeconds' in answer && answer.retryAfterSeconds ? answer.retryAfterSeconds : 30;
        state.value = { kind: 'wait', until: Date.now() + seconds * 1000 };
        return;
      }
      case 'OFFLINE':
      case 'NO_ANSWER':
        state.value = { kind: 'failed', reason: 'offline' };
        return;
      default:
        state.value = { kind: 'failed', reason: 'error' };
    }
  };

  const run = async (wantedCode: string, wantedKey: string, auto: boolean) => {
    const ticket = ++asked;
    state.value = { kind: 'searching', auto };
    if (wantedCode.length > CODE_MAX || wantedKey.length > KEY_MAX) {
      state.value = { kind: 'not-found' };
      return;
    }
    const online = await whenOnline(client);
    if (disposed || ticket !== asked) return;
    if (!online) {
      state.value = { kind: 'failed', reason: 'offline' };
      return;
    }
    const answer = await client.request('dossier:lookup', { code: wantedCode, key: wantedKey });
    if (disposed || ticket !== asked) return;
    apply(answer);
  };

  if (initial.code && initial.key) void run(initial.code, initial.key, true);

  return {
    state,
    code,
    key,
    submit() {
      const current = state.peek();
      if (current.kind === 'searching') return true;
      if (current.kind === 'wait' && current.until > Date.now()) return true;
      const wantedCode = cleanCode(code.peek());
      const wantedKey = cleanKey(key.peek());
      if (!wantedCode || !wantedKey) return false;
      void run(wantedCode, wantedKey, false);
      return true;
    },
    again() {
      asked++;
      code.value = '';
      key.value = '';
      state.value = { kind: 'form' };
    },
    dispose() {
      disposed = true;
    },
  };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type Badge =
  | { kind: 'early' | 'on-time'; days: 0; hours: 0 }
  | { kind: 'late'; days: number; hours: 0 }
  | { kind: 'in-time'; days: number; hours: number };

/**
 * Trước hạn / Đúng hạn / Quá hạn n ngày / Còn x ngày y giờ. The hub counts in working time: a
 * working day is a whole day of the centre's calendar (weekends and holidays do not count), so
 * `msLeft` divides into 24-hour days. A dossier closed without a result has no badge.
 */
export function timelinessBadge(timeliness: TimelinessView): Badge | null {
  switch (timeliness.kind) {
    case 'early':
    case 'on-time':
      return { kind: timeliness.kind, days: 0, hours: 0 };
    case 'late':
      return { kind: 'late', days: Math.max(1, timeliness.workingDaysLate), hours: 0 };
    case 'in-time': {
      const ms = Math.max(0, timeliness.msLeft);
      return { kind: 'in-time', days: Math.floor(ms / DAY_MS), hours: Math.floor((ms % DAY_MS) / HOUR_MS) };
    }
    case 'closed':
      return null;
  }
}

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function badgeText(badge: Badge, t: Translate): string {
  const days = (n: number) => t(n === 1 ? 'phoneLookup.time.day' : 'phoneLookup.time.days', { n });
  const hours = (n: number) => t(n === 1 ? 'phoneLookup.time.hour' : 'phoneLookup.time.hours', { n });
  switch (badge.kind) {
    case 'early':
      return t('phoneLookup.badge.early');
    case 'on-time':
      return t('phoneLookup.badge.onTime');
    case 'late':
      return t('phoneLookup.badge.late', { time: days(badge.days) });
    case 'in-time': {
      if (badge.days === 0 && badge.hours === 0) return t('phoneLookup.badge.lastHour');
      const parts = [badge.days > 0 ? days(badge.days) : '', badge.hours > 0 ? hours(badge.hours) : ''].filter(Boolean);
      return t('phoneLookup.badge.left', { time: parts.join(' ') });
    }
  }
}

/** The national portal's status names, 1-10, in plain words. */
export function statusKey(status: number): MessageKey | null {
  return Number.isInteger(status) && status >= 1 && status <= 10 ? (`dossier.status.${status}` as MessageKey) : null;
}

export function statusHintKey(status: number): MessageKey | null {
  return Number.isInteger(status) && status >= 1 && status <= 10 ? (`dossier.hint.${status}` as MessageKey) : null;
}
