import { loginSchema, sessionEndSchema } from '../../protocol/commands';
import type { SessionView } from '../../protocol/views';
import { errorAck, type Edge } from '../socket-edge';
import type { HandlerContext } from '../socket-handlers';

/** Officers log in and out; the supervisor sees the open sessions and can end one. */
export function registerSessionHandlers(edge: Edge, deps: HandlerContext): void {
  const { socket } = edge;
  const { auth, versioned, staffView, sessions, sessionSockets } = deps;

  edge.on('session:login', async (payload, lang) => {
    const parsed = loginSchema.safeParse(payload);
    if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
    const result = await auth.login(parsed.data.username, parsed.data.password, { address: socket.data.address, app: socket.data.app });
    if (!result.ok) return errorAck(result.error, lang, result.retryAfterSeconds);
    sessionSockets.use(socket, result.data.token, sessions);
    void socket.join('staff');
    socket.emit('queue:staff', versioned(staffView()));
    return result;
  }, { changes: true });

  // Ends the session on every screen that uses it (not only this one), for good.
  edge.on('session:logout', async (_payload, lang) => {
    const token = socket.data.token;
    if (token) {
      const ended = await sessions.logout(token);
      if (!ended.ok) return errorAck(ended.error, lang);
    }
    sessionSockets.drop(socket);
    socket.data.token = null;
    edge.leaveCounterRoom();
    void socket.leave('staff');
    return { ok: true, data: null };
  }, { changes: true });

  edge.on('session:list', async (_payload, lang) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    const officers = deps.config.current.officers;
    const views: SessionView[] = sessions.active().flatMap((s) => {
      const who = officers.find((o) => o.id === s.officerId);
      if (!who) return [];
      const sockets = sessionSockets.socketsOf(s.id);
      return [
        {
          sessionId: s.id,
          officer: { id: who.id, name: who.name, role: who.role },
          app: s.app,
          address: s.address,
          since: s.issuedAt,
          expiresAt: s.expiresAt,
          connections: sockets.length,
          counters: [...new Set(sockets.flatMap((x) => (x.data.counterId ? [x.data.counterId] : [])))],
          current: s.id === socket.data.sessionId,
        },
      ];
    });
    return { ok: true, data: views };
  });

  edge.command('session:end', sessionEndSchema, async ({ payload, fp, lang }) => {
    const officer = edge.supervisor();
    if (!officer.ok) return errorAck(officer.error, lang);
    const key = `officer:${officer.data.id}:${payload.commandId}`;
    if (edge.usedElsewhere(key, deps.admin)) return errorAck('IDEMPOTENCY_CONFLICT', lang);
    const result = await sessions.end(payload.sessionId, officer.data.id, { key, fp });
    return result.ok ? result : errorAck(result.error, lang);
  });
}
