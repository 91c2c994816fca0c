import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

/**
 * What the browser tests share: Debian's Chromium, launched the same way everywhere, the built
 * screens, the screenshot folder, screens to open and waits on what a person sees, and what a test
 * undoes after it. The hub they run against is in web-hub.ts.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = resolve(import.meta.dirname, '../..');
export const WEB_ROOT = join(ROOT, 'dist', 'web');
export const SHOTS = join(ROOT, 'test-output', 'screenshots');
const CI = process.env.CI === 'true';
export const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The display speaks calls: no tap is needed first in a test.
  '--autoplay-policy=no-user-gesture-required',
];

/** On a laptop without Chromium the browser tests skip; in CI a missing browser is a failure. */
export const skipBrowserTests = !existsSync(CHROMIUM) && !CI;

/**
 * Launches Chromium, after checking that it is there and that the screens are built (`builtPage`,
 * under the web root, is the page the test needs).
 */
export async function launchBrowser(builtPage = 'kiosk/index.html'): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM} (apt-get install -y chromium)`);
  if (!existsSync(join(WEB_ROOT, builtPage)))
    throw new Error('The screens are not built: run "npx vite build" before the e2e tests');
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
}

/**
 * What a test opened, undone after it in this order: browser screens, then clients of the hub
 * (sockets, bridges), then servers (hubs), then temporary folders. In one stage, in the order added.
 */
export class Cleanups {
  private static readonly ORDER = { screen: 0, client: 1, server: 2, folder: 3 } as const;
  private readonly steps: { order: number; run: () => Promise<void> | void }[] = [];

  add(stage: keyof typeof Cleanups.ORDER, run: () => Promise<void> | void): void {
    this.steps.push({ order: Cleanups.ORDER[stage], run });
  }

  async runAll(): Promise<void> {
    for (const step of this.steps.splice(0).sort((a, b) => a.order - b.order)) await step.run();
  }
}

/**
 * Sets up a describe block of browser tests: Chromium launched before its tests (see launchBrowser,
 * for `builtPage`), and closed after them; `cleanups` run after each test, or (`cleanUpAfter: 'all'`,
 * for tests that go on from each other) after the last one, before the browser closes.
 */
export function setUpBrowserTests(options: { builtPage?: string; cleanUpAfter?: 'each' | 'all' } = {}): {
  browser: () => Browser;
  cleanups: Cleanups;
} {
  let browser: Browser | undefined;
  const cleanups = new Cleanups();
  beforeAll(async () => {
    browser = await launchBrowser(options.builtPage);
  });
  if (options.cleanUpAfter !== 'all') afterEach(() => cleanups.runAll());
  afterAll(async () => {
    if (options.cleanUpAfter === 'all') await cleanups.runAll();
    await browser?.close();
  });
  return {
    browser() {
      if (!browser) throw new Error('the browser is launched in beforeAll');
      return browser;
    },
    cleanups,
  };
}

export interface Screen {
  page: Page;
  context: BrowserContext;
  /** Page errors and console errors: a screen in a test should have none. */
  errors: string[];
}

export interface ScreenOptions {
  width: number;
  height: number;
  /** The language the page starts in (kept in localStorage by the apps). */
  lang?: 'vi' | 'en';
  /** The app whose stored language to set: kiosk, display or counter. */
  app?: 'kiosk' | 'display' | 'counter';
  timezoneId?: string;
  touch?: boolean;
  /** Scripts that run in the page before its own (to record what it does, or to set a phone's rules). */
  initScripts?: (() => void)[];
  /** Further options of the browser context (a phone's, downloads...). */
  context?: BrowserContextOptions;
}

/** A visitor's phone: 360x640, touch, twice as many pixels. */
export const PHONE: ScreenOptions = { width: 360, height: 640, context: { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } };

/** A new browser context of that size with one page, not opened at any address yet. */
export async function newScreen(browser: Browser, options: ScreenOptions): Promise<Screen> {
  const context = await browser.newContext({
    viewport: { width: options.width, height: options.height },
    locale: 'vi-VN',
    timezoneId: options.timezoneId ?? 'Asia/Ho_Chi_Minh',
    hasTouch: options.touch ?? false,
    ...options.context,
  });
  if (options.lang && options.app) {
    const storageKey = `luot.${options.app}.lang`;
    await context.addInitScript(
      ([key, value]) => {
        if (!sessionStorage.getItem('test.langSet')) {
          localStorage.setItem(key!, value!);
          sessionStorage.setItem('test.langSet', '1');
        }
      },
      [storageKey, options.lang],
    );
  }
  for (const script of options.initScripts ?? []) await context.addInitScript(script);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return { page, context, errors };
}

/** A new browser context of that size, opened at `url`. */
export async function openScreen(browser: Browser, url: string, options: ScreenOptions): Promise<Screen> {
  const screen = await newScreen(browser, options);
  await screen.page.goto(url);
  return screen;
}

/** On the counter pad's login screen: logs in, and waits for the choice of counter. */
export async function logInOnPad(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await visible(page.getByText('Chọn quầy làm việc'));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until the condition holds, checking every `pollMs`; fails after `timeout`. */
export async function until(condition: () => boolean | Promise<boolean>, timeout = 10_000, pollMs = 50): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeout) throw new Error('condition not met in time');
    await sleep(pollMs);
  }
}

export async function visible(locator: Locator, timeout = 10_000): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout });
}

/** Reads until it reads `expected` (checking every 100 ms); after `timeout`, fails with what it read last. */
async function readsAs<T>(read: () => Promise<T>, expected: T, initial: T, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  let seen = initial;
  while (Date.now() < deadline) {
    seen = await read();
    if (seen === expected) return;
    await sleep(100);
  }
  expect(seen).toBe(expected);
}

/**
 * Waits until the element shows exactly this text (screens update after the hub answers), as
 * `normalize` reads it (trimmed by default).
 */
export async function textIs(
  locator: Locator,
  text: string,
  timeout = 10_000,
  normalize: (shown: string) => string = (shown) => shown.trim(),
): Promise<void> {
  await readsAs(async () => normalize(await locator.innerText({ timeout }).catch(() => '')), text, '', timeout);
}

/** Waits until the element's attribute has exactly this value. */
export async function attributeIs(locator: Locator, name: string, value: string, timeout = 10_000): Promise<void> {
  await readsAs(() => locator.getAttribute(name, { timeout }).catch(() => null), value, null, timeout);
}

/** Waits until the page's visible text contains this, in any case (after the hub answered, a language switch, ...). */
export async function pageShows(page: Page, text: string | RegExp, timeout = 10_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await page.locator('body').innerText().catch(() => '');
    // innerText is what a person sees, capitals of `text-transform` included: compare as a person reads.
    if (typeof text === 'string' ? seen.toLocaleLowerCase('vi').includes(text.toLocaleLowerCase('vi')) : text.test(seen)) return seen;
    await sleep(100);
  }
  expect(seen).toContain(String(text));
  return seen;
}

/** Nothing sticks out sideways on a 360 px wide phone. */
export async function expectFitsPhone(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
}

/**
 * Visible text cut off by its own box or by the edge of the screen (the kiosk never scrolls), as
 * "class: text". A screen a person reads must have none.
 */
export async function clippedText(page: Page, within = 'body'): Promise<string[]> {
  return page.evaluate((root) => {
    const out: string[] = [];
    const host = document.querySelector(root);
    if (!host) return out;
    const width = window.innerWidth;
    const height = window.innerHeight;
    for (const el of Array.from(host.querySelectorAll<HTMLElement>('*'))) {
      const text = Array.from(el.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      if (!text) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const outside = box.bottom > height + 1 || box.right > width + 1 || box.left < -1 || box.top < -1;
      const cut = style.overflow !== 'visible' && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
      if (outside || cut) out.push(`${el.className || el.tagName}: ${text.slice(0, 60)}`);
    }
    return out;
  }, within);
}

/**
 * A hub clock for browser tests: it runs in real time from 09:00 (centre time, UTC+7) of the next
 * Monday-to-Thursday after now, so that opening hours and the days a dossier has left are the same
 * on every run. It starts ahead of the real clock, so that sessions the browser checks against its
 * own clock never look expired.
 */
export function morningClock(hhmm = '09:00'): () => number {
  let day = new Date(Date.now() + 7 * 3_600_000);
  let anchor = 0;
  for (let i = 1; i <= 8; i++) {
    const candidate = new Date(day.getTime() + i * 86_400_000);
    const weekday = candidate.getUTCDay();
    if (weekday >= 1 && weekday <= 4) {
      anchor = Date.parse(`${candidate.toISOString().slice(0, 10)}T${hhmm}:00+07:00`);
      break;
    }
  }
  const started = Date.now();
  return () => anchor + (Date.now() - started);
}

/** "2026-11-20T09:00:00+07:00" for a moment `days` days (and `hours` hours) from `from`, in Vietnam. */
export function vnIso(from: number, days: number, hours = 0): string {
  const ms = from + days * 86_400_000 + hours * 3_600_000 + 7 * 3_600_000;
  return new Date(ms).toISOString().slice(0, 19) + '+07:00';
}

/** "26/11/2026" in the centre's zone. */
export function vnDay(ms: number): string {
  const p = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(ms);
  return p;
}

/**
 * Puts dossiers into a hub as the one-stop software does: the supervisor issues an API key, then
 * each dossier is pushed, and its later statuses after it.
 */
export async function seedDossiers(
  hubUrl: string,
  supervisor: { username: string; password: string },
  dossiers: { dossier: Record<string, unknown>; statuses?: { status: number; at: string; note?: string }[] }[],
): Promise<void> {
  const { io } = await import('socket.io-client');
  const socket = io(hubUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { app: 'counter' } });
  try {
    const emit = (event: string, payload: unknown) =>
      (socket.timeout(10_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<{ ok: boolean; data?: unknown; message?: string }> }).emitWithAck(
        event,
        payload,
      );
    await new Promise<void>((ok, fail) => {
      socket.once('connect', () => ok());
      socket.once('connect_error', fail);
    });
    const login = await emit('session:login', supervisor);
    if (!login.ok) throw new Error(`supervisor login: ${login.message}`);
    const issued = await emit('apikey:issue', { commandId: `seed-${Date.now()}-${Math.random().toString(36).slice(2)}`, integrationId: 'motcua' });
    if (!issued.ok) throw new Error(`apikey:issue: ${issued.message}`);
    const key = (issued.data as { key: string }).key;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
    for (const { dossier, statuses } of dossiers) {
      const pushed = await fetch(`${hubUrl}/api/dossiers`, { method: 'POST', headers, body: JSON.stringify(dossier) });
      if (!pushed.ok) throw new Error(`POST /api/dossiers: ${pushed.status} ${await pushed.text()}`);
      for (const status of statuses ?? []) {
        const code = encodeURIComponent(String(dossier.code));
        const changed = await fetch(`${hubUrl}/api/dossiers/${code}/status`, { method: 'POST', headers, body: JSON.stringify(status) });
        if (!changed.ok) throw new Error(`POST status: ${changed.status} ${await changed.text()}`);
      }
    }
  } finally {
    socket.close();
  }
}

/** Three dossiers as a one-stop centre has them, around the hub's `now`: in time, finished early, late. */
export function sampleDossiers(now: number) {
  const applicant = (name: string) => ({ name, phone: '0901234567', email: null, lang: 'vi' });
  return [
    {
      dossier: {
        code: '000.00.15.H29-261120-0001',
        lookupKey: 'A7K9Q2',
        procedure: 'Đăng ký khai sinh',
        field: 'Hộ tịch',
        applicant: applicant('Nguyễn Văn An'),
        receivedAt: vnIso(now, -3),
        dueAt: vnIso(now, 1, 8.5),
        status: 2,
        delivery: 'centre',
        collectAt: 'Quầy 1 – Bộ phận trả kết quả',
      },
      statuses: [{ status: 4, at: vnIso(now, -2, 1), note: 'Chuyển phòng Tư pháp' }],
    },
    {
      dossier: {
        code: '000.00.15.H29-261120-0002',
        lookupKey: 'B2C3D4',
        procedure: 'Chứng thực bản sao từ bản chính',
        field: 'Chứng thực',
        applicant: applicant('Trần Thị Bình'),
        receivedAt: vnIso(now, -1),
        dueAt: vnIso(now, 2, 8),
        status: 2,
        delivery: 'centre',
        collectAt: 'Quầy 2',
      },
      statuses: [
        { status: 4, at: vnIso(now, -1, 2) },
        { status: 9, at: vnIso(now, 0, -1) },
      ],
    },
    {
      dossier: {
        code: '000.00.15.H29-261120-0003',
        lookupKey: 'C9X8Z7',
        procedure: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
        field: 'Xây dựng',
        applicant: applicant('Lê Hoàng Minh Châu'),
        receivedAt: vnIso(now, -20),
        dueAt: vnIso(now, -1, 8),
        status: 2,
        delivery: 'post',
        collectAt: null,
      },
      statuses: [
        { status: 4, at: vnIso(now, -19) },
        { status: 5, at: vnIso(now, -3), note: 'Thiếu bản vẽ thiết kế' },
      ],
    },
  ];
}

/** Presses the keys of the on-screen keyboard, one by one, as a visitor would. */
export async function typeOnScreen(page: Page, text: string): Promise<void> {
  const keyboard = page.getByTestId('osk');
  for (const ch of text) await keyboard.getByRole('button', { name: ch, exact: true }).click();
}

/**
 * A USB scanner reading a receipt: it "types" the text very fast (a key every few ms) and ends with
 * Enter. The keys go through Chromium's input pipeline with the scanner's timing in their time
 * stamps, so that a busy test machine does not slow the burst down.
 */
export async function scanWithUsbScanner(page: Page, text: string, msPerKey = 8): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const start = Date.now() / 1000;
    let i = 0;
    const at = () => start + (i++ * msPerKey) / 1000;
    for (const ch of text) {
      const timestamp = at();
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: ch, text: ch, unmodifiedText: ch, timestamp });
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: ch, timestamp });
    }
    const enter = { key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 };
    const timestamp = at();
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...enter, text: '\r', unmodifiedText: '\r', timestamp });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...enter, timestamp });
  } finally {
    await cdp.detach();
  }
}

/**
 * Runs axe on the page as it is now (after 300 ms: animations settle, axe reads colours as drawn);
 * the serious and critical violations, readable ("screen: [impact] id: help @ targets").
 */
export async function severeViolations(page: Page, name: string): Promise<string[]> {
  await page.waitForTimeout(300);
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: [${v.impact}] ${v.id}: ${v.help} @ ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(' | ')}`);
}
