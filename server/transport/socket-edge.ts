import type { Server, Socket } from 'socket.io';
import type { z } from 'zod';
import type { OfficerConfig } from '../config/centre-config';
import { translate, type Lang } from '../i18n';
import type { Logger } from '../logger';
import type { OfficerAuth } from '../app/officer-auth';
import { commandFingerprint, type AnswerLedger } from '../app/idempotency';
import type { ErrorCode } from '../protocol/error-codes';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol/events';
import type { Ack, AckError } from '../protocol/views';

/**
 * What every feature's socket handlers share: the socket's identity, one way to register a handler
 * (no exception escapes, every command is answered), the checks of who asks, and the counter room.
 * The feature modules (queue-handlers.ts, counter-handlers.ts, ...) register their events with it.
 */

export interface SocketData {
  app: 'kiosk' | 'display' | 'counter';
  lang: Lang;
  token: string | null;
  /** The session of the token, while it is open: how a session that ends finds its sockets. */
  sessionId: string | null;
  counterId: string | null;
  kioskId: string | null;
  /** The kiosk this socket is paired as (a kiosk pairing's secret in the handshake), if any. */
  pairedKiosk: string | null;
  /** The counter whose rating screen this socket is paired as, if any. */
  pairedRating: string | null;
  address: string;
}

export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export type Authorised = { ok: true; data: OfficerConfig } | { ok: false; error: ErrorCode };

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

/** Whether the hub takes commands: closed when it is stopping (SIGTERM), so none is cut short. */
export interface CommandGate {
  readonly accepting: boolean;
}

export interface EdgeDeps {
  auth: OfficerAuth;
  log: Logger;
  /** The configured counters (a command for another counter is UNKNOWN_COUNTER). */
  counterIds: () => readonly string[];
  gate: CommandGate;
  /** Every place that keeps commands' answers: a key answered by one is refused by the others. */
  ledgers: AnswerLedger[];
}

/** A validated command: its payload, its fingerprint, and the language to answer in. */
export interface CommandContext<P> {
  payload: P;
  fp: string;
  lang: Lang;
}

export interface Edge {
  readonly socket: HubSocket;
  /**
   * A read or a session request: validated by the handler, answered whatever happens. `changes`:
   * it changes stored state without a commandId (login, logout, a rating), so it is refused while
   * the hub is stopping.
   */
  on<T>(event: string, handler: (payload: unknown, lang: Lang) => Promise<Ack<T>>, options?: { changes?: boolean }): void;
  /**
   * A state-changing command: refused while the hub is stopping, validated against its schema,
   * fingerprinted for idempotency, answered whatever happens.
   */
  command<S extends z.ZodType, T>(event: string, schema: S, handler: (command: CommandContext<z.output<S>>) => Promise<Ack<T>>): void;
  loggedIn(): Authorised;
  supervisor(): Authorised;
  officerAt(counterId: string): Authorised;
  /** Whether another ledger answered this key: the commandId was used for another kind of command. */
  usedElsewhere(key: string, own: AnswerLedger): boolean;
  joinCounterRoom(counterId: string): void;
  leaveCounterRoom(): void;
}

export function createEdge(socket: HubSocket, deps: EdgeDeps): Edge {
  const { auth, log } = deps;

  const on = <T>(event: string, handler: (payload: unknown, lang: Lang) => Promise<Ack<T>>, options?: { changes?: boolean }) => {
    socket.on(event as keyof ClientToServerEvents, (async (...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack = typeof last === 'function' ? (last as (answer: Ack<T>) => void) : () => undefined;
      const payload = args[0];
      const lang = payloadLang(payload) ?? socket.data.lang;
      if (options?.changes && !deps.gate.accepting) return ack(errorAck('SHUTTING_DOWN', lang));
      try {
        ack(await handler(payload, lang));
      } catch (error) {
        log.error('socket handler failed', { event, error: String(error), stack: (error as Error)?.stack });
        ack(errorAck('INTERNAL', lang));
      }
    }) as never);
  };

  const loggedIn = (): Authorised => {
    if (!socket.data.token) return { ok: false, error: 'NOT_LOGGED_IN' };
    return auth.officerFor(socket.data.token);
  };

  const leaveCounterRoom = () => {
    if (socket.data.counterId) void socket.leave(`counter:${socket.data.counterId}`);
    socket.data.counterId = null;
  };

  return {
    socket,
    on,
    command(event, schema, handler) {
      on(event, async (payload, lang) => {
        if (!deps.gate.accepting) return errorAck('SHUTTING_DOWN', lang);
        const parsed = schema.safeParse(payload);
        if (!parsed.success) return errorAck('INVALID_PAYLOAD', lang);
        return handler({ payload: parsed.data, fp: commandFingerprint(event, parsed.data), lang });
      });
    },
    loggedIn,
    supervisor() {
      const officer = loggedIn();
      if (officer.ok && officer.data.role !== 'supervisor') return { ok: false, error: 'FORBIDDEN' };
      return officer;
    },
    officerAt(counterId) {
      const officer = loggedIn();
      if (!officer.ok) return officer;
      if (!deps.counterIds().includes(counterId)) return { ok: false, error: 'UNKNOWN_COUNTER' };
      if (!auth.mayWorkAt(officer.data, counterId)) return { ok: false, error: 'FORBIDDEN' };
      return officer;
    },
    usedElsewhere(key, own) {
      return deps.ledgers.some((ledger) => ledger !== own && ledger.answered(key));
    },
    joinCounterRoom(counterId) {
      if (socket.data.counterId === counterId) return;
      leaveCounterRoom();
      socket.data.counterId = counterId;
      void socket.join(`counter:${counterId}`);
    },
    leaveCounterRoom,
  };
}

function payloadLang(payload: unknown): Lang | null {
  if (payload && typeof payload === 'object' && 'lang' in payload) {
    const lang = (payload as { lang: unknown }).lang;
    if (lang === 'vi' || lang === 'en') return lang;
  }
  return null;
}
