import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { CentreConfig } from '../../server/config/centre-config';
import { startHub, type HubOptions, type RunningHub } from '../../server/hub';
import { createLogger, type Logger } from '../../server/logger';
import type { ClientHello, ClientToServerEvents, ServerToClientEvents } from '../../server/protocol/events';
import type { Ack, PublicView, Versioned } from '../../server/protocol/views';
import { testCentre } from './test-centre';

export type HubClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestClock {
  now: number;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'luot-hub-'));
}

/** A logger that keeps lines in memory, so tests can check what the hub reported. */
export function memoryLogger(): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  return Object.assign(logger, { lines });
}

export interface TestHub {
  hub: RunningHub;
  dataDir: string;
  config: CentreConfig;
  clock: TestClock | null;
  log: Logger & { lines: Record<string, unknown>[] };
  clients: HubClient[];
  connect(hello?: Partial<ClientHello>): Promise<HubClient>;
  stop(): Promise<void>;
}

/** Starts a real hub on port 0 with a temporary data folder (or the one given). */
export async function startTestHub(
  options: {
    config?: CentreConfig;
    dataDir?: string;
    clock?: TestClock;
    port?: number;
    createDeviceHost?: HubOptions['createDeviceHost'];
    province?: HubOptions['province'];
    proceduresFile?: string;
  } = {},
): Promise<TestHub> {
  const dataDir = options.dataDir ?? tempDataDir();
  const config = options.config ?? testCentre();
  const clock = options.clock ?? null;
  const log = memoryLogger();
  const hub = await startHub({
    config,
    dataDir,
    port: options.port ?? 0,
    host: '127.0.0.1',
    log,
    ...(clock ? { clock: () => clock.now } : {}),
    ...(options.createDeviceHost ? { createDeviceHost: options.createDeviceHost } : {}),
    ...(options.province ? { province: options.province } : {}),
    ...(options.proceduresFile ? { proceduresFile: options.proceduresFile } : {}),
  });
  const clients: HubClient[] = [];
  return {
    hub,
    dataDir,
    config,
    clock,
    log,
    clients,
    async connect(hello = {}) {
      const socket: HubClient = io(hub.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { app: 'display', ...hello },
      });
      clients.push(socket);
      // Like a screen: connected once the first full snapshot is in.
      const snapshot = await new Promise<Versioned<PublicView>>((resolve, reject) => {
        socket.once('queue:public', resolve);
        socket.once('connect_error', reject);
      });
      firstSnapshots.set(socket, snapshot);
      return socket;
    },
    async stop() {
      clients.forEach((c) => c.disconnect());
      await hub.stop();
    },
  };
}

const firstSnapshots = new WeakMap<HubClient, Versioned<PublicView>>();

/** The snapshot the hub sent when the socket connected. */
export function snapshotOnConnect(socket: HubClient): Versioned<PublicView> {
  const snapshot = firstSnapshots.get(socket);
  if (!snapshot) throw new Error('no snapshot was received on connect');
  return snapshot;
}

let counter = 0;
/** A fresh commandId, as a client makes one per press. */
export function newCommandId(): string {
  counter += 1;
  return `test-${process.pid}-${Date.now()}-${counter}`;
}

/** Emits a command and waits for its ack. */
export function send<T = unknown>(socket: HubClient, event: string, payload: unknown): Promise<Ack<T>> {
  return (socket.timeout(10_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<T>> }).emitWithAck(event, payload);
}

/** Waits for the first event of that name that satisfies the predicate. */
export function nextEvent<T>(socket: HubClient, event: keyof ServerToClientEvents, accept: (message: T) => boolean = () => true, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (message: T) => {
      if (!accept(message)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(message);
    };
    socket.on(event, listener as never);
  });
}

/** Collects every event of the given names a socket receives. */
export function recordEvents(socket: HubClient): { name: string; message: unknown }[] {
  const seen: { name: string; message: unknown }[] = [];
  socket.onAny((name: string, message: unknown) => seen.push({ name, message }));
  return seen;
}

export function expectOk<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error}: ${ack.message}`);
  return ack.data;
}

/** Logs an officer in on a counter socket and opens the counter. */
export async function officerAtCounter(hub: TestHub, username: string, password: string, counterId: string): Promise<HubClient> {
  const socket = await hub.connect({ app: 'counter' });
  expectOk(await send(socket, 'session:login', { username, password }));
  expectOk(await send(socket, 'counter:open', { commandId: newCommandId(), counterId }));
  return socket;
}

/** A supervisor's socket, logged in as `sup` of the test centre. */
export async function supervisorSocket(hub: TestHub): Promise<HubClient> {
  const { SUPERVISOR_PASSWORD } = await import('./test-centre');
  const socket = await hub.connect({ app: 'counter' });
  expectOk(await send(socket, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
  return socket;
}

/** Pairs a kiosk or a counter's rating screen as the supervisor would; returns the pairing secret. */
export async function pairScreen(hub: TestHub, kind: 'kiosk' | 'rating', targetId: string): Promise<string> {
  const supervisor = await supervisorSocket(hub);
  const paired = expectOk(await send<{ secret: string }>(supervisor, 'pairing:issue', { commandId: newCommandId(), kind, targetId }));
  supervisor.disconnect();
  return paired.secret;
}

/** An API key for another system, issued by the supervisor, with the scopes asked for. */
export async function issueApiKey(hub: TestHub, integrationId: string, scopes: ('dossiers' | 'tickets')[] = ['dossiers']): Promise<string> {
  const supervisor = await supervisorSocket(hub);
  const issued = expectOk(await send<{ key: string }>(supervisor, 'apikey:issue', { commandId: newCommandId(), integrationId, scopes }));
  supervisor.disconnect();
  return issued.key;
}

/** Connects once, as a screen or bridge would, and says how it went: 'connected', or the connect error. */
export async function connectOutcome(url: string, options: { auth: Record<string, unknown>; extraHeaders?: Record<string, string> }): Promise<string> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...options });
  try {
    return await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error) => resolve(error.message));
    });
  } finally {
    socket.disconnect();
  }
}
