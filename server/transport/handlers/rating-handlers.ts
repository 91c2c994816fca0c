import { ratingSubmitSchema, ratingWatchSchema } from '../../protocol/commands';
import { errorAck, type Edge } from '../socket-edge';
import type { HandlerDeps } from '../socket-handlers';

/** The satisfaction question at a counter: its rating screen watches it and answers it. */
export function registerRatingHandlers(edge: Edge, deps: HandlerDeps): void {
  const { socket } = edge;

  edge.on('rating:watch', async (payload, lang) => {
    const parsed = ratingWatchSchema.safeParse(payload);
    if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
    if (!deps.config.current.counters.some((c) => c.id === parsed.data.counterId)) return errorAck('UNKNOWN_COUNTER', lang);
    for (const room of socket.rooms) if (room.startsWith('rate:')) void socket.leave(room);
    void socket.join(`rate:${parsed.data.counterId}`);
    return { ok: true, data: deps.ratings.current(parsed.data.counterId) };
  });

  edge.on('rating:submit', async (payload, lang) => {
    const parsed = ratingSubmitSchema.safeParse(payload);
    if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
    const result = await deps.ratings.answer(parsed.data.promptId, parsed.data.level, parsed.data.reason);
    return result.ok ? result : errorAck(result.error, lang);
  });
}
