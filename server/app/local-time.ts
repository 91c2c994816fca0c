import type { DomainContext } from '../domain/queue-state';

/**
 * Turns the clock into the centre's local calendar: the service day changes at local midnight of
 * the centre's time zone, never at UTC midnight (07:00 in Vietnam).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The zone's offset from UTC (ms) at an instant, cached per quarter hour: every zone's offset is a
 * whole number of quarter hours and changes only at a quarter hour of UTC, so one Intl call serves
 * every instant of the same quarter. Intl's formatToParts costs ~7 µs a call; the views, every
 * command and the dossier board ask for local days and minutes many times.
 */
const QUARTER = 15 * 60_000;
const offsets = new Map<string, Map<number, number>>();

function offsetAt(at: number, timeZone: string): number {
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  const quarter = Math.floor(at / QUARTER);
  let offset = zone.get(quarter);
  if (offset === undefined) {
    const start = quarter * QUARTER;
    const parts: Record<string, string> = {};
    for (const part of formatter(timeZone).formatToParts(new Date(start))) parts[part.type] = part.value;
    const shownAsUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
    offset = shownAsUtc - start;
    if (zone.size >= 50_000) zone.clear();
    zone.set(quarter, offset);
  }
  return offset;
}

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
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(at))) parts[part.type] = part.value;
  return `${parts.hour}:${parts.minute} ${parts.day}/${parts.month}/${parts.year}`;
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
