import { stateRequestSchema, takeTicketSchema, ticketStatusSchema } from '../../protocol/commands';
import type { Snapshot } from '../../protocol/views';
import { errorAck, type Edge } from '../socket-edge';
import type { HandlerContext } from '../socket-handlers';

/** Taking a number, following one, and the snapshot a screen asks for. */
export function registerQueueHandlers(edge: Edge, deps: HandlerContext): void {
  const { socket } = edge;
  const { service, auth, versioned, publicView, staffView } = deps;

  edge.command('ticket:take', takeTicketSchema, async ({ payload, fp, lang }) => {
    const key = `public:${payload.commandId}`;
    if (edge.usedElsewhere(key, service)) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    // A retry of a take already answered is answered again, whoever and however fast; a new take
    // must come from a kiosk the centre trusts, within its limits.
    if (!service.answered(key)) {
      const { address, pairedKiosk, kioskId } = socket.data;
      if (!pairedKiosk && !deps.takeLimiter.onKioskNetwork(address)) return errorAck('UNTRUSTED_KIOSK', lang);
      const limits = deps.takeLimiter.limits;
      // A paired kiosk is limited as itself; any other machine also by its address (one machine
      // cannot escape its limit by claiming many kiosk ids).
      const allowed = deps.takeLimiter.take(
        pairedKiosk
          ? [{ key: `kiosk:${pairedKiosk}`, limit: limits.perKiosk }]
          : [
              { key: `kiosk:${kioskId ?? address}`, limit: limits.perKiosk },
              { key: `address:${address}`, limit: limits.perAddress },
            ],
      );
      if (!allowed.ok) return errorAck('RATE_LIMITED', lang, allowed.retryAfterSeconds);
    }
    // A procedure chosen at the kiosk must be in the catalog, and its numbers in this service.
    const problem = payload.procedureCode !== null && !service.answered(key) ? deps.procedures.takeProblem(payload.serviceId, payload.procedureCode) : null;
    if (problem) return errorAck(problem, lang);
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
      if (!deps.config.current.counters.some((c) => c.id === parsed.data.counterId)) return errorAck('UNKNOWN_COUNTER', lang);
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
