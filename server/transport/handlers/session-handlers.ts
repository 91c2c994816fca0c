import { loginSchema } from '../../protocol/commands';
import { errorAck, type Edge } from '../socket-edge';
import type { HandlerDeps } from '../socket-handlers';

/** Officers log in and out. */
export function registerSessionHandlers(edge: Edge, deps: HandlerDeps): void {
  const { socket } = edge;
  const { auth, versioned, staffView } = deps;

  edge.on('session:login', async (payload, lang) => {
    const parsed = loginSchema.safeParse(payload);
    if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
    const result = await auth.login(parsed.data.username, parsed.data.password, socket.data.address);
    if (!result.ok) return errorAck(result.error, lang, result.retryAfterSeconds);
    socket.data.token = result.data.token;
    void socket.join('staff');
    socket.emit('queue:staff', versioned(staffView()));
    return result;
  });

  edge.on('session:logout', async () => {
    if (socket.data.token) auth.tokens.revoke(socket.data.token);
    socket.data.token = null;
    edge.leaveCounterRoom();
    void socket.leave('staff');
    return { ok: true, data: null };
  });
}
