import { signal } from '@preact/signals';
import { knowsTimeZone, localPartsIn, type LocalParts } from '../domain/local-parts';
import type { MessageKey } from '../i18n';

/**
 * Times as the centre reads them. Screens (TVs especially) are often set to UTC, so times are shown
 * in the centre's zone (PublicView.centre.timeZone), not the device's. CENTRE_TIME_ZONE, Vietnam's,
 * is the fallback until the first view has come.
 */
export const CENTRE_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/**
 * The zone times are shown in. A signal: a component that formats a time re-renders if it changes.
 * The app state sets it from every public view.
 */
const centreTimeZone = signal(CENTRE_TIME_ZONE);

/** Shows times in this zone from now on; a zone the browser does not know is ignored. */
export function setCentreTimeZone(timeZone: string | null | undefined): void {
  if (!timeZone || timeZone === centreTimeZone.peek()) return;
  // Not an IANA zone this browser knows: keep the one we have.
  if (knowsTimeZone(timeZone)) centreTimeZone.value = timeZone;
}

/** The zone times are shown in now (a component reading it re-renders when it changes). */
export function currentTimeZone(): string {
  return centreTimeZone.value;
}

export const WEEKDAY_KEYS: readonly MessageKey[] = [
  'date.weekday.1',
  'date.weekday.2',
  'date.weekday.3',
  'date.weekday.4',
  'date.weekday.5',
  'date.weekday.6',
  'date.weekday.7',
];

export type { LocalParts };

/** An instant in the centre's zone (by default the one the screens show now). */
export function localParts(ms: number, timeZone: string = centreTimeZone.value): LocalParts {
  return localPartsIn(ms, timeZone);
}

/** "08:15" */
export function formatTime(ms: number): string {
  const p = localParts(ms);
  return `${p.hour}:${p.minute}`;
}

/** "Thứ Tư, ngày 26/11/2026" (the words come from the dictionaries). */
export function formatDate(ms: number, t: (key: MessageKey, params?: Record<string, string | number>) => string): string {
  const p = localParts(ms);
  return t('date.full', { weekday: t(WEEKDAY_KEYS[p.weekday - 1] ?? 'date.weekday.1'), day: p.day, month: p.month, year: p.year });
}

/** Whole minutes from `from` to `to`, never negative. */
export function minutesBetween(from: number, to: number): number {
  return Math.max(0, Math.floor((to - from) / 60_000));
}

/** "26/11/2026": a date as Vietnamese forms write it, in the centre's zone. */
export function formatDay(ms: number): string {
  const p = localParts(ms);
  return `${p.day}/${p.month}/${p.year}`;
}

/** "08:15 26/11/2026" */
export function formatDayTime(ms: number): string {
  return `${formatTime(ms)} ${formatDay(ms)}`;
}
