import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { BridgeHello, BridgeToHubEvents, HubToBridgeEvents } from '../server/protocol/bridge-events';
import type { Ack } from '../server/protocol/views';
import type { DeviceConfig, DeviceHostApi, HubLink, KeypadAnswer } from './device-contract';

export interface DeviceHost extends DeviceHostApi {
  start(): void;
  stop(): Promise<void>;
}

export interface BridgeClientOptions {
  hubUrl: string;
  token: string;
  /** Makes the device host for the devices the hub assigns to this bridge. */
  createHost: (devices: DeviceConfig[], hub: HubLink) => DeviceHost;
  log?: (message: string, context?: Record<string, unknown>) => void;
}

const KEYPAD_TIMEOUT_MS = 5_000;

/**
 * A device host's connection to the hub (the /bridge namespace): says hello, runs the devices the
 * hub assigns, reports their states, passes keypad presses up and print jobs down. Socket.IO
 * reconnects by itself; after every reconnect the bridge says hello again and re-sends the state of
 * every device, so the hub never shows a stale state.
 */
export function connectBridge(options: BridgeClientOptions): { stop(): Promise<void>; connected(): boolean } {
  const log = options.log ?? (() => undefined);
  const socket: Socket<HubToBridgeEvents, BridgeToHubEvents> = io(`${options.hubUrl.replace(/\/$/, '')}/bridge`, {
    auth: { token: options.token },
    transports: ['websocket'],
    reconnectionDelayMax: 10_000,
  });
  let host: DeviceHost | null = null;
  let assigned = '';

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

  socket.on('connect', async () => {
    retryMs = 1_000;
    log('connected to the hub', { hub: options.hubUrl });
    let hello: Ack<BridgeHello>;
    try {
      hello = await (socket.timeout(10_000) as unknown as {
        emitWithAck(e: string, p: unknown): Promise<Ack<BridgeHello>>;
      }).emitWithAck('bridge:hello', { version: '1' });
    } catch {
      // No answer to hello: drop the connection; the retry logic brings it back.
      socket.disconnect();
      return retryLater();
    }
    if (!hello.ok) return log('the hub refused the bridge', { error: hello.error });
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
  // Socket.IO does not retry by itself after the hub refused the token or disconnected the bridge on
  // purpose (a new token was issued, another bridge took this id): retry on a capped backoff.
  let retryMs = 1_000;
  let stopped = false;
  const retryLater = () => {
    if (stopped) return;
    setTimeout(() => {
      if (!stopped && !socket.connected) socket.connect();
    }, retryMs).unref();
    retryMs = Math.min(retryMs * 1.5, 60_000);
  };
  socket.on('connect_error', (error) => {
    log('cannot reach the hub', { error: error.message });
    if (!socket.active) retryLater();
  });
  socket.on('disconnect', (reason) => {
    log('disconnected from the hub', { reason });
    if (reason === 'io server disconnect') retryLater();
  });

  socket.on('printer:print', async ({ deviceId, printout }, ack) => {
    const result = host ? await host.print(deviceId, printout) : { ok: false as const, condition: 'starting' as const, detail: null };
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
      socket.disconnect();
      await host?.stop();
      host = null;
    },
  };
}
