/**
 * Prints the installer's test page straight to a serial printer, without the hub:
 *
 *   npm run printer:test -- <printer id | serial path> [--baud 9600] [--width 80]
 *
 * A printer id is looked up in the centre's configuration (LUOT_CONFIG, or the demo centre), which
 * gives its path, baud rate and paper width; flags override them.
 *
 * It first asks the printer's real-time status (and says what it answered, or that it did not:
 * some printers never answer, so the page is printed anyway), then sends the page: one block per
 * code page candidate and one drawn as an image, each under an ASCII label. The installer picks the
 * block that reads right and enters its text mode and code page numbers in the configuration.
 */
import { parseArgs } from 'node:util';
import { loadCentreConfig } from '../server/config/load-config';
import { readRuntimeSettings } from '../server/config/runtime-settings';
import type { DeviceStatus } from './device-contract';
import { testPage } from './escpos/ticket-layout';
import { PrinterDriver } from './printer/printer-driver';
import { createRasterRenderer } from './printer/raster-renderer';
import { SerialLink, serialErrorCode, type SerialLinkReport } from './serial/serial-link';

const USAGE = 'usage: npm run printer:test -- <printer id | serial path> [--baud 9600] [--width 80|58]';
const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];

function fail(message: string, code = 2): never {
  console.error(code === 2 ? `${message}\n${USAGE}` : message);
  process.exit(code);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: { baud: { type: 'string' }, width: { type: 'string' }, help: { type: 'boolean', default: false } },
  });
}
try {
  parsed = parse();
} catch (error) {
  fail((error as Error).message);
}
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [target, ...extra] = parsed.positionals;
if (target === undefined || extra.length > 0) fail('give exactly one printer id or serial path, e.g. printer-1 or /dev/ttyUSB0');
const configured = isSerialPath(target) ? null : configuredPrinter(target);
const path = configured?.path ?? target;
const baudRate = Number(parsed.values.baud ?? configured?.baudRate ?? 9600);
if (!BAUD_RATES.includes(baudRate)) fail(`--baud must be one of ${BAUD_RATES.join(', ')}`);
const paperWidth = Number(parsed.values.width ?? configured?.paperWidth ?? 80);
if (paperWidth !== 80 && paperWidth !== 58) fail('--width must be 80 or 58');

async function main(): Promise<void> {
  const link = new SerialLink({ path: path!, baudRate, backoff: { initialMs: 200, maxMs: 1000 } });
  const first = new Promise<{ state: SerialLinkReport; code: string | null }>((resolve) => {
    const off = link.onState((state, code) => {
      off();
      resolve({ state, code });
    });
  });
  link.start();
  const opened = await first;
  if (opened.state !== 'open') {
    await link.stop();
    fail(opened.state === 'port-missing' ? `${path}: no such serial port` : `${path}: cannot be opened (${opened.code ?? 'error'})`, 1);
  }

  const statuses: DeviceStatus[] = [];
  const driver = new PrinterDriver({ deviceId: 'test', link, onStatus: (s) => statuses.push(s), pollMs: 0, statusTimeoutMs: 1000 });
  driver.start();
  const check = await driver.checkStatus();
  driver.stop();
  if (check.condition === 'offline' && check.detail === 'NO_ANSWER') {
    console.log('The printer did not answer the status request (10 04 n). Printing anyway: some printers never answer.');
  } else {
    console.log(`Printer status: ${check.condition}${check.detail !== null ? ` (${check.detail})` : ''}`);
  }

  const render = createRasterRenderer();
  const bytes = testPage({ paperWidth: paperWidth as 58 | 80, render });
  const seconds = Math.ceil((bytes.length * 10) / baudRate);
  console.log(`Sending the test page: ${bytes.length} bytes, about ${seconds} s at ${baudRate} baud...`);
  try {
    await link.write(bytes);
  } catch (error) {
    await link.stop();
    fail(`the test page was not sent: ${serialErrorCode(error)}`, 1);
  }
  await link.stop();
  console.log('Done. Pick the block whose Vietnamese reads right; set the printer\'s textMode, codePage (and capitalsCodePage) to it.');
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error), 1));

function isSerialPath(value: string): boolean {
  return value.includes('/') || /^COM\d+$/i.test(value);
}

/** A printer of the centre's configuration, by id. */
function configuredPrinter(id: string): { path: string; baudRate: number; paperWidth: number } {
  let config;
  try {
    config = loadCentreConfig(readRuntimeSettings().configFile);
  } catch (error) {
    fail(`cannot read the configuration to find printer "${id}": ${(error as Error).message}`, 1);
  }
  const printer = config.devices.find((d) => d.kind === 'printer' && d.id === id);
  if (!printer || printer.kind !== 'printer') {
    const known = config.devices.filter((d) => d.kind === 'printer').map((d) => d.id);
    fail(`no printer "${id}" in the configuration${known.length ? ` (printers: ${known.join(', ')})` : ' (it has no printers)'}`, 1);
  }
  if (printer.bridge !== 'hub') console.log(`note: printer "${id}" hangs off bridge "${printer.bridge}": run this on that PC.`);
  return { path: printer.path, baudRate: printer.baudRate, paperWidth: printer.paperWidth };
}
