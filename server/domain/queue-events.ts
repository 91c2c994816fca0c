import { z } from 'zod';

/**
 * Domain events: the facts the journal stores and the state is rebuilt from. They are validated
 * when read back from disk, so a damaged record is dropped instead of corrupting the state.
 */
const base = { ticketId: z.string().min(1), at: z.number().int().nonnegative() };

export const queueEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ticket-taken'),
    ...base,
    serviceId: z.string(),
    /** The n-th number of the service today: numbering goes on from the highest index ever issued. */
    index: z.number().int().positive(),
    number: z.string(),
    priorityGroup: z.string().nullable(),
    source: z.enum(['kiosk', 'api', 'counter', 'carry-over', 'booking']),
    /** A booking checked in at the kiosk: which, its slot's start, and how it is called. */
    booking: z.object({ bookingId: z.string(), slotStart: z.number(), policy: z.enum(['slot', 'remote']) }).nullable().optional(),
    /** The queue order key when it is not the take time (a remote number: when it was registered). */
    queuedAt: z.number().int().nonnegative().optional(),
    /** For a ticket carried over from the day before: the number it had then. */
    carriedFrom: z.string().nullable().optional(),
    /** The estimate given to the visitor, so reports can say how far estimates were off. */
    estimatedWaitMinutes: z.number().nullable().optional(),
    /** The procedure chosen at the kiosk, by its catalog code. */
    procedureCode: z.string().max(20).nullable().optional(),
  }),
  z.object({
    type: z.literal('ticket-called'),
    ...base,
    counterId: z.string(),
    officerId: z.string(),
    /** Called by number, out of the queue's order: does not move the priority interleave. */
    outOfOrder: z.boolean(),
  }),
  z.object({ type: z.literal('ticket-recalled'), ...base, counterId: z.string() }),
  /** The officer corrected which procedure the visitor came for (null: none). */
  z.object({ type: z.literal('ticket-procedure-set'), ...base, procedureCode: z.string().max(20).nullable(), by: z.string() }),
  z.object({ type: z.literal('service-started'), ...base }),
  z.object({ type: z.literal('ticket-done'), ...base }),
  z.object({ type: z.literal('ticket-no-show'), ...base }),
  z.object({ type: z.literal('ticket-postponed'), ...base }),
  z.object({
    type: z.literal('ticket-transferred'),
    ...base,
    toServiceId: z.string(),
    toCounterId: z.string().nullable(),
  }),
  z.object({
    type: z.literal('ticket-cancelled'),
    ...base,
    /** 'closing': the centre closed with the visitor still waiting; 'carry-over': served first next day. */
    reason: z.enum(['closing', 'carry-over']).nullable().optional(),
  }),
  /** The supervisor closed the day: no more tickets; what happened to those waiting is in the mode. */
  z.object({ type: z.literal('day-closed'), at: base.at, mode: z.enum(['serve', 'cancel', 'carry-over']), by: z.string() }),
  /** A visitor's satisfaction: 3 Rất hài lòng, 2 Hài lòng, 1 Không hài lòng (the official levels). */
  z.object({
    type: z.literal('ticket-rated'),
    ...base,
    level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    reason: z.string().max(200).nullable(),
  }),
  z.object({ type: z.literal('counter-opened'), counterId: z.string(), officerId: z.string(), at: base.at }),
  z.object({ type: z.literal('counter-paused'), counterId: z.string(), reason: z.string(), at: base.at }),
  z.object({ type: z.literal('counter-resumed'), counterId: z.string(), at: base.at }),
  z.object({ type: z.literal('counter-closed'), counterId: z.string(), at: base.at }),
]);

export type QueueEvent = z.infer<typeof queueEventSchema>;
export type QueueEventType = QueueEvent['type'];
