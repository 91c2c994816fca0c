import { z } from 'zod';
import { centreProfile } from './centre-profile';
import type { ErrorCode } from './error-codes';

/**
 * The link between a centre's hub and the province (docs/province.md, "The link"). The hub connects
 * out to the province's `/link` namespace with its centre token (`auth: { token }`), websocket only.
 * Messages in each direction are numbered 1, 2, 3 ... by their sender's durable outbox; the
 * receiver applies each once, in order, and says the last number it applied. Nothing here relies on
 * Socket.IO's connection state recovery: after any cut each side asks again from its last number.
 *
 * Province to hub (pulled by the hub): kind 'booking', the body a booking's whole state now, and
 * kind 'settings' (provinceSettings).
 * Hub to province (pushed by the hub): kinds 'check-in', 'day-closed', 'closure-added',
 * 'closure-removed' and 'centre-cancel' below.
 * Besides the numbered messages, the hub sends its live public state (`link:state`): a snapshot,
 * the newest wins, never replayed.
 */
export const LINK_NAMESPACE = '/link';

const int = z.number().int().nonnegative();
const instant = z.number().int().nonnegative();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const id = z.string().min(1).max(80);

export const linkHello = z.object({ profile: centreProfile });

/**
 * The province's booking limits for every centre: each caps the centre's own rule of that name
 * (the smaller one applies), null leaves the centre's. Counted over every centre of the province,
 * as the centres' own limits are (a person holds at most `perPhonePerDay` places a day in all).
 */
export const provinceBookingCaps = z.object({
  perPhonePerDay: z.number().int().min(1).max(10).nullable(),
  perServicePerDay: z.number().int().min(1).max(10).nullable(),
  horizonDays: z.number().int().min(0).max(60).nullable(),
});
export type ProvinceBookingCaps = z.infer<typeof provinceBookingCaps>;
export const NO_BOOKING_CAPS: ProvinceBookingCaps = { perPhonePerDay: null, perServicePerDay: null, horizonDays: null };

/**
 * What the province sets for all its centres (kind 'settings', the whole of it each time, newest
 * `version` wins): days off and make-up days on top of each centre's own calendar, a notice
 * shown on every centre's displays and portal page, and booking limits over the centres' own.
 */
export const provinceSettings = z.object({
  version: z.number().int().positive(),
  holidays: z.array(day).max(200),
  workdays: z.array(day).max(100),
  notice: z.object({ vi: z.string().trim().min(1).max(300), en: z.string().trim().min(1).max(300) }).nullable(),
  // Settings from before the limits existed have none.
  booking: provinceBookingCaps.default(NO_BOOKING_CAPS),
});
export type ProvinceSettings = z.infer<typeof provinceSettings>;
export const linkPull = z.object({ after: int, limit: z.number().int().min(1).max(500).default(200) });
export const linkAck = z.object({ applied: int });

/** A province booking checked in at the hub: the visitor came and has ticket `ticketNumber`. */
export const checkInBody = z.object({ bookingId: id, ticketId: id, ticketNumber: z.string().min(1).max(12), at: instant });

const figures = z.object({
  key: z.string().max(80),
  tickets: int,
  served: int,
  noShows: int,
  transfers: int,
  cancelled: int,
  waitAverageMinutes: z.number().nonnegative().nullable(),
  waitP90Minutes: z.number().nonnegative().nullable(),
  serviceAverageMinutes: z.number().nonnegative().nullable(),
  serviceP90Minutes: z.number().nonnegative().nullable(),
  estimateErrorMinutes: z.number().nullable(),
  ratings: z.object({ veryGood: int, good: int, poor: int }),
});
/** A day the hub closed: its report by field (no personal data) and the province bookings nobody came for. */
export const dayClosedBody = z.object({
  day,
  rows: z.array(figures).max(200),
  total: figures,
  /** Tickets taken in each hour of the day, 0 to 23 (the hub's report figures). */
  busiestHours: z.array(int).max(24),
  noShows: z.array(id).max(10_000),
});
export type DayClosedBody = z.infer<typeof dayClosedBody>;

const localized = z.object({ vi: z.string().min(1).max(200), en: z.string().min(1).max(200) });
/** The centre closed a day (or a field on a day) to bookings: the province books none there and cancels those booked. */
export const closureAddedBody = z.object({ closureId: id, day, serviceId: z.string().max(40).nullable(), reason: localized, by: z.string().max(80), at: instant });
/** The centre opened it again. */
export const closureRemovedBody = z.object({ closureId: id });
/** The centre cancelled one province booking (its citizen is told by the province). */
export const centreCancelBody = z.object({ bookingId: id, reason: localized.nullable(), at: instant });

export const hubMessageBodies = {
  'check-in': checkInBody,
  'day-closed': dayClosedBody,
  'closure-added': closureAddedBody,
  'closure-removed': closureRemovedBody,
  'centre-cancel': centreCancelBody,
} as const;
export type HubMessageKind = keyof typeof hubMessageBodies;

export const linkMessage = z.object({ seq: z.number().int().positive(), kind: z.string().min(1).max(40), body: z.unknown(), at: instant });
export type LinkMessage = z.infer<typeof linkMessage>;
export const linkPush = z.object({ messages: z.array(linkMessage).min(1).max(200) });

const followKeySchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/);
/** A ticket as a phone following it sees it (TicketFollowView), known by its follow key. */
const followEntry = z.object({
  key: followKeySchema,
  number: z.string().max(12),
  serviceId: z.string().max(40),
  status: z.enum(['waiting', 'called', 'serving', 'done', 'no-show', 'cancelled']),
  peopleAhead: int.nullable(),
  estimatedWaitMinutes: z.number().nonnegative().nullable(),
  counterNumber: int.nullable(),
});

/** What a linked centre shows the public now, as the province's overview and portal need it. */
export const centreLiveState = z.object({
  at: instant,
  day,
  /** The hub's last numbered message (the province compares it with what it applied: the lag). */
  outSeq: int,
  /** The last province message the hub applied. */
  provinceSeq: int,
  closing: z.enum(['serve', 'cancel', 'carry-over']).nullable(),
  services: z
    .array(
      z.object({
        id: z.string().max(40),
        waiting: int,
        estimatedWaitMinutes: z.number().nonnegative().nullable(),
        /** Since when the longest waiter waits (null: nobody waits). */
        longestWaitSince: instant.nullable(),
        availability: z.enum(['open', 'SERVICE_CLOSED', 'DAILY_LIMIT_REACHED', 'NUMBERS_EXHAUSTED']),
      }),
    )
    .max(200),
  counters: z.object({ open: int, paused: int, total: int }),
  /** Newest first: numbers and counters only. */
  calls: z
    .array(z.object({ number: z.string().max(12), serviceId: z.string().max(40), counterNumber: int, at: instant, kind: z.enum(['call', 'recall']) }))
    .max(20),
  /** Devices not working (printers out of paper, keypads gone). */
  faults: z.array(z.object({ deviceId: z.string().max(80), kind: z.string().max(40), condition: z.string().max(40), since: instant.nullable() })).max(200),
  /** The supervisor's alerts now, by kind (long waits, idle counters, device faults, guessing). */
  alerts: z.record(z.string().max(40), int),
  /**
   * Every ticket still to be served, for phones following one through the province: known by
   * `key` (server/app/follow-key.ts: a hash of the ticket id, which stays the phone's secret).
   */
  tickets: z.array(followEntry).max(5_000).default([]),
});
export type CentreLiveState = z.infer<typeof centreLiveState>;
export type FollowEntry = z.infer<typeof followEntry>;
/**
 * A state whose `ticketsDelta` is set carries only the tickets that changed since the last state
 * on this connection (`changed`) and those gone (`gone`, keys); `tickets` is then not used. The
 * first state after a hello, and one every 30 s, carry them all.
 */
export const linkState = z.object({
  state: centreLiveState,
  ticketsDelta: z.object({ changed: z.array(followEntry).max(5_000), gone: z.array(followKeySchema).max(5_000) }).optional(),
});

export type LinkAnswer<T> = { ok: true; data: T } | { ok: false; error: ErrorCode; message?: string };

/** Hub to province, each with an ack. */
export interface LinkClientEvents {
  /**
   * Who the hub is: its profile (fields, hours, booking rules, calendar). Ack: the centre's id, the
   * province's last message for it (`outSeq`), the last of the hub's messages it applied (`inSeq`),
   * and the public keys (Ed25519, raw, base64url) that sign its bookings' QR tokens.
   */
  'link:hello': (
    payload: z.input<typeof linkHello>,
    ack: (answer: LinkAnswer<{ centreId: string; outSeq: number; inSeq: number; signingKeys: { id: string; publicKey: string }[] }>) => void,
  ) => void;
  /** The province's messages after `after`, in order (at most `limit`); `last` is the newest number. */
  'link:pull': (payload: z.input<typeof linkPull>, ack: (answer: LinkAnswer<{ messages: LinkMessage[]; last: number }>) => void) => void;
  /** The last province message the hub applied (on its disk): the province's view of the lag. */
  'link:ack': (payload: z.input<typeof linkAck>, ack: (answer: LinkAnswer<null>) => void) => void;
  /**
   * The hub's numbered messages, in order from any number: those applied already are passed over,
   * the rest applied once each in one transaction. Ack: the last number applied (ask again after it).
   */
  'link:push': (payload: z.input<typeof linkPush>, ack: (answer: LinkAnswer<{ applied: number }>) => void) => void;
  /** The centre's live public state; the newest (by `at`) wins. Ack optional. */
  'link:state': (payload: z.input<typeof linkState>, ack?: (answer: LinkAnswer<null>) => void) => void;
}

/** Province to hub. */
export interface LinkServerEvents {
  /** A new message for the centre is committed (number `seq`): pull. */
  'link:nudge': (payload: { seq: number }) => void;
}
