/**
 * Shared pieces of the hardware driver tests: a serialport mock binding whose ports can be watched
 * and answered, a HubLink that records, and small waits. Not a test file itself.
 */
import { SerialPortMock } from 'serialport';
import { vi } from 'vitest';
import type { DeviceCondition, DeviceStatus, HubLink, KeypadAnswer, KeypadCommand, TicketPrintout } from '../../hardware/device-contract';
import type { ByteStream } from '../../hardware/emulators/printer-emulator';
import type { HardwareLog } from '../../hardware/log';

export type MockBinding = typeof SerialPortMock.binding;
export type MockPort = Awaited<ReturnType<MockBinding['open']>>;

/** Every chunk a port was asked to write, in order (the recording holds the same bytes, joined). */
export interface WatchedPort {
  path: string;
  port: MockPort;
  writes: Buffer[];
}

/**
 * The mock binding, with a hook on every write: `onWrite(port, chunk)` may answer with
 * `port.port.emitData(...)`, as a device would. Also keeps the ports opened, by path.
 */
export function watchedBinding(onWrite: (watched: WatchedPort, chunk: Buffer) => void = () => {}): {
  binding: MockBinding;
  opened: WatchedPort[];
  last(path: string): WatchedPort;
} {
  const base = SerialPortMock.binding;
  const opened: WatchedPort[] = [];
  const binding: MockBinding = {
    ...base,
    async open(options: Parameters<MockBinding['open']>[0] & { path: string }) {
      const port = await base.open(options);
      const watched: WatchedPort = { path: options.path, port, writes: [] };
      opened.push(watched);
      const write = port.write.bind(port);
      port.write = async (buffer: Buffer) => {
        await write(buffer);
        watched.writes.push(Buffer.from(buffer));
        onWrite(watched, Buffer.from(buffer));
      };
      return port;
    },
  };
  return {
    binding,
    opened,
    last(path: string): WatchedPort {
      const found = opened.filter((p) => p.path === path).at(-1);
      if (found === undefined) throw new Error(`no port opened on ${path}`);
      return found;
    },
  };
}

/** A device end for an emulator on a mock port: what the host writes comes out here, and back. */
export class MockDeviceEnd implements ByteStream {
  private readonly listeners = new Set<(chunk: Buffer) => void>();
  port: MockPort | null = null;

  write(chunk: Buffer): void {
    if (this.port?.isOpen) this.port.emitData(chunk);
  }

  on(_event: 'data', listener: (chunk: Buffer) => void): this {
    this.listeners.add(listener);
    return this;
  }

  off(_event: 'data', listener: (chunk: Buffer) => void): this {
    this.listeners.delete(listener);
    return this;
  }

  deliver(port: MockPort, chunk: Buffer): void {
    this.port = port;
    for (const l of this.listeners) l(chunk);
  }
}

export interface RecordingHub extends HubLink {
  statuses: DeviceStatus[];
  commands: KeypadCommand[];
  /** The latest status reported for a device. */
  latest(deviceId: string): DeviceStatus | undefined;
  /** Waits until the latest status of the device has this condition. */
  waitFor(deviceId: string, condition: DeviceCondition, timeoutMs?: number): Promise<DeviceStatus>;
}

export function recordingHub(answer: (command: KeypadCommand) => KeypadAnswer | Promise<KeypadAnswer> = () => ({ ok: true, text: 'A025' })): RecordingHub {
  const statuses: DeviceStatus[] = [];
  const commands: KeypadCommand[] = [];
  const latest = (deviceId: string) => statuses.filter((s) => s.deviceId === deviceId).at(-1);
  return {
    statuses,
    commands,
    latest,
    reportStatus(status) {
      statuses.push(status);
    },
    async keypadCommand(command) {
      commands.push(command);
      return answer(command);
    },
    async waitFor(deviceId, condition, timeoutMs = 5000) {
      await vi.waitFor(
        () => {
          const s = latest(deviceId);
          if (s?.condition !== condition) throw new Error(`${deviceId} is ${s?.condition ?? 'not reported'} (${s?.detail ?? ''}), waiting for ${condition}`);
        },
        { timeout: timeoutMs, interval: 10 },
      );
      return latest(deviceId)!;
    },
  };
}

export interface RecordingLog extends HardwareLog {
  lines: { level: 'info' | 'warn' | 'error'; msg: string; context?: Record<string, unknown> }[];
}

export function recordingLog(): RecordingLog {
  const lines: RecordingLog['lines'] = [];
  return {
    lines,
    info: (msg, context) => void lines.push({ level: 'info', msg, ...(context ? { context } : {}) }),
    warn: (msg, context) => void lines.push({ level: 'warn', msg, ...(context ? { context } : {}) }),
    error: (msg, context) => void lines.push({ level: 'error', msg, ...(context ? { context } : {}) }),
  };
}

export const SAMPLE_TICKET: TicketPrintout = {
  centreName: 'UBND Phường Bến Nghé - Trung tâm Phục vụ Hành chính công',
  ticketNumber: 'A025',
  serviceNameVi: 'Hộ tịch',
  serviceNameEn: 'Civil status',
  peopleAhead: 12,
  estimatedWaitMinutes: 25,
  issuedAtText: '08:15 26/11/2026',
  followUrl: 'https://luot.example.vn/t/A025',
};

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
export const hex = (bytes: Uint8Array | Buffer | readonly number[]): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
