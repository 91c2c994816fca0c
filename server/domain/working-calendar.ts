/**
 * Working days of a centre: weekends and a holiday table (Tết, national days, days swapped by
 * decision), in the centre's local calendar. Pure: the local date of an instant is computed by the
 * caller's `localDay` function (Intl), never from the machine's zone.
 */
export interface WorkingCalendar {
  /** ISO weekdays that are not worked (default Saturday and Sunday). */
  weekend: number[];
  /** Local dates (YYYY-MM-DD) that are holidays. */
  holidays: ReadonlySet<string>;
  /** Local dates that are worked although they fall on a weekend (make-up days). */
  workdays: ReadonlySet<string>;
}

const DAY_MS = 86_400_000;

/** Calendar arithmetic on YYYY-MM-DD strings (UTC-based, so no zone enters). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function isoWeekday(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

export function isWorkingDay(day: string, calendar: WorkingCalendar): boolean {
  if (calendar.workdays.has(day)) return true;
  if (calendar.holidays.has(day)) return false;
  return !calendar.weekend.includes(isoWeekday(day));
}

/** The date `n` working days after `day` (n >= 0; 0 gives the next working day on or after it). */
export function addWorkingDays(day: string, n: number, calendar: WorkingCalendar): string {
  let current = day;
  while (!isWorkingDay(current, calendar)) current = addDays(current, 1);
  let left = n;
  while (left > 0) {
    current = addDays(current, 1);
    if (isWorkingDay(current, calendar)) left -= 1;
  }
  return current;
}

/** Working days strictly after `from` up to and including `to` (negative if `to` is before). */
export function workingDaysBetween(from: string, to: string, calendar: WorkingCalendar): number {
  if (to < from) return -workingDaysBetween(to, from, calendar);
  let count = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(d, calendar)) count += 1;
  return count;
}

/**
 * Working time between two instants in milliseconds: the hours of the days between them that are
 * working days. `localDay(ms)` names the local date of an instant and `localMidnight(day)` the
 * instant a local day starts.
 */
export function workingMsBetween(
  fromMs: number,
  toMs: number,
  calendar: WorkingCalendar,
  localDay: (ms: number) => string,
  localMidnight: (day: string) => number,
): number {
  if (toMs <= fromMs) return 0;
  let total = 0;
  let day = localDay(fromMs);
  for (let guard = 0; guard < 3660; guard++) {
    const start = localMidnight(day);
    const end = localMidnight(addDays(day, 1));
    if (isWorkingDay(day, calendar)) total += Math.max(0, Math.min(end, toMs) - Math.max(start, fromMs));
    if (end >= toMs) break;
    day = addDays(day, 1);
  }
  return total;
}
