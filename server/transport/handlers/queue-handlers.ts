import { stateRequestSchema, takeTicketSchema, ticketStatusSchema } from '../../protocol/commands';
import type { Snapshot } from '../../protocol/views';
import { errorAck, type Edge } from '../socket-edge';
import type { HandlerDeps } from '../socket-handlers';

/** Taking a number, following one, and the snapshot a screen asks for. */
export function registerQueueHandlers(edge: Edge, deps: HandlerDeps): void {
  const { socket } = edge;
  const { service, auth, versioned, publicView, staffView } = deps;

  edge.command('ticket:take', takeTicketSchema, async ({ payload, fp, lang }) => {
    if (edge.usedElsewhere(`public:${payload.commandId}`, service)) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    const result = await service.takeTicket(payload, 'kiosk', socket.data.kioskId, fp);
    return result.ok ? result : errorAck(result.error, lang);
  });

  edge.on('state:request', async (payload, lang) => {
    const parsed = stateRequestSchema.safeParse(payload ?? {});
    if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
    const snapshot: Snapshot = { public: versioned(publicView()), staff: null, counter: null };
    const officer = socket.data.token ? auth.officerFor(socket.data.token) : null;
    if (officer?.ok) snapshot.staff = versioned(staffView());
    if (parsed.data.counterId) {
      if (!officer) return errorAck('NOT_LOGGED_IN', lang);
      if (!officer.ok) return errorAck(officer.error, lang);
      if (!auth.mayWorkAt(officer.data, parsed.data.counterId)) return errorAck('FORBIDDEN', lang);
      const view = service.counterView(parsed.data.counterId);
      if (!view) return errorAck('UNKNOWN_COUNTER', lang);
      edge.joinCounterRoom(parsed.data.counterId);
      snapshot.counter = versioned(view);
    }
    return { ok: true, data: snapshot };
  });

  edge.on('ticket:status', async (payload, lang) => {
    const parsed = ticketStatusSchema.safeParse(payload);
    if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
    const view = service.follow(parsed.data.ticketId);
    return view ? { ok: true, data: view } : errorAck('UNKNOWN_TICKET', lang);
  });
}
