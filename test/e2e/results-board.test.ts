import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CentreConfig } from '../../server/config/centre-config';
import type { RunningHub } from '../../server/hub';
import type { HubClient } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, testCentre } from '../helpers/test-centre';
import {
  clippedText,
  openScreen,
  pageShows,
  seedDossiers,
  setUpBrowserTests,
  SHOTS,
  skipBrowserTests,
  sleep,
  textIs,
  until,
  visible,
  type Screen,
} from './browser';
import { officerSocket, staffSocket, startWebHub, takeTicket } from './web-hub';

/**
 * The wall display's results board ("Hồ sơ đã có kết quả") and the end of the day, in Debian's
 * Chromium against a real hub: dossiers pushed through the REST API as the one-stop software does,
 * the board beside the queue or taking turns with it, the supervisor closing the day, and the next
 * morning's carried-over numbers (the hub's clock is injected). Run `vite build` first.
 */

const NOTICE = {
  vi: 'Trung tâm làm việc từ 7 giờ 30 đến 17 giờ, từ thứ Hai đến thứ Sáu.',
  en: 'Open 7:30 to 17:00, Monday to Friday.',
};

/** A hub clock that runs in real time from a chosen moment, and can be moved (the next morning). */
function steerableClock(iso: string) {
  let anchor = Date.parse(iso);
  let started = Date.now();
  return {
    now: () => anchor + (Date.now() - started),
    jumpTo(next: string) {
      anchor = Date.parse(next);
      started = Date.now();
    },
  };
}

/** Thursday 26/11/2026, 15:00 in Vietnam: the day of every test here. */
const THURSDAY = '2026-11-26T15:00:00+07:00';
const at = (day: string, hhmm: string) => `${day}T${hhmm}:00+07:00`;
const code = (n: number) => `000.00.00.T01-261120-${String(n).padStart(4, '0')}`;

interface Seed {
  name: string;
  procedure: string;
  due: string;
  /** Finished (status 9, or 10 when handed over) at 14:xx today; null: still being processed. */
  finished: 9 | 10 | null;
  collectAt?: string | null;
}

/**
 * Dossiers of this month: eight results ready (status 9) finished early, on time and late, one
 * handed over already (10, counted but not on the board), two still being processed past their
 * deadline (overdue now) and one in time.
 */
const SEEDS: Seed[] = [
  { name: 'Nguyễn Văn An', procedure: 'Đăng ký khai sinh', due: at('2026-11-30', '17:00'), finished: 9, collectAt: 'Quầy 1 – Bộ phận trả kết quả' },
  { name: 'Trần Thị Bình', procedure: 'Chứng thực bản sao từ bản chính', due: at('2026-11-26', '17:00'), finished: 9, collectAt: 'Quầy 2' },
  { name: 'Lê Hoàng Minh Châu', procedure: 'Cấp giấy phép xây dựng', due: at('2026-11-24', '17:00'), finished: 9, collectAt: null },
  { name: 'Phạm Quốc Dũng', procedure: 'Đăng ký kết hôn', due: at('2026-11-27', '17:00'), finished: 9, collectAt: 'Quầy 1 – Bộ phận trả kết quả' },
  { name: 'Võ Thị Hồng Nhung', procedure: 'Cấp bản sao trích lục hộ tịch', due: at('2026-11-20', '17:00'), finished: 9, collectAt: 'Quầy 1 – Bộ phận trả kết quả' },
  { name: 'Đặng Văn Em', procedure: 'Đăng ký thường trú', due: at('2026-12-01', '17:00'), finished: 9, collectAt: 'Quầy 3' },
  { name: 'Huỳnh Thị Giang', procedure: 'Chứng thực chữ ký', due: at('2026-11-26', '17:00'), finished: 9, collectAt: 'Quầy 2' },
  { name: 'Bùi Minh Khôi', procedure: 'Đăng ký khai tử', due: at('2026-11-27', '17:00'), finished: 9, collectAt: 'Quầy 1 – Bộ phận trả kết quả' },
  { name: 'Đỗ Thanh Long', procedure: 'Đăng ký khai sinh', due: at('2026-11-30', '17:00'), finished: 10, collectAt: 'Quầy 1' },
  { name: 'Ngô Văn Mạnh', procedure: 'Chuyển mục đích sử dụng đất', due: at('2026-11-20', '17:00'), finished: null },
  { name: 'Dương Thị Ngọc', procedure: 'Cấp giấy chứng nhận quyền sử dụng đất', due: at('2026-11-23', '17:00'), finished: null },
  { name: 'Lý Văn Phúc', procedure: 'Đăng ký hộ kinh doanh', due: at('2026-12-02', '17:00'), finished: null },
];
/** What the board must count for November: finished early, on time, late; unfinished past due. */
const EXPECTED_COUNTS = { early: 5, onTime: 2, late: 2, overdue: 2 };

function masked(name: string): string {
  const parts = name.split(' ');
  return [parts[0], ...parts.slice(1).map((p) => `${p[0]}.`)].join(' ');
}

function seedRows() {
  return SEEDS.map((s, i) => ({
    dossier: {
      code: code(i + 1),
      lookupKey: `KEY${i + 1}X`,
      procedure: s.procedure,
      field: null,
      applicant: { name: s.name, phone: '0901234567', email: null, lang: 'vi' },
      receivedAt: at('2026-11-16', '09:00'),
      dueAt: s.due,
      status: 2,
      delivery: 'centre',
      collectAt: s.collectAt ?? null,
    },
    statuses: [
      { status: 4, at: at('2026-11-17', '10:00') },
      ...(s.finished === null ? [] : [{ status: 9, at: at('2026-11-26', `14:${String(10 + i).padStart(2, '0')}`) }]),
      ...(s.finished === 10 ? [{ status: 10, at: at('2026-11-26', '14:45') }] : []),
    ],
  }));
}

describe.skipIf(skipBrowserTests)('the results board and the end of the day on the wall display', () => {
  const { browser, cleanups } = setUpBrowserTests();

  function centre(layout: 'beside' | 'rotate', rotateSeconds = 20): CentreConfig {
    return testCentre((input) => {
      input.display = { notice: NOTICE, dossiers: { resultsBoard: true, counts: true, layout, rotateSeconds } };
    });
  }

  const startTestHub = (config: CentreConfig, clock: () => number) => startWebHub(cleanups, { config, name: 'board', clock, dayCheckMs: 200 });

  const login = (hub: RunningHub, username: string, password: string) => staffSocket(cleanups, hub, username, password);

  const officerAt = (hub: RunningHub, counterId: string) => officerSocket(cleanups, hub, 'o1', OFFICER_PASSWORD, counterId);

  async function callNext(officer: HubClient, counterId = 'c1'): Promise<string> {
    const answer = await officer.emitWithAck('counter:call-next', { commandId: randomUUID(), counterId });
    if (!answer.ok) throw new Error(answer.message);
    return answer.data.current?.number ?? '';
  }

  async function display(hub: RunningHub, width: number, height: number): Promise<Screen> {
    const screen = await openScreen(browser(), `${hub.url}/display/`, { width, height });
    cleanups.add('screen', () => screen.context.close());
    try {
      // A loaded test machine may take a while to load the page and connect.
      await visible(screen.page.getByTestId('current-call'), 20_000);
    } catch (error) {
      throw new Error(`the display did not come up: ${screen.errors.join('; ') || String(error)}`);
    }
    return screen;
  }

  /** A hub with this month's dossiers, a few visitors waiting and A001 called to counter 1. */
  async function busyHub(config: CentreConfig) {
    const clock = steerableClock(THURSDAY);
    const hub = await startTestHub(config, clock.now);
    await seedDossiers(hub.url, { username: 'sup', password: SUPERVISOR_PASSWORD }, seedRows());
    for (const service of ['ho-tich', 'ho-tich', 'ho-tich', 'chung-thuc', 'tu-phap']) await takeTicket(hub, service);
    const officer = await officerAt(hub, 'c1');
    expect(await callNext(officer)).toBe('A001');
    return { hub, clock, officer };
  }

  /** The newest call keeps at least 15% of the screen's height. */
  async function expectBigCall(page: Page, height: number): Promise<void> {
    const box = await page.getByTestId('current-call-number').boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(height * 0.15);
  }

  /** Masked names only: no full name, no phone number, anywhere in the page (shown or not). */
  async function expectNoPersonalData(page: Page): Promise<void> {
    const html = await page.content();
    for (const seed of SEEDS) expect(html).not.toContain(seed.name);
    expect(html).not.toContain('0901234567');
  }

  async function expectCounts(page: Page): Promise<void> {
    await textIs(page.getByTestId('board-count-early').locator('.results-count__value'), String(EXPECTED_COUNTS.early));
    await textIs(page.getByTestId('board-count-on-time').locator('.results-count__value'), String(EXPECTED_COUNTS.onTime));
    await textIs(page.getByTestId('board-count-late').locator('.results-count__value'), String(EXPECTED_COUNTS.late));
    await textIs(page.getByTestId('board-count-overdue').locator('.results-count__value'), String(EXPECTED_COUNTS.overdue));
    const counts = await page.getByTestId('board-counts').innerText();
    expect(counts).toMatch(/THÁNG 11\/2026/i);
    for (const label of ['Trước hạn', 'Đúng hạn', 'Quá hạn', 'Đang quá hạn']) expect(counts).toContain(label);
  }

  it('beside the queue, landscape and portrait: results with masked names and the month\'s counts', { timeout: 90_000 }, async () => {
    const { hub } = await busyHub(centre('beside'));
    const ready = SEEDS.map((s, i) => ({ ...s, i })).filter((s) => s.finished === 9);
    // Newest result first.
    const newest = ready[ready.length - 1]!;

    for (const [width, height, name] of [
      [1920, 1080, 'board-beside-landscape'],
      [1080, 1920, 'board-beside-portrait'],
    ] as const) {
      const screen = await display(hub, width, height);
      const { page } = screen;
      const board = page.getByTestId('results-board');
      await visible(board);
      expect(await page.locator('main.board').getAttribute('data-layout')).toBe('beside');
      await textIs(page.getByTestId('current-call-number'), 'A001');
      await visible(page.getByTestId('counter-row-1'));
      await pageShows(page, 'HỒ SƠ ĐÃ CÓ KẾT QUẢ');
      const first = page.getByTestId('board-item').first();
      expect(await first.locator('.ready-item__name').innerText()).toBe(masked(newest.name));
      expect(await first.locator('.ready-item__code').innerText()).toBe(code(newest.i + 1));
      expect(await first.innerText()).toContain(newest.collectAt!);
      // Eight results do not fit at once: they come a page at a time.
      const shown = await page.getByTestId('board-item').count();
      expect(shown).toBeGreaterThanOrEqual(2);
      if (shown < ready.length) await visible(page.getByTestId('board-page'));
      await expectCounts(page);
      await expectNoPersonalData(page);
      await expectBigCall(page, height);
      expect(await clippedText(page, '[data-testid=results-board]')).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `${name}.png`) });
      expect(screen.errors).toEqual([]);
    }

    // The results desk without a place of its own says so; a page later, the other results.
    const screen = await display(hub, 1920, 1080);
    const names = new Set<string>();
    const deadline = Date.now() + 30_000;
    while (names.size < ready.length && Date.now() < deadline) {
      for (const text of await screen.page.locator('.ready-item__name').allInnerTexts()) names.add(text.trim());
      await sleep(500);
    }
    expect([...names].sort()).toEqual(ready.map((s) => masked(s.name)).sort());
    await pageShows(screen.page, 'Bộ phận trả kết quả');
  });

  it('rotate: the board takes turns with the queue, and a call brings the queue back at once', { timeout: 90_000 }, async () => {
    const { hub, officer } = await busyHub(centre('rotate', 5));
    const screen = await display(hub, 1920, 1080);
    const { page } = screen;
    const board = page.getByTestId('results-board');

    // First the queue, then (after 5 s) the board in place of the counters and the strips.
    await visible(page.getByTestId('counter-row-1'));
    expect(await board.count()).toBe(0);
    await visible(board, 10_000);
    expect(await page.locator('main.board').getAttribute('data-layout')).toBe('results');
    expect(await page.getByTestId('counter-row-1').count()).toBe(0);
    await textIs(page.getByTestId('current-call-number'), 'A001');
    await expectBigCall(page, 1080);
    await expectCounts(page);
    await expectNoPersonalData(page);
    expect(await clippedText(page, '[data-testid=results-board]')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'board-rotate-landscape.png') });

    // A call: the queue is back at once, the call highlighted.
    const number = await callNext(officer);
    expect(number).toBe('A002');
    await board.waitFor({ state: 'detached', timeout: 2_000 });
    await textIs(page.getByTestId('current-call-number'), 'A002', 2_000);
    // The call event draws the big number at once; the counter's row comes with the view that follows
    // the call (the hub sends it 25 ms after a call, so the announcement goes first).
    await until(async () => (await page.getByTestId('counter-row-1').innerText()).includes('A002'), 2_000);
    expect(await page.getByTestId('current-call').getAttribute('class')).toContain('current--fresh');
    await page.screenshot({ path: join(SHOTS, 'board-rotate-call.png') });

    // While the call is highlighted (10 s) the queue stays; then the turns go on.
    await sleep(7_000);
    expect(await board.count()).toBe(0);
    await visible(board, 12_000);

    // Portrait: the board under the newest call.
    const portrait = await display(hub, 1080, 1920);
    await visible(portrait.page.getByTestId('results-board'), 12_000);
    expect(await portrait.page.locator('main.board').getAttribute('data-layout')).toBe('results');
    await expectBigCall(portrait.page, 1920);
    await expectCounts(portrait.page);
    expect(await clippedText(portrait.page, '[data-testid=results-board]')).toEqual([]);
    await portrait.page.screenshot({ path: join(SHOTS, 'board-rotate-portrait.png') });

    expect(screen.errors).toEqual([]);
    expect(portrait.errors).toEqual([]);
  });

  it('closing the day (carry-over) shows the banner; the next morning, the carried-over numbers', { timeout: 90_000 }, async () => {
    const clock = steerableClock(at('2026-11-26', '16:30'));
    const hub = await startTestHub(centre('beside'), clock.now);
    await seedDossiers(hub.url, { username: 'sup', password: SUPERVISOR_PASSWORD }, seedRows());
    // Twelve visitors; A001 is at counter 1 when the day is closed: eleven are carried over.
    for (let i = 0; i < 8; i++) await takeTicket(hub, 'ho-tich');
    for (let i = 0; i < 2; i++) await takeTicket(hub, 'chung-thuc');
    for (let i = 0; i < 2; i++) await takeTicket(hub, 'tu-phap');
    const officer = await officerAt(hub, 'c1');
    expect(await callNext(officer)).toBe('A001');

    const landscape = await display(hub, 1920, 1080);
    const portrait = await display(hub, 1080, 1920);
    expect(await landscape.page.getByTestId('closing-banner').count()).toBe(0);

    const supervisor = await login(hub, 'sup', SUPERVISOR_PASSWORD);
    const closed = await supervisor.emitWithAck('day:close', { commandId: randomUUID(), mode: 'carry-over' });
    expect(closed.ok).toBe(true);

    for (const [screen, height, name] of [
      [landscape, 1080, 'board-closing-landscape'],
      [portrait, 1920, 'board-closing-portrait'],
    ] as const) {
      const banner = screen.page.getByTestId('closing-banner');
      await visible(banner);
      expect(await banner.getAttribute('data-mode')).toBe('carry-over');
      const text = await banner.innerText();
      expect(text).toContain('Các số chưa được gọi sẽ được phục vụ đầu tiên vào ngày làm việc tiếp theo.');
      expect(text).toContain('Numbers not called today will be served first on the next working day.');
      // The banner takes nothing from the newest call.
      await expectBigCall(screen.page, height);
      expect(await clippedText(screen.page, '[data-testid=closing-banner]')).toEqual([]);
      await screen.page.screenshot({ path: join(SHOTS, `${name}.png`) });
    }

    // Friday morning: the hub rolls the day over by itself; those carried over come first, and
    // the display says which number each of them has today.
    clock.jumpTo(at('2026-11-27', '07:30'));
    const carried = [
      'A002 → A001',
      'A003 → A002',
      'A004 → A003',
      'A005 → A004',
      'A006 → A005',
      'A007 → A006',
      'A008 → A007',
      '1001 → 1001',
      '1002 → 1002',
      'K001 → K001',
      'K002 → K002',
    ];
    const shownCarried = async (page: Page) =>
      (await page.getByTestId('carried-item').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    for (const screen of [landscape, portrait]) {
      const band = screen.page.getByTestId('carried-over');
      await visible(band, 15_000);
      await screen.page.getByTestId('closing-banner').waitFor({ state: 'detached', timeout: 10_000 });
      expect((await band.innerText()).replace(/\s+/g, ' ')).toContain('SỐ CHUYỂN TỪ HÔM TRƯỚC');
      await until(async () => (await shownCarried(screen.page)).length === carried.length, 10_000, 100);
      expect(await shownCarried(screen.page)).toEqual(carried);
    }

    // The first call of the day is yesterday's A002, now A001 (yesterday's session has ended);
    // the band keeps those still waiting.
    const morning = await officerAt(hub, 'c1');
    expect(await callNext(morning)).toBe('A001');
    for (const [screen, height, name] of [
      [landscape, 1080, 'board-carried-landscape'],
      [portrait, 1920, 'board-carried-portrait'],
    ] as const) {
      await textIs(screen.page.getByTestId('current-call-number'), 'A001');
      await until(async () => (await shownCarried(screen.page)).length === carried.length - 1, 10_000, 100);
      expect(await shownCarried(screen.page)).toEqual(carried.slice(1));
      await expectBigCall(screen.page, height);
      await screen.page.screenshot({ path: join(SHOTS, `${name}.png`) });
    }

    expect(landscape.errors).toEqual([]);
    expect(portrait.errors).toEqual([]);
  });

  it('closing with cancel or serve: each says plainly what happens to those waiting', { timeout: 60_000 }, async () => {
    const texts = {
      cancel: [
        'Đã hết giờ làm việc. Các số chưa được gọi xin quay lại vào ngày làm việc tiếp theo.',
        'Office hours are over. If your number has not been called, please come back on the next working day.',
      ],
      serve: [
        'Đã ngừng cấp số. Xin mời các số đang chờ tiếp tục chờ gọi.',
        'No more numbers are given out today. If you hold a number, please keep waiting to be called.',
      ],
    } as const;
    for (const [mode, width, height] of [
      ['cancel', 1920, 1080],
      ['serve', 1080, 1920],
    ] as const) {
      const clock = steerableClock(at('2026-11-26', '17:00'));
      const hub = await startTestHub(centre('rotate'), clock.now);
      for (let i = 0; i < 3; i++) await takeTicket(hub, 'ho-tich');
      const screen = await display(hub, width, height);
      const supervisor = await login(hub, 'sup', SUPERVISOR_PASSWORD);
      expect((await supervisor.emitWithAck('day:close', { commandId: randomUUID(), mode })).ok).toBe(true);
      const banner = screen.page.getByTestId('closing-banner');
      await visible(banner);
      expect(await banner.getAttribute('data-mode')).toBe(mode);
      const text = (await banner.innerText()).replace(/\s+/g, ' ');
      for (const line of texts[mode]) expect(text).toContain(line);
      expect(await clippedText(screen.page, '[data-testid=closing-banner]')).toEqual([]);
      await screen.page.screenshot({ path: join(SHOTS, `board-closing-${mode}-${width > height ? 'landscape' : 'portrait'}.png`) });
      expect(screen.errors).toEqual([]);
    }
  });
});
