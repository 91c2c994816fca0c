/**
 * Hardware simulator: a ticket printer and a serial keypad on real pseudo-terminals (socat), for
 * running the hub without devices. Prints the paths and a device configuration to paste into the
 * centre's configuration, shows every printed ticket as text, and turns keys into printer
 * conditions and keypad commands.
 *
 *   npm run sim -- [--keypad K1] [--mode tcvn3|cp1258|raster] [--width 80|58] [--dir /tmp/luot-sim] [--images]
 */
import { createInterface } from 'node:readline/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DeviceConfig, PrinterTextMode } from './device-contract';
import { KeypadEmulator } from './emulators/keypad-emulator';
import { PrinterEmulator, type EmulatedPrinterCondition, type PrintedJob } from './emulators/printer-emulator';
import { findSocat, openDevicePort, startPtyPair, type DevicePort, type PtyPair } from './emulators/pty-pair';
import type { Bitmap } from './escpos/encoder';
import type { KeypadAnswer, KeypadCommand } from './keypad/keypad-protocol';

const HELP = `usage: npm run sim -- [options]
  --keypad ID     keypad id the keypad sends as (default K1)
  --counter ID    counter the keypad is bound to in the config snippet (default counter-1)
  --mode MODE     printer text mode in the config snippet: tcvn3 (default), cp1258, raster
  --width W       paper width in the config snippet: 80 (default) or 58
  --dir DIR       where the device links go (default ${join(tmpdir(), 'luot-sim')}); the same
                  folder gives the same paths every run, so the pasted config keeps working
  --images        draw printed images (raster text) in the terminal
  --help`;

const KEYS = `keys:
  printer:  1 ok   2 paper near end   3 paper out   4 cover open   5 offline (no answer)
            u unplug (stop socat)   U plug back in
  keypad:   n NEXT   r RECALL   s SKIP   d DONE   p PING   x XFER <service>   c CALL <number>
  other:    h this help   q quit`;

function fail(message: string): never {
  console.error(`${message}\n\n${HELP}`);
  process.exit(2);
}

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      keypad: { type: 'string', default: 'K1' },
      counter: { type: 'string', default: 'counter-1' },
      mode: { type: 'string', default: 'tcvn3' },
      width: { type: 'string', default: '80' },
      dir: { type: 'string', default: join(tmpdir(), 'luot-sim') },
      images: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
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
if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$/.test(opts.keypad)) fail('--keypad: 1-16 letters, digits, _ or -, starting with a letter or digit');
if (findSocat() === null) fail('socat is not installed: apt-get install socat');

/** An image as braille characters, 2x4 dots each, after halving the resolution. */
function brailleLines(bitmap: Bitmap): string[] {
  const rowBytes = Math.ceil(bitmap.widthDots / 8);
  const black = (x: number, y: number) => {
    // A dot of the halved image is black when any of its 2x2 source dots is.
    for (let dy = 0; dy < 2; dy++)
      for (let dx = 0; dx < 2; dx++) {
        const sx = x * 2 + dx;
        const sy = y * 2 + dy;
        if (sx < bitmap.widthDots && sy < bitmap.heightDots && ((bitmap.data[sy * rowBytes + (sx >> 3)] ?? 0) & (0x80 >> (sx & 7))) !== 0) return true;
      }
    return false;
  };
  const width = Math.ceil(bitmap.widthDots / 2);
  const height = Math.ceil(bitmap.heightDots / 2);
  const bits = [
    [0x01, 0x08],
    [0x02, 0x10],
    [0x04, 0x20],
    [0x40, 0x80],
  ] as const;
  const lines: string[] = [];
  for (let cy = 0; cy < height; cy += 4) {
    let line = '';
    for (let cx = 0; cx < width; cx += 2) {
      let code = 0;
      for (let r = 0; r < 4; r++) for (let c = 0; c < 2; c++) if (black(cx + c, cy + r)) code |= bits[r]![c]!;
      line += String.fromCharCode(0x2800 + code);
    }
    lines.push(line.replace(/\u2800+$/, ''));
  }
  return lines;
}

function showJob(job: PrintedJob, n: number): void {
  console.log(`\n┌─ ticket ${n} (${job.bytes.length} bytes) ${'─'.repeat(30)}`);
  for (const item of job.transcript.items) {
    if (item.kind === 'text') console.log(`│ ${item.align === 'center' ? '   ' : item.align === 'right' ? '      ' : ''}${item.text}`);
    else if (item.kind === 'qr') console.log(`│ [QR ${item.data}]`);
    else if (item.kind === 'cut') console.log('└─ [cut]');
    else if (item.kind === 'image') {
      if (opts.images) for (const l of brailleLines(item.bitmap)) console.log(`│ ${l}`);
      else console.log(`│ [image ${item.widthDots}x${item.heightDots}]  (run with --images to see it)`);
    } else if (item.kind === 'unknown' || item.kind === 'truncated') console.log(`│ [${item.kind} at ${item.offset}]`);
  }
}

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

  const devices: DeviceConfig[] = [
    {
      kind: 'printer',
      id: 'sim-printer',
      bridge: 'hub',
      path: printerPair.appPath,
      baudRate: 9600,
      paperWidth: paperWidth as 58 | 80,
      textMode: mode,
      codePage: mode === 'cp1258' ? 52 : 30,
      capitalsCodePage: mode === 'tcvn3' ? 31 : null,
    },
    { kind: 'keypad', id: 'sim-keypads', bridge: 'hub', path: keypadPair.appPath, baudRate: 9600, keypads: [{ keypadId: opts.keypad, counterId: opts.counter }] },
  ];
  console.log('Lượt hardware simulator');
  console.log(`  printer: the hub opens ${printerPair.appPath}   (emulator on ${printerPair.devPath})`);
  console.log(`  keypad ${opts.keypad}: the hub opens ${keypadPair.appPath}   (emulator on ${keypadPair.devPath})`);
  console.log('\nDevices for the centre configuration ("devices"; set the keypad\'s counterId to a real counter):\n');
  console.log(JSON.stringify(devices, null, 2));
  console.log(`\nThe printer decodes ESC t 30/31 as TCVN-3 and 52 as CP1258 (Epson numbers).\n\n${KEYS}\n`);

  let printed = 0;
  printer.onJob((job) => showJob(job, ++printed));

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
