import { z } from 'zod';
import type {
  DeviceConfig,
  DeviceStatus,
  KeypadAnswer,
  PrintResult,
  TicketPrintout,
  ChecklistPrintout,
} from '../../hardware/device-contract';
import type { AckCallback } from './views';

/**
 * The /bridge namespace: how device hosts (bridge processes on kiosk or counter PCs, and the hub's
 * own) talk to the hub. A bridge authenticates with a token the supervisor issued.
 */

export interface BridgeHello {
  bridgeId: string;
  devices: DeviceConfig[];
}

export interface BridgeToHubEvents {
  'bridge:hello': (payload: { version: string }, ack: AckCallback<BridgeHello>) => void;
  'device:status': (status: DeviceStatus) => void;
  'keypad:command': (
    payload: { commandId: string; deviceId: string; keypadId: string; seq: number; command: string; argument: string | null },
    ack: (answer: KeypadAnswer) => void,
  ) => void;
}

export interface HubToBridgeEvents {
  'printer:print': (payload: { deviceId: string; printout: TicketPrintout }, ack: (result: PrintResult) => void) => void;
  'printer:test-page': (payload: { deviceId: string }, ack: (result: PrintResult) => void) => void;
  'printer:print-checklist': (payload: { deviceId: string; checklist: ChecklistPrintout }, ack: (result: PrintResult) => void) => void;
  'led:show': (payload: { deviceId: string; counterId: string; ticketNumber: string | null }) => void;
}

const conditions = [
  'starting',
  'ok',
  'paper-near-end',
  'paper-out',
  'cover-open',
  'printer-error',
  'offline',
  'disconnected',
  'port-missing',
] as const;

export const deviceStatusSchema = z.strictObject({
  deviceId: z.string().min(1).max(40),
  kind: z.enum(['printer', 'keypad', 'led']),
  condition: z.enum(conditions),
  detail: z.string().max(200).nullable(),
  since: z.number().int().nonnegative(),
});

export const keypadCommandSchema = z.strictObject({
  commandId: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/),
  deviceId: z.string().min(1).max(40),
  keypadId: z.string().min(1).max(8),
  seq: z.number().int().min(0).max(999),
  command: z.enum(['NEXT', 'RECALL', 'SKIP', 'DONE', 'XFER', 'CALL', 'PING']),
  argument: z.string().max(40).nullable(),
});

export const printResultSchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), condition: z.enum(conditions), detail: z.string().nullable() }),
]);
