/**
 * The configuration `npm run sim` prints and writes: its printer and keypad as devices on the hub's
 * own machine, and a kiosk whose tickets print on that printer. Pure (no I/O).
 */
import type { CentreConfig, CentreConfigInput } from '../server/config/centre-config';
import type { PrinterTextMode } from './device-contract';

/** A device or kiosk entry as written in a configuration file. */
type DeviceEntry = NonNullable<CentreConfigInput['devices']>[number];
type KioskEntry = NonNullable<CentreConfigInput['kiosks']>[number];

/** The ids the simulator's entries use; running it again replaces entries with these ids. */
export const SIM_IDS = { printer: 'sim-printer', keypads: 'sim-keypads', kiosk: 'sim-kiosk' } as const;

/** A keypad id as the centre's configuration accepts it (server/config/device-config.ts). */
export const KEYPAD_ID = /^[A-Za-z0-9]{1,8}$/;

export interface SimSetup {
  /** The paths the hub opens (the application ends of the pty pairs). */
  printerPath: string;
  keypadPath: string;
  keypadId: string;
  counterId: string;
  mode: PrinterTextMode;
  paperWidth: 58 | 80;
}

export interface SimSnippet {
  devices: DeviceEntry[];
  kiosks: KioskEntry[];
}

export function simSnippet(setup: SimSetup): SimSnippet {
  return {
    devices: [
      {
        kind: 'printer',
        id: SIM_IDS.printer,
        bridge: 'hub',
        path: setup.printerPath,
        baudRate: 9600,
        paperWidth: setup.paperWidth,
        textMode: setup.mode,
        // The emulated printer has Epson's tables: TCVN-3 on 30 (capitals on 31), CP1258 on 52.
        codePage: setup.mode === 'cp1258' ? 52 : 30,
        capitalsCodePage: setup.mode === 'tcvn3' ? 31 : null,
      },
      {
        kind: 'keypad',
        id: SIM_IDS.keypads,
        bridge: 'hub',
        path: setup.keypadPath,
        baudRate: 9600,
        keypads: [{ keypadId: setup.keypadId, counterId: setup.counterId }],
      },
    ],
    kiosks: [{ id: SIM_IDS.kiosk, name: 'Simulator kiosk', printerId: SIM_IDS.printer }],
  };
}

/** The centre's configuration with the simulator's entries added (replacing earlier ones with the same ids). */
export function withSimDevices(config: CentreConfig | CentreConfigInput, snippet: SimSnippet): CentreConfigInput {
  const input = config as CentreConfigInput;
  const deviceIds = new Set(snippet.devices.map((d) => d.id));
  const kioskIds = new Set(snippet.kiosks.map((k) => k.id));
  const devices: DeviceEntry[] = [...(input.devices ?? []).filter((d) => !deviceIds.has(d.id)), ...snippet.devices];
  const kiosks: KioskEntry[] = [...(input.kiosks ?? []).filter((k) => !kioskIds.has(k.id)), ...snippet.kiosks];
  return { ...input, devices, kiosks };
}
