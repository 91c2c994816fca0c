import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_CONFIG_PATH, loadCentreConfig } from '../../server/config/load-config';
import type { RunningHub } from '../../server/hub';
import {
  expectFitsPhone,
  newScreen,
  openScreen,
  PHONE,
  setUpBrowserTests,
  SHOTS,
  skipBrowserTests,
  sleep,
  textIs,
  until,
  visible,
  type Screen,
} from './browser';
import { lockSoundUntilTap, recordPlayback, type ClipStart } from './page-scripts';
import { officerSocket, startWebHub, takeTicket } from './web-hub';

/**
 * "Follow your turn" on a visitor's phone (360x640) in Debian's Chromium: a ticket taken at the
 * kiosk, its page opened as from the ticket's QR code, and the call arriving while it is open.
 */

/**
 * Runs in the phone's page before its scripts, with recordPlayback (the clips it starts) and
 * lockSoundUntilTap (a phone's rule: sound only after a tap): a record of the vibrations and of the
 * page's status requests.
 */
function phoneRecorder(): void {
  const record = { vibrations: [] as unknown[], asked: [] as number[] };
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
}

describe.skipIf(skipBrowserTests)('follow your turn on a phone', () => {
  const { browser, cleanups } = setUpBrowserTests({ builtPage: 'display/follow.html' });
  const config = loadCentreConfig(DEMO_CONFIG_PATH);

  const startTestHub = () => startWebHub(cleanups, { config, name: 'follow' });

  const officerAt = (hub: RunningHub, counterId: string) => officerSocket(cleanups, hub, 'canbo1', 'canbo123', counterId);

  async function openKiosk(hub: RunningHub): Promise<Screen> {
    const screen = await openScreen(browser(), `${hub.url}/kiosk/`, { width: 1080, height: 1920 });
    cleanups.add('screen', () => screen.context.close());
    return screen;
  }

  /** A phone that keeps a record of what the page does, at no address yet. */
  async function openPhone(): Promise<Screen> {
    const screen = await newScreen(browser(), { ...PHONE, initScripts: [recordPlayback, lockSoundUntilTap, phoneRecorder] });
    cleanups.add('screen', () => screen.context.close());
    return screen;
  }

  /** What the phone did: its vibrations, the clips it started, its status requests. */
  const phoneRecord = (page: Page) =>
    page.evaluate(() => {
      const recorded = window as unknown as { __phone: { vibrations: unknown[]; asked: number[] }; __voice: { starts: ClipStart[] } };
      return { ...recorded.__phone, clips: recorded.__voice.starts.map((start) => start.clip) };
    });

  it('shows the ticket and the people ahead, then alerts when a counter calls it', { timeout: 90_000 }, async () => {
    const hub = await startTestHub();
    const officer = await officerAt(hub, 'quay-1');
    // Somebody is already waiting for Hộ tịch.
    await takeTicket(hub, 'ho-tich');

    // A visitor takes a number at the kiosk.
    const kiosk = await openKiosk(hub);
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
    const phone = await openPhone();
    await phone.page.goto(`${hub.url}/display/follow.html?ticket=${encodeURIComponent(ticket!.ticketId)}`);
    await lineIs(phone.page.getByTestId('follow-number'), 'A002');
    await lineIs(phone.page.getByTestId('follow-ahead'), '1');
    expect(await phone.page.getByTestId('follow-service').innerText()).toBe('Hộ tịch');
    expect(await phone.page.getByTestId('follow-status').innerText()).toBe('Đang chờ');
    await visible(phone.page.getByText('Thời gian chờ dự kiến'));
    await expectFitsPhone(phone.page);
    await phone.page.screenshot({ path: join(SHOTS, 'follow-waiting.png') });

    // The visitor turns the sound on (a phone plays sound only after a tap).
    await phone.page.getByTestId('enable-alert').tap();
    await visible(phone.page.getByTestId('alert-on'));

    // Counter 1 calls the first visitor: one fewer ahead, live.
    await officer.emitWithAck('counter:call-next', { commandId: randomUUID(), counterId: 'quay-1' });
    await lineIs(phone.page.getByTestId('follow-ahead'), '0');
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
    // The call's two chimes follow the first; a loaded machine may take a while to start them.
    await until(async () => (await phoneRecord(phone.page)).clips.filter((c) => c === 'chime').length >= 3, 30_000, 100).catch(
      async (error: unknown) => {
        const sound = await phone.page.getByTestId('alert-on').count();
        throw new Error(`${String(error)}: the phone did ${JSON.stringify(await phoneRecord(phone.page))}, sound on shown: ${sound}`);
      },
    );
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
    await lineIs(phone.page.getByTestId('follow-note'), 'Please go to counter 1');
    expect(await phone.page.getByTestId('follow-status').innerText()).toBe('Called');

    // A recall alerts again.
    await officer.emitWithAck('counter:recall', { commandId: randomUUID(), counterId: 'quay-1' });
    await visible(alert);
    expect(spaces(await phone.page.getByTestId('called-alert-text').innerText())).toBe('Please go to counter 1');
    await phone.page.getByRole('button', { name: 'Got it' }).tap();

    // Served and done: said plainly, no alert.
    await officer.emitWithAck('counter:start', { commandId: randomUUID(), counterId: 'quay-1' });
    await lineIs(phone.page.getByTestId('follow-note'), 'You are being served at counter 1');
    await officer.emitWithAck('counter:done', { commandId: randomUUID(), counterId: 'quay-1' });
    await lineIs(phone.page.getByTestId('follow-status'), 'Done');
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
    const phone = await openPhone();
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

/** innerText with no-break spaces and line breaks as plain spaces. */
function spaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** textIs, reading the text as one line (see spaces). */
function lineIs(locator: Locator, text: string): Promise<void> {
  return textIs(locator, text, 10_000, spaces);
}
