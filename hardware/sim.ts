/**
 * Hardware simulator: a ticket printer and a serial keypad on real pseudo-terminals (socat), for
 * running the hub without devices. Prints the paths, the device entries for the centre's
 * configuration and where they go, writes a copy of the configuration with them added, shows every
 * printed ticket as text, and turns keys into printer conditions and keypad commands.
 *
 *   npm run sim -- [--counter ID] [--keypad K1] [--mode tcvn3|cp1258|raster] [--width 80|58]
 *                  [--dir /tmp/luot-sim] [--images]
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCentreConfig } from '../server/config/load-config';
import { readCentreForTools, type ToolCentre } from './centre-for-tools';
import type { PrinterTextMode } from './device-contract';
import { jobLines } from './emulators/job-text';
import { KeypadEmulator } from './emulators/keypad-emulator';
import { PrinterEmulator, type EmulatedPrinterCondition } from './emulators/printer-emulator';
import { findSocat, openDevicePort, startPtyPair, type DevicePort, type PtyPair } from './emulators/pty-pair';
import type { KeypadAnswer, KeypadCommand } from './keypad/keypad-protocol';
import { KEYPAD_ID, SIM_IDS, simSnippet, withSimDevices } from './sim-config';

const HELP = `usage: npm run sim -- [options]
  --counter ID    the counter the keypad acts for (default: the first counter of the centre)
  --keypad ID     keypad id the keypad sends as, 1-8 letters or digits (default K1)
  --mode MODE     printer text mode in the configuration: tcvn3 (default), cp1258, raster
  --width W       paper width in the configuration: 80 (default) or 58
  --dir DIR       where the device links and centre.json go (default ${join(tmpdir(), 'luot-sim')});
                  the same folder gives the same paths every run, so the configuration keeps working
  --images        draw printed images (raster text) in the terminal
  --help

The centre is read from its configuration file: LUOT_CONFIG, else the demo centre (not the copy
in the hub's data folder). It prints where the device entries go.`;

const KEYS = `keys:
  printer:  1 ok   2 paper near end   3 paper out   4 cover open   5 offline (no answer)
            u unplug (stop socat)   U plug back in
  keypad:   n NEXT   r RECALL   s SKIP   d DONE   p PING   x XFER <service>   c CALL <number>
  other:    h this help   q quit`;

function fail(message: string, code = 2): never {
  console.error(code === 2 ? `${message}\n\n${HELP}` : message);
  process.exit(code);
}

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      keypad: { type: 'string', default: 'K1' },
      counter: { type: 'string' },
      mode: { type: 'string', default: 'tcvn3' },
      width: { type: 'string', default: '80' },
      dir: { type: 'string', default: join(tmpdir(), 'luot-sim') },
      images: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
try {
  args = parse();
} catch (error) {
  fail((error as Error).message);
}
const opts = args.values;
if (opts.help) {
  console.log(`${HELP}\n\n${KEYS}`);
  process.exit(0);
}
const mode = opts.mode as PrinterTextMode;
if (!['tcvn3', 'cp1258', 'raster'].includes(mode)) fail(`--mode must be tcvn3, cp1258 or raster, not "${opts.mode}"`);
const paperWidth = Number(opts.width);
if (paperWidth !== 80 && paperWidth !== 58) fail('--width must be 80 or 58');
if (!KEYPAD_ID.test(opts.keypad)) fail('--keypad: 1-8 letters or digits');
let centre: ToolCentre;
try {
  centre = readCentreForTools();
} catch (error) {
  fail(`cannot read the centre's configuration: ${(error as Error).message}`, 1);
}
const counters = centre.config.counters;
const counter =
  (opts.counter === undefined ? counters[0] : counters.find((c) => c.id === opts.counter)) ??
  fail(`--counter: ${centre.source} has no counter "${opts.counter}" (its counters: ${counters.map((c) => c.id).join(', ')})`);
if (findSocat() === null) fail('socat is not installed: apt-get install socat', 1);

const describeAnswer = (a: KeypadAnswer | null) => (a === null ? 'no answer' : a.kind === 'OK' ? `OK ${a.seq} ${a.text}` : `ERR ${a.seq} ${a.code}`);

async function main(): Promise<void> {
  const printerPair: PtyPair = await startPtyPair({ dir: join(opts.dir, 'printer') });
  const keypadPair: PtyPair = await startPtyPair({ dir: join(opts.dir, 'keypad') });
  const printer = new PrinterEmulator();
  const keypad = new KeypadEmulator({ keypadId: opts.keypad });
  let printerPort: DevicePort = await openDevicePort(printerPair.devPath);
  let keypadPort: DevicePort = await openDevicePort(keypadPair.devPath);
  printer.attach(printerPort.port);
  keypad.attach(keypadPort.port);

  const snippet = simSnippet({
    printerPath: printerPair.appPath,
    keypadPath: keypadPair.appPath,
    keypadId: opts.keypad,
    counterId: counter.id,
    mode,
    paperWidth: paperWidth as 58 | 80,
  });
  // A whole configuration with the devices in: a file to start a hub on, or to import.
  const merged = withSimDevices(centre.config, snippet);
  try {
    parseCentreConfig(merged, 'the configuration with the simulator\'s devices');
  } catch (error) {
    fail((error as Error).message, 1);
  }
  mkdirSync(opts.dir, { recursive: true });
  const centreFile = join(opts.dir, 'centre.json');
  writeFileSync(centreFile, `${JSON.stringify(merged, null, 2)}\n`);
  chmodSync(centreFile, 0o600); // it holds the officers' password hashes
  const base = `http://localhost:${centre.port}`;

  console.log(`Lượt hardware simulator, for ${centre.config.centre.name.vi}`);
  console.log(`  read from ${centre.source}`);
  console.log(`  printer ${SIM_IDS.printer}: the hub opens ${printerPair.appPath}   (emulator on ${printerPair.devPath})`);
  console.log(`  keypad ${opts.keypad} on ${SIM_IDS.keypads}, for counter ${counter.id} (number ${counter.number}): the hub opens ${keypadPair.appPath}   (emulator on ${keypadPair.devPath})`);
  console.log(`
Where this goes: the hub opens these devices once its configuration lists them (the "devices" and
"kiosks" entries below). Either:

1. Start a hub of its own on ${centreFile} (the centre above with the entries
   added) and a new data folder, since a configuration file only seeds a new data folder (stop any
   other hub on port ${centre.port} first):

     LUOT_CONFIG=${centreFile} LUOT_DATA_DIR=${join(opts.dir, 'data')} npm start

2. Or add them to the hub you run now, keeping its data folder (${centre.dataDir}):
   in the counter app (${base}/counter/) log in as the supervisor${centre.isDemo ? ' (demo: giamsat / giamsat123)' : ''},
   open Cấu hình > Thiết bị (JSON), paste the entries into the lists "Thiết bị" and "Kiosk" and
   press "Lưu và áp dụng" (or import the file above with "Nhập tệp JSON", which replaces the whole
   configuration). A hub that already runs devices on its own machine opens them at once. One that
   does not, like the demo centre, must be restarted on a start-up file with such devices: Ctrl-C, then

     LUOT_CONFIG=${centreFile} npm start

   (the data folder keeps its own configuration, which now has the entries).

Then take a number at ${base}/kiosk/?kiosk=${SIM_IDS.kiosk}: the ticket prints here. The keypad acts
for the officer who opened counter ${counter.id} in the counter app.

Thiết bị (devices):
${JSON.stringify(snippet.devices, null, 2)}

Kiosk (kiosks):
${JSON.stringify(snippet.kiosks, null, 2)}

The printer decodes ESC t 30/31 as TCVN-3 and 52 as CP1258 (Epson numbers).

${KEYS}
`);

  let printed = 0;
  printer.onJob((job) => console.log(`\n${jobLines(job, `ticket ${++printed}`, { images: opts.images, imageHint: '(run with --images to see it)' }).join('\n')}`));

  const setCondition = (c: EmulatedPrinterCondition) => {
    printer.setCondition(c);
    console.log(`printer: ${c}`);
  };
  const send = (command: KeypadCommand) => {
    const label = `${command.cmd}${command.cmd === 'XFER' ? ` ${command.serviceId}` : command.cmd === 'CALL' ? ` ${command.ticketNumber}` : ''}`;
    console.log(`keypad ${opts.keypad} -> ${label} (seq ${keypad.seq})`);
    void keypad.send(command).then((x) => console.log(`keypad ${opts.keypad} <- ${describeAnswer(x.answer)}${x.sends > 1 ? ` (sent ${x.sends} times)` : ''}`));
  };

  const unplug = async () => {
    await Promise.all([printerPair.kill(), keypadPair.kill()]);
    console.log('devices unplugged (socat stopped)');
  };
  const plugIn = async () => {
    await Promise.all([printerPair.restart(), keypadPair.restart()]);
    await Promise.all([printerPort.close(), keypadPort.close()]).catch(() => undefined);
    printerPort = await openDevicePort(printerPair.devPath);
    keypadPort = await openDevicePort(keypadPair.devPath);
    printer.attach(printerPort.port);
    keypad.attach(keypadPort.port);
    console.log('devices plugged back in');
  };

  let quitting = false;
  const quit = async () => {
    if (quitting) return;
    quitting = true;
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    await Promise.all([printerPort.close(), keypadPort.close()]).catch(() => undefined);
    await Promise.all([printerPair.close(), keypadPair.close()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void quit());
  process.once('SIGTERM', () => void quit());

  let prompting = false;
  const ask = async (question: string): Promise<string> => {
    prompting = true;
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: false });
    const answer = await rl.question(question);
    rl.close();
    if (process.stdin.isTTY) process.stdin.setRawMode(true);
    process.stdin.resume();
    prompting = false;
    return answer.trim();
  };

  const onKey = async (key: string) => {
    switch (key) {
      case '1':
        return setCondition('ok');
      case '2':
        return setCondition('paper-near-end');
      case '3':
        return setCondition('paper-out');
      case '4':
        return setCondition('cover-open');
      case '5':
        return setCondition('offline');
      case 'u':
        return unplug();
      case 'U':
        return plugIn();
      case 'n':
        return send({ cmd: 'NEXT' });
      case 'r':
        return send({ cmd: 'RECALL' });
      case 's':
        return send({ cmd: 'SKIP' });
      case 'd':
        return send({ cmd: 'DONE' });
      case 'p':
        return send({ cmd: 'PING' });
      case 'x': {
        const service = await ask('transfer to service id: ');
        if (/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/.test(service)) send({ cmd: 'XFER', serviceId: service });
        else console.log('not a service id');
        return;
      }
      case 'c': {
        const number = (await ask('call ticket number: ')).toUpperCase();
        if (/^[A-Z]?[0-9]{1,5}$/.test(number)) send({ cmd: 'CALL', ticketNumber: number });
        else console.log('not a ticket number');
        return;
      }
      case 'h':
      case '?':
        console.log(KEYS);
        return;
      case 'q':
      case '\u0003':
        return quit();
      default:
        return;
    }
  };

  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text: string) => {
    if (prompting) return;
    for (const key of text) {
      if (key === '\n' || key === '\r' || key === ' ') continue;
      void onKey(key).catch((error: unknown) => console.error(String(error)));
    }
  });
  process.stdin.on('end', () => {
    // Keys piped in: keep running until interrupted, so that a hub can still print.
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
