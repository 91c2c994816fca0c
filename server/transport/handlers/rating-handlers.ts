import { ratingSubmitSchema, ratingWatchSchema } from '../../protocol/commands';
import { errorAck, type Edge } from '../socket-edge';
import type { HandlerContext } from '../socket-handlers';

/** The satisfaction question at a counter: its rating screen watches it and answers it. */
export function registerRatingHandlers(edge: Edge, deps: HandlerContext): void {
  const { socket } = edge;

  /**
   * Only the rating screen paired with a counter, or the pad of the officer working there (turned
   * around to the visitor), sees and answers that counter's question: a stranger's answer would be
   * counted in the reports.
   */
  const mayRate = (counterId: string): boolean => {
    if (socket.data.pairedRating === counterId) return true;
    const officer = edge.loggedIn();
    return officer.ok && deps.service.officerAt(counterId) === officer.data.id;
  };

  edge.on('rating:watch', async (payload, lang) => {
    const parsed = ratingWatchSchema.safeParse(payload);
    if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
    if (!deps.config.current.counters.some((c) => c.id === parsed.data.counterId)) return errorAck('UNKNOWN_COUNTER', lang);
    if (!mayRate(parsed.data.counterId)) return errorAck('FORBIDDEN', lang);
    for (const room of socket.rooms) if (room.startsWith('rate:')) void socket.leave(room);
    void socket.join(`rate:${parsed.data.counterId}`);
    return { ok: true, data: deps.ratings.current(parsed.data.counterId) };
  });

  edge.on('rating:submit', async (payload, lang) => {
    const parsed = ratingSubmitSchema.safeParse(payload);
    if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
    const counterId = deps.ratings.counterOf(parsed.data.promptId);
    if (counterId !== null && !mayRate(counterId)) return errorAck('FORBIDDEN', lang);
    const result = await deps.ratings.answer(parsed.data.promptId, parsed.data.level, parsed.data.reason);
    return result.ok ? result : errorAck(result.error, lang);
  }, { changes: true });
}
