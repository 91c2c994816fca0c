import { z } from 'zod';
import { commandIdSchema } from './commands';

/**
 * Booking commands and views (docs/booking.md, docs/protocol.md section 9): what the phone page,
 * the kiosk and the supervisor send, validated with these schemas at the edge. Browser-safe.
 */
const lang = z.enum(['vi', 'en']).optional();
const envelope = { commandId: commandIdSchema, lang };
const serviceId = z.string().min(1).max(40);
const instant = z.number().int().min(0).max(8_640_000_000_000);
const phone = z.string().trim().min(9).max(20);
const code = z.string().trim().min(10).max(20);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const text = { vi: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) };

export const bookingPerson = {
  phone,
  name: z.string().trim().min(2).max(80),
  email: z.email().max(120).nullable().default(null),
  /** The 12-digit CCCD number, optional; stored only as a keyed hash. */
  cccd: z.string().trim().regex(/^\d{12}$/, '12 digits').nullable().default(null),
};

export const bookingHoldSchema = z.strictObject({ ...envelope, serviceId, slotStart: instant, ...bookingPerson });
export const bookingConfirmSchema = z.strictObject({
  ...envelope,
  holdId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  otp: z.string().trim().regex(/^\d{6}$/, '6 digits').nullable().default(null),
});
export const bookingResendSchema = z.strictObject({ holdId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/), lang });
export const bookingAccessSchema = z.strictObject({ code, phone, lang });
export const bookingCancelSchema = z.strictObject({ ...envelope, code, phone });
export const bookingMoveSchema = z.strictObject({ ...envelope, code, phone, slotStart: instant });
/** At the kiosk: the QR as the scanner typed it, or the code and the phone's last 4 digits. */
export const bookingCheckInSchema = z
  .strictObject({
    ...envelope,
    kioskId: z.string().min(1).max(40).optional(),
    scan: z.string().trim().min(10).max(500).optional(),
    code: code.optional(),
    phoneLast4: z.string().regex(/^\d{4}$/, '4 digits').optional(),
  })
  .refine((c) => c.scan !== undefined || (c.code !== undefined && c.phoneLast4 !== undefined), {
    message: 'send the scanned QR, or the code and the last 4 digits of the phone',
  });

export const bookingListSchema = z.strictObject({ from: day, to: day, serviceId: serviceId.optional(), lang });
export const bookingOnBehalfSchema = z.strictObject({ ...envelope, serviceId, slotStart: instant, ...bookingPerson });
export const bookingCentreCancelSchema = z.strictObject({ ...envelope, bookingId: z.string().min(1).max(64), reason: z.strictObject(text).nullable().default(null) });
export const bookingClosureSchema = z.strictObject({ ...envelope, day, serviceId: serviceId.nullable().default(null), reason: z.strictObject(text) });
export const bookingClosureRemoveSchema = z.strictObject({ ...envelope, closureId: z.string().min(1).max(64) });

export type BookingHoldCommand = z.infer<typeof bookingHoldSchema>;
export type BookingCheckInCommand = z.infer<typeof bookingCheckInSchema>;

type Text = { vi: string; en: string };

export interface BookableServiceView {
  serviceId: string;
  name: Text;
  policy: 'slot' | 'remote';
}

export interface BookingSlotView {
  /** Instants (UTC ms) and the local start time. */
  start: number;
  end: number;
  time: string;
  places: number;
  left: number;
  open: boolean;
}

export interface BookingDayView {
  day: string;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** Why nothing can be booked that day: a day off, or the centre's closure reason. */
  closed: 'day-off' | { reason: Text } | null;
  slots: BookingSlotView[];
}

export interface BookingOptionsView {
  enabled: boolean;
  services: BookableServiceView[];
  horizonDays: number;
  phoneCheck: 'sms' | 'off';
  holdMinutes: number;
  checkIn: { earlyMinutes: number; lateMinutes: number };
  limits: { perPhonePerDay: number; perServicePerDay: number };
}

export interface BookingHoldView {
  holdId: string;
  serviceId: string;
  slotStart: number;
  slotEnd: number;
  heldUntil: number;
  /** A code was sent by SMS and must be typed to confirm. */
  codeRequired: boolean;
  /** The number it went to, masked: 091****678. */
  codeSentTo: string | null;
}

/** A booking as its citizen (or the kiosk, or staff) sees it. */
export interface BookingView {
  /** As shown and printed: K7QM3-XPA9D. */
  code: string;
  /** What the QR holds: the booking page's address with the code and its check tag. */
  qr: string;
  status: 'confirmed' | 'cancelled' | 'checked-in' | 'no-show';
  serviceId: string;
  serviceName: Text;
  day: string;
  slotStart: number;
  slotEnd: number;
  time: string;
  /** The name as given, and the phone masked. */
  name: string;
  phoneMasked: string;
  checkIn: { opensAt: number; closesAt: number };
  ticketNumber: string | null;
  cancelledBy: 'citizen' | 'centre' | null;
  cancelReason: Text | null;
  canChange: boolean;
}

/** What the kiosk gets on check-in: the ticket to print and the booking's slot. */
export interface BookingCheckInView {
  ticket: import('./views').TicketIssued;
  booking: { code: string; serviceId: string; slotStart: number; time: string };
}

/** A booking in the supervisor's lists (staff only: it carries the name and phone). */
export interface BookingStaffRow {
  bookingId: string;
  code: string | null;
  status: 'held' | 'confirmed' | 'cancelled' | 'checked-in' | 'no-show' | 'expired' | 'released';
  serviceId: string;
  day: string;
  slotStart: number;
  time: string;
  name: string;
  phone: string;
  email: string | null;
  by: string;
  createdAt: number;
  checkedInAt: number | null;
  ticketNumber: string | null;
  cancelledBy: 'citizen' | 'centre' | null;
}

export interface BookingClosureView {
  closureId: string;
  day: string;
  serviceId: string | null;
  reason: Text;
  by: string;
  at: number;
}

export interface NoShowRow {
  phone: string;
  name: string;
  noShows: number;
  last: number;
  bannedUntil: number | null;
}
