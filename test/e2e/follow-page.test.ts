import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CONFIG_PATH, loadCentreConfig } from '../../server/config/load-config';
import { startHub, type RunningHub } from '../../server/hub';
import { createLogger } from '../../server/logger';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/protocol/events';
import { CHROMIUM, ROOT, WEB_ROOT, SHOTS, LAUNCH_ARGS } from './browser';

/**
 * "Follow your turn" on a visitor's phone (360x640) in Debian's Chromium: a ticket taken at the
 * kiosk, its page opened as from the ticket's QR code, and the call arriving while it is open.
 */

const CI = process.env.CI === 'true';

// On a laptop without Chromium the browser tests skip; in CI a missing browser is a failure.
const skip = !existsSync(CHROMIUM) && !CI;

type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Runs in the phone's page before its scripts: a phone's rules (sound only after a tap) and a
 * record of what the page does (vibrations, the clips it starts, its status requests). The
 * browser runs with the autoplay flag, so the tap rule is simulated; Playwright's own calls count
 * as user gestures anyway.
 */
function phoneRecorder(): void {
  const record = { vibrations: [] as unknown[], clips: [] as string[], asked: [] as number[] };
  (window as unknown as { __phone: typeof record }).__phone = record;

  // When the page asks the hub where its ticket stands (a Socket.IO frame `42["ticket:status",...`).
  const realSend = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: Parameters<WebSocket['send']>[0]) {
    if (typeof data === 'string' && data.includes('"ticket:status"')) record.asked.push(performance.now());
    return realSend.call(this, data);
  };
  Object.defineProperty(Navigator.prototype, 'vibrate', {
    configurable: true,
    value(pattern: unknown) {
      record.vibrations.push(pattern);
      return true;
    },
  });

  let tapped = false;
  window.addEventListener('pointerdown', () => (tapped = true), true);
  const RealContext = window.AudioContext;
  const realResume = RealContext.prototype.resume;
  RealContext.prototype.resume = function (this: AudioContext) {
    return tapped ? realResume.call(this) : Promise.resolve();
  };
  window.AudioContext = class extends RealContext {
    constructor(options?: AudioContextOptions) {
      super(options);
      // Chromium starts the context as it is made or a moment later: hold it until a tap.
      const hold = () => {
        if (this.state === 'running' && !tapped) void this.suspend();
      };
      this.addEventListener('statechange', hold);
      hold();
    }
  };

  // Which clip each AudioBuffer came from: tag the fetched bytes, then the decoded buffer.
  const urlOfData = new WeakMap<ArrayBuffer, string>();
  const urlOfBuffer = new WeakMap<AudioBuffer, string>();
  const realFetch = window.fetch;
  window.fetch = async function (this: unknown, ...args: Parameters<typeof fetch>) {
    const response = await realFetch.apply(this, args);
    const realArrayBuffer = response.arrayBuffer;
    response.arrayBuffer = async function (this: Response) {
      const data = await realArrayBuffer.call(this);
      urlOfData.set(data, response.url);
      return data;
    };
    return response;
  } as typeof fetch;
  const realDecode = BaseAudioContext.prototype.decodeAudioData;
  BaseAudioContext.prototype.decodeAudioData = function (this: BaseAudioContext, data: ArrayBuffer, ...rest: unknown[]) {
    const url = urlOfData.get(data) ?? '';
    return (realDecode as (...a: unknown[]) => Promise<AudioBuffer>).call(this, data, ...rest).then((buffer) => {
      urlOfBuffer.set(buffer, url);
      return buffer;
    });
  } as typeof realDecode;
  const realStart = AudioBufferSourceNode.prototype.start;
  AudioBufferSourceNode.prototype.start = function (this: AudioBufferSourceNode, ...args: number[]) {
    const url = this.buffer ? (urlOfBuffer.get(this.buffer) ?? '') : '';
    record.clips.push(/([a-z0-9-]+)\.wav$/.exec(url)?.[1] ?? '?');
    return realStart.apply(this, args as [number?, number?, number?]);
  } as typeof realStart;
}

describe.skipIf(skip)('follow your turn on a phone', () => {
  let browser: Browser;
  const config = loadCentreConfig(DEMO_CONFIG_PATH);
  const log = createLogger('silent');
  const cleanups: { order: number; run: () => Promise<void> | void }[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM} (apt-get install -y chromium)`);
    if (!existsSync(join(WEB_ROOT, 'display', 'follow.html')))
      throw new Error('The screens are not built: run "npx vite build" before the e2e tests');
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).sort((a, b) => a.order - b.order)) await cleanup.run();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function startTestHub(): Promise<RunningHub> {
    const dataDir = mkdtempSync(join(tmpdir(), 'luot-follow-'));
    cleanups.push({ order: 3, run: () => rmSync(dataDir, { recursive: true, force: true }) });
    const hub = await startHub({ config, dataDir, port: 0, host: '127.0.0.1', log, webRoot: WEB_ROOT });
    let stopped = false;
    cleanups.push({ order: 2, run: () => (stopped ? undefined : hub.stop()) });
    return {
      ...hub,
      stop: async () => {
        stopped = true;
        await hub.stop();
      },
    };
  }

  async function officerAt(hub: RunningHub, counterId: string): Promise<TestSocket> {
    const socket: TestSocket = io(hub.url, { auth: { app: 'counter' }, transports: ['websocket'], reconnection: false });
    cleanups.push({ order: 1, run: () => void socket.close() });
    await new Promise<void>((ok, fail) => {
      socket.once('connect', ok);
      socket.once('connect_error', fail);
    });
    expect((await socket.emitWithAck('session:login', { username: 'canbo1', password: 'canbo123' })).ok).toBe(true);
    expect((await socket.emitWithAck('counter:open', { commandId: randomUUID(), counterId })).ok).toBe(true);
    return socket;
  }

  async function screen(
    width: number,
    height: number,
    phone: boolean,
  ): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
    const context = await browser.newContext({
      viewport: { width, height },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
      ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    });
    cleanups.push({ order: 0, run: () => context.close() });
    if (phone) await context.addInitScript(phoneRecorder);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    return { page, context, errors };
  }

  const phoneRecord = (page: Page) =>
    page.evaluate(
      () => (window as unknown as { __phone: { vibrations: unknown[]; clips: string[]; asked: number[] } }).__phone,
    );

  it('shows the ticket and the people ahead, then alerts when a counter calls it', { timeout: 90_000 }, async () => {
    const hub = await startTestHub();
    const officer = await officerAt(hub, 'quay-1');
    // Somebody is already waiting for Hộ tịch.
    const first = await fetch(`${hub.url}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId: 'ho-tich' }),
    });
    expect(first.status).toBe(201);

    // A visitor takes a number at the kiosk.
    const kiosk = await screen(1080, 1920, false);
    await kiosk.page.goto(`${hub.url}/kiosk/`);
    await kiosk.page.getByText('Hộ tịch', { exact: true }).click();
    await kiosk.page.getByRole('button', { name: 'Không', exact: true }).click();
    const numberOnKiosk = kiosk.page.getByTestId('ticket-number');
    await visible(numberOnKiosk);
    const number = (await numberOnKiosk.innerText()).trim();
    expect(number).toBe('A002');

    // The ticket's QR code holds its id; the counter's waiting list knows it.
    const state = await officer.emitWithAck('state:request', { counterId: 'quay-1' });
    if (!state.ok) throw new Error(state.message);
    const ticket = state.data.counter?.view.waiting.find((w) => w.number === number);
    expect(ticket).toBeDefined();

    // The phone opens /display/follow.html?ticket=<id>.
    const phone = await screen(360, 640, true);
    await phone.page.goto(`${hub.url}/display/follow.html?ticket=${encodeURIComponent(ticket!.ticketId)}`);
    await textIs(phone.page.getByTestId('follow-number'), 'A002');
    await textIs(phone.page.getByTestId('follow-ahead'), '1');
    expect(await phone.page.getByTestId('follow-service').innerText()).toBe('Hộ tịch');
    expect(await phone.page.getByTestId('follow-status').innerText()).toBe('Đang chờ');
    await visible(phone.page.getByText('Thời gian chờ dự kiến'));
    await expectFits(phone.page);
    await phone.page.screenshot({ path: join(SHOTS, 'follow-waiting.png') });

    // The visitor turns the sound on (a phone plays sound only after a tap).
    await phone.page.getByTestId('enable-alert').tap();
    await visible(phone.page.getByTestId('alert-on'));

    // Counter 1 calls the first visitor: one fewer ahead, live.
    await officer.emitWithAck('counter:call-next', { commandId: randomUUID(), counterId: 'quay-1' });
    await textIs(phone.page.getByTestId('follow-ahead'), '0');
    await visible(phone.page.getByText('Sắp đến lượt bạn'));
    expect(await phone.page.getByTestId('called-alert').count()).toBe(0);

    // Then this ticket: the whole screen says where to go, the phone buzzes and chimes.
    await officer.emitWithAck('counter:call-next', { commandId: randomUUID(), counterId: 'quay-1' });
    const alert = phone.page.getByTestId('called-alert');
    await visible(alert);
    expect(spaces(await phone.page.getByTestId('called-alert-text').innerText())).toBe('Mời bạn đến quầy số 1');
    expect(await phone.page.getByTestId('called-alert-counter').innerText()).toBe('1');
    const box = await alert.boundingBox();
    expect(box?.width).toBe(360);
    expect(box?.height).toBe(640);
    await until(async () => (await phoneRecord(phone.page)).clips.filter((c) => c === 'chime').length >= 3);
    const record = await phoneRecord(phone.page);
    // A short buzz when turned on, then the long call pattern.
    expect(record.vibrations.length).toBe(2);
    expect(Array.isArray(record.vibrations[1])).toBe(true);
    // One chime when the sound was turned on, two for the call.
    expect(record.clips).toEqual(['chime', 'chime', 'chime']);
    await sleep(4_000); // the flashing settles
    await phone.page.screenshot({ path: join(SHOTS, 'follow-called.png') });

    // Closed, the page still says where to go; English is one tap away.
    await phone.page.getByRole('button', { name: 'Tôi đã biết' }).tap();
    await alert.waitFor({ state: 'detached' });
    expect(spaces(await phone.page.getByTestId('follow-note').innerText())).toBe('Mời bạn đến quầy số 1');
    await phone.page.getByRole('button', { name: 'English' }).tap();
    await textIs(phone.page.getByTestId('follow-note'), 'Please go to counter 1');
    expect(await phone.page.getByTestId('follow-status').innerText()).toBe('Called');

    // A recall alerts again.
    await officer.emitWithAck('counter:recall', { commandId: randomUUID(), counterId: 'quay-1' });
    await visible(alert);
    expect(spaces(await phone.page.getByTestId('called-alert-text').innerText())).toBe('Please go to counter 1');
    await phone.page.getByRole('button', { name: 'Got it' }).tap();

    // Served and done: said plainly, no alert.
    await officer.emitWithAck('counter:start', { commandId: randomUUID(), counterId: 'quay-1' });
    await textIs(phone.page.getByTestId('follow-note'), 'You are being served at counter 1');
    await officer.emitWithAck('counter:done', { commandId: randomUUID(), counterId: 'quay-1' });
    await textIs(phone.page.getByTestId('follow-status'), 'Done');
    expect(await phone.page.getByTestId('follow-note').innerText()).toBe('Your visit is complete. Thank you!');
    expect(await phone.page.getByTestId('enable-alert').count()).toBe(0);

    // The page shows nothing personal: no officer's name.
    expect(await phone.page.locator('body').innerText()).not.toContain('Nguyễn Thị Lan');

    // Asked on connect and after the queue moved, about once a second at most (timers may fire a
    // few milliseconds early on a busy machine: this checks the throttle, not the clock).
    const asked = (await phoneRecord(phone.page)).asked;
    expect(asked.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < asked.length; i++) expect(asked[i]! - asked[i - 1]!).toBeGreaterThanOrEqual(900);

    expect(phone.errors).toEqual([]);
    expect(kiosk.errors).toEqual([]);

    // Connection lost: the badge (the browser's own "connection refused" messages are expected).
    await hub.stop();
    await visible(phone.page.getByTestId('offline-badge'), 15_000);
    expect(phone.errors.filter((e) => !e.includes('ERR_CONNECTION_REFUSED'))).toEqual([]);
  });

  it('says so plainly when the ticket is unknown or the link has none', { timeout: 60_000 }, async () => {
    const hub = await startTestHub();
    const phone = await screen(360, 640, true);
    await phone.page.goto(`${hub.url}/display/follow.html?ticket=khong-co-so-nay`);
    const message = phone.page.getByTestId('follow-message');
    await visible(message);
    expect(await message.innerText()).toContain('Không tìm thấy số thứ tự');
    await phone.page.goto(`${hub.url}/display/follow.html`);
    await visible(message);
    expect(await message.innerText()).toContain('Hãy quét mã QR trên phiếu của bạn');
    expect(phone.errors).toEqual([]);
  });
});

/** Nothing sticks out sideways on a 360 px wide phone. */
async function expectFits(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
}

/** innerText with no-break spaces and line breaks as plain spaces. */
function spaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

async function visible(locator: Locator, timeout = 10_000): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout });
}

async function textIs(locator: Locator, text: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let seen = '';
  while (Date.now() < deadline) {
    seen = spaces(await locator.innerText({ timeout }).catch(() => ''));
    if (seen === text) return;
    await sleep(100);
  }
  expect(seen).toBe(text);
}

async function until(check: () => Promise<boolean>, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
