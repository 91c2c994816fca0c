/**
 * Prints the installer's test page straight to a serial printer, without the hub:
 *
 *   npm run printer:test -- <printer id | serial path> [--baud 9600] [--width 80]
 *
 * A printer id is looked up in the centre's configuration file (LUOT_CONFIG, or the demo centre),
 * which gives its path, baud rate and paper width; flags override them. When that configuration
 * has no printers at all (the demo centre), there is nothing real to print on: the page goes to an
 * emulated printer on a pseudo-terminal (socat) and is shown decoded, and the output says so.
 *
 * It first asks the printer's real-time status (and says what it answered, or that it did not:
 * some printers never answer, so the page is printed anyway), then sends the page: one block per
 * code page candidate and one drawn as an image, each under an ASCII label. The installer picks the
 * block that reads right and enters its text mode and code page numbers in the configuration.
 */
import { parseArgs } from 'node:util';
import { readCentreForTools, type ToolCentre } from './centre-for-tools';
import type { DeviceStatus } from './device-contract';
import { jobLines } from './emulators/job-text';
import { PrinterEmulator } from './emulators/printer-emulator';
import { findSocat, openDevicePort, startPtyPair, type DevicePort, type PtyPair } from './emulators/pty-pair';
import { testPage } from './escpos/ticket-layout';
import { PrinterDriver } from './printer/printer-driver';
import { createRasterRenderer } from './printer/raster-renderer';
import { SerialLink, serialErrorCode, type SerialLinkReport } from './serial/serial-link';

const USAGE = 'usage: npm run printer:test -- <printer id | serial path> [--baud 9600] [--width 80|58] [--images]';
const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];

/** Cleanup to run before any exit (the emulated printer's socat). */
const cleanups: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
}

function fail(message: string, code = 2): never {
  console.error(code === 2 ? `${message}\n${USAGE}` : message);
  process.exit(code);
}

async function failAfterCleanup(message: string): Promise<never> {
  await cleanUp();
  fail(message, 1);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      baud: { type: 'string' },
      width: { type: 'string' },
      images: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  fail((error as Error).message);
}
if (parsed.values.help) {
  console.log(`${USAGE}

  <printer id>    a printer of the centre's configuration file (LUOT_CONFIG, or the demo centre):
                  its path, baud rate and paper width. When the configuration has no printers at
                  all, as the demo centre, the page goes to an emulated printer and is shown here.
  <serial path>   e.g. /dev/ttyUSB0 or COM3
  --baud, --width override the configuration (defaults 9600 and 80)
  --images        with the emulated printer: draw the image block in the terminal`);
  process.exit(0);
}
const [target, ...extra] = parsed.positionals;
if (target === undefined || extra.length > 0) fail('give exactly one printer id or serial path, e.g. printer-1 or /dev/ttyUSB0');

type Destination =
  | { kind: 'serial'; path: string; baudRate?: number; paperWidth?: number }
  | { kind: 'emulated'; reason: string };
const destination: Destination = isSerialPath(target) ? { kind: 'serial', path: target } : configuredPrinter(target);
const baudRate = Number(parsed.values.baud ?? (destination.kind === 'serial' ? destination.baudRate : undefined) ?? 9600);
if (!BAUD_RATES.includes(baudRate)) fail(`--baud must be one of ${BAUD_RATES.join(', ')}`);
const paperWidth = Number(parsed.values.width ?? (destination.kind === 'serial' ? destination.paperWidth : undefined) ?? 80);
if (paperWidth !== 80 && paperWidth !== 58) fail('--width must be 80 or 58');

/** The emulated printer, when there is no real one: a pty pair with the emulator on its device end. */
async function startEmulatedPrinter(): Promise<{ path: string; printer: PrinterEmulator }> {
  if (findSocat() === null) return failAfterCleanup('socat is not installed (apt-get install socat), so there is no emulated printer either.');
  const pair: PtyPair = await startPtyPair();
  cleanups.push(() => pair.close());
  const port: DevicePort = await openDevicePort(pair.devPath);
  cleanups.push(() => port.close());
  const printer = new PrinterEmulator();
  printer.attach(port.port);
  return { path: pair.appPath, printer };
}

async function main(): Promise<void> {
  let emulated: PrinterEmulator | null = null;
  let path: string;
  if (destination.kind === 'emulated') {
    console.log(destination.reason);
    const started = await startEmulatedPrinter();
    emulated = started.printer;
    path = started.path;
    console.log(`Emulated printer (Epson code pages: ESC t 30/31 TCVN-3, 52 CP1258) on ${path}.`);
  } else path = destination.path;

  const link = new SerialLink({ path, baudRate, backoff: { initialMs: 200, maxMs: 1000 } });
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
    await failAfterCleanup(opened.state === 'port-missing' ? `${path}: no such serial port` : `${path}: cannot be opened (${opened.code ?? 'error'})`);
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
  console.log(
    emulated
      ? `Sending the test page: ${bytes.length} bytes (about ${seconds} s at ${baudRate} baud on a real printer)...`
      : `Sending the test page: ${bytes.length} bytes, about ${seconds} s at ${baudRate} baud...`,
  );
  try {
    await link.write(bytes);
  } catch (error) {
    await link.stop();
    await failAfterCleanup(`the test page was not sent: ${serialErrorCode(error)}`);
  }
  await link.stop();

  if (emulated) {
    let job;
    try {
      [job] = await emulated.waitForJobs(1, 10_000);
    } catch (error) {
      await failAfterCleanup(`the emulated printer did not get the whole page: ${(error as Error).message}`);
    }
    console.log(`\nWhat the emulated printer printed, decoded:\n`);
    console.log(jobLines(job!, 'test page', { images: parsed.values.images, imageHint: '(--images draws it)' }).join('\n'));
    await cleanUp();
    console.log(
      '\nDone, on the emulated printer: nothing came out on paper. On it, the TCVN-3 ESC t 30/31 and CP1258 ESC t 52 blocks read right\n' +
        '(the others show \uFFFD, as on an Epson). For a real printer: npm run printer:test -- /dev/ttyUSB0, or add it to the\n' +
        'configuration (docs/hardware.md, section 5) and give its id.',
    );
    return;
  }
  console.log('Done. Pick the block whose Vietnamese reads right; set the printer\'s textMode, codePage (and capitalsCodePage) to it.');
}

main().catch(async (error: unknown) => failAfterCleanup(error instanceof Error ? error.message : String(error)));

function isSerialPath(value: string): boolean {
  return value.includes('/') || /^COM\d+$/i.test(value);
}

/** A printer of the centre's configuration by id; the emulated printer when the configuration has none. */
function configuredPrinter(id: string): Destination {
  let centre: ToolCentre;
  try {
    centre = readCentreForTools();
  } catch (error) {
    fail(`cannot read the configuration to find printer "${id}": ${(error as Error).message}`, 1);
  }
  const printers = centre.config.devices.filter((d) => d.kind === 'printer');
  const printer = printers.find((d) => d.id === id);
  if (printer === undefined) {
    if (printers.length > 0) fail(`no printer "${id}" in ${centre.source} (its printers: ${printers.map((p) => p.id).join(', ')})`, 1);
    return {
      kind: 'emulated',
      reason:
        `No printer "${id}" in ${centre.source}: it has no printers.\n` +
        'Printing the test page to an emulated printer on a pseudo-terminal instead, to show what the page is.',
    };
  }
  if (printer.bridge !== 'hub') console.log(`note: printer "${id}" hangs off bridge "${printer.bridge}": run this on that PC.`);
  return { kind: 'serial', path: printer.path, baudRate: printer.baudRate, paperWidth: printer.paperWidth };
}
