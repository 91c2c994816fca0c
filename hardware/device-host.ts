/**
 * The device host: one serial link and one driver per configured device, every status change
 * forwarded to the hub, and the hub's requests (print, test page, LED) carried out. The hub runs
 * one for the devices on its own machine; each bridge PC runs one for its own.
 */
import type { ChecklistPrintout, DeviceConfig, DeviceHostApi, DeviceStatus, HubLink, PrinterDeviceConfig, PrintResult, TicketPrintout } from './device-contract';
import { checklistBytes } from './escpos/checklist-layout';
import type { LineRenderer } from './escpos/encoder';
import { testPage, ticketBytes } from './escpos/ticket-layout';
import { KeypadDriver } from './keypad/keypad-driver';
import { LedDriver } from './led/led-driver';
import { toHardwareLog, type LogSink } from './log';
import { PrinterDriver } from './printer/printer-driver';
import { SerialLink, type SerialBackoff, type SerialBinding } from './serial/serial-link';

export interface DeviceHostOptions {
  devices: DeviceConfig[];
  hub: HubLink;
  /** serialport binding: the real one by default, `SerialPortMock.binding` in tests. */
  binding?: SerialBinding;
  /** ms since 1970, for DeviceStatus.since and the keypad duplicate window (default Date.now). */
  clock?: () => number;
  /** A Logger-like object (info/warn/error) or a plain function; silent by default. */
  log?: LogSink;
  /** Reconnect backoff of every link (default 500 ms x1.5 up to 60 s). */
  backoff?: Partial<SerialBackoff>;
  /** Printer status poll while idle (default 10 s; 0 = never). */
  pollMs?: number;
  /** Draws text for printers in raster mode (default: the Be Vietnam Pro renderer, loaded when first needed). */
  renderer?: LineRenderer;
  /** How long a printer has to answer a status request (default 1000 ms). */
  statusTimeoutMs?: number;
  /** How often an open port's path is checked for an unplug (default 1000 ms). */
  watchMs?: number;
  /** Modbus LED displays: how long to wait for the echo (default 300 ms). */
  ledReplyTimeoutMs?: number;
}

export type DeviceHost = DeviceHostApi & { start(): void; stop(): Promise<void> };

type Entry =
  | { config: PrinterDeviceConfig; link: SerialLink; driver: PrinterDriver }
  | { config: DeviceConfig & { kind: 'keypad' }; link: SerialLink; driver: KeypadDriver }
  | { config: DeviceConfig & { kind: 'led' }; link: SerialLink; driver: LedDriver };

export function createDeviceHost(options: DeviceHostOptions): DeviceHost {
  const log = toHardwareLog(options.log);
  const clock = options.clock ?? Date.now;
  const hub = options.hub;
  let renderer: LineRenderer | null = options.renderer ?? null;
  let started = false;
  let stopped = false;

  const report = (status: DeviceStatus) => {
    try {
      hub.reportStatus(status);
    } catch (error) {
      log.error('device status not reported to the hub', { deviceId: status.deviceId, error: String(error) });
    }
  };

  const entries = new Map<string, Entry>();
  for (const config of options.devices) {
    if (entries.has(config.id)) throw new Error(`device id "${config.id}" is configured twice`);
    const link = new SerialLink({
      path: config.path,
      baudRate: config.baudRate,
      ...(options.binding !== undefined ? { binding: options.binding } : {}),
      ...(options.backoff !== undefined ? { backoff: options.backoff } : {}),
      ...(options.watchMs !== undefined ? { watchMs: options.watchMs } : {}),
      log,
    });
    switch (config.kind) {
      case 'printer': {
        const driver = new PrinterDriver({
          deviceId: config.id,
          link,
          baudRate: config.baudRate,
          onStatus: report,
          clock,
          log,
          ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
          ...(options.statusTimeoutMs !== undefined ? { statusTimeoutMs: options.statusTimeoutMs } : {}),
        });
        entries.set(config.id, { config, link, driver });
        break;
      }
      case 'keypad':
        entries.set(config.id, { config, link, driver: new KeypadDriver({ config, link, hub, onStatus: report, clock, log }) });
        break;
      case 'led':
        entries.set(config.id, {
          config,
          link,
          driver: new LedDriver({
            config,
            link,
            onStatus: report,
            clock,
            log,
            ...(options.ledReplyTimeoutMs !== undefined ? { replyTimeoutMs: options.ledReplyTimeoutMs } : {}),
          }),
        });
        break;
    }
  }

  const getRenderer = async (): Promise<LineRenderer> => {
    if (renderer === null) {
      const { createRasterRenderer } = await import('./printer/raster-renderer');
      renderer = createRasterRenderer();
    }
    return renderer;
  };

  const printer = (deviceId: string): Extract<Entry, { config: { kind: 'printer' } }> | null => {
    const entry = entries.get(deviceId);
    return entry !== undefined && entry.config.kind === 'printer' ? (entry as Extract<Entry, { config: { kind: 'printer' } }>) : null;
  };

  const unknownDevice: PrintResult = { ok: false, condition: 'port-missing', detail: 'UNKNOWN_DEVICE' };

  const printBytes = async (deviceId: string, make: (config: PrinterDeviceConfig, render: LineRenderer | undefined) => Uint8Array): Promise<PrintResult> => {
    const entry = printer(deviceId);
    if (entry === null) return unknownDevice;
    if (stopped) return { ok: false, condition: 'disconnected', detail: 'STOPPED' };
    let render: LineRenderer | undefined = renderer ?? undefined;
    if (entry.config.textMode === 'raster') {
      try {
        render = await getRenderer();
      } catch (error) {
        log.error('raster renderer not available', { deviceId, error: String(error) });
        return { ok: false, condition: entry.driver.status().condition, detail: 'NO_RENDERER' };
      }
    }
    let bytes: Uint8Array;
    try {
      bytes = make(entry.config, render);
    } catch (error) {
      log.error('ticket cannot be laid out', { deviceId, error: String(error) });
      return { ok: false, condition: entry.driver.status().condition, detail: 'BAD_TICKET' };
    }
    return entry.driver.print(bytes);
  };

  return {
    start() {
      if (started || stopped) return;
      started = true;
      for (const entry of entries.values()) {
        entry.driver.start();
        entry.link.start();
      }
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      for (const entry of entries.values()) entry.driver.stop();
      await Promise.all([...entries.values()].map((e) => e.link.stop()));
    },

    print(deviceId: string, printout: TicketPrintout): Promise<PrintResult> {
      return printBytes(deviceId, (config, render) =>
        ticketBytes({
          ...printout,
          paperWidth: config.paperWidth,
          textMode: config.textMode,
          codePage: config.codePage,
          capitalsCodePage: config.capitalsCodePage,
          ...(render !== undefined ? { render } : {}),
        }),
      );
    },

    printChecklist(deviceId: string, checklist: ChecklistPrintout): Promise<PrintResult> {
      return printBytes(deviceId, (config, render) =>
        checklistBytes({
          ...checklist,
          paperWidth: config.paperWidth,
          textMode: config.textMode,
          codePage: config.codePage,
          capitalsCodePage: config.capitalsCodePage,
          ...(render !== undefined ? { render } : {}),
        }),
      );
    },

    async printTestPage(deviceId: string): Promise<PrintResult> {
      // The test page always offers the raster candidate, whatever mode the printer is set to.
      if (printer(deviceId) !== null && renderer === null) {
        try {
          await getRenderer();
        } catch (error) {
          log.warn('raster renderer not available for the test page', { deviceId, error: String(error) });
        }
      }
      return printBytes(deviceId, (config) => testPage({ paperWidth: config.paperWidth, ...(renderer !== null ? { render: renderer } : {}) }));
    },

    async showOnLed(deviceId: string, counterId: string, ticketNumber: string | null): Promise<void> {
      const entry = entries.get(deviceId);
      if (entry === undefined || entry.config.kind !== 'led') {
        log.warn('LED display not found', { deviceId, counterId });
        return;
      }
      const result = await (entry.driver as LedDriver).show(counterId, ticketNumber);
      if (!result.ok && result.error === 'UNKNOWN_COUNTER') log.warn('counter has no display on this LED line', { deviceId, counterId });
    },

    statuses(): DeviceStatus[] {
      return [...entries.values()].map((e) => e.driver.status());
    },
  };
}
