import { z } from 'zod';
import type { Lang } from '../i18n';
import type { Logger } from '../logger';
import type { OfficerAuth } from '../app/officer-auth';
import type { QueueService } from '../app/queue-service';
import type { DeviceService } from '../app/device-service';
import type { DossierService } from '../app/dossier-service';
import type { RatingPrompts } from '../app/rating-prompts';
import type { ConfigService } from '../app/config-service';
import type { ReportService } from '../app/report-service';
import type { GuessThrottle } from '../app/guess-throttle';
import type { AnswerLedger } from '../app/idempotency';
import type { TokenStore } from '../store/token-store';
import type { Ack, PublicView, StaffView } from '../protocol/views';
import type { Versioner } from './publisher';
import { createEdge, errorAck, type CommandGate, type HubSocket, type HubServer } from './socket-edge';
import { registerQueueHandlers } from './handlers/queue-handlers';
import { registerCounterHandlers } from './handlers/counter-handlers';
import { registerSessionHandlers } from './handlers/session-handlers';
import { registerSupervisorHandlers } from './handlers/supervisor-handlers';
import { registerDeviceHandlers } from './handlers/device-handlers';
import { registerDossierHandlers } from './handlers/dossier-handlers';
import { registerRatingHandlers } from './handlers/rating-handlers';

export type { HubServer, SocketData } from './socket-edge';
export { errorAck } from './socket-edge';

const helloSchema = z.object({
  app: z.enum(['kiosk', 'display', 'counter']).default('display'),
  token: z.string().max(512).optional(),
  lang: z.enum(['vi', 'en']).optional(),
  kioskId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/).optional(),
});

/**
 * Answers of officers' and supervisors' commands that are not queue moves (reprint, tokens, keys,
 * configuration), by officer and commandId: a retry after a lost answer gets the first answer
 * instead of a second token or a second printout, and the same id for another command is refused.
 */
export class AnswerCache implements AnswerLedger {
  private readonly answers = new Map<string, { fp: string; answer: Promise<Ack<unknown>> }>();

  answered(key: string): boolean {
    return this.answers.has(key);
  }

  once<T>(key: string, fp: string, lang: Lang, run: () => Promise<Ack<T>>): Promise<Ack<T>> {
    const known = this.answers.get(key);
    if (known) return (known.fp === fp ? known.answer : Promise.resolve(errorAck('IDEMPOTENCY_CONFLICT', lang))) as Promise<Ack<T>>;
    const answer = run();
    this.answers.set(key, { fp, answer });
    // A refusal changed nothing: the same press may be tried again.
    void answer.then((a) => {
      if (!a.ok && this.answers.get(key)?.answer === answer) this.answers.delete(key);
    }, () => this.answers.delete(key));
    if (this.answers.size > 5_000) this.answers.delete(this.answers.keys().next().value!);
    return answer;
  }
}

/** What the feature handlers use. */
export interface HandlerDeps {
  service: QueueService;
  devices: DeviceService;
  bridgeTokens: TokenStore;
  auth: OfficerAuth;
  log: Logger;
  versioned: Versioner;
  dossiers: DossierService;
  apiKeys: TokenStore;
  publicView: () => PublicView;
  staffView: () => StaffView;
  /** Wrong dossier codes or keys from one address are slowed down (shared with the REST lookup). */
  lookupThrottle: GuessThrottle;
  ratings: RatingPrompts;
  reports: ReportService;
  config: ConfigService;
  clock: () => number;
  gate: CommandGate;
  answers: AnswerCache;
}

/**
 * The Socket.IO edge: every payload is validated, every command is answered with a typed ack, and
 * no exception escapes a handler (socket-edge.ts). Each feature registers its own events
 * (handlers/). Rooms: every socket is in `public`; logged-in officers are in `staff`; a counter pad
 * is in `counter:<id>` for the counter it works at.
 */
export function attachSocketHandlers(io: HubServer, deps: HandlerDeps): void {
  const { auth, log, versioned, publicView, devices } = deps;
  const edgeDeps = {
    auth,
    log,
    gate: deps.gate,
    counterIds: () => deps.config.current.counters.map((c) => c.id),
    ledgers: [deps.service, deps.answers],
  };

  io.use((socket, next) => {
    const hello = helloSchema.safeParse(socket.handshake.auth ?? {});
    if (!hello.success) return next(new Error('INVALID_PAYLOAD'));
    socket.data = {
      app: hello.data.app,
      lang: hello.data.lang ?? 'vi',
      token: hello.data.token ?? null,
      counterId: null,
      kioskId: hello.data.kioskId ?? null,
      address: socket.handshake.address,
    };
    next();
  });

  io.on('connection', (socket: HubSocket) => {
    void socket.join('public');
    if (socket.data.token && auth.officerFor(socket.data.token).ok) void socket.join('staff');
    // A full snapshot on connect: a screen never has to guess what it missed.
    socket.emit('queue:public', versioned(publicView()));
    if (socket.data.kioskId) {
      void socket.join(`kiosk:${socket.data.kioskId}`);
      socket.emit('kiosk:printer', { condition: devices.kioskPrinterCondition(socket.data.kioskId) });
      for (const state of devices.recentPrintStates(socket.data.kioskId)) socket.emit('ticket:print-state', state);
    }
    const edge = createEdge(socket, edgeDeps);
    registerQueueHandlers(edge, deps);
    registerCounterHandlers(edge, deps);
    registerSessionHandlers(edge, deps);
    registerSupervisorHandlers(edge, deps);
    registerDeviceHandlers(edge, deps);
    registerDossierHandlers(edge, deps);
    registerRatingHandlers(edge, deps);
  });
  log.debug('socket handlers attached');
}
