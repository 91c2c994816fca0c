import type { Server, Socket } from 'socket.io';
import { z } from 'zod';
import type { OfficerConfig } from '../config/centre-config';
import { translate, type Lang } from '../i18n';
import type { Logger } from '../logger';
import type { OfficerAuth } from '../app/officer-auth';
import type { QueueService } from '../app/queue-service';
import type { DeviceService } from '../app/device-service';
import type { DossierService } from '../app/dossier-service';
import type { RatingPrompts } from '../app/rating-prompts';
import type { ConfigService } from '../app/config-service';
import type { ReportService } from '../app/report-service';
import type { GuessThrottle } from '../app/guess-throttle';
import type { TokenStore } from '../store/token-store';
import {
  COUNTER_COMMANDS,
  counterCommandSchemas,
  apiKeySchema,
  auditListSchema,
  bridgeTokenSchema,
  closeDaySchema,
  configReplaceSchema,
  setPasswordSchema,
  dossierLookupSchema,
  ratingSubmitSchema,
  reportRequestSchema,
  ratingWatchSchema,
  loginSchema,
  reprintSchema,
  testPrintSchema,
  ticketStatusSchema,
  stateRequestSchema,
  takeTicketSchema,
  type CounterCommandName,
  type ParsedCounterCommand,
} from '../protocol/commands';
import type { ErrorCode } from '../protocol/error-codes';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol/events';
import type { Ack, AckError, DeadlineRow, PublicView, Snapshot, StaffView } from '../protocol/views';
import type { Versioner } from './publisher';

export interface SocketData {
  app: 'kiosk' | 'display' | 'counter';
  lang: Lang;
  token: string | null;
  counterId: string | null;
  kioskId: string | null;
  address: string;
}

export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const helloSchema = z.object({
  app: z.enum(['kiosk', 'display', 'counter']).default('display'),
  token: z.string().max(512).optional(),
  lang: z.enum(['vi', 'en']).optional(),
  kioskId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/).optional(),
});

export function errorAck(code: ErrorCode, lang: Lang, retryAfterSeconds?: number, problems?: string[]): AckError {
  const message = translate(lang, `error.${code}`, {
    ...(retryAfterSeconds ? { seconds: retryAfterSeconds } : {}),
    detail: problems?.join('; ') ?? '',
  });
  return {
    ok: false,
    error: code,
    message,
    ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
    ...(problems ? { problems } : {}),
  };
}

/**
 * Answers of officers' and supervisors' commands that are not queue moves (reprint, tokens, keys,
 * configuration), by officer and commandId: a retry after a lost answer gets the first answer
 * instead of a second token or a second printout. In memory, bounded: the queue's own commands are
 * the ones whose answers must outlive a restart, and they do (queue-service.ts).
 */
class AnswerCache {
  private readonly answers = new Map<string, Promise<Ack<unknown>>>();

  once<T>(key: string, run: () => Promise<Ack<T>>): Promise<Ack<T>> {
    const known = this.answers.get(key);
    if (known) return known as Promise<Ack<T>>;
    const answer = run();
    this.answers.set(key, answer);
    if (this.answers.size > 5_000) this.answers.delete(this.answers.keys().next().value!);
    return answer;
  }
}

interface Deps {
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
}

/**
 * The Socket.IO edge: every payload is validated here, every command is answered with a typed ack,
 * and no exception escapes a handler. Rooms: every socket is in `public`; logged-in officers are in
 * `staff`; a counter pad is in `counter:<id>` for the counter it works at.
 */
export function attachSocketHandlers(io: HubServer, deps: Deps): void {
  const { service, devices, auth, log, versioned, staffView, publicView } = deps;
  const lookupThrottle = deps.lookupThrottle;
  const answers = new AnswerCache();

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

    const on = <T>(
      event: string,
      handler: (payload: unknown, lang: Lang) => Promise<Ack<T>>,
    ) => {
      socket.on(event as keyof ClientToServerEvents, (async (...args: unknown[]) => {
        const last = args[args.length - 1];
        const ack = typeof last === 'function' ? (last as (answer: Ack<T>) => void) : () => undefined;
        const payload = args[0];
        const lang = payloadLang(payload) ?? socket.data.lang;
        try {
          ack(await handler(payload, lang));
        } catch (error) {
          log.error('socket handler failed', { event, error: String(error), stack: (error as Error)?.stack });
          ack(errorAck('INTERNAL', lang));
        }
      }) as never);
    };

    on('ticket:take', async (payload, lang) => {
      const parsed = takeTicketSchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const result = await service.takeTicket(parsed.data, 'kiosk', socket.data.kioskId);
      return result.ok ? result : errorAck(result.error, lang);
    });

    on('session:login', async (payload, lang) => {
      const parsed = loginSchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const result = await auth.login(parsed.data.username, parsed.data.password, socket.data.address);
      if (!result.ok) return errorAck(result.error, lang, result.retryAfterSeconds);
      socket.data.token = result.data.token;
      void socket.join('staff');
      socket.emit('queue:staff', versioned(staffView()));
      return result;
    });

    on('session:logout', async () => {
      if (socket.data.token) auth.tokens.revoke(socket.data.token);
      socket.data.token = null;
      leaveCounterRoom(socket);
      void socket.leave('staff');
      return { ok: true, data: null };
    });

    on('state:request', async (payload, lang) => {
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
        joinCounterRoom(socket, parsed.data.counterId);
        snapshot.counter = versioned(view);
      }
      return { ok: true, data: snapshot };
    });

    on('ticket:status', async (payload, lang) => {
      const parsed = ticketStatusSchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const view = service.follow(parsed.data.ticketId);
      return view ? { ok: true, data: view } : errorAck('UNKNOWN_TICKET', lang);
    });

    on('rating:watch', async (payload, lang) => {
      const parsed = ratingWatchSchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      if (!deps.config.current.counters.some((c) => c.id === parsed.data.counterId)) return errorAck('UNKNOWN_COUNTER', lang);
      for (const room of socket.rooms) if (room.startsWith('rate:')) void socket.leave(room);
      void socket.join(`rate:${parsed.data.counterId}`);
      return { ok: true, data: deps.ratings.current(parsed.data.counterId) };
    });

    on('rating:submit', async (payload, lang) => {
      const parsed = ratingSubmitSchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const result = await deps.ratings.answer(parsed.data.promptId, parsed.data.level, parsed.data.reason);
      return result.ok ? result : errorAck(result.error, lang);
    });

    on('dossier:lookup', async (payload, lang) => {
      const parsed = dossierLookupSchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      // Per address and dossier code: guessing one dossier's key is slowed down, while the next
      // visitor at the same kiosk (another code) is not held up by the one before.
      const key = [`lookup:${socket.data.address}:${parsed.data.code.trim().toUpperCase()}`];
      const wait = lookupThrottle.retryAfterSeconds(key);
      if (wait > 0) return errorAck('RATE_LIMITED', lang, wait);
      const view = deps.dossiers.lookup(parsed.data.code, parsed.data.key);
      if (!view) {
        lookupThrottle.failed(key);
        return errorAck('DOSSIER_NOT_FOUND', lang);
      }
      lookupThrottle.succeeded(key[0]!);
      return { ok: true, data: view };
    });

    on('report:get', async (payload, lang) => {
      const parsed = reportRequestSchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const officer = supervisor(socket);
      if (!officer.ok) return errorAck(officer.error, lang);
      return { ok: true, data: await deps.reports.report(parsed.data) };
    });

    on('dossier:deadlines', async (_payload, lang) => {
      const officer = supervisor(socket);
      if (!officer.ok) return errorAck(officer.error, lang);
      const rows: DeadlineRow[] = deps.dossiers.deadlines(deps.clock());
      return { ok: true, data: rows };
    });

    on('apikey:issue', async (payload, lang) => {
      const parsed = apiKeySchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const officer = supervisor(socket);
      if (!officer.ok) return errorAck(officer.error, lang);
      return answers.once(`${officer.data.id}:apikey:${parsed.data.commandId}`, async () => {
        const key = await deps.apiKeys.issue(parsed.data.integrationId, officer.data.id, deps.clock());
        log.info('API key issued', { integration: parsed.data.integrationId, by: officer.data.id });
        await deps.config.recordAction(officer.data.id, 'apikey.issued', [{ path: `apiKeys[${parsed.data.integrationId}]`, before: null, after: '(issued)' }]);
        return { ok: true, data: { integrationId: parsed.data.integrationId, key } };
      });
    });

    on('apikey:revoke', async (payload, lang) => {
      const parsed = apiKeySchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const officer = supervisor(socket);
      if (!officer.ok) return errorAck(officer.error, lang);
      const revoked = await deps.apiKeys.revoke(parsed.data.integrationId);
      log.info('API key revoked', { integration: parsed.data.integrationId, by: officer.data.id, revoked });
      if (revoked) await deps.config.recordAction(officer.data.id, 'apikey.revoked', [{ path: `apiKeys[${parsed.data.integrationId}]`, before: '(issued)', after: null }]);
      return { ok: true, data: { integrationId: parsed.data.integrationId, revoked } };
    });

    on('day:close', async (payload, lang) => {
      const parsed = closeDaySchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const officer = supervisor(socket);
      if (!officer.ok) return errorAck(officer.error, lang);
      const result = await service.closeDay(parsed.data.mode, officer.data.id, parsed.data.commandId);
      if (result.ok) {
        log.info('day closed', { by: officer.data.id, mode: parsed.data.mode });
        await deps.config.recordAction(officer.data.id, 'day.closed', [{ path: 'day', before: 'open', after: parsed.data.mode }]);
      }
      return result.ok ? result : errorAck(result.error, lang);
    });

    on('config:get', async (_payload, lang) => {
      const officer = supervisor(socket);
      if (!officer.ok) return errorAck(officer.error, lang);
      return { ok: true, data: deps.config.forEditing() };
    });

    on('config:replace', async (payload, lang) => {
      const parsed = configReplaceSchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const officer = supervisor(socket);
      if (!officer.ok) return errorAck(officer.error, lang);
      return answers.once(`${officer.data.id}:config:${parsed.data.commandId}`, async () => {
        const result = await deps.config.replace(parsed.data.config, officer.data.id, parsed.data.baseVersion, (next) =>
          service.configProblem(next),
        );
        return result.ok ? { ok: true, data: { version: result.version } } : errorAck(result.error, lang, undefined, result.problems);
      });
    });

    on('officer:set-password', async (payload, lang) => {
      const parsed = setPasswordSchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const officer = supervisor(socket);
      if (!officer.ok) return errorAck(officer.error, lang);
      return answers.once(`${officer.data.id}:password:${parsed.data.commandId}`, async () => {
        const result = await deps.config.setPassword(parsed.data.officerId, parsed.data.password, officer.data.id);
        return result.ok ? { ok: true, data: { version: result.version } } : errorAck(result.error, lang);
      });
    });

    on('audit:list', async (payload, lang) => {
      const parsed = auditListSchema.safeParse(payload ?? {});
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const officer = supervisor(socket);
      if (!officer.ok) return errorAck(officer.error, lang);
      return { ok: true, data: deps.config.audit(parsed.data.limit) };
    });

    on('ticket:reprint', async (payload, lang) => {
      const parsed = reprintSchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const officer = loggedIn(socket);
      if (!officer.ok) return errorAck(officer.error, lang);
      return answers.once(`${officer.data.id}:reprint:${parsed.data.commandId}`, async () => {
        const result = await devices.reprint(parsed.data.ticket, parsed.data.printerId);
        log.info('reprint', { ticket: parsed.data.ticket, by: officer.data.id, ok: result.ok });
        return result.ok ? result : errorAck(result.error, lang);
      });
    });

    on('device:test-print', async (payload, lang) => {
      const parsed = testPrintSchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const officer = supervisor(socket);
      if (!officer.ok) return errorAck(officer.error, lang);
      return answers.once(`${officer.data.id}:test-print:${parsed.data.commandId}`, async () => {
        const result = await devices.testPrint(parsed.data.deviceId);
        return result.ok ? result : errorAck(result.error, lang);
      });
    });

    on('bridge:issue-token', async (payload, lang) => {
      const parsed = bridgeTokenSchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const officer = supervisor(socket);
      if (!officer.ok) return errorAck(officer.error, lang);
      const { bridgeId } = parsed.data;
      if (bridgeId === 'hub' || !devices.isKnownBridge(bridgeId)) return errorAck('UNKNOWN_BRIDGE', lang);
      return answers.once(`${officer.data.id}:bridge-token:${parsed.data.commandId}`, async () => {
        const token = await deps.bridgeTokens.issue(bridgeId, officer.data.id, deps.clock());
        devices.disconnectBridge(bridgeId); // an old token stops working at once
        log.info('bridge token issued', { bridge: bridgeId, by: officer.data.id });
        await deps.config.recordAction(officer.data.id, 'bridge.token-issued', [{ path: `bridges[${bridgeId}].token`, before: null, after: '(issued)' }]);
        return { ok: true, data: { bridgeId, token } };
      });
    });

    on('bridge:revoke-token', async (payload, lang) => {
      const parsed = bridgeTokenSchema.safeParse(payload);
      if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
      const officer = supervisor(socket);
      if (!officer.ok) return errorAck(officer.error, lang);
      const revoked = await deps.bridgeTokens.revoke(parsed.data.bridgeId);
      devices.disconnectBridge(parsed.data.bridgeId);
      log.info('bridge token revoked', { bridge: parsed.data.bridgeId, by: officer.data.id, revoked });
      if (revoked) await deps.config.recordAction(officer.data.id, 'bridge.token-revoked', [{ path: `bridges[${parsed.data.bridgeId}].token`, before: '(issued)', after: null }]);
      return { ok: true, data: { bridgeId: parsed.data.bridgeId, revoked } };
    });

    for (const name of COUNTER_COMMANDS) {
      on(name, async (payload, lang) => {
        const parsed = counterCommandSchemas[name].safeParse(payload);
        if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
        const command = parsed.data as ParsedCounterCommand<CounterCommandName>;
        const officer = officerAt(socket, command.counterId);
        if (!officer.ok) return errorAck(officer.error, lang);
        const result = await service.counterCommand(name, command, officer.data);
        if (!result.ok) return errorAck(result.error, lang);
        joinCounterRoom(socket, command.counterId);
        return result;
      });
    }
  });

  function loggedIn(socket: HubSocket): { ok: true; data: OfficerConfig } | { ok: false; error: ErrorCode } {
    if (!socket.data.token) return { ok: false, error: 'NOT_LOGGED_IN' };
    return auth.officerFor(socket.data.token);
  }

  function supervisor(socket: HubSocket): { ok: true; data: OfficerConfig } | { ok: false; error: ErrorCode } {
    const officer = loggedIn(socket);
    if (officer.ok && officer.data.role !== 'supervisor') return { ok: false, error: 'FORBIDDEN' };
    return officer;
  }

  function officerAt(socket: HubSocket, counterId: string): { ok: true; data: OfficerConfig } | { ok: false; error: ErrorCode } {
    const officer = loggedIn(socket);
    if (!officer.ok) return officer;
    if (!deps.config.current.counters.some((c) => c.id === counterId)) return { ok: false, error: 'UNKNOWN_COUNTER' };
    if (!auth.mayWorkAt(officer.data, counterId)) return { ok: false, error: 'FORBIDDEN' };
    return officer;
  }

  function joinCounterRoom(socket: HubSocket, counterId: string): void {
    if (socket.data.counterId === counterId) return;
    leaveCounterRoom(socket);
    socket.data.counterId = counterId;
    void socket.join(`counter:${counterId}`);
  }

  function leaveCounterRoom(socket: HubSocket): void {
    if (socket.data.counterId) void socket.leave(`counter:${socket.data.counterId}`);
    socket.data.counterId = null;
  }
}

function payloadLang(payload: unknown): Lang | null {
  if (payload && typeof payload === 'object' && 'lang' in payload) {
    const lang = (payload as { lang: unknown }).lang;
    if (lang === 'vi' || lang === 'en') return lang;
  }
  return null;
}
