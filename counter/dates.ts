import { localParts } from '../server/ui/format';

/**
 * Calendar days as the centre counts them: "YYYY-MM-DD" strings, today taken from the hub's clock
 * in the centre's zone (never the screen's own date). Arithmetic is done on UTC midnights, where
 * every day has 24 hours.
 */

export type IsoDay = string;

/** The centre's day at this moment of the hub's clock. */
export function centreDay(ms: number): IsoDay {
  const p = localParts(ms);
  return `${p.year}-${p.month}-${p.day}`;
}

function toUtc(day: IsoDay): number {
  return Date.parse(`${day}T00:00:00Z`);
}

function fromUtc(ms: number): IsoDay {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isIsoDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(toUtc(value));
}

export function addDays(day: IsoDay, days: number): IsoDay {
  return fromUtc(toUtc(day) + days * 86_400_000);
}

/** 1 = Monday ... 7 = Sunday. */
export function isoWeekday(day: IsoDay): number {
  const d = new Date(toUtc(day)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Monday to Sunday, as Vietnamese offices count a week. */
export function weekOf(day: IsoDay): { from: IsoDay; to: IsoDay } {
  const from = addDays(day, 1 - isoWeekday(day));
  return { from, to: addDays(from, 6) };
}

export function monthOf(day: IsoDay): { from: IsoDay; to: IsoDay } {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const from = fromUtc(Date.UTC(y, m - 1, 1));
  const to = fromUtc(Date.UTC(y, m, 0));
  return { from, to };
}

/** The same day of another month (clamped to its last day). */
export function addMonths(day: IsoDay, months: number): IsoDay {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return fromUtc(Date.UTC(y, m - 1 + months, Math.min(d, last)));
}

export function daysBetween(from: IsoDay, to: IsoDay): number {
  return Math.round((toUtc(to) - toUtc(from)) / 86_400_000);
}

/** "26/11/2026" */
export function formatDay(day: IsoDay): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}
