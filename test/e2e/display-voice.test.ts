import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { callClipSequence } from '../../display/voice/clips';
import type { CentreConfig } from '../../server/config/centre-config';
import { DEMO_CONFIG_PATH, loadCentreConfig } from '../../server/config/load-config';
import type { RunningHub } from '../../server/hub';
import type { PublicCall } from '../../server/protocol/views';
import { newScreen, setUpBrowserTests, SHOTS, skipBrowserTests, sleep, textIs, until, visible, type Screen } from './browser';
import { lockSoundUntilTap, recordPlayback, type ClipStart } from './page-scripts';
import { hubSocket, officerSocket, startWebHub, takeTicket } from './web-hub';

/**
 * The wall display's voice, observed from outside the app in Debian's Chromium: an init script
 * (recordPlayback) remembers which clip URL each decoded AudioBuffer came from and records every
 * AudioBufferSourceNode.start (clip, scheduled time, duration). The app has no test hooks.
 */

const NOTICE = {
  vi: 'Trung tâm làm việc từ 7 giờ 30 đến 17 giờ, từ thứ Hai đến thứ Sáu. Vui lòng giữ trật tự và chờ gọi số.',
  en: 'Open 7:30 to 17:00, Monday to Friday. Please wait quietly for your number to be called.',
};
/** Scheduling is sample-exact; allow a little for rounding of the context's clock. */
const OVERLAP_TOLERANCE_S = 0.005;

describe.skipIf(skipBrowserTests)('voice on the wall display', () => {
  const { browser, cleanups } = setUpBrowserTests({ builtPage: 'display/index.html' });

  /** The demo centre with a notice. (New objects: zod shares a default object between parses.) */
  function demoConfig(voice: Partial<CentreConfig['display']['voice']> = {}): CentreConfig {
    const config = loadCentreConfig(DEMO_CONFIG_PATH);
    config.display = { ...config.display, notice: NOTICE, voice: { ...config.display.voice, ...voice } };
    return config;
  }

  const startTestHub = (config: CentreConfig) => startWebHub(cleanups, { config, name: 'voice' });

  const officerAt = (hub: RunningHub, username: string, counterId: string) => officerSocket(cleanups, hub, username, 'canbo123', counterId);

  /** A display screen recording what it plays, at no address yet (the test routes its sockets first). */
  async function displayPage(width: number, height: number, initScripts: (() => void)[] = [recordPlayback]): Promise<Screen> {
    const screen = await newScreen(browser(), { width, height, initScripts });
    cleanups.add('screen', () => screen.context.close());
    return screen;
  }

  const starts = (page: Page) => page.evaluate(() => (window as unknown as { __voice: { starts: ClipStart[] } }).__voice.starts);
  const decoded = (page: Page) =>
    page.evaluate(() => (window as unknown as { __voice: { decoded: (string | null)[] } }).__voice.decoded);

  /** Waits until at least `count` clips have started, then a little longer to catch any extra one. */
  async function playedClips(page: Page, count: number, timeout = 60_000): Promise<ClipStart[]> {
    const deadline = Date.now() + timeout;
    let seen: ClipStart[] = [];
    while (Date.now() < deadline) {
      seen = await starts(page);
      if (seen.length >= count) break;
      await sleep(250);
    }
    await sleep(1_500);
    return starts(page);
  }

  function expectBackToBack(played: ClipStart[]): void {
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
      const listener = await hubSocket(cleanups, hub, 'display');
      const heard: PublicCall[] = [];
      listener.on('ticket:called', (m) => heard.push(m.call));
      const officer1 = await officerAt(hub, 'canbo1', 'quay-1');
      const officer2 = await officerAt(hub, 'canbo2', 'quay-2');
      await takeTicket(hub, 'ho-tich');
      await takeTicket(hub, 'chung-thuc');

      // The display, with a way to cut its connection (WebSocket and the long-polling fallback).
      const display = await displayPage(1920, 1080);
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
      await takeTicket(hub, 'ho-tich');
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
      await textIs(display.page.getByTestId('current-call-number'), missedCall.number, 15_000);
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
      const portrait = await displayPage(1080, 1920);
      await portrait.page.goto(`${hub.url}/display/`);
      await textIs(portrait.page.getByTestId('current-call-number'), missedCall.number, 15_000);
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
    await takeTicket(hub, 'ho-tich');
    const display = await displayPage(1920, 1080);
    await display.page.goto(`${hub.url}/display/?orientation=portrait`);
    await visible(display.page.getByText('SỐ ĐANG PHỤC VỤ'));
    expect(await display.page.locator('.display').getAttribute('data-orientation')).toBe('portrait');
    await officer.emitWithAck('counter:call-next', { commandId: randomUUID(), counterId: 'quay-1' });
    await textIs(display.page.getByTestId('current-call-number'), 'A001', 15_000);
    await sleep(2_000);
    expect(await starts(display.page)).toEqual([]);
    expect(await display.page.getByTestId('sound-hint').count()).toBe(0);
    expect(display.errors).toEqual([]);
  });

  it('without the autoplay permission, asks for a tap until the sound runs', { timeout: 60_000 }, async () => {
    const config = demoConfig();
    const hub = await startTestHub(config);
    const officer = await officerAt(hub, 'canbo1', 'quay-1');
    await takeTicket(hub, 'ho-tich');
    await takeTicket(hub, 'ho-tich');
    const display = await displayPage(1920, 1080, [recordPlayback, lockSoundUntilTap]);
    await display.page.goto(`${hub.url}/display/`);
    const hint = display.page.getByTestId('sound-hint');
    await visible(hint);
    expect(await hint.innerText()).toContain('Chạm để bật âm thanh');

    // A call while the sound is locked is shown but not heard (and not kept for later).
    await officer.emitWithAck('counter:call-next', { commandId: randomUUID(), counterId: 'quay-1' });
    await textIs(display.page.getByTestId('current-call-number'), 'A001', 15_000);
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
