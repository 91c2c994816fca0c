import { z } from 'zod';
import type { DeviceConfig } from '../../hardware/device-contract';

/**
 * Devices in the centre's configuration: ticket printers, serial keypads, LED counter displays,
 * each on the hub's own machine (`bridge: "hub"`) or on a bridge PC. The shapes are the device
 * contract's (hardware/device-contract.ts).
 */
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lowercase letters, digits and dashes (at most 40)');
const bridgeRef = z.string().min(1).max(40);
const serialPath = z.string().min(1).max(200);
const baudRate = z.union([z.literal(1200), z.literal(2400), z.literal(4800), z.literal(9600), z.literal(19200), z.literal(38400), z.literal(57600), z.literal(115200)]);

const printer = z.object({
  kind: z.literal('printer'),
  id,
  bridge: bridgeRef.default('hub'),
  path: serialPath,
  baudRate: baudRate.default(9600),
  paperWidth: z.union([z.literal(58), z.literal(80)]).default(80),
  textMode: z.enum(['tcvn3', 'cp1258', 'raster']).default('raster'),
  codePage: z.number().int().min(0).max(255).default(30),
  capitalsCodePage: z.number().int().min(0).max(255).nullable().default(null),
});

const keypad = z.object({
  kind: z.literal('keypad'),
  id,
  bridge: bridgeRef.default('hub'),
  path: serialPath,
  baudRate: baudRate.default(9600),
  keypads: z
    .array(z.object({ keypadId: z.string().regex(/^[A-Za-z0-9]{1,8}$/, '1-8 letters or digits'), counterId: id }))
    .min(1),
});

const led = z.object({
  kind: z.literal('led'),
  id,
  bridge: bridgeRef.default('hub'),
  path: serialPath,
  baudRate: baudRate.default(9600),
  protocol: z.enum(['modbus', 'ascii']).default('modbus'),
  displays: z.array(z.object({ counterId: id, address: z.number().int().min(1).max(247) })).min(1),
  register: z.number().int().min(0).max(65535).default(7),
  width: z.number().int().min(1).max(16).default(4),
});

export const deviceConfig = z.discriminatedUnion('kind', [printer, keypad, led]);

// What the schema accepts must be a device config of the contract (the type checker proves it).
export function asDeviceConfig(device: z.infer<typeof deviceConfig>): DeviceConfig {
  return device;
}

export const kioskConfig = z.object({
  id,
  name: z.string().trim().min(1).max(80).optional(),
  /** The printer that prints this kiosk's tickets. */
  printerId: id.optional(),
});
export type KioskConfig = z.infer<typeof kioskConfig>;

export const bridgeConfig = z.object({
  id: id.refine((v) => v !== 'hub', '"hub" is the hub\'s own machine'),
  name: z.string().trim().min(1).max(80),
});
export type BridgeConfig = z.infer<typeof bridgeConfig>;
