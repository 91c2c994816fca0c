import { provinceSettings } from '../protocol/link-protocol';
import { z } from 'zod';

/**
 * Booking events: the facts the booking journal stores and the booking state is rebuilt from.
 * Validated when read back from disk. Instants are UTC milliseconds; `day` is the centre's local date.
 */
const at = z.number().int().nonnegative();
const bookingId = z.string().min(1).max(64);
const localized = z.object({ vi: z.string().max(200), en: z.string().max(200) });

/** A booking as the province sends it to the centre's hub (no code hash, no hold details). */
export const syncedBooking = z.object({
  id: bookingId,
  code: z.string().min(1).max(20),
  serviceId: z.string().max(40),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  slotStart: at,
  slotEnd: at,
  phone: z.string().max(20),
  name: z.string().max(120),
  email: z.string().max(200).nullable(),
  idHash: z.string().max(100).nullable(),
  status: z.enum(['confirmed', 'cancelled', 'checked-in']),
  by: z.string().max(80),
  createdAt: at,
  confirmedAt: at.nullable(),
  cancelledAt: at.nullable(),
  cancelledBy: z.enum(['citizen', 'centre']).nullable(),
  cancelReason: localized.nullable(),
  moves: z.number().int().nonnegative(),
});
export type SyncedBooking = z.infer<typeof syncedBooking>;

export const bookingEventSchema = z.discriminatedUnion('type', [
  /** A place held while the citizen confirms; `otpHash` is set when a code was sent by SMS. */
  z.object({
    type: z.literal('booking-held'),
    bookingId,
    serviceId: z.string(),
    day: z.string(),
    slotStart: at,
    slotEnd: at,
    phone: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    /** The CCCD number as a keyed hash, never the number. */
    idHash: z.string().nullable(),
    heldUntil: at,
    otpHash: z.string().nullable(),
    /** 'citizen', or 'officer:<id>' for a booking made on a citizen's behalf. */
    by: z.string(),
    at,
  }),
  /** A new code was sent for a hold (the old one no longer works). */
  z.object({ type: z.literal('booking-code-sent'), bookingId, otpHash: z.string(), at }),
  z.object({ type: z.literal('booking-code-failed'), bookingId, at }),
  /** The hold was given up (too many wrong codes): its place is free again. */
  z.object({ type: z.literal('booking-released'), bookingId, at }),
  z.object({ type: z.literal('booking-confirmed'), bookingId, code: z.string(), at }),
  z.object({
    type: z.literal('booking-cancelled'),
    bookingId,
    by: z.enum(['citizen', 'centre']),
    reason: localized.nullable(),
    at,
  }),
  z.object({ type: z.literal('booking-moved'), bookingId, day: z.string(), slotStart: at, slotEnd: at, at }),
  z.object({ type: z.literal('booking-checked-in'), bookingId, ticketId: z.string(), number: z.string(), at }),
  /** The centre takes no bookings for a field (or all: `serviceId` null) on a day. */
  z.object({
    type: z.literal('closure-added'),
    closureId: z.string(),
    day: z.string(),
    serviceId: z.string().nullable(),
    reason: localized,
    by: z.string(),
    at,
  }),
  z.object({ type: z.literal('closure-removed'), closureId: z.string(), by: z.string(), at }),
  /**
   * A linked centre: message `seq` of the province's outbox (docs/province.md), a booking's state
   * as the province holds it (made, moved or cancelled there). Applied in order, each once.
   */
  z.object({ type: z.literal('booking-synced'), seq: z.number().int().positive(), booking: syncedBooking, at }),
  /** A province message this hub has nothing to do with (a newer kind): its number is passed. */
  z.object({ type: z.literal('province-seq-passed'), seq: z.number().int().positive(), kind: z.string().max(40), at }),
  /** The province said who this centre is and which keys sign its booking tokens (at each hello that changed them). */
  z.object({
    type: z.literal('province-linked'),
    centreId: z.string().max(40),
    keys: z.array(z.object({ id: z.string().max(16), publicKey: z.string().max(64) })).max(20),
    at,
  }),
  /**
   * A booking this hub had not heard of, taken from a QR the province signed for this centre
   * (checked in while the link was down). What the province sends later replaces it.
   */
  z.object({ type: z.literal('booking-vouched'), booking: syncedBooking, at }),
  /** Message `seq` of the province: its settings for all centres (days off, a notice), replacing the last. */
  z.object({ type: z.literal('province-settings'), seq: z.number().int().positive(), settings: provinceSettings, at }),
]);

export type BookingEvent = z.infer<typeof bookingEventSchema>;
