import type { CentreConfig, ConfigSource } from '../config/centre-config';
import type {
  DeviceCondition,
  DeviceConfig,
  DeviceStatus,
  KeypadAnswer,
  KeypadCommand,
  PrintResult,
  TicketPrintout,
  ChecklistPrintout,
} from '../../hardware/device-contract';
import type { Logger } from '../logger';
import type { CounterCommandName } from '../protocol/commands';
import type { ErrorCode } from '../protocol/error-codes';
import type { DeviceView, PrintState, StaffAlert, TicketIssued } from '../protocol/views';
import { localPartsIn } from '../domain/local-parts';
import { checklistSections } from '../domain/procedure-checklist';
import { translate, type MessageKey } from '../i18n';
import type { OfferedProcedure } from '../protocol/procedure-catalog';
import { copiesText, timeText } from '../ui/procedure-text';
import { formatTicketTime } from './local-time';
import type { ChangeNotice, QueueService, Result } from './queue-service';

/** One connected device host, as the hub sees it. */
export interface BridgeConnection {
  bridgeId: string;
  print(deviceId: string, printout: TicketPrintout): Promise<PrintResult>;
  printTestPage(deviceId: string): Promise<PrintResult>;
  printChecklist(deviceId: string, checklist: ChecklistPrintout): Promise<PrintResult>;
  showOnLed(deviceId: string, counterId: string, ticketNumber: string | null): void;
  close(): void;
}

export interface DeviceEvents {
  /** The print state of a ticket changed; for the kiosk that took it. */
  printState(state: PrintState, kioskId: string | null): void;
  /** A device's state changed; for the staff view and the kiosks. */
  devicesChanged(): void;
}

const KEYPAD_MOVES: Record<Exclude<KeypadCommand['command'], 'PING'>, CounterCommandName> = {
  NEXT: 'counter:call-next',
  RECALL: 'counter:recall',
  SKIP: 'counter:skip',
  DONE: 'counter:done',
  XFER: 'counter:transfer',
  CALL: 'counter:call-number',
};

/**
 * The hub's side of the hardware: which devices exist, what state they are in (as their bridges
 * report), and what they are asked to do when the queue changes: print the ticket a kiosk just
 * issued, show a call on the counter's LED display, run a keypad's press as the officer at its
 * counter. A ticket is issued whatever the printer does; a failed print is reported and can be
 * reprinted.
 */
/** How long a checklist print's outcome answers a repeat of its command. */
const CHECKLIST_KEPT_MS = 10 * 60_000;

export class DeviceService {
  private readonly bridges = new Map<string, BridgeConnection>();
  private readonly statuses = new Map<string, DeviceStatus>();
  private readonly prints = new Map<string, PrintState & { kioskId: string | null; at: number }>();
  /** When each bridge went away, by the hub's clock. */
  private readonly bridgeLeftAt = new Map<string, number>();
  private readonly listeners = new Set<Partial<DeviceEvents>>();

  constructor(
    private readonly deps: {
      config: ConfigSource;
      queue: QueueService;
      clock: () => number;
      log: Logger;
      /** Base URL phones use to reach the hub, for the QR code. */
      publicUrl: () => string;
      /** The follow page of a ticket (default: the hub's own); a linked centre's goes through the province. */
      followUrl?: (ticketId: string) => string;
    },
  ) {
    deps.queue.onChange((change) => this.onQueueChange(change));
  }

  private get config(): CentreConfig {
    return this.deps.config.current;
  }

  /** The base URL phones and screens on the LAN reach the hub at. */
  publicUrl(): string {
    return this.deps.publicUrl();
  }

  on(listener: Partial<DeviceEvents>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  devicesOf(bridgeId: string): DeviceConfig[] {
    return this.config.devices.filter((d) => d.bridge === bridgeId);
  }

  isKnownBridge(bridgeId: string): boolean {
    return bridgeId === 'hub' || this.config.bridges.some((b) => b.id === bridgeId);
  }

  attachBridge(connection: BridgeConnection): () => void {
    this.bridges.get(connection.bridgeId)?.close();
    this.bridges.set(connection.bridgeId, connection);
    this.bridgeLeftAt.delete(connection.bridgeId);
    this.deps.log.info('bridge connected', { bridge: connection.bridgeId });
    this.resyncLeds(connection);
    this.changed();
    return () => {
      if (this.bridges.get(connection.bridgeId) !== connection) return;
      this.bridges.delete(connection.bridgeId);
      this.bridgeLeftAt.set(connection.bridgeId, this.deps.clock());
      this.deps.log.warn('bridge disconnected', { bridge: connection.bridgeId });
      this.changed();
    };
  }

  /** After the device configuration changed: every bridge reconnects and gets its new device list. */
  reconnectBridges(): void {
    for (const bridge of this.bridges.values()) bridge.close();
  }

  disconnectBridge(bridgeId: string): void {
    this.bridges.get(bridgeId)?.close();
  }

  reportStatus(bridgeId: string, status: DeviceStatus): void {
    const device = this.config.devices.find((d) => d.id === status.deviceId);
    if (!device || device.bridge !== bridgeId || device.kind !== status.kind) {
      this.deps.log.warn('status for a device this bridge does not have', { bridge: bridgeId, device: status.deviceId });
      return;
    }
    const before = this.statuses.get(device.id);
    if (before?.condition === status.condition && before.detail === status.detail) return;
    this.statuses.set(device.id, status);
    const level = status.condition === 'ok' ? 'info' : 'warn';
    this.deps.log[level]('device state', { device: device.id, condition: status.condition, detail: status.detail });
    this.changed();
  }

  /** Every configured device with its state; a device whose bridge is away is 'disconnected'. */
  deviceViews(): DeviceView[] {
    return this.config.devices.map((device) => {
      const online = this.bridges.has(device.bridge);
      const status = this.statuses.get(device.id);
      return {
        id: device.id,
        kind: device.kind,
        bridge: device.bridge,
        bridgeOnline: online,
        condition: online ? (status?.condition ?? 'starting') : 'disconnected',
        detail: online ? (status?.detail ?? null) : 'BRIDGE_OFFLINE',
        since: online ? (status?.since ?? null) : (this.bridgeLeftAt.get(device.bridge) ?? null),
      };
    });
  }

  /** Devices the supervisor should look at: printers low on paper, devices not working. */
  alerts(): StaffAlert[] {
    const alerts: StaffAlert[] = [];
    for (const view of this.deviceViews()) {
      if (view.condition === 'paper-near-end' || view.condition === 'paper-out')
        alerts.push({ kind: 'printer-paper', deviceId: view.id, condition: view.condition });
      else if (view.condition !== 'ok' && view.condition !== 'starting')
        alerts.push({ kind: 'device-down', deviceId: view.id, condition: view.condition });
    }
    return alerts;
  }

  /** The condition of a kiosk's printer, or null when the kiosk has none. */
  kioskPrinterCondition(kioskId: string | null): DeviceCondition | null {
    const printerId = this.kioskPrinter(kioskId);
    if (!printerId) return null;
    return this.deviceViews().find((d) => d.id === printerId)?.condition ?? 'disconnected';
  }

  /** The print states of a kiosk's tickets of the last minutes: a kiosk that reconnects learns what it missed. */
  recentPrintStates(kioskId: string, withinMs = 5 * 60_000): PrintState[] {
    const since = this.deps.clock() - withinMs;
    return [...this.prints.values()]
      .filter((p) => p.kioskId === kioskId && p.at >= since)
      .map(({ ticketId, number, state, condition }) => ({ ticketId, number, state, condition }));
  }

  async keypadCommand(bridgeId: string, command: KeypadCommand & { commandId: string }): Promise<KeypadAnswer> {
    const device = this.config.devices.find((d) => d.id === command.deviceId);
    if (!device || device.kind !== 'keypad' || device.bridge !== bridgeId) return { ok: false, code: 'UNKNOWN_DEVICE' };
    const binding = device.keypads.find((k) => k.keypadId === command.keypadId);
    if (!binding) return { ok: false, code: 'UNKNOWN_KEYPAD' };
    if (command.command === 'PING') return { ok: true, text: '' };
    if (!this.config.counters.some((c) => c.id === binding.counterId)) return { ok: false, code: 'UNKNOWN_COUNTER' };
    // The keypad acts as the officer working at its counter; with nobody there it does nothing.
    const officerId = this.deps.queue.officerAt(binding.counterId);
    const officer = officerId ? this.config.officers.find((o) => o.id === officerId) : undefined;
    if (!officer || officer.disabled) return { ok: false, code: 'COUNTER_NOT_OPEN' };
    const name = KEYPAD_MOVES[command.command];
    const base = { commandId: command.commandId, counterId: binding.counterId };
    let payload: Record<string, unknown> = base;
    if (command.command === 'XFER') {
      if (!command.argument) return { ok: false, code: 'INVALID_PAYLOAD' };
      payload = { ...base, toServiceId: command.argument.toLowerCase(), toCounterId: null };
    } else if (command.command === 'CALL') {
      if (!command.argument || !/^[A-Za-z]?\d{1,5}$/.test(command.argument)) return { ok: false, code: 'INVALID_PAYLOAD' };
      payload = { ...base, number: command.argument.toUpperCase() };
    }
    const result = await this.deps.queue.counterCommand(name, payload as never, officer);
    if (!result.ok) return { ok: false, code: result.error };
    return { ok: true, text: result.data.current?.number ?? '' };
  }

  /** Prints a ticket again (lost ticket, jammed paper), on the given printer or its kiosk's. */
  async reprint(ticketIdOrNumber: string, printerId: string | null): Promise<Result<PrintState>> {
    const ticket = this.deps.queue.ticket(ticketIdOrNumber);
    if (!ticket) return { ok: false, error: 'UNKNOWN_TICKET' };
    const kioskId = this.prints.get(ticket.ticketId)?.kioskId ?? null;
    const target = printerId ?? this.kioskPrinter(kioskId) ?? this.firstPrinter();
    if (!target || !this.config.devices.some((d) => d.id === target && d.kind === 'printer'))
      return { ok: false, error: 'UNKNOWN_DEVICE' };
    return { ok: true, data: await this.print(ticket, target, kioskId) };
  }

  /** Checklist prints of the last minutes by command key: a repeat (a retry, another socket) gets the first one's outcome. */
  private readonly checklists = new Map<string, { at: number; result: Promise<Result<PrintResult>> }>();

  /** The outcome of a checklist print already asked for under this key in the last 10 minutes, or null. */
  checklistPrinted(key: string): Promise<Result<PrintResult>> | null {
    const now = this.deps.clock();
    for (const [k, v] of this.checklists) if (now - v.at > CHECKLIST_KEPT_MS) this.checklists.delete(k);
    return this.checklists.get(key)?.result ?? null;
  }

  /**
   * Prints a procedure's checklist on a kiosk's printer, with a QR to the procedure's page on the
   * phone, once per key (kept in memory: a print is an act at the kiosk, not a fact of the queue).
   */
  printChecklist(key: string, kioskId: string | null, procedure: OfferedProcedure): Promise<Result<PrintResult>> {
    const known = this.checklistPrinted(key);
    if (known) return known;
    const result = this.printChecklistNow(kioskId, procedure);
    this.checklists.set(key, { at: this.deps.clock(), result });
    return result;
  }

  private async printChecklistNow(kioskId: string | null, procedure: OfferedProcedure): Promise<Result<PrintResult>> {
    const printerId = this.kioskPrinter(kioskId);
    const device = printerId ? this.config.devices.find((d) => d.id === printerId && d.kind === 'printer') : undefined;
    if (!device) return { ok: false, error: 'NO_PRINTER' };
    const bridge = this.bridges.get(device.bridge);
    if (!bridge) return { ok: true, data: { ok: false, condition: 'disconnected', detail: 'BRIDGE_OFFLINE' } };
    try {
      return { ok: true, data: await bridge.printChecklist(device.id, this.checklistOf(procedure)) };
    } catch (error) {
      return { ok: true, data: { ok: false, condition: 'offline', detail: String(error).slice(0, 100) } };
    }
  }

  private checklistOf(p: OfferedProcedure): ChecklistPrintout {
    const config = this.config;
    const vi = (key: MessageKey, params?: Record<string, string | number>) => translate('vi', key, params);
    return {
      centreName: config.centre.name.vi,
      titleText: vi('checklist.title'),
      procedureName: p.name,
      codeText: vi('checklist.code', { code: p.code }),
      facts: [
        { label: vi('procedure.time'), value: timeText(p, vi) },
        { label: vi('procedure.fees'), value: p.fees.length === 0 ? vi('procedure.fees.none') : p.fees.map((f) => f.text).join('; ') },
      ],
      sections: checklistSections(p.documents).map((s) => ({
        heading: s.heading,
        items: s.documents.map((d) => {
          const count = copiesText(d, vi);
          return count ? `${d.name} (${count})` : d.name;
        }),
      })),
      pageUrl: `${this.deps.publicUrl()}/display/procedures.html?code=${p.code}`,
      qrText: vi('checklist.qr'),
      printedAtText: vi('checklist.printedAt', { time: formatTicketTime(this.deps.clock(), config.centre.timeZone) }),
    };
  }

  async testPrint(deviceId: string): Promise<Result<PrintResult>> {
    const device = this.config.devices.find((d) => d.id === deviceId && d.kind === 'printer');
    if (!device) return { ok: false, error: 'UNKNOWN_DEVICE' };
    const bridge = this.bridges.get(device.bridge);
    if (!bridge) return { ok: true, data: { ok: false, condition: 'disconnected', detail: 'BRIDGE_OFFLINE' } };
    return { ok: true, data: await bridge.printTestPage(device.id) };
  }

  private onQueueChange(change: ChangeNotice): void {
    if (change.issued) {
      const printerId = this.kioskPrinter(change.issued.kioskId);
      if (printerId) void this.print(change.issued.ticket, printerId, change.issued.kioskId);
    }
    for (const call of change.calls) this.showCall(call.counterId, call.number);
  }

  private async print(ticket: TicketIssued, printerId: string, kioskId: string | null): Promise<PrintState> {
    const device = this.config.devices.find((d) => d.id === printerId);
    const bridge = device ? this.bridges.get(device.bridge) : undefined;
    this.setPrintState({ ticketId: ticket.ticketId, number: ticket.number, state: 'printing', condition: null }, kioskId);
    let result: PrintResult;
    if (!bridge) result = { ok: false, condition: 'disconnected', detail: 'BRIDGE_OFFLINE' };
    else {
      try {
        result = await bridge.print(printerId, this.printout(ticket));
      } catch (error) {
        result = { ok: false, condition: 'offline', detail: String(error).slice(0, 100) };
      }
    }
    const state: PrintState = result.ok
      ? { ticketId: ticket.ticketId, number: ticket.number, state: 'printed', condition: null }
      : { ticketId: ticket.ticketId, number: ticket.number, state: 'failed', condition: result.condition };
    if (!result.ok) this.deps.log.warn('ticket not printed', { ticket: ticket.number, printer: printerId, condition: result.condition, detail: result.detail });
    this.setPrintState(state, kioskId);
    return state;
  }

  private printout(ticket: TicketIssued): TicketPrintout {
    const config = this.config;
    const publicUrl = this.deps.publicUrl();
    const service = config.services.find((s) => s.id === ticket.serviceId);
    return {
      centreName: config.centre.name.vi,
      ticketNumber: ticket.number,
      serviceNameVi: service?.name.vi ?? ticket.serviceId,
      serviceNameEn: service?.name.en ?? ticket.serviceId,
      peopleAhead: ticket.peopleAhead,
      estimatedWaitMinutes: ticket.estimatedWaitMinutes,
      issuedAtText: formatTicketTime(ticket.takenAt, config.centre.timeZone),
      followUrl: this.deps.followUrl?.(ticket.ticketId) ?? `${publicUrl}/display/follow.html?ticket=${encodeURIComponent(ticket.ticketId)}`,
      ...(ticket.booked ? { bookedAtText: clockTime(ticket.booked.slotStart, config.centre.timeZone) } : {}),
    };
  }

  private setPrintState(state: PrintState, kioskId: string | null): void {
    this.prints.set(state.ticketId, { ...state, kioskId, at: this.deps.clock() });
    if (this.prints.size > 50_000) this.prints.delete(this.prints.keys().next().value!);
    for (const l of this.listeners) l.printState?.(state, kioskId);
  }

  private showCall(counterId: string, number: string | null): void {
    for (const device of this.config.devices) {
      if (device.kind !== 'led' || !device.displays.some((d) => d.counterId === counterId)) continue;
      this.bridges.get(device.bridge)?.showOnLed(device.id, counterId, number);
    }
  }

  /** After a bridge (re)connects, its LED displays show what each counter serves now. */
  private resyncLeds(connection: BridgeConnection): void {
    for (const device of this.devicesOf(connection.bridgeId)) {
      if (device.kind !== 'led') continue;
      for (const display of device.displays) {
        const current = this.deps.queue.counterView(display.counterId)?.current;
        connection.showOnLed(device.id, display.counterId, current?.number ?? null);
      }
    }
  }

  private kioskPrinter(kioskId: string | null): string | null {
    if (!kioskId) return null;
    return this.config.kiosks.find((k) => k.id === kioskId)?.printerId ?? null;
  }

  private firstPrinter(): string | null {
    return this.config.devices.find((d) => d.kind === 'printer')?.id ?? null;
  }

  private changed(): void {
    for (const l of this.listeners) l.devicesChanged?.();
  }
}

export type { ErrorCode };

/** "09:00" in the centre's time zone: a booked ticket's slot. */
function clockTime(at: number, timeZone: string): string {
  const p = localPartsIn(at, timeZone);
  return `${p.hour}:${p.minute}`;
}
