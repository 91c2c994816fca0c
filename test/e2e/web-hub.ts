import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { PrinterEmulator } from '../../hardware/emulators/printer-emulator';
import { openDevicePort, startPtyPair } from '../../hardware/emulators/pty-pair';
import { expect } from 'vitest';
import type { CentreConfig } from '../../server/config/centre-config';
import { startHub, type HubOptions, type RunningHub } from '../../server/hub';
import { createLogger } from '../../server/logger';
import type { TicketIssued } from '../../server/protocol/views';
import type { HubClient } from '../helpers/hub-fixture';
import { SUPERVISOR_PASSWORD, testCentre } from '../helpers/test-centre';
import { Cleanups, morningClock, sampleDossiers, seedDossiers, WEB_ROOT } from './browser';

/**
 * What the browser tests share around the hub: a real hub serving the built screens on a free
 * port, and sockets to it as the screens have them; each undone after the test (see Cleanups).
 */

/**
 * A receipt printer emulated on a pseudo-terminal (socat): the hub's printer opens `appPath`; what
 * it prints is decoded by `printer`. Undone after the hub has stopped (its device host lets go of
 * the port first).
 */
export async function emulatedPrinter(cleanups: Cleanups): Promise<{ printer: PrinterEmulator; appPath: string }> {
  const pty = await startPtyPair();
  const port = await openDevicePort(pty.devPath);
  const printer = new PrinterEmulator();
  printer.attach(port.port);
  cleanups.add('folder', async () => {
    printer.detach();
    await port.close().catch(() => undefined);
    await pty.close().catch(() => undefined);
  });
  return { printer, appPath: pty.appPath };
}

/** A new temporary folder, removed afterwards. */
export function tempDataDir(cleanups: Cleanups, name = 'data'): string {
  const dir = mkdtempSync(join(tmpdir(), `luot-e2e-${name}-`));
  cleanups.add('folder', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface WebHubOptions extends Partial<Pick<HubOptions, 'port' | 'clock' | 'dayCheckMs' | 'createDeviceHost' | 'province' | 'proceduresFile'>> {
  config: CentreConfig;
  /** Where the hub keeps its files: a new temporary folder (named after `name`) if not given. */
  dataDir?: string;
  name?: string;
}

/** Starts a real hub on 127.0.0.1 (a free port unless told) that serves the built screens; stopped afterwards. */
export async function startWebHub(cleanups: Cleanups, options: WebHubOptions): Promise<RunningHub> {
  const { dataDir, name, port = 0, ...hubOptions } = options;
  const hub = await startHub({
    ...hubOptions,
    port,
    dataDir: dataDir ?? tempDataDir(cleanups, name),
    host: '127.0.0.1',
    log: createLogger('silent'),
    webRoot: WEB_ROOT,
  });
  cleanups.add('server', () => hub.stop());
  return hub;
}

/**
 * A hub of the test centre (or of `config`) in the morning of a working day, with the three
 * dossiers of sampleDossiers in its register; `now` is its clock.
 */
export async function startHubWithDossiers(
  cleanups: Cleanups,
  options: { config?: CentreConfig; name?: string } = {},
): Promise<{ hub: RunningHub; now: () => number }> {
  const clock = morningClock();
  const hub = await startWebHub(cleanups, { config: options.config ?? testCentre(), name: options.name, clock });
  await seedDossiers(hub.url, { username: 'sup', password: SUPERVISOR_PASSWORD }, sampleDossiers(clock()));
  return { hub, now: clock };
}

/** A socket to the hub as a screen of that app has one, once connected; closed afterwards. */
export async function hubSocket(cleanups: Cleanups, hub: RunningHub, app: 'display' | 'counter' | 'kiosk'): Promise<HubClient> {
  const socket: HubClient = io(hub.url, { auth: { app }, transports: ['websocket'], reconnection: false });
  cleanups.add('client', () => void socket.close());
  await new Promise<void>((ok, fail) => {
    socket.once('connect', ok);
    socket.once('connect_error', fail);
  });
  return socket;
}

/** A counter socket with this member of staff logged in. */
export async function staffSocket(cleanups: Cleanups, hub: RunningHub, username: string, password: string): Promise<HubClient> {
  const socket = await hubSocket(cleanups, hub, 'counter');
  expect((await socket.emitWithAck('session:login', { username, password })).ok).toBe(true);
  return socket;
}

/** An officer's socket, logged in, with the counter open. */
export async function officerSocket(
  cleanups: Cleanups,
  hub: RunningHub,
  username: string,
  password: string,
  counterId: string,
): Promise<HubClient> {
  const socket = await staffSocket(cleanups, hub, username, password);
  expect((await socket.emitWithAck('counter:open', { commandId: randomUUID(), counterId })).ok).toBe(true);
  return socket;
}

/** Takes a number as a kiosk does (ticket:take from a machine on the centre's network). */
export async function takeTicket(hub: RunningHub, serviceId: string): Promise<TicketIssued> {
  const socket = io(hub.url, { auth: { app: 'kiosk' }, transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    await new Promise<void>((ok, fail) => {
      socket.once('connect', ok);
      socket.once('connect_error', fail);
    });
    const answer = await socket.timeout(10_000).emitWithAck('ticket:take', { commandId: randomUUID(), serviceId });
    expect(answer.ok, JSON.stringify(answer)).toBe(true);
    return answer.data as TicketIssued;
  } finally {
    socket.close();
  }
}
