import type { DeviceHost } from '../../hardware/bridge-client';
import type { ChecklistPrintout, DeviceConfig, DeviceStatus, HubLink, PrintResult, TicketPrintout } from '../../hardware/device-contract';

/**
 * A device host without hardware: records what the hub asks of it and answers as scripted. Used to
 * test the hub's side of the device flows; the real drivers are tested over pseudo-terminals.
 */
export class ScriptedDeviceHost implements DeviceHost {
  readonly printed: { deviceId: string; printout: TicketPrintout }[] = [];
  readonly testPages: string[] = [];
  readonly checklists: { deviceId: string; checklist: ChecklistPrintout }[] = [];
  readonly leds: { deviceId: string; counterId: string; ticketNumber: string | null }[] = [];
  nextPrintResult: PrintResult = { ok: true };
  private readonly current = new Map<string, DeviceStatus>();

  constructor(
    readonly devices: DeviceConfig[],
    readonly hub: HubLink,
  ) {}

  start(): void {
    for (const d of this.devices) this.setStatus(d.id, 'ok');
  }

  async stop(): Promise<void> {}

  setStatus(deviceId: string, condition: DeviceStatus['condition'], detail: string | null = null): void {
    const device = this.devices.find((d) => d.id === deviceId);
    if (!device) throw new Error(`no device ${deviceId}`);
    const status: DeviceStatus = { deviceId, kind: device.kind, condition, detail, since: Date.now() };
    this.current.set(deviceId, status);
    this.hub.reportStatus(status);
  }

  async print(deviceId: string, printout: TicketPrintout): Promise<PrintResult> {
    if (!this.nextPrintResult.ok) return this.nextPrintResult;
    this.printed.push({ deviceId, printout });
    return { ok: true };
  }

  async printChecklist(deviceId: string, checklist: ChecklistPrintout): Promise<PrintResult> {
    if (!this.nextPrintResult.ok) return this.nextPrintResult;
    this.checklists.push({ deviceId, checklist });
    return { ok: true };
  }

  async printTestPage(deviceId: string): Promise<PrintResult> {
    this.testPages.push(deviceId);
    return { ok: true };
  }

  async showOnLed(deviceId: string, counterId: string, ticketNumber: string | null): Promise<void> {
    this.leds.push({ deviceId, counterId, ticketNumber });
  }

  statuses(): DeviceStatus[] {
    return [...this.current.values()];
  }
}
