import {
  bookingCentreCancelSchema,
  bookingCheckInSchema,
  bookingClosureRemoveSchema,
  bookingClosureSchema,
  bookingListSchema,
  bookingOnBehalfSchema,
} from '../../protocol/booking-protocol';
import type { BookingResult } from '../../app/booking-service';
import type { Ack } from '../../protocol/views';
import { bookingErrorBody } from '../booking-routes';
import { errorAck, type Edge } from '../socket-edge';
import type { HandlerContext } from '../socket-handlers';

/**
 * Bookings over Socket.IO: the kiosk's check-in, and the supervisor's lists, closures and
 * bookings made on a citizen's behalf. (The citizen's page uses the REST routes, booking-routes.ts.)
 */
export function registerBookingHandlers(edge: Edge, deps: HandlerContext): void {
  const { socket } = edge;
  const { bookings } = deps;
  const answer = <T>(result: BookingResult<T>, lang: 'vi' | 'en'): Ack<T> =>
    result.ok ? result : bookingErrorBody(result, lang, deps.config.current.centre.timeZone);

  edge.command('booking:check-in', bookingCheckInSchema, async ({ payload, lang }) => {
    // Like taking a number: from a kiosk the centre trusts, wrong codes slowed down per kiosk.
    const { address, pairedKiosk, kioskId } = socket.data;
    if (!pairedKiosk && !deps.takeLimiter.onKioskNetwork(address)) return errorAck('UNTRUSTED_KIOSK', lang);
    const keys = [`checkin:${pairedKiosk ?? address}`];
    const wait = deps.lookupThrottle.retryAfterSeconds(keys);
    if (wait > 0) return errorAck('RATE_LIMITED', lang, wait);
    const result = await bookings.checkIn(payload, pairedKiosk ?? kioskId);
    if (!result.ok && result.error === 'BOOKING_NOT_FOUND') deps.lookupThrottle.failed(keys);
    return answer(result, lang);
  });

  edge.on('booking:list', async (payload, lang) => {
    const parsed = bookingListSchema.safeParse(payload);
    if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    return { ok: true, data: { bookings: bookings.list(parsed.data.from, parsed.data.to, parsed.data.serviceId), closures: bookings.closures() } };
  });

  edge.on('booking:no-shows', async (_payload, lang) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    return { ok: true, data: bookings.noShows() };
  });

  edge.command('booking:book', bookingOnBehalfSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    if (edge.usedElsewhere(`officer:${officer.data.id}:${payload.commandId}`, bookings)) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    return answer(await bookings.bookOnBehalf(payload, officer.data.id, fp), lang);
  });

  edge.command('booking:cancel', bookingCentreCancelSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    if (edge.usedElsewhere(`officer:${officer.data.id}:${payload.commandId}`, bookings)) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    return answer(await bookings.cancelByCentre(payload, officer.data.id, fp), lang);
  });

  edge.command('booking:close-day', bookingClosureSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    if (edge.usedElsewhere(`officer:${officer.data.id}:${payload.commandId}`, bookings)) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    const result = await bookings.closeDay(payload, officer.data.id, fp);
    if (result.ok)
      await deps.config.recordAction(officer.data.id, 'booking.closed', [{ path: `booking.closures[${payload.day}]`, before: null, after: payload.serviceId ?? 'all' }], deps.clock());
    return answer(result, lang);
  });

  edge.command('booking:reopen-day', bookingClosureRemoveSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    if (edge.usedElsewhere(`officer:${officer.data.id}:${payload.commandId}`, bookings)) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    return answer(await bookings.reopenDay(payload, officer.data.id, fp), lang);
  });
}
