/**
 * The contract between the hub and the device hosts (the hub's own, and every bridge process):
 * what devices are configured as, what they report, and what the hub asks of them.
 * Browser-safe and dependency-free: the protocol, the hub, the bridge and the supervisor's screen
 * all import it.
 */

export type PrinterTextMode = 'tcvn3' | 'cp1258' | 'raster';

export interface PrinterDeviceConfig {
  kind: 'printer';
  id: string;
  /** 'hub' for a device on the hub's own machine, or the id of the bridge it hangs off. */
  bridge: string;
  path: string;
  baudRate: number;
  paperWidth: 58 | 80;
  textMode: PrinterTextMode;
  /** ESC t code page for the text mode (TCVN-3 main page, or CP1258). */
  codePage: number;
  /** TCVN-3 capitals page, where the printer has one. */
  capitalsCodePage: number | null;
}

export interface KeypadDeviceConfig {
  kind: 'keypad';
  id: string;
  bridge: string;
  path: string;
  baudRate: number;
  /** The keypads on this serial line (one, or several on an RS-485 bus), each bound to a counter. */
  keypads: { keypadId: string; counterId: string }[];
}

export interface LedDeviceConfig {
  kind: 'led';
  id: string;
  bridge: string;
  path: string;
  baudRate: number;
  protocol: 'modbus' | 'ascii';
  /** Which display address shows which counter's number. */
  displays: { counterId: string; address: number }[];
  /** Modbus: the holding register the number is written to. */
  register: number;
  /** Digits (Modbus, numeric) or characters (ASCII) the display has. */
  width: number;
}

export type DeviceConfig = PrinterDeviceConfig | KeypadDeviceConfig | LedDeviceConfig;
export type DeviceKind = DeviceConfig['kind'];

/**
 * What a device is like now. 'port-missing': the configured serial path does not exist;
 * 'disconnected': the port was open and went away (unplugged), reconnecting; 'offline': the port is
 * open but the device does not answer or says it is offline.
 */
export type DeviceCondition =
  | 'starting'
  | 'ok'
  | 'paper-near-end'
  | 'paper-out'
  | 'cover-open'
  | 'printer-error'
  | 'offline'
  | 'disconnected'
  | 'port-missing';

export interface DeviceStatus {
  deviceId: string;
  kind: DeviceKind;
  condition: DeviceCondition;
  /** A short technical detail for the supervisor (an error code such as ENOENT, EIO). */
  detail: string | null;
  /** When the condition began (ms since 1970, the device host's clock). */
  since: number;
}

/** What a ticket printout says; the device host turns it into bytes for its printer. */
export interface TicketPrintout {
  centreName: string;
  ticketNumber: string;
  serviceNameVi: string;
  serviceNameEn: string;
  peopleAhead: number;
  estimatedWaitMinutes: number | null;
  /** Already formatted in the centre's time zone: "08:15 26/11/2026". */
  issuedAtText: string;
  /** The "follow your turn" page for the QR code. */
  followUrl: string;
  /** A checked-in booking: its slot's start in the centre's zone, "09:00" (the ticket says "ĐẶT LỊCH 09:00"). */
  bookedAtText?: string | null;
}

/**
 * A procedure's papers to bring, printed at the kiosk (docs/procedures.md): every text already in
 * the words and the format to print, Vietnamese; `sections` as the catalog publishes them.
 */
export interface ChecklistPrintout {
  centreName: string;
  /** "DANH SÁCH GIẤY TỜ CẦN MANG". */
  titleText: string;
  procedureName: string;
  /** "Mã thủ tục 1.001193". */
  codeText: string;
  /** The time and the fees, as label and value. */
  facts: { label: string; value: string }[];
  sections: { heading: string | null; items: string[] }[];
  /** The procedure's page on the phone, for the QR code. */
  pageUrl: string;
  qrText: string;
  /** "In lúc 09:05 04/12/2026". */
  printedAtText: string;
}

export type PrintResult = { ok: true } | { ok: false; condition: DeviceCondition; detail: string | null };

/** A keypad command, as the device host passes it to the hub once it is parsed and de-duplicated. */
export interface KeypadCommand {
  deviceId: string;
  keypadId: string;
  seq: number;
  command: 'NEXT' | 'RECALL' | 'SKIP' | 'DONE' | 'XFER' | 'CALL' | 'PING';
  /** XFER: the service id; CALL: the ticket number. */
  argument: string | null;
}

/** The hub's answer: text for the keypad's display, or an error code it shows as ERR. */
export type KeypadAnswer = { ok: true; text: string } | { ok: false; code: string };

/**
 * What a device host needs from the hub. The bridge implements it over Socket.IO; the hub's own
 * device host uses the same bridge connection to 127.0.0.1, so there is one code path.
 */
export interface HubLink {
  reportStatus(status: DeviceStatus): void;
  keypadCommand(command: KeypadCommand): Promise<KeypadAnswer>;
}

/** What the hub asks of a device host. */
export interface DeviceHostApi {
  print(deviceId: string, printout: TicketPrintout): Promise<PrintResult>;
  printChecklist(deviceId: string, checklist: ChecklistPrintout): Promise<PrintResult>;
  printTestPage(deviceId: string): Promise<PrintResult>;
  showOnLed(deviceId: string, counterId: string, ticketNumber: string | null): Promise<void>;
  statuses(): DeviceStatus[];
}
