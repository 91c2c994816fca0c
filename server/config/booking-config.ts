import { z } from 'zod';

/**
 * Online booking (docs/booking.md): the rules a centre sets, with the defaults the field uses, and
 * the slot templates per service. Part of the centre configuration as `booking`. Browser-safe.
 */

const serviceRef = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must name a service');
const hhmm = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'must be HH:MM (00:00-24:00)');
const rate = z.object({ burst: z.number().int().min(1).max(1_000_000), perMinute: z.number().int().min(1).max(10_000_000) });
const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/** Slots of `slotMinutes` from `from` to `to` on the given ISO weekdays, `places` people each. */
export const slotTemplate = z
  .object({
    days: z.array(z.number().int().min(1).max(7)).min(1),
    from: hhmm,
    to: hhmm,
    slotMinutes: z.number().int().min(5).max(240).default(30),
    places: z.number().int().min(1).max(500),
  })
  .refine((t) => minutesOf(t.from) + t.slotMinutes <= minutesOf(t.to), {
    message: 'must leave room for one slot between "from" and "to"',
    path: ['to'],
  });
export type SlotTemplate = z.infer<typeof slotTemplate>;

export const bookableService = z.object({
  serviceId: serviceRef,
  /**
   * How a booked visitor is called. 'slot': a checked-in booking is called ahead of walk-ins from
   * its slot's start (at most `bookedInARow` in a row). 'remote': an online number for the day, worth
   * the same as one taken at the kiosk, first registered first served (Hà Nội's iHanoi).
   */
  policy: z.enum(['slot', 'remote']).default('slot'),
  slots: z.array(slotTemplate).min(1),
});
export type BookableService = z.infer<typeof bookableService>;

export const bookingConfig = z
  .object({
    enabled: z.boolean().default(false),
    /** Days ahead a citizen may book: today and the next `horizonDays` days. */
    horizonDays: z.number().int().min(0).max(60).default(7),
    /** Active bookings per phone number (and per CCCD) on one day, over all fields. */
    perPhonePerDay: z.number().int().min(1).max(10).default(2),
    /** Active bookings per phone number (and per CCCD) for one field on one day. */
    perServicePerDay: z.number().int().min(1).max(10).default(1),
    /** A slot can no longer be booked this many minutes before it starts. */
    closeBeforeMinutes: z.number().int().min(0).max(24 * 60).default(30),
    /** A place is held this long while the citizen confirms (types the SMS code). */
    holdMinutes: z.number().int().min(1).max(30).default(5),
    checkIn: z
      .object({
        earlyMinutes: z.number().int().min(0).max(240).default(30),
        lateMinutes: z.number().int().min(0).max(240).default(15),
      })
      .prefault({}),
    /** `limit` no-shows within `windowDays` bar the phone from booking for `banDays`. */
    noShow: z
      .object({
        limit: z.number().int().min(1).max(20).default(3),
        windowDays: z.number().int().min(1).max(365).default(30),
        banDays: z.number().int().min(0).max(365).default(14),
      })
      .prefault({}),
    /** 'sms': a one-time code by SMS confirms the phone; 'off' (a LAN-only centre): no code. */
    phoneCheck: z.enum(['sms', 'off']).default('sms'),
    /** Booked tickets (policy 'slot') a counter calls in a row while walk-ins wait. */
    bookedInARow: z.number().int().min(1).max(20).default(2),
    reminders: z
      .object({
        /** Local time of the evening-before reminder. */
        eveningAt: hhmm.default('18:00'),
        /** The second reminder, this many minutes before the slot. */
        beforeMinutes: z.number().int().min(10).max(600).default(60),
      })
      .prefault({}),
    services: z.array(bookableService).default(() => []),
    /** Holds (bookings being made) allowed per phone number and per network address. */
    limits: z
      .object({
        perPhone: rate.default(() => ({ burst: 5, perMinute: 1 })),
        perAddress: rate.default(() => ({ burst: 20, perMinute: 5 })),
      })
      .prefault({}),
  })
  .prefault({});
export type BookingConfig = z.infer<typeof bookingConfig>;
