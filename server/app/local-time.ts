import { localPartsIn } from '../domain/local-parts';
import type { DomainContext } from '../domain/queue-state';

/**
 * The zone's offset from UTC (ms) at an instant, without an Intl call each time (formatToParts
 * costs ~7 µs; the views, every command and the dossier board ask for local days and minutes many
 * times, the board for a year of dossiers at once). A zone's offset changes at a whole minute,
 * and never twice in one UTC day. So the offset is cached per UTC day when it is the same at the
 * day's first and last minute, and per minute on the few days the clocks change (not per quarter
 * hour: Newfoundland changed at 00:01 local time until 2011, 02:31 UTC).
 */
const MINUTE = 60_000;
const DAY = 86_400_000;
const byDay = new Map<string, Map<number, number | null>>();
const byMinute = new Map<string, Map<number, number>>();

function intlOffset(at: number, timeZone: string): number {
  const p = localPartsIn(at, timeZone);
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) - at;
}

function cacheOf<V>(caches: Map<string, Map<number, V>>, timeZone: string): Map<number, V> {
  let cache = caches.get(timeZone);
  if (!cache) caches.set(timeZone, (cache = new Map()));
  if (cache.size >= 100_000) cache.clear();
  return cache;
}

function offsetAt(at: number, timeZone: string): number {
  const days = cacheOf(byDay, timeZone);
  const day = Math.floor(at / DAY);
  let offset = days.get(day);
  if (offset === undefined) {
    const first = intlOffset(day * DAY, timeZone);
    offset = first === intlOffset(day * DAY + DAY - MINUTE, timeZone) ? first : null;
    days.set(day, offset);
  }
  if (offset !== null) return offset;
  const minutes = cacheOf(byMinute, timeZone);
  const minute = Math.floor(at / MINUTE);
  let exact = minutes.get(minute);
  if (exact === undefined) minutes.set(minute, (exact = intlOffset(minute * MINUTE, timeZone)));
  return exact;
}

/**
 * Turns the clock into the centre's local calendar: the service day changes at local midnight of
 * the centre's time zone, never at UTC midnight (07:00 in Vietnam).
 */
export function domainContext(now: number, timeZone: string): DomainContext {
  const local = new Date(now + offsetAt(now, timeZone));
  return {
    now,
    day: isoDay(local),
    weekday: local.getUTCDay() === 0 ? 7 : local.getUTCDay(),
    minuteOfDay: local.getUTCHours() * 60 + local.getUTCMinutes(),
  };
}

function isoDay(local: Date): string {
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + 1;
  const d = local.getUTCDate();
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** "08:15 26/11/2026" in the centre's time zone, as printed on tickets. */
export function formatTicketTime(at: number, timeZone: string): string {
  const p = localPartsIn(at, timeZone);
  return `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}`;
}

/** The local date (YYYY-MM-DD) of an instant in a time zone. */
export function localDayOf(at: number, timeZone: string): string {
  return domainContext(at, timeZone).day;
}

/** The instant a local date begins in a time zone (zones without DST, like Vietnam's, and others). */
export function localMidnightOf(day: string, timeZone: string): number {
  const utcGuess = Date.parse(`${day}T00:00:00Z`);
  let instant = utcGuess;
  // Two corrections settle it: the zone's offset at the guess, then at the corrected instant.
  for (let i = 0; i < 2; i++) {
    const ctx = domainContext(instant, timeZone);
    const shownAsUtc = Date.parse(`${ctx.day}T00:00:00Z`) + ctx.minuteOfDay * 60_000 + (new Date(instant).getUTCSeconds() * 1000);
    instant = utcGuess - (shownAsUtc - instant);
  }
  return instant;
}

/** The instant a local date's minute begins in a time zone (correct across offset changes too). */
export function localInstantOf(day: string, minuteOfDay: number, timeZone: string): number {
  const wanted = Date.parse(`${day}T00:00:00Z`) + minuteOfDay * 60_000;
  let instant = wanted;
  for (let i = 0; i < 2; i++) instant = wanted - offsetAt(instant, timeZone);
  return instant;
}

/** The booking rules' view of the centre's calendar (server/domain/booking.ts). */
export function bookingClock(timeZone: string): { dayOf(at: number): string; instantOf(day: string, minute: number): number } {
  return { dayOf: (at) => localDayOf(at, timeZone), instantOf: (day, minute) => localInstantOf(day, minute, timeZone) };
}
