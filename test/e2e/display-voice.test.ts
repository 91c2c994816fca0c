import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type WebSocketRoute } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callClipSequence } from '../../display/voice/clips';
import type { CentreConfig } from '../../server/config/centre-config';
import { DEMO_CONFIG_PATH, loadCentreConfig } from '../../server/config/load-config';
import { startHub, type RunningHub } from '../../server/hub';
import { createLogger } from '../../server/logger';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/protocol/events';
import type { PublicCall, TicketIssued } from '../../server/protocol/views';
import { CHROMIUM, ROOT, WEB_ROOT, SHOTS, LAUNCH_ARGS } from './browser';

/**
 * The wall display's voice, observed from outside the app in Debian's Chromium: an init script
 * remembers which clip URL each decoded AudioBuffer came from and records every
 * AudioBufferSourceNode.start (clip, scheduled time, duration). The app has no test hooks.
 */

const CI = process.env.CI === 'true';
const NOTICE = {
  vi: 'Trung tâm làm việc từ 7 giờ 30 đến 17 giờ, từ thứ Hai đến thứ Sáu. Vui lòng giữ trật tự và chờ gọi số.',
  en: 'Open 7:30 to 17:00, Monday to Friday. Please wait quietly for your number to be called.',
};
/** Scheduling is sample-exact; allow a little for rounding of the context's clock. */
const OVERLAP_TOLERANCE_S = 0.005;

// On a laptop without Chromium the browser tests skip; in CI a missing browser is a failure.
const skip = !existsSync(CHROMIUM) && !CI;

/** Runs in the page before its own scripts: records what Web Audio really plays. */
function recordPlayback(): void {
  interface Start {
    clip: string | null;
    when: number;
    duration: number;
  }
  const log: { decoded: (string | null)[]; starts: Start[] } = { decoded: [], starts: [] };
  (window as unknown as { __voice: typeof log }).__voice = log;
  const urlOfData = new WeakMap<ArrayBuffer, string>();
  const urlOfBuffer = new WeakMap<AudioBuffer, string | null>();

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
    // Read before decoding: decodeAudioData detaches the ArrayBuffer.
    const url = urlOfData.get(data) ?? null;
    log.decoded.push(url);
    return (realDecode as (...a: unknown[]) => Promise<AudioBuffer>).call(this, data, ...rest).then((buffer) => {
      urlOfBuffer.set(buffer, url);
      return buffer;
    });
  } as typeof realDecode;

  const realStart = AudioBufferSourceNode.prototype.start;
  AudioBufferSourceNode.prototype.start = function (this: AudioBufferSourceNode, when?: number, ...rest: number[]) {
    const url = this.buffer ? (urlOfBuffer.get(this.buffer) ?? null) : null;
    const clip = url ? (/\/audio\/clips\/([a-z0-9-]+)\.wav$/.exec(new URL(url).pathname)?.[1] ?? null) : null;
    log.starts.push({
      clip,
      when: when && when > 0 ? when : this.context.currentTime,
      duration: this.buffer?.duration ?? 0,
    });
    return realStart.call(this, when, ...rest);
  } as typeof realStart;
}

/**
 * Runs in the page: an ordinary browser's autoplay policy, sound only after a tap. It is simulated
 * because headless Chromium's real policy cannot be observed: Playwright's page.evaluate and
 * locator calls count as user gestures and would unlock the sound themselves.
 */
function lockSoundUntilTap(): void {
  const RealContext = window.AudioContext;
  const realResume = RealContext.prototype.resume;
  let tapped = false;
  const tap = () => (tapped = true);
  // Registered before the page's own scripts, so it runs before their listeners.
  window.addEventListener('pointerdown', tap, true);
  window.addEventListener('keydown', tap, true);
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
}

interface Start {
  clip: string | null;
  when: number;
  duration: number;
}

type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

describe.skipIf(skip)('voice on the wall display', () => {
  let browser: Browser;
  const log = createLogger('silent');
  const cleanups: { order: number; run: () => Promise<void> | void }[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM} (apt-get install -y chromium)`);
    if (!existsSync(join(WEB_ROOT, 'display', 'index.html')))
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

  /** The demo centre with a notice. (New objects: zod shares a default object between parses.) */
  function demoConfig(voice: Partial<CentreConfig['display']['voice']> = {}): CentreConfig {
    const config = loadCentreConfig(DEMO_CONFIG_PATH);
    config.display = { ...config.display, notice: NOTICE, voice: { ...config.display.voice, ...voice } };
    return config;
  }

  async function startTestHub(config: CentreConfig): Promise<RunningHub> {
    const dataDir = mkdtempSync(join(tmpdir(), 'luot-voice-'));
    cleanups.push({ order: 3, run: () => rmSync(dataDir, { recursive: true, force: true }) });
    const hub = await startHub({ config, dataDir, port: 0, host: '127.0.0.1', log, webRoot: WEB_ROOT });
    cleanups.push({ order: 2, run: () => hub.stop() });
    return hub;
  }

  async function connect(hub: RunningHub, app: 'display' | 'counter'): Promise<TestSocket> {
    const socket: TestSocket = io(hub.url, { auth: { app }, transports: ['websocket'], reconnection: false });
    cleanups.push({ order: 1, run: () => void socket.close() });
    await new Promise<void>((ok, fail) => {
      socket.once('connect', ok);
      socket.once('connect_error', fail);
    });
    return socket;
  }

  /** An officer's socket with the counter open. */
  async function officerAt(hub: RunningHub, username: string, counterId: string): Promise<TestSocket> {
    const socket = await connect(hub, 'counter');
    const login = await socket.emitWithAck('session:login', { username, password: 'canbo123' });
    expect(login.ok).toBe(true);
    const open = await socket.emitWithAck('counter:open', { commandId: randomUUID(), counterId });
    expect(open.ok).toBe(true);
    return socket;
  }

  async function take(hub: RunningHub, serviceId: string): Promise<TicketIssued> {
    const response = await fetch(`${hub.url}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as TicketIssued;
  }

  async function displayPage(
    url: string,
    width: number,
    height: number,
    initScripts: (() => void)[] = [recordPlayback],
  ): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width, height }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    cleanups.push({ order: 0, run: () => context.close() });
    for (const script of initScripts) await context.addInitScript(script);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    return { page, context, errors };
  }

  const starts = (page: Page) => page.evaluate(() => (window as unknown as { __voice: { starts: Start[] } }).__voice.starts);
  const decoded = (page: Page) =>
    page.evaluate(() => (window as unknown as { __voice: { decoded: (string | null)[] } }).__voice.decoded);

  /** Waits until at least `count` clips have started, then a little longer to catch any extra one. */
  async function playedClips(page: Page, count: number, timeout = 60_000): Promise<Start[]> {
    const deadline = Date.now() + timeout;
    let seen: Start[] = [];
    while (Date.now() < deadline) {
      seen = await starts(page);
      if (seen.length >= count) break;
      await sleep(250);
    }
    await sleep(1_500);
    return starts(page);
  }

  function expectBackToBack(played: Start[]): void {
    for (let i = 1; i < played.length; i++) {
      const previous = played[i - 1]!;
      const current = played[i]!;
      const message = `clip ${i} (${current.clip}) starts before clip ${i - 1} (${previous.clip}) ends`;
      expect(current.when, message).toBeGreaterThanOrEqual(previous.when + previous.duration - OVERLAP_TOLERANCE_S);
    }
  }

  const sequenceOf = (call: PublicCall, config: CentreConfig) =>
    callClipSequence({ ticketNumber: call.number, counterNumber: call.counterNumber }, config.display.voice);

  it(
    'announces calls that arrive together one after the other, a recall again, and nothing after a reconnect',
    { timeout: 180_000 },
    async () => {
      const config = demoConfig();
      const hub = await startTestHub(config);
      const listener = await connect(hub, 'display');
      const heard: PublicCall[] = [];
      listener.on('ticket:called', (m) => heard.push(m.call));
      const officer1 = await officerAt(hub, 'canbo1', 'quay-1');
      const officer2 = await officerAt(hub, 'canbo2', 'quay-2');
      await take(hub, 'ho-tich');
      await take(hub, 'chung-thuc');

      // The display, with a way to cut its connection (WebSocket and the long-polling fallback).
      const display = await displayPage(`${hub.url}/display/`, 1920, 1080);
      let cut = false;
      const open: WebSocketRoute[] = [];
      await display.page.routeWebSocket(/\/socket\.io\//, (ws) => {
        if (cut) return void ws.close();
        // Closing either side closes the other (Playwright's default).
        ws.connectToServer();
        open.push(ws);
      });
      await display.page.route(/\/socket\.io\/\?.*transport=polling/, (route) => (cut ? route.abort() : route.continue()));
      await display.page.goto(`${hub.url}/display/`);
      await visible(display.page.getByText('SỐ ĐANG PHỤC VỤ'));
      expect(await display.page.locator('.display').getAttribute('data-orientation')).toBe('landscape');

      // Two counters call at the same moment.
      const [first, second] = await Promise.all([
        officer1.emitWithAck('counter:call-next', { commandId: randomUUID(), counterId: 'quay-1' }),
        officer2.emitWithAck('counter:call-next', { commandId: randomUUID(), counterId: 'quay-2' }),
      ]);
      expect(first.ok && second.ok).toBe(true);
      await until(() => heard.length === 2);
      const [call1, call2] = heard as [PublicCall, PublicCall];
      expect(new Set([call1.counterNumber, call2.counterNumber])).toEqual(new Set([1, 2]));
      const expectedTwo = [...sequenceOf(call1, config), ...sequenceOf(call2, config)];
      // chime + call 1 (twice), then chime + call 2 (twice).
      expect(expectedTwo.filter((id) => id === 'chime')).toHaveLength(2);
      expect(expectedTwo.filter((id) => id === 'vi-cau-kinh-moi')).toHaveLength(4);
      let played = await playedClips(display.page, expectedTwo.length);
      expect(played.map((s) => s.clip)).toEqual(expectedTwo);
      expectBackToBack(played);

      // A recall is announced again.
      const recall = await officer1.emitWithAck('counter:recall', { commandId: randomUUID(), counterId: 'quay-1' });
      expect(recall.ok).toBe(true);
      await until(() => heard.length === 3);
      const recalled = heard[2]!;
      expect(recalled.kind).toBe('recall');
      expect(recalled.counterNumber).toBe(1);
      const expectedThree = [...expectedTwo, ...sequenceOf(recalled, config)];
      played = await playedClips(display.page, expectedThree.length);
      expect(played.map((s) => s.clip)).toEqual(expectedThree);
      expectBackToBack(played);

      // Every clip was fetched and decoded once, then reused.
      const urls = (await decoded(display.page)).filter((u): u is string => u !== null);
      expect(urls.length).toBeGreaterThan(0);
      expect(new Set(urls).size).toBe(urls.length);

      // The display loses its connection: after ~3 s the offline badge; meanwhile counter 1 calls
      // the next number. Back online, the display reloads its state and shows that call, silently.
      await take(hub, 'ho-tich');
      cut = true;
      for (const ws of open.splice(0)) await ws.close();
      const badge = display.page.getByTestId('offline-badge');
      const cutAt = Date.now();
      await visible(badge, 15_000);
      expect(Date.now() - cutAt).toBeGreaterThanOrEqual(2_500);
      const missed = await officer1.emitWithAck('counter:call-next', { commandId: randomUUID(), counterId: 'quay-1' });
      expect(missed.ok).toBe(true);
      await until(() => heard.length === 4);
      const missedCall = heard[3]!;
      cut = false;
      await badge.waitFor({ state: 'detached', timeout: 30_000 });
      await textIs(display.page.getByTestId('current-call-number'), missedCall.number);
      expect(await display.page.getByTestId('counter-row-1').innerText()).toContain(missedCall.number);
      // A snapshot shows the newest call calmly: no highlight, no voice.
      expect(await display.page.getByTestId('current-call').getAttribute('class')).not.toContain('current--fresh');
      await sleep(3_000);
      expect((await starts(display.page)).map((s) => s.clip)).toEqual(expectedThree);

      const notice = display.page.getByTestId('notice');
      expect(await notice.innerText()).toContain(NOTICE.vi);
      expect(await notice.innerText()).toContain(NOTICE.en);
      const number = await display.page.getByTestId('current-call-number').boundingBox();
      expect(number?.height ?? 0).toBeGreaterThanOrEqual(1080 * 0.15);
      await display.page.screenshot({ path: join(SHOTS, 'display-landscape.png') });

      // Portrait, chosen by the screen's shape.
      const portrait = await displayPage(`${hub.url}/display/`, 1080, 1920);
      await portrait.page.goto(`${hub.url}/display/`);
      await textIs(portrait.page.getByTestId('current-call-number'), missedCall.number);
      expect(await portrait.page.locator('.display').getAttribute('data-orientation')).toBe('portrait');
      const tall = await portrait.page.getByTestId('current-call-number').boundingBox();
      expect(tall?.height ?? 0).toBeGreaterThanOrEqual(1920 * 0.15);
      await expectStacked(portrait.page);
      await portrait.page.screenshot({ path: join(SHOTS, 'display-portrait.png') });

      expect(display.errors).toEqual([]);
      expect(portrait.errors).toEqual([]);
    },
  );

  it('keeps quiet when the voice is off, and ?orientation= chooses the layout', { timeout: 60_000 }, async () => {
    const config = demoConfig({ enabled: false });
    const hub = await startTestHub(config);
    const officer = await officerAt(hub, 'canbo1', 'quay-1');
    await take(hub, 'ho-tich');
    const display = await displayPage(`${hub.url}/display/`, 1920, 1080);
    await display.page.goto(`${hub.url}/display/?orientation=portrait`);
    await visible(display.page.getByText('SỐ ĐANG PHỤC VỤ'));
    expect(await display.page.locator('.display').getAttribute('data-orientation')).toBe('portrait');
    await officer.emitWithAck('counter:call-next', { commandId: randomUUID(), counterId: 'quay-1' });
    await textIs(display.page.getByTestId('current-call-number'), 'A001');
    await sleep(2_000);
    expect(await starts(display.page)).toEqual([]);
    expect(await display.page.getByTestId('sound-hint').count()).toBe(0);
    expect(display.errors).toEqual([]);
  });

  it('without the autoplay permission, asks for a tap until the sound runs', { timeout: 60_000 }, async () => {
    const config = demoConfig();
    const hub = await startTestHub(config);
    const officer = await officerAt(hub, 'canbo1', 'quay-1');
    await take(hub, 'ho-tich');
    await take(hub, 'ho-tich');
    const display = await displayPage(`${hub.url}/display/`, 1920, 1080, [recordPlayback, lockSoundUntilTap]);
    await display.page.goto(`${hub.url}/display/`);
    const hint = display.page.getByTestId('sound-hint');
    await visible(hint);
    expect(await hint.innerText()).toContain('Chạm để bật âm thanh');

    // A call while the sound is locked is shown but not heard (and not kept for later).
    await officer.emitWithAck('counter:call-next', { commandId: randomUUID(), counterId: 'quay-1' });
    await textIs(display.page.getByTestId('current-call-number'), 'A001');
    await sleep(2_500);
    expect(await starts(display.page)).toEqual([]);
    await visible(hint);

    await display.page.mouse.click(960, 540);
    await hint.waitFor({ state: 'detached', timeout: 5_000 });
    await officer.emitWithAck('counter:call-next', { commandId: randomUUID(), counterId: 'quay-1' });
    const expected = callClipSequence({ ticketNumber: 'A002', counterNumber: 1 }, config.display.voice);
    const played = await playedClips(display.page, expected.length);
    expect(played.map((s) => s.clip)).toEqual(expected);
    expectBackToBack(played);
    expect(display.errors).toEqual([]);
  });
});

/** Portrait stacks: newest call, counters, last calls, waiting, each below the one before. */
async function expectStacked(page: Page): Promise<void> {
  const tops: number[] = [];
  for (const selector of ['.current', '.counters', '.recent', '.waiting']) {
    const box = await page.locator(selector).boundingBox();
    expect(box, selector).not.toBeNull();
    tops.push(box!.y);
  }
  expect([...tops].sort((a, b) => a - b)).toEqual(tops);
  expect(new Set(tops).size).toBe(tops.length);
}

async function visible(locator: Locator, timeout = 10_000): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout });
}

async function textIs(locator: Locator, text: string, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let seen = '';
  while (Date.now() < deadline) {
    seen = (await locator.innerText({ timeout }).catch(() => '')).trim();
    if (seen === text) return;
    await sleep(100);
  }
  expect(seen).toBe(text);
}

async function until(check: () => boolean, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
