import { signal } from '@preact/signals';
import type { Lang } from '../server/i18n';
import type { BookingClosureView, BookingDayView, BookingOptionsView, BookingStaffRow } from '../server/protocol/booking-protocol';
import type { AppState } from '../server/ui/app-state';
import type { IsoDay } from './dates';

/**
 * What the supervisor's booking screen works with, apart from how it looks: the choices kept while
 * other tabs are looked at, the booking page's public answers (fields, days and slots), statuses and
 * who booked in words, and what closing a day would cancel.
 */

type Translate = AppState['t'];
export type BookingStatus = BookingStaffRow['status'];

// The choices stay while the supervisor looks at other tabs.
/** The day looked at; null: today (the centre's, by the hub's clock). */
export const listDay = signal<IsoDay | null>(null);
/** One field, or null: all. */
export const listService = signal<string | null>(null);
export const exportFrom = signal<IsoDay | null>(null);
export const exportTo = signal<IsoDay | null>(null);

/** Holds that lapsed or were given up are not bookings: they are left out of the list. */
const NOT_BOOKINGS: readonly BookingStatus[] = ['expired', 'released'];

export function shownRows(rows: readonly BookingStaffRow[], serviceId: string | null): BookingStaffRow[] {
  return rows.filter((r) => !NOT_BOOKINGS.includes(r.status) && (serviceId === null || r.serviceId === serviceId));
}

/** The badge of a status: booked and held are to come, checked in is good, a no-show is bad. */
export const STATUS_TONE: Record<BookingStatus, 'ok' | 'warn' | 'bad' | 'unknown' | 'booked'> = {
  held: 'warn',
  confirmed: 'booked',
  'checked-in': 'ok',
  'no-show': 'bad',
  cancelled: 'unknown',
  expired: 'unknown',
  released: 'unknown',
};

export function statusText(status: BookingStatus, t: Translate): string {
  return t(`booking.status.${status}`);
}

/** The statuses counted in the day's summary, in this order. */
export const SUMMARY_STATUSES: readonly BookingStatus[] = ['confirmed', 'held', 'checked-in', 'no-show', 'cancelled'];

/** "Người dân tự đặt", or the officer who booked on the citizen's behalf (by name when known). */
export function bookedByText(by: string, names: Map<string, string>, t: Translate): string {
  if (by === 'citizen') return t('booking.by.citizen');
  const id = by.replace(/^officer:/, '');
  return t('supBook.byOfficer', { name: names.get(id) ?? id });
}

/** Only a booking still standing can be cancelled by the centre (also within its check-in window). */
export function cancellable(row: BookingStaffRow): boolean {
  return row.status === 'confirmed';
}

/**
 * The bookings a closure of `day` (one field, or all) would cancel: those confirmed and still to
 * come, as the hub counts them (server/domain/booking.ts, cancelAffected).
 */
export function cancelledByClosure(rows: readonly BookingStaffRow[], serviceId: string | null, now: number): number {
  return rows.filter((r) => r.status === 'confirmed' && r.slotStart > now && (serviceId === null || r.serviceId === serviceId)).length;
}

/** The day's closures that concern this field (null: any). */
export function closuresOn(closures: readonly BookingClosureView[], day: IsoDay, serviceId: string | null): BookingClosureView[] {
  return closures.filter((c) => c.day === day && (serviceId === null || c.serviceId === null || c.serviceId === serviceId));
}

/** A field closed that day already (by itself or with the whole centre): it cannot be closed again. */
export function alreadyClosed(closures: readonly BookingClosureView[], day: IsoDay, serviceId: string | null): boolean {
  return closures.some((c) => c.day === day && (c.serviceId === null || c.serviceId === serviceId));
}

/**
 * A reason as the citizen's message carries it: Vietnamese required; the English one, when left
 * empty, is the Vietnamese text (the reader of English then still learns why).
 */
export function reasonOf(vi: string, en: string): { vi: string; en: string } | null {
  const v = vi.trim();
  const e = en.trim();
  if (!v) return null;
  return { vi: v.slice(0, 200), en: (e || v).slice(0, 200) };
}

/** A plain e-mail address check (the hub checks it again). */
export function isEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) && text.length <= 120;
}

export type Fetched<T> = { ok: true; data: T } | { ok: false; message: string | null };

/** The booking page's public answers (no session needed), worded in the screen's language. */
async function getJson<T>(path: string, lang: Lang): Promise<Fetched<T>> {
  try {
    const response = await fetch(path, { headers: { 'Accept-Language': lang }, cache: 'no-store' });
    const body = (await response.json().catch(() => null)) as (T & { message?: unknown }) | null;
    if (!response.ok || body === null) return { ok: false, message: typeof body?.message === 'string' ? body.message : null };
    return { ok: true, data: body };
  } catch {
    return { ok: false, message: null };
  }
}

/** Whether booking is on, its fields with their names, and how many days ahead. */
export function fetchOptions(lang: Lang): Promise<Fetched<BookingOptionsView>> {
  return getJson<BookingOptionsView>('/api/booking/options', lang);
}

/** A field's days from today, each with its slots and the places left. */
export async function fetchDays(serviceId: string, lang: Lang): Promise<Fetched<BookingDayView[]>> {
  const answer = await getJson<{ days: BookingDayView[] }>(`/api/booking/days?serviceId=${encodeURIComponent(serviceId)}`, lang);
  return answer.ok ? { ok: true, data: answer.data.days } : answer;
}
