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

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function domainContext(now: number, timeZone: string): DomainContext {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(now))) parts[part.type] = part.value;
  return {
    now,
    day: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 1,
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
  };
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
