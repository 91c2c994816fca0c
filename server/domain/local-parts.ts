/**
 * An instant as the calendar and clock of a time zone show it: the one place that asks Intl, for the
 * hub (server/app/local-time.ts) and for the screens (server/ui/format.ts). Pure: no clock, no I/O.
 */
export interface LocalParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAY_INDEX: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Throws a RangeError for a zone this runtime does not know. */
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether this runtime knows the zone (a browser's list may be older than the hub's). */
export function knowsTimeZone(timeZone: string): boolean {
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function localPartsIn(ms: number, timeZone: string): LocalParts {
  const p: Record<string, string> = {};
  for (const part of partsFormatter(timeZone).formatToParts(new Date(ms))) p[part.type] = part.value;
  return {
    year: p.year ?? '',
    month: p.month ?? '',
    day: p.day ?? '',
    hour: p.hour ?? '',
    minute: p.minute ?? '',
    weekday: WEEKDAY_INDEX[p.weekday ?? ''] ?? 1,
  };
}
