import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { BridgeHello, BridgeToHubEvents, HubToBridgeEvents } from '../server/protocol/bridge-events';
import type { Ack } from '../server/protocol/views';
import type { DeviceConfig, DeviceHostApi, HubLink, KeypadAnswer } from './device-contract';

export interface DeviceHost extends DeviceHostApi {
  start(): void;
  stop(): Promise<void>;
}

/** Why the hub would not have this bridge. */
export interface BridgeRefusal {
  /** `token`: the connection was refused (connect error NOT_LOGGED_IN); `hello`: the hello was answered with an error. */
  stage: 'token' | 'hello';
  /** The hub's error code, e.g. NOT_LOGGED_IN. */
  code: string;
  /** Whether this bridge had been connected before (the token was revoked or replaced meanwhile). */
  wasConnected: boolean;
}

export interface BridgeRetry {
  /** The first wait after a failed or lost connection (default 1 s). */
  initialMs: number;
  /** The longest wait (default 10 s); each failure in a row doubles the wait up to this. */
  maxMs: number;
}

export interface BridgeClientOptions {
  hubUrl: string;
  token: string;
  /** Makes the device host for the devices the hub assigns to this bridge. */
  createHost: (devices: DeviceConfig[], hub: HubLink) => DeviceHost;
  log?: (message: string, context?: Record<string, unknown>) => void;
  /**
   * Called once when the hub refuses the token, at the first connection or at any reconnect (the
   * hub cuts a bridge off when its token is revoked or replaced, and refuses it when it comes
   * back). The client then stops trying; call stop() to stop the devices too. Without it the
   * client keeps retrying on its backoff, as the hub's own device host does (it is never refused).
   */
  onRefused?: (refusal: BridgeRefusal) => void;
  retry?: Partial<BridgeRetry>;
}

const KEYPAD_TIMEOUT_MS = 5_000;
const HELLO_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY: BridgeRetry = { initialMs: 1_000, maxMs: 10_000 };

/** The connect error the hub's /bridge middleware gives a token it does not accept. */
export const TOKEN_REFUSED = 'NOT_LOGGED_IN';

/**
 * A device host's connection to the hub (the /bridge namespace): says hello, runs the devices the
 * hub assigns, reports their states, passes keypad presses up and print jobs down.
 *
 * Reconnecting is done here, not by Socket.IO's manager, so that every case goes through one
 * capped backoff and is said in the log: the hub cannot be reached (network errors, the hub
 * restarting), the hub cut the connection on purpose (the configuration changed, a token was
 * issued or revoked), or no answer to hello. The wait doubles from 1 s up to 10 s and starts at 1 s
 * again after every successful hello. A refused token is not a network error: it ends the retries
 * when `onRefused` is given. After every reconnect the bridge says hello again and re-sends the
 * state of every device, so the hub never shows a stale state.
 */
export function connectBridge(options: BridgeClientOptions): { stop(): Promise<void>; connected(): boolean } {
  const log = options.log ?? (() => undefined);
  const retry: BridgeRetry = { ...DEFAULT_RETRY, ...options.retry };
  const socket: Socket<HubToBridgeEvents, BridgeToHubEvents> = io(`${options.hubUrl.replace(/\/$/, '')}/bridge`, {
    auth: { token: options.token },
    transports: ['websocket'],
    // Our own retries (below); a manager of its own, not shared with other sockets of this process.
    reconnection: false,
    forceNew: true,
  });
  let host: DeviceHost | null = null;
  let assigned = '';
  let stopped = false;
  let refused = false;
  let everConnected = false;
  /** Counts connections, so that a hello answered after its connection was lost is ignored. */
  let generation = 0;
  let retryMs = retry.initialMs;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const link: HubLink = {
    reportStatus(status) {
      if (socket.connected) socket.emit('device:status', status);
    },
    async keypadCommand(command): Promise<KeypadAnswer> {
      if (!socket.connected) return { ok: false, code: 'HUB_OFFLINE' };
      try {
        return await (socket.timeout(KEYPAD_TIMEOUT_MS) as unknown as {
          emitWithAck(e: string, p: unknown): Promise<KeypadAnswer>;
        }).emitWithAck('keypad:command', { ...command, commandId: randomUUID() });
      } catch {
        return { ok: false, code: 'HUB_OFFLINE' };
      }
    },
  };

  /** Tries again after the current wait (one timer at a time), and says why and when. */
  const retryLater = (why: string, context: Record<string, unknown> = {}) => {
    if (stopped || refused || retryTimer !== null) return;
    const waitMs = retryMs;
    retryMs = Math.min(retryMs * 2, retry.maxMs);
    const seconds = Math.round(waitMs / 100) / 10;
    log(`${why}, retrying in ${seconds} s`, { hub: options.hubUrl, retryInSeconds: seconds, ...context });
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (!stopped && !refused && !socket.connected) socket.connect();
    }, waitMs);
  };

  const refuse = (refusal: BridgeRefusal) => {
    log('the hub refused the bridge token', { hub: options.hubUrl, stage: refusal.stage, code: refusal.code, wasConnected: refusal.wasConnected });
    if (!options.onRefused) {
      if (socket.connected) socket.disconnect();
      return retryLater('the hub refused the bridge token', { code: refusal.code });
    }
    if (refused) return;
    refused = true;
    socket.disconnect();
    options.onRefused(refusal);
  };

  socket.on('connect', async () => {
    const mine = ++generation;
    everConnected = true;
    log('connected to the hub', { hub: options.hubUrl });
    let hello: Ack<BridgeHello>;
    try {
      hello = await (socket.timeout(HELLO_TIMEOUT_MS) as unknown as {
        emitWithAck(e: string, p: unknown): Promise<Ack<BridgeHello>>;
      }).emitWithAck('bridge:hello', { version: '1' });
    } catch {
      if (mine !== generation || !socket.connected) return; // lost meanwhile: the disconnect retries
      // No answer to hello: drop the connection and try again.
      socket.disconnect();
      return retryLater('the hub did not answer hello');
    }
    if (mine !== generation || !socket.connected) return;
    if (!hello.ok) return refuse({ stage: 'hello', code: hello.error, wasConnected: true });
    retryMs = retry.initialMs;
    const next = JSON.stringify(hello.data.devices);
    if (!host || next !== assigned) {
      await host?.stop();
      assigned = next;
      host = options.createHost(hello.data.devices, link);
      host.start();
      log('running devices', { bridge: hello.data.bridgeId, devices: hello.data.devices.map((d) => d.id) });
    }
    for (const status of host.statuses()) link.reportStatus(status);
  });

  socket.on('connect_error', (error: Error & { description?: unknown; type?: string }) => {
    if (stopped) return;
    if (error.message === TOKEN_REFUSED) return refuse({ stage: 'token', code: error.message, wasConnected: everConnected });
    if (error.type === 'TransportError' || error.message === 'timeout') {
      // Not reachable: connection refused, no route, DNS, timeout, not a Socket.IO server.
      return retryLater('cannot reach the hub', { error: causeOf(error) });
    }
    // Another refusal by the hub's middleware (e.g. it is shutting down): worth another try.
    retryLater('the hub did not take the connection', { error: error.message });
  });

  socket.on('disconnect', (reason) => {
    if (stopped || refused) return;
    log('disconnected from the hub', { reason });
    // Our own disconnect (no hello answer) has already scheduled its retry.
    if (reason !== 'io client disconnect') retryLater(reason === 'io server disconnect' ? 'the hub closed the connection' : 'lost the hub');
  });

  socket.on('printer:print', async ({ deviceId, printout }, ack) => {
    const result = host ? await host.print(deviceId, printout) : { ok: false as const, condition: 'starting' as const, detail: null };
    if (typeof ack === 'function') ack(result);
  });
  socket.on('printer:print-checklist', async ({ deviceId, checklist }, ack) => {
    const result = host ? await host.printChecklist(deviceId, checklist) : { ok: false as const, condition: 'starting' as const, detail: null };
    if (typeof ack === 'function') ack(result);
  });
  socket.on('printer:test-page', async ({ deviceId }, ack) => {
    const result = host ? await host.printTestPage(deviceId) : { ok: false as const, condition: 'starting' as const, detail: null };
    if (typeof ack === 'function') ack(result);
  });
  socket.on('led:show', ({ deviceId, counterId, ticketNumber }) => {
    void host?.showOnLed(deviceId, counterId, ticketNumber).catch(() => undefined);
  });

  return {
    connected: () => socket.connected,
    async stop() {
      stopped = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      socket.disconnect();
      await host?.stop();
      host = null;
    },
  };
}

/** What lies under a transport error, e.g. "connect ECONNREFUSED 192.168.1.10:3000" (ws gives an event, not an Error). */
function causeOf(error: Error & { description?: unknown }): string {
  const d = error.description as { message?: unknown; error?: { message?: unknown } } | undefined;
  const text = typeof d?.message === 'string' ? d.message : typeof d?.error?.message === 'string' ? d.error.message : '';
  return text !== '' ? text : error.message;
}
