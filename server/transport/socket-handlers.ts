import type { ProcedureService } from '../app/procedure-service';
import { z } from 'zod';
import type { Logger } from '../logger';
import type { OfficerAuth } from '../app/officer-auth';
import type { QueueService } from '../app/queue-service';
import type { DeviceService } from '../app/device-service';
import type { DossierService } from '../app/dossier-service';
import type { RatingPrompts } from '../app/rating-prompts';
import type { ConfigService } from '../app/config-service';
import type { ReportService } from '../app/report-service';
import type { GuessThrottle } from '../app/guess-throttle';
import type { Credentials } from '../app/credentials';
import type { Sessions } from '../app/sessions';
import type { AdminStore } from '../store/admin-store';
import type { TakeLimiter } from '../app/take-limiter';
import type { OriginPolicy } from './origin-policy';
import type { PublicView, StaffView } from '../protocol/views';
import type { Versioner } from './publisher';
import { createEdge, errorAck, type CommandGate, type HubSocket, type HubServer } from './socket-edge';
import { registerQueueHandlers } from './handlers/queue-handlers';
import { registerCounterHandlers } from './handlers/counter-handlers';
import { registerSessionHandlers } from './handlers/session-handlers';
import { registerSupervisorHandlers } from './handlers/supervisor-handlers';
import { registerDeviceHandlers } from './handlers/device-handlers';
import { registerDossierHandlers } from './handlers/dossier-handlers';
import { registerRatingHandlers } from './handlers/rating-handlers';
import { registerBookingHandlers } from './handlers/booking-handlers';
import type { BookingService } from '../app/booking-service';

export type { HubServer, SocketData } from './socket-edge';
export { errorAck } from './socket-edge';

const helloSchema = z.object({
  app: z.enum(['kiosk', 'display', 'counter']).default('display'),
  token: z.string().max(512).optional(),
  lang: z.enum(['vi', 'en']).optional(),
  kioskId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/).optional(),
  /** The secret of a paired kiosk or rating screen (pairing:issue). */
  pairing: z.string().max(200).optional(),
});

/** What the feature handlers use. */
export interface HandlerDeps {
  service: QueueService;
  bookings: BookingService;
  procedures: ProcedureService;
  devices: DeviceService;
  credentials: Credentials;
  sessions: Sessions;
  admin: AdminStore;
  auth: OfficerAuth;
  log: Logger;
  versioned: Versioner;
  dossiers: DossierService;
  publicView: () => PublicView;
  staffView: () => StaffView;
  /** Wrong dossier codes or keys from one address are slowed down (shared with the REST lookup). */
  lookupThrottle: GuessThrottle;
  ratings: RatingPrompts;
  reports: ReportService;
  config: ConfigService;
  clock: () => number;
  gate: CommandGate;
  origins: OriginPolicy;
  takeLimiter: TakeLimiter;
  /** The sockets of each open session: a session that ends is ended on every one of them at once. */
  sessionSockets: SessionSockets;
}

/** What the handlers get besides: the hub's own operations on its sockets. */
export interface HandlerContext extends HandlerDeps {
  /** A pairing was revoked or replaced: the screens paired with its old secret are paired no more. */
  unpair(kind: 'kiosk' | 'rating', targetId: string): void;
}

/** Which sockets use which session. */
export class SessionSockets {
  private readonly bySession = new Map<string, Set<HubSocket>>();

  /** The socket now uses this token's session (or none). */
  use(socket: HubSocket, token: string | null, sessions: Sessions): void {
    this.drop(socket);
    socket.data.token = token;
    socket.data.sessionId = token ? (sessions.sessionOf(token)?.id ?? null) : null;
    if (!socket.data.sessionId) return;
    let set = this.bySession.get(socket.data.sessionId);
    if (!set) this.bySession.set(socket.data.sessionId, (set = new Set()));
    set.add(socket);
  }

  drop(socket: HubSocket): void {
    const id = socket.data.sessionId;
    if (!id) return;
    const set = this.bySession.get(id);
    set?.delete(socket);
    if (set?.size === 0) this.bySession.delete(id);
    socket.data.sessionId = null;
  }

  socketsOf(sessionId: string): HubSocket[] {
    return [...(this.bySession.get(sessionId) ?? [])];
  }
}

/**
 * The Socket.IO edge: every payload is validated, every command is answered with a typed ack, and
 * no exception escapes a handler (socket-edge.ts). Each feature registers its own events
 * (handlers/). Rooms: every socket is in `public`; logged-in officers are in `staff`; a counter pad
 * is in `counter:<id>` for the counter it works at.
 */
export function attachSocketHandlers(io: HubServer, deps: HandlerDeps): () => void {
  const { auth, log, versioned, publicView, devices } = deps;
  const edgeDeps = {
    auth,
    log,
    gate: deps.gate,
    counterIds: () => deps.config.current.counters.map((c) => c.id),
    ledgers: [deps.service, deps.admin, deps.bookings],
  };

  const endOnSocket = (socket: HubSocket, reason: SessionEndedReason) => {
    deps.sessionSockets.drop(socket);
    socket.data.token = null;
    if (socket.data.counterId) void socket.leave(`counter:${socket.data.counterId}`);
    socket.data.counterId = null;
    void socket.leave('staff');
    // A pad turned around to a visitor watched its counter's question as that officer's screen.
    for (const room of [...socket.rooms]) if (room.startsWith('rate:') && room !== `rate:${socket.data.pairedRating}`) void socket.leave(room);
    socket.emit('session:ended', { reason });
  };
  // A session that ends (logout on any screen, a new password, the officer removed or disabled, the
  // supervisor ending it) ends on every socket that uses it, at once: they leave the staff and
  // counter rooms and are told why.
  deps.sessions.onEnded(({ ids, reason }) => {
    for (const id of ids) for (const socket of deps.sessionSockets.socketsOf(id)) endOnSocket(socket, reason);
  });
  // A session that lapses while its screen stays connected leaves the staff rooms too.
  const sweep = setInterval(() => {
    for (const socket of io.sockets.sockets.values()) {
      if (!socket.data.sessionId) continue;
      const check = auth.officerFor(socket.data.token);
      if (!check.ok) endOnSocket(socket, check.error === 'SESSION_EXPIRED' ? 'expired' : 'logout');
    }
  }, SESSION_SWEEP_MS);
  sweep.unref();

  const context: HandlerContext = {
    ...deps,
    unpair(kind, targetId) {
      for (const socket of io.sockets.sockets.values()) {
        // Still paired if its secret is still the one issued (a repeated issue replaces nothing).
        const secret = (socket.handshake.auth as { pairing?: unknown } | undefined)?.pairing;
        if (deps.credentials.credentialOf(kind, secret)?.ownerId === targetId) continue;
        if (kind === 'kiosk' && socket.data.pairedKiosk === targetId) socket.data.pairedKiosk = null;
        if (kind === 'rating' && socket.data.pairedRating === targetId) {
          socket.data.pairedRating = null;
          void socket.leave(`rate:${targetId}`);
        }
      }
    },
  };

  io.use((socket, next) => {
    // A page on another site cannot connect (origin-policy.ts).
    if (!deps.origins.allows(socket.handshake.headers.origin, socket.handshake.headers.host)) return next(new Error('ORIGIN_NOT_ALLOWED'));
    const hello = helloSchema.safeParse(socket.handshake.auth ?? {});
    if (!hello.success) return next(new Error('INVALID_PAYLOAD'));
    // A paired kiosk or rating screen proves it with the secret the supervisor gave it.
    const pairing = hello.data.pairing ?? null;
    // A secret no longer valid (revoked, replaced) is ignored: the screen connects unpaired.
    const kiosk = pairing ? deps.credentials.credentialOf('kiosk', pairing) : null;
    const rating = pairing && !kiosk ? deps.credentials.credentialOf('rating', pairing) : null;
    socket.data = {
      app: hello.data.app,
      lang: hello.data.lang ?? 'vi',
      token: null,
      sessionId: null,
      counterId: null,
      kioskId: kiosk?.ownerId ?? hello.data.kioskId ?? null,
      pairedKiosk: kiosk?.ownerId ?? null,
      pairedRating: rating?.ownerId ?? null,
      address: socket.handshake.address,
    };
    next();
  });

  io.on('connection', (socket: HubSocket) => {
    void socket.join('public');
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token === 'string' && auth.officerFor(token).ok) {
      deps.sessionSockets.use(socket, token, deps.sessions);
      void socket.join('staff');
    } else if (typeof token === 'string') socket.data.token = token;
    socket.on('disconnect', () => deps.sessionSockets.drop(socket));
    // A full snapshot on connect: a screen never has to guess what it missed.
    socket.emit('queue:public', versioned(publicView()));
    if (socket.data.kioskId) {
      void socket.join(`kiosk:${socket.data.kioskId}`);
      socket.emit('kiosk:printer', { condition: devices.kioskPrinterCondition(socket.data.kioskId) });
      for (const state of devices.recentPrintStates(socket.data.kioskId)) socket.emit('ticket:print-state', state);
    }
    const edge = createEdge(socket, edgeDeps);
    registerQueueHandlers(edge, context);
    registerCounterHandlers(edge, context);
    registerSessionHandlers(edge, context);
    registerSupervisorHandlers(edge, context);
    registerDeviceHandlers(edge, context);
    registerDossierHandlers(edge, context);
    registerRatingHandlers(edge, context);
    registerBookingHandlers(edge, context);
  });
  log.debug('socket handlers attached');
  return () => clearInterval(sweep);
}

/** How often screens of lapsed sessions are looked for. */
const SESSION_SWEEP_MS = 15_000;

type SessionEndedReason = Parameters<import('../protocol/events').ServerToClientEvents['session:ended']>[0]['reason'];
