import { io, type Socket } from 'socket.io-client';
import { translate, type Lang, type MessageKey } from '../i18n';
import type { DeviceCondition } from '../../hardware/device-contract';
import type { CounterCommandName } from './commands';
import { stableJson } from './stable-json';
import type { ClientHello, ClientToServerEvents, ServerToClientEvents } from './events';
import type {
  AckCallback,
  AckError,
  CounterView,
  PrintState,
  PublicCall,
  PublicView,
  RatingPrompt,
  Snapshot,
  StaffView,
  Versioned,
} from './views';

/**
 * The browser side of the protocol: one Socket.IO connection to the hub that served the page, typed
 * with the shared event maps. Browser-safe, framework-free (the apps wrap it in signals).
 *
 * - `auth` is a callback, so every reconnect says who we are *now* (app, token, language).
 * - Views are `Versioned`: the newest per kind is kept; an older one from the same boot is dropped,
 *   anything from a new boot (the hub restarted) is taken.
 * - On every (re)connect a full snapshot is asked for: recovery of missed packets is never assumed.
 * - Commands get a fresh `commandId`. If a command's outcome is unknown (no answer in time, or the
 *   connection dropped), pressing the same thing again reuses that id, so the hub answers with the
 *   first answer instead of doing it twice.
 */

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

/** Errors made here, not by the hub: the command was never sent, or its answer never came. */
export type LocalErrorCode = 'OFFLINE' | 'NO_ANSWER';
export type LocalAckError = { ok: false; error: LocalErrorCode; message: string; local: true };
export type ClientAckError = AckError | LocalAckError;
export type ClientAck<T> = { ok: true; data: T } | ClientAckError;

type Events = ClientToServerEvents;
type EventName = keyof Events;
type PayloadOf<E extends EventName> = Parameters<Events[E]>[0];
type AckDataOf<E extends EventName> = Parameters<Events[E]>[1] extends AckCallback<infer T> ? T : never;

/** State-changing commands: they carry a `commandId`. */
export type CommandName =
  | 'ticket:take'
  // the kiosk's "Tôi đã đặt lịch"
  | 'booking:check-in'
  | CounterCommandName
  | 'ticket:reprint'
  | 'kiosk:print-checklist'
  | 'device:test-print'
  | 'bridge:issue-token'
  | 'bridge:revoke-token'
  | 'apikey:issue'
  | 'apikey:revoke'
  | 'config:replace'
  | 'officer:set-password'
  | 'day:close'
  | 'session:end'
  | 'pairing:issue'
  | 'pairing:revoke'
  | 'booking:book'
  | 'booking:cancel'
  | 'booking:close-day'
  | 'booking:reopen-day';
export type CommandInput<N extends CommandName> = Omit<PayloadOf<N>, 'commandId' | 'lang'>;
export type CommandResult<N extends CommandName> = AckDataOf<N>;
/** Reads and sessions: no `commandId`. */
export type RequestName =
  | 'session:login'
  | 'session:logout'
  | 'state:request'
  | 'report:get'
  | 'dossier:deadlines'
  | 'config:get'
  | 'audit:list'
  | 'session:list'
  | 'credential:list'
  | 'rating:watch'
  | 'rating:submit'
  // the supervisor's bookings
  | 'booking:list'
  | 'booking:no-shows'
  // kiosk and lookup: a visitor's dossier, by the code and key on the receipt
  | 'dossier:lookup'
  // the phone's "follow your turn" page: where one ticket stands
  | 'ticket:status';
export type RequestInput<N extends RequestName> = Omit<PayloadOf<N>, 'lang'>;

export interface ViewsByKind {
  public: PublicView;
  staff: StaffView;
  counter: CounterView;
}
export type ViewKind = keyof ViewsByKind;

export interface HubClientOptions {
  app: ClientHello['app'];
  /** Read at every (re)connect and command. */
  lang: () => Lang;
  /** Read at every (re)connect; null when nobody is logged in. */
  token?: () => string | null;
  /** A kiosk's configured id (its printer and room), if the page was given one. */
  kioskId?: string | null;
  /** The secret of a paired kiosk or rating screen, read at every (re)connect. */
  pairing?: () => string | null;
  /** Where the hub is; the page's own origin by default. */
  url?: string;
  /** How long to wait for an ack before saying the hub did not answer. */
  ackTimeoutMs?: number;
  /** False: no connection at all (a page the province serves, which has no hub behind it). */
  connect?: boolean;
}

export interface HubClient {
  readonly status: ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** The newest view of a kind, or null before the first one arrives. */
  view<K extends ViewKind>(kind: K): Versioned<ViewsByKind[K]> | null;
  onView<K extends ViewKind>(kind: K, listener: (message: Versioned<ViewsByKind[K]>) => void): () => void;
  /** A call or recall as it happens (never replayed from a snapshot): the one place to announce. */
  onCall(listener: (call: PublicCall) => void): () => void;
  /** Every full snapshot received (after each connect, or asked for). */
  onSnapshot(listener: (snapshot: Snapshot) => void): () => void;
  /** A snapshot for the chosen counter was refused (session expired, not allowed, ...). */
  onSnapshotError(listener: (error: ClientAckError) => void): () => void;
  /**
   * A kiosk's printer as the hub last told it (null: the kiosk has none), or undefined before the
   * hub has said (a page opened without `?kiosk=` is never told).
   */
  readonly kioskPrinter: DeviceCondition | null | undefined;
  onKioskPrinter(listener: (condition: DeviceCondition | null) => void): () => void;
  /** Whether a ticket this kiosk took came out of its printer (may come before the take's ack). */
  onPrintState(listener: (state: PrintState) => void): () => void;
  /**
   * Watches a counter's satisfaction question (a rating screen, or the pad turned around): the
   * open question now, then every change; asked again after each reconnect. Null stops listening.
   */
  watchRating(counterId: string | null): Promise<ClientAck<RatingPrompt | null> | null>;
  /** Every answer to the watched counter's rating:watch (asked again after each reconnect): FORBIDDEN when not paired. */
  onRatingWatch(listener: (answer: ClientAck<RatingPrompt | null>) => void): () => void;
  /** The session this screen used ended (logged out elsewhere, a new password, ended by the supervisor). */
  onSessionEnded(listener: (reason: string) => void): () => void;
  /** The question of the watched counter opened (a prompt) or closed (null). */
  onRatingPrompt(listener: (event: { counterId: string; prompt: RatingPrompt | null }) => void): () => void;
  command<N extends CommandName>(
    name: N,
    input: CommandInput<N>,
    options?: { commandId?: string },
  ): Promise<ClientAck<CommandResult<N>>>;
  request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<ClientAck<AckDataOf<N>>>;
  /** The counter this screen works at: its view is kept and asked for again after a reconnect. */
  setCounter(counterId: string | null): Promise<ClientAck<Snapshot> | null>;
  readonly counterId: string | null;
  /** Asks for a full snapshot now (done by itself on every connect). */
  refresh(): Promise<ClientAck<Snapshot>>;
  /** The hub's clock, estimated from the last versioned message (screens' clocks drift). */
  serverNow(): number;
  close(): void;
}

const DEFAULT_ACK_TIMEOUT_MS = 8_000;
/** How long an unknown outcome is remembered for a repeated press. */
const RETRY_MEMORY_MS = 2 * 60_000;
const RECONNECT_AFTER_REFUSAL_MS = 3_000;

/** A commandId: a UUID where the browser allows it (secure contexts only), random hex otherwise. */
export function newCommandId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c && typeof c.randomUUID === 'function') {
    try {
      return c.randomUUID();
    } catch {
      // randomUUID throws outside a secure context in some browsers: fall through.
    }
  }
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function createHubClient(options: HubClientOptions): HubClient {
  const ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
  const hello = (): ClientHello => {
    const token = options.token?.() ?? null;
    // The hub rejects `token: null`: leave out what is not there.
    const data: ClientHello = { app: options.app, lang: options.lang() };
    if (token) data.token = token;
    if (options.kioskId) data.kioskId = options.kioskId;
    const pairing = options.pairing?.() ?? null;
    if (pairing) data.pairing = pairing;
    return data;
  };
  const socketOptions = {
    auth: (cb: (data: object) => void) => cb(hello()),
    // WebSocket first (the hub is on the LAN and serves the page), long-polling if that fails. This
    // also keeps reconnect attempts off the page's keep-alive HTTP connections.
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 5_000,
    autoConnect: options.connect !== false,
  };
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = options.url
    ? io(options.url, socketOptions)
    : io(socketOptions);

  let status: ConnectionStatus = 'connecting';
  let counterId: string | null = null;
  let clockOffset = 0;
  let closed = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  const held: { [K in ViewKind]: Versioned<ViewsByKind[K]> | null } = { public: null, staff: null, counter: null };
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  const viewListeners: { [K in ViewKind]: Set<(message: Versioned<ViewsByKind[K]>) => void> } = {
    public: new Set(),
    staff: new Set(),
    counter: new Set(),
  };
  const callListeners = new Set<(call: PublicCall) => void>();
  const snapshotListeners = new Set<(snapshot: Snapshot) => void>();
  const snapshotErrorListeners = new Set<(error: ClientAckError) => void>();
  let kioskPrinter: DeviceCondition | null | undefined = undefined;
  const kioskPrinterListeners = new Set<(condition: DeviceCondition | null) => void>();
  const printStateListeners = new Set<(state: PrintState) => void>();
  let ratingCounterId: string | null = null;
  const ratingListeners = new Set<(event: { counterId: string; prompt: RatingPrompt | null }) => void>();
  const sessionEndedListeners = new Set<(reason: string) => void>();
  const ratingWatchListeners = new Set<(answer: ClientAck<RatingPrompt | null>) => void>();
  /** Emits waiting for an answer: settled with NO_ANSWER if the connection drops. */
  const inFlight = new Set<() => void>();
  /** Commands whose outcome is unknown, by what was pressed: a repeat reuses the id. */
  const unsettled = new Map<string, { commandId: string; at: number }>();

  const setStatus = (next: ConnectionStatus) => {
    if (next === status) return;
    status = next;
    statusListeners.forEach((l) => safely(() => l(next)));
  };

  const localError = (error: LocalErrorCode): LocalAckError => {
    const key: MessageKey = error === 'OFFLINE' ? 'client.offline' : 'client.noAnswer';
    return { ok: false, error, message: translate(options.lang(), key), local: true };
  };

  function accept<K extends ViewKind>(kind: K, message: Versioned<ViewsByKind[K]>): void {
    if (!isVersioned(message)) return;
    const current = held[kind];
    if (kind === 'counter') {
      const view = message.view as CounterView;
      if (view.counterId !== counterId) return;
    }
    if (current && current.bootId === message.bootId && message.seq < current.seq) return;
    // TS cannot correlate `held[kind]` with `message` for a generic K; the signature does.
    (held as Record<ViewKind, Versioned<unknown> | null>)[kind] = message;
    clockOffset = message.serverTime - Date.now();
    viewListeners[kind].forEach((l) => safely(() => l(message)));
  }

  /** A command's ack carries the counter's fresh view: newer than anything that came before it. */
  function acceptCounterAck(view: CounterView): void {
    if (view.counterId !== counterId) return;
    const current = held.counter;
    const message: Versioned<CounterView> = current
      ? { ...current, serverTime: Date.now() + clockOffset, view }
      : { bootId: '', seq: -1, serverTime: Date.now() + clockOffset, view };
    held.counter = message;
    viewListeners.counter.forEach((l) => safely(() => l(message)));
  }

  function applySnapshot(snapshot: Snapshot): void {
    if (snapshot.public) accept('public', snapshot.public);
    if (snapshot.staff) accept('staff', snapshot.staff);
    if (snapshot.counter) accept('counter', snapshot.counter);
    snapshotListeners.forEach((l) => safely(() => l(snapshot)));
  }

  async function emit<E extends EventName>(event: E, payload: unknown): Promise<ClientAck<AckDataOf<E>>> {
    if (!socket.connected) return localError('OFFLINE');
    // Socket.IO's typed emitWithAck does not narrow over a generic event name; the maps above are
    // what keep callers honest, this cast only bridges that gap.
    const typed = socket.timeout(ackTimeoutMs) as unknown as {
      emitWithAck(event: string, payload: unknown): Promise<ClientAck<AckDataOf<E>>>;
    };
    let dropped: () => void = () => undefined;
    const lost = new Promise<LocalAckError>((resolve) => {
      dropped = () => resolve(localError('NO_ANSWER'));
      inFlight.add(dropped);
    });
    try {
      return await Promise.race([
        typed.emitWithAck(event, payload).then(
          (answer) => (isAck(answer) ? answer : localError('NO_ANSWER')),
          () => localError('NO_ANSWER'),
        ),
        lost,
      ]);
    } finally {
      inFlight.delete(dropped);
    }
  }

  async function command<N extends CommandName>(
    name: N,
    input: CommandInput<N>,
    opts?: { commandId?: string },
  ): Promise<ClientAck<CommandResult<N>>> {
    const now = Date.now();
    for (const [key, entry] of unsettled) if (now - entry.at > RETRY_MEMORY_MS) unsettled.delete(key);
    const pressKey = `${name} ${stableJson(input)}`;
    const commandId = opts?.commandId ?? unsettled.get(pressKey)?.commandId ?? newCommandId();
    const answer = await emit(name, { ...input, commandId, lang: options.lang() });
    // No answer, or the hub was stopping: the same press again reuses the id (it is done at most once).
    if (!answer.ok && ('local' in answer || answer.error === 'SHUTTING_DOWN')) unsettled.set(pressKey, { commandId, at: Date.now() });
    else unsettled.delete(pressKey);
    if (answer.ok && name.startsWith('counter:')) acceptCounterAck(answer.data as CounterView);
    return answer as ClientAck<CommandResult<N>>;
  }

  async function request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<ClientAck<AckDataOf<N>>> {
    const payload = name === 'session:logout' ? {} : { ...input, lang: options.lang() };
    const answer = await emit(name, payload);
    if (answer.ok && name === 'state:request') applySnapshot(answer.data as Snapshot);
    return answer;
  }

  async function refresh(): Promise<ClientAck<Snapshot>> {
    const wanted = counterId;
    const answer = await request('state:request', wanted ? { counterId: wanted } : {});
    if (!answer.ok && wanted && !('local' in answer)) {
      snapshotErrorListeners.forEach((l) => safely(() => l(answer)));
      return request('state:request', {});
    }
    return answer;
  }

  socket.on('connect', () => {
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = null;
    setStatus('online');
    void refresh();
    if (ratingCounterId) void askRating(ratingCounterId);
  });
  socket.on('disconnect', (reason) => {
    setStatus('offline');
    for (const settle of [...inFlight]) settle();
    inFlight.clear();
    // When the hub itself closes the connection (it is stopping), Socket.IO does not reconnect by
    // itself; a screen must come back as soon as a hub is there again.
    if (reason === 'io server disconnect' && !closed) scheduleReconnect();
  });
  socket.on('connect_error', () => {
    setStatus(status === 'connecting' ? 'connecting' : 'offline');
    // A refusal by the hub's middleware is not retried by Socket.IO; a network error is.
    if (!socket.active && !closed) scheduleReconnect();
  });
  socket.on('queue:public', (m) => accept('public', m));
  socket.on('queue:staff', (m) => accept('staff', m));
  socket.on('queue:counter', (m) => accept('counter', m));
  socket.on('ticket:called', (m) => {
    if (!m || typeof m !== 'object' || !m.call) return;
    callListeners.forEach((l) => safely(() => l(m.call)));
  });
  socket.on('kiosk:printer', (m) => {
    if (!m || typeof m !== 'object' || !('condition' in m)) return;
    const condition = typeof m.condition === 'string' ? m.condition : null;
    kioskPrinter = condition;
    kioskPrinterListeners.forEach((l) => safely(() => l(condition)));
  });
  socket.on('ticket:print-state', (m) => {
    if (!m || typeof m !== 'object' || typeof m.ticketId !== 'string' || typeof m.state !== 'string') return;
    printStateListeners.forEach((l) => safely(() => l(m)));
  });

  socket.on('session:ended', (m) => {
    const reason = m && typeof m === 'object' && typeof m.reason === 'string' ? m.reason : 'logout';
    sessionEndedListeners.forEach((l) => safely(() => l(reason)));
  });

  socket.on('rating:prompt', (m) => {
    if (!m || typeof m !== 'object' || typeof m.counterId !== 'string' || m.counterId !== ratingCounterId) return;
    tellRating(m.counterId, m.prompt ?? null);
  });

  function tellRating(counterId: string, prompt: RatingPrompt | null): void {
    ratingListeners.forEach((l) => safely(() => l({ counterId, prompt })));
  }

  async function askRating(wanted: string): Promise<ClientAck<RatingPrompt | null>> {
    const answer = await request('rating:watch', { counterId: wanted });
    if (ratingCounterId !== wanted) return answer;
    if (answer.ok) tellRating(wanted, answer.data);
    if (!('local' in answer)) ratingWatchListeners.forEach((l) => safely(() => l(answer)));
    return answer;
  }

  function scheduleReconnect(): void {
    if (reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      if (!closed && !socket.connected) socket.connect();
    }, RECONNECT_AFTER_REFUSAL_MS);
  }

  const subscribe = <T>(set: Set<T>, listener: T) => {
    set.add(listener);
    return () => void set.delete(listener);
  };

  return {
    get status() {
      return status;
    },
    get counterId() {
      return counterId;
    },
    onStatus: (l) => subscribe(statusListeners, l),
    view: (kind) => held[kind],
    onView: (kind, l) => subscribe(viewListeners[kind] as Set<typeof l>, l),
    onCall: (l) => subscribe(callListeners, l),
    onSnapshot: (l) => subscribe(snapshotListeners, l),
    onSnapshotError: (l) => subscribe(snapshotErrorListeners, l),
    get kioskPrinter() {
      return kioskPrinter;
    },
    onKioskPrinter: (l) => subscribe(kioskPrinterListeners, l),
    onPrintState: (l) => subscribe(printStateListeners, l),
    onRatingPrompt: (l) => subscribe(ratingListeners, l),
    onSessionEnded: (l) => subscribe(sessionEndedListeners, l),
    onRatingWatch: (l) => subscribe(ratingWatchListeners, l),
    async watchRating(id) {
      if (id === ratingCounterId) return null;
      ratingCounterId = id;
      if (id === null) return null;
      return askRating(id);
    },
    command,
    request,
    async setCounter(id) {
      if (id === counterId) return null;
      counterId = id;
      held.counter = null;
      if (id === null) return null;
      return refresh();
    },
    refresh,
    serverNow: () => Date.now() + clockOffset,
    close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      socket.close();
    },
  };
}

function isVersioned(message: unknown): message is Versioned<unknown> {
  if (!message || typeof message !== 'object') return false;
  const m = message as Partial<Versioned<unknown>>;
  return typeof m.bootId === 'string' && typeof m.seq === 'number' && typeof m.serverTime === 'number' && !!m.view;
}

function isAck(answer: unknown): boolean {
  return !!answer && typeof answer === 'object' && typeof (answer as { ok?: unknown }).ok === 'boolean';
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    // A listener's bug must not break the connection handling for the others.
    console.error(error);
  }
}
