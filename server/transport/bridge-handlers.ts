import type { Namespace, Socket } from 'socket.io';
import type { DeviceService } from '../app/device-service';
import type { Logger } from '../logger';
import type { KeypadAnswer, PrintResult } from '../../hardware/device-contract';
import { deviceStatusSchema, keypadCommandSchema, printResultSchema, type BridgeToHubEvents, type HubToBridgeEvents } from '../protocol/bridge-events';
import type { Credentials } from '../app/credentials';
import type { CommandGate } from './socket-edge';

type BridgeSocket = Socket<BridgeToHubEvents, HubToBridgeEvents, Record<string, never>, { bridgeId: string }>;
export type BridgeNamespace = Namespace<BridgeToHubEvents, HubToBridgeEvents, Record<string, never>, { bridgeId: string }>;

const PRINT_TIMEOUT_MS = 60_000; // a raster ticket at 9600 baud takes ~20 s

/**
 * The /bridge namespace: device hosts connect here with a bridge token (the hub's own device host
 * with a token made at boot). Whatever a bridge sends is validated; it can only speak for its own
 * devices.
 */
export function attachBridgeHandlers(
  nsp: BridgeNamespace,
  deps: { devices: DeviceService; credentials: Credentials; internalToken: string; log: Logger; gate: CommandGate },
): void {
  const { devices, credentials, log } = deps;

  nsp.use((socket, next) => {
    const token: unknown = socket.handshake.auth?.token;
    const bridgeId =
      typeof token !== 'string' || token.length > 200 ? null : token === deps.internalToken ? 'hub' : credentials.ownerOf('bridge', token);
    if (!bridgeId || !devices.isKnownBridge(bridgeId)) return next(new Error('NOT_LOGGED_IN'));
    socket.data.bridgeId = bridgeId;
    next();
  });

  nsp.on('connection', (socket: BridgeSocket) => {
    const bridgeId = socket.data.bridgeId;
    const detach = devices.attachBridge({
      bridgeId,
      print: (deviceId, printout) => ask(socket, 'printer:print', { deviceId, printout }),
      printTestPage: (deviceId) => ask(socket, 'printer:test-page', { deviceId }),
      printChecklist: (deviceId, checklist) => ask(socket, 'printer:print-checklist', { deviceId, checklist }),
      showOnLed: (deviceId, counterId, ticketNumber) => socket.emit('led:show', { deviceId, counterId, ticketNumber }),
      close: () => socket.disconnect(true),
    });
    socket.on('disconnect', detach);

    socket.on('bridge:hello', (_payload, ack) => {
      if (typeof ack !== 'function') return;
      ack({ ok: true, data: { bridgeId, devices: devices.devicesOf(bridgeId) } });
    });

    socket.on('device:status', (payload) => {
      const status = deviceStatusSchema.safeParse(payload);
      if (!status.success) return log.warn('bad device status from a bridge', { bridge: bridgeId });
      devices.reportStatus(bridgeId, status.data);
    });

    socket.on('keypad:command', async (payload, ack) => {
      const answer = (a: KeypadAnswer) => (typeof ack === 'function' ? ack(a) : undefined);
      const command = keypadCommandSchema.safeParse(payload);
      if (!command.success) return answer({ ok: false, code: 'INVALID_PAYLOAD' });
      // The hub is stopping: the press is not done (the officer presses again once it is back).
      if (!deps.gate.accepting) return answer({ ok: false, code: 'SHUTTING_DOWN' });
      try {
        answer(await devices.keypadCommand(bridgeId, command.data));
      } catch (error) {
        log.error('keypad command failed', { bridge: bridgeId, error: String(error) });
        answer({ ok: false, code: 'INTERNAL' });
      }
    });
  });
}

async function ask(
  socket: BridgeSocket,
  event: 'printer:print' | 'printer:test-page' | 'printer:print-checklist',
  payload: Parameters<HubToBridgeEvents[typeof event]>[0],
): Promise<PrintResult> {
  try {
    const reply: unknown = await (socket.timeout(PRINT_TIMEOUT_MS) as unknown as {
      emitWithAck(e: string, p: unknown): Promise<unknown>;
    }).emitWithAck(event, payload);
    const result = printResultSchema.safeParse(reply);
    return result.success ? result.data : { ok: false, condition: 'offline', detail: 'BAD_REPLY' };
  } catch {
    return { ok: false, condition: 'offline', detail: 'NO_REPLY' };
  }
}
