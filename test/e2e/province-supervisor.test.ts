import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger';
import { LINK_NAMESPACE, type centreLiveState } from '../../server/protocol/link-protocol';
import { openDatabase, type Db } from '../../server/province/db/database';
import { ProvinceAccounts } from '../../server/province/province-accounts';
import { startProvince, type RunningProvince } from '../../server/province/province-server';
import { createTestDatabase } from '../helpers/database-servers';
import { bookingProfile } from '../helpers/province-fixture';
import { clippedText, openScreen, pageShows, setUpBrowserTests, severeViolations, SHOTS, skipBrowserTests, textIs, visible, type Screen } from './browser';

/**
 * The province supervisor's page in Debian's Chromium against a real province process and
 * PostgreSQL (run `vite build` first): sign-in, the live overview of three centres (two linked hubs
 * whose waiting counts change on screen as their states come, one whose hub went away), reports
 * across centres with their chart and CSV, the registry with a token shown once, accounts and the
 * audit log; axe on each, on a 1366x768 laptop and a 390x844 phone.
 */

/** Text as a person reads it: runs of white space as one space. */
const words = (shown: string) => shown.replace(/\s+/g, ' ').trim();
const ADMIN = { user: 'quantri', password: 'quan-tri-tinh-2026' };

describe.skipIf(skipBrowserTests)("the province supervisor's page", () => {
  const { browser, cleanups } = setUpBrowserTests({ builtPage: 'counter/province/index.html', cleanUpAfter: 'all' });
  let province: RunningProvince;
  let db: Db;
  const hubs = new Map<string, Socket>();
  let laptop: Screen;

  function state(waiting: Record<string, number>, extra: Partial<z.input<typeof centreLiveState>> = {}): z.input<typeof centreLiveState> {
    const at = Date.now();
    return {
      at,
      day: new Date(at + 7 * 3_600_000).toISOString().slice(0, 10),
      outSeq: 0,
      provinceSeq: 0,
      closing: null,
      services: Object.entries(waiting).map(([id, n]) => ({ id, waiting: n, estimatedWaitMinutes: n * 5, longestWaitSince: n > 0 ? at - n * 4 * 60_000 : null, availability: 'open' as const })),
      counters: { open: 2, paused: 1, total: 4 },
      calls: [],
      faults: [],
      alerts: {},
      ...extra,
    };
  }

  async function linkHub(centreId: string): Promise<Socket> {
    const issued = await province.registry.issueToken(centreId, 'test', Date.now());
    if (!issued.ok) throw new Error('no token');
    const socket = connect(`${province.url}${LINK_NAMESPACE}`, { transports: ['websocket'], auth: { token: issued.token }, reconnection: false, forceNew: true });
    cleanups.add('client', () => void socket.close());
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const hello = await socket.emitWithAck('link:hello', { profile: bookingProfile() });
    if (!hello.ok) throw new Error(hello.error);
    hubs.set(centreId, socket);
    return socket;
  }

  const report = (rows: { key: string; tickets: number; served: number; wait: number | null }[]) => ({
    rows: rows.map((r) => ({
      key: r.key,
      tickets: r.tickets,
      served: r.served,
      noShows: r.tickets - r.served,
      transfers: 0,
      cancelled: 0,
      waitAverageMinutes: r.wait,
      waitP90Minutes: r.wait,
      serviceAverageMinutes: r.wait === null ? null : 6,
      serviceP90Minutes: null,
      estimateErrorMinutes: null,
      ratings: { veryGood: 2, good: 1, poor: 0 },
    })),
    total: { key: 'total', tickets: 0, served: 0, noShows: 0, transfers: 0, cancelled: 0, waitAverageMinutes: null, waitP90Minutes: null, serviceAverageMinutes: null, serviceP90Minutes: null, estimateErrorMinutes: null, ratings: { veryGood: 0, good: 0, poor: 0 } },
    busiestHours: Array(24).fill(0),
    noShows: 0,
  });

  beforeAll(async () => {
    const database = await createTestDatabase('province_e2e');
    province = await startProvince({ databaseUrl: database.url, port: 0, host: '127.0.0.1', log: createLogger('silent') });
    db = openDatabase(database.url, 2);
    cleanups.add('server', async () => {
      await province.stop();
      await db.end();
      await database.drop();
    });
    const centres = [
      { id: 'phuong-ba-dinh', name: { vi: 'Phường Ba Đình', en: 'Ba Dinh ward' }, area: 'Hà Nội' },
      { id: 'xa-soc-son', name: { vi: 'Xã Sóc Sơn', en: 'Soc Son commune' }, area: 'Hà Nội' },
      { id: 'phuong-hoan-kiem', name: { vi: 'Phường Hoàn Kiếm', en: 'Hoan Kiem ward' }, area: 'Hà Nội' },
      { id: 'xa-moi', name: { vi: 'Xã Đông Anh', en: 'Dong Anh commune' }, area: 'Hà Nội' },
    ];
    for (const c of centres) await province.registry.add(c, 'test', Date.now());
    await new ProvinceAccounts(db).add({ id: ADMIN.user, name: 'Nguyễn Thị Thu Hà', role: 'admin', centreId: null, password: ADMIN.password }, 'cli:test', Date.now());
    // Closed days over two months at two centres.
    const days: [string, string, { key: string; tickets: number; served: number; wait: number | null }[]][] = [
      ['phuong-ba-dinh', '2026-10-06', [{ key: 'ho-tich', tickets: 42, served: 38, wait: 12 }, { key: 'dat-dai', tickets: 15, served: 12, wait: 25 }]],
      ['phuong-ba-dinh', '2026-11-10', [{ key: 'ho-tich', tickets: 51, served: 47, wait: 9 }, { key: 'chung-thuc', tickets: 30, served: 30, wait: 4 }]],
      ['xa-soc-son', '2026-10-07', [{ key: 'ho-tich', tickets: 18, served: 16, wait: 7 }]],
      ['xa-soc-son', '2026-11-12', [{ key: 'dat-dai', tickets: 9, served: 7, wait: 31 }]],
    ];
    for (const [centre, day, rows] of days)
      await db.query('INSERT INTO centre_days (centre_id, day, report, received_at) VALUES ($1, $2, $3, $4)', [centre, day, JSON.stringify(report(rows)), Date.now()]);

    const baDinh = await linkHub('phuong-ba-dinh');
    await baDinh.emitWithAck('link:state', { state: state({ 'ho-tich': 7, 'dat-dai': 3, 'chung-thuc': 1 }, { faults: [{ deviceId: 'may-in-1', kind: 'printer', condition: 'paper-out', since: Date.now() - 300_000 }], alerts: { 'printer-paper': 1, 'long-wait': 1 } }) });
    const socSon = await linkHub('xa-soc-son');
    await socSon.emitWithAck('link:state', { state: state({ 'ho-tich': 2 }) });
    // Hoàn Kiếm's hub was linked this morning and has gone away.
    const hoanKiem = await linkHub('phuong-hoan-kiem');
    await hoanKiem.emitWithAck('link:state', { state: state({ 'ho-tich': 4 }) });
    await db.query(`UPDATE link_sequences SET out_seq = 5, out_acked = 2 WHERE centre_id = 'phuong-hoan-kiem'`);
    hoanKiem.close();
    hubs.delete('phuong-hoan-kiem');
  });

  const row = (page: Screen['page'], centreId: string) => page.getByTestId(`pv-centre-${centreId}`);

  async function signIn(screen: Screen): Promise<void> {
    const { page } = screen;
    await visible(page.getByRole('button', { name: 'Đăng nhập' }));
    await page.getByLabel('Tên đăng nhập').fill(ADMIN.user);
    await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await pageShows(page, 'Sai tên đăng nhập hoặc mật khẩu.');
    await page.getByLabel('Mật khẩu').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await textIs(page.getByTestId('pv-who'), 'Nguyễn Thị Thu Hà');
  }

  it('signs in and shows every centre live: waiting counts change as states come, a hub gone is unmistakable', { timeout: 90_000 }, async () => {
    laptop = await openScreen(browser(), `${province.url}/province`, { width: 1366, height: 768, context: { acceptDownloads: true } });
    cleanups.add('screen', () => laptop.context.close().catch(() => undefined));
    const { page } = laptop;
    await page.screenshot({ path: join(SHOTS, 'province-sign-in.png') });
    expect(await severeViolations(page, 'sign-in')).toEqual([]);
    await signIn(laptop);

    await textIs(row(page, 'phuong-ba-dinh').getByTestId('pv-waiting'), '11');
    await textIs(row(page, 'xa-soc-son').getByTestId('pv-waiting'), '2');
    await textIs(row(page, 'phuong-ba-dinh').getByTestId('pv-link'), '● Đang kết nối', 10_000, words);
    await textIs(row(page, 'phuong-hoan-kiem').getByTestId('pv-link'), '✕ Mất kết nối', 10_000, words);
    await expect(row(page, 'phuong-hoan-kiem').getByTestId('pv-down-since').innerText()).resolves.toMatch(/^từ \d{2}:\d{2}$/);
    await expect(row(page, 'phuong-hoan-kiem').getByTestId('pv-lag').getAttribute('aria-label')).resolves.toContain('chưa xác nhận: 3');
    await textIs(row(page, 'xa-moi').getByTestId('pv-link'), '○ Chưa liên kết', 10_000, words);
    await pageShows(page, 'Hết giấy');
    await textIs(page.getByTestId('pv-summary-down'), '1 trung tâm mất kết nối.');
    // Sorted by waiting, most first.
    const order = () => page.locator('[data-testid^="pv-centre-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.slice('pv-centre-'.length)));
    expect((await order()).slice(0, 2)).toEqual(['phuong-ba-dinh', 'phuong-hoan-kiem']);

    // Sóc Sơn fills up: its count changes on screen and it goes to the top.
    await hubs.get('xa-soc-son')!.emitWithAck('link:state', { state: state({ 'ho-tich': 9, 'dat-dai': 6 }) });
    await textIs(row(page, 'xa-soc-son').getByTestId('pv-waiting'), '15');
    expect((await order())[0]).toBe('xa-soc-son');
    await hubs.get('phuong-ba-dinh')!.emitWithAck('link:state', {
      state: state({ 'ho-tich': 3 }, { faults: [{ deviceId: 'may-in-1', kind: 'printer', condition: 'paper-out', since: Date.now() - 300_000 }], alerts: { 'printer-paper': 1, 'idle-counter': 1 } }),
    });
    await textIs(row(page, 'phuong-ba-dinh').getByTestId('pv-waiting'), '3');
    // Nothing cut off but the table's caption, hidden on purpose (it is for screen readers).
    expect((await clippedText(page, '.pv-overview')).filter((c) => !c.startsWith('visually-hidden'))).toEqual([]);
    expect(await severeViolations(page, 'overview')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'province-overview.png') });

    // Sóc Sơn's hub goes away: its row says so without a reload.
    hubs.get('xa-soc-son')!.close();
    await textIs(row(page, 'xa-soc-son').getByTestId('pv-link'), '✕ Mất kết nối', 10_000, words);
    await textIs(page.getByTestId('pv-summary-down'), '2 trung tâm mất kết nối.');

    await page.getByRole('button', { name: 'English' }).click();
    await textIs(row(page, 'phuong-ba-dinh').getByTestId('pv-link'), '● Connected', 10_000, words);
    await page.screenshot({ path: join(SHOTS, 'province-overview-en.png') });
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await textIs(row(page, 'phuong-ba-dinh').getByTestId('pv-link'), '● Đang kết nối', 10_000, words);
  });

  it('reports across centres by centre, field and month, with a chart and a CSV', { timeout: 60_000 }, async () => {
    const { page } = laptop;
    await page.getByTestId('pv-tab-reports').click();
    await page.getByTestId('pv-report-from').fill('2026-10-01');
    await page.getByTestId('pv-report-to').fill('2026-11-30');
    await textIs(page.getByTestId('pv-report-total').locator('td').nth(1), '165');
    await textIs(page.getByTestId('pv-report-row-phuong-ba-dinh').locator('td').nth(1), '138');
    await textIs(page.getByTestId('pv-report-row-xa-soc-son').locator('td').nth(1), '27');
    await visible(page.getByTestId('pv-chart'));
    expect(await page.locator('.pv-bars__row').count()).toBe(2);
    await pageShows(page, 'bình quân gia quyền');
    expect(await severeViolations(page, 'reports')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'province-reports.png'), fullPage: true });

    await page.getByTestId('pv-group-month').click();
    await textIs(page.getByTestId('pv-report-row-2026-10').locator('th'), 'Tháng 10/2026');
    await textIs(page.getByTestId('pv-report-row-2026-10').locator('td').nth(1), '75');
    await page.getByTestId('pv-group-field').click();
    await textIs(page.getByTestId('pv-report-row-ho-tich').locator('td').nth(1), '111');
    await page.screenshot({ path: join(SHOTS, 'province-reports-field.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('luot-tinh-field-2026-10-01-2026-11-30.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('Hộ tịch,3,111,101');
    await page.getByTestId('pv-group-centre').click();
  });

  it('manages the registry, accounts and shows the audit log', { timeout: 60_000 }, async () => {
    const { page } = laptop;
    await page.getByTestId('pv-tab-registry').click();
    await page.getByLabel('Mã trung tâm').fill('xa-thu-nghiem');
    await page.getByLabel('Tên (tiếng Việt)').fill('Xã Thử Nghiệm');
    await page.getByLabel('Địa bàn').fill('Hà Nội');
    await page.getByRole('button', { name: 'Thêm trung tâm' }).last().click();
    await pageShows(page, 'Đã thêm trung tâm xa-thu-nghiem.');
    await page.getByLabel('Mã trung tâm').fill('xa-thu-nghiem');
    await page.getByLabel('Tên (tiếng Việt)').fill('Lặp lại');
    await page.getByLabel('Địa bàn').fill('Hà Nội');
    await page.getByRole('button', { name: 'Thêm trung tâm' }).last().click();
    await pageShows(page, 'Đã có trung tâm với mã này trong danh sách của tỉnh.');
    await page.getByTestId('pv-issue-xa-thu-nghiem').click();
    const token = await page.getByTestId('pv-token').inputValue();
    expect(token).toMatch(/^luot-centre\.xa-thu-nghiem\./);
    expect(await severeViolations(page, 'token dialog')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'province-token.png') });
    await page.getByRole('button', { name: 'Đã lưu mã' }).click();
    await visible(page.getByTestId('pv-registry-xa-thu-nghiem').getByRole('button', { name: 'Thu hồi' }));
    expect(await severeViolations(page, 'registry')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'province-registry.png'), fullPage: true });

    await page.getByTestId('pv-tab-accounts').click();
    await page.getByLabel('Tên đăng nhập').fill('gs.ba-dinh');
    await page.getByLabel('Họ và tên').fill('Trần Văn Bình');
    await page.getByLabel('Vai trò').selectOption('centre-supervisor');
    await page.getByLabel('Trung tâm phụ trách').selectOption('phuong-ba-dinh');
    await page.getByLabel('Mật khẩu', { exact: true }).fill('ba-dinh-2026-mk');
    await page.getByLabel('Nhập lại mật khẩu').fill('ba-dinh-2026-mk');
    await page.getByRole('button', { name: 'Thêm tài khoản' }).last().click();
    await pageShows(page, 'Đã thêm tài khoản gs.ba-dinh.');
    await visible(page.getByTestId('pv-account-gs.ba-dinh'));
    expect(await severeViolations(page, 'accounts')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'province-accounts.png'), fullPage: true });

    // Settings for every centre: a date that is not one is said before anything is sent.
    await page.getByTestId('pv-tab-settings').click();
    await page.getByTestId('pv-settings-holidays').fill('30/04/2027\n01/05/2027\n31/02/2027');
    await page.getByTestId('pv-settings-save').click();
    await textIs(page.getByTestId('pv-settings-message'), '"31/02/2027" không phải là một ngày (dd/mm/yyyy).');
    await page.getByTestId('pv-settings-holidays').fill('30/04/2027\n01/05/2027');
    await page.getByTestId('pv-settings-notice-vi').fill('Các trung tâm nghỉ lễ 30/4 và 1/5.');
    await page.getByTestId('pv-settings-notice-en').fill('Centres are closed on 30 April and 1 May.');
    // A limit out of range is said before anything is sent; then 2 a day, 5 days ahead.
    await page.getByLabel('Số lịch hẹn tối đa của một người trong một ngày').fill('12');
    await page.getByTestId('pv-settings-save').click();
    await textIs(page.getByTestId('pv-settings-message'), '"12" không hợp lệ: nhập một số từ 1 đến 10, hoặc để trống.');
    await page.getByLabel('Số lịch hẹn tối đa của một người trong một ngày').fill('2');
    await page.getByLabel('Được đặt trước tối đa (số ngày)').fill('5');
    await page.getByTestId('pv-settings-save').click();
    await textIs(page.getByTestId('pv-settings-message'), 'Đã lưu (lần thứ 1) và gửi đến các trung tâm.');
    expect(await page.getByTestId('pv-settings-holidays').inputValue()).toBe('30/04/2027\n01/05/2027');
    expect(await page.getByTestId('pv-settings-perPhonePerDay').inputValue()).toBe('2');
    expect(await page.getByTestId('pv-settings-perServicePerDay').inputValue()).toBe('');
    expect(await page.getByTestId('pv-settings-horizonDays').inputValue()).toBe('5');
    expect(await severeViolations(page, 'settings')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'province-settings.png'), fullPage: true });

    await page.getByTestId('pv-tab-audit').click();
    await visible(page.locator('[data-testid="pv-audit-entry"][data-action="account.added"]').first());
    await pageShows(page, 'Cấp mã liên kết');
    await page.getByTestId('pv-audit-kind').selectOption('centre.');
    await textIs(page.locator('[data-testid="pv-audit-entry"]').first().locator('td').nth(2), 'Cấp mã liên kết');
    expect(await severeViolations(page, 'audit')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'province-audit.png') });
  });

  it('reads on a phone, and a centre supervisor sees their own centre only', { timeout: 60_000 }, async () => {
    const phone = await openScreen(browser(), `${province.url}/province/`, { width: 390, height: 844, context: { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } });
    cleanups.add('screen', () => phone.context.close().catch(() => undefined));
    const { page } = phone;
    await signIn(phone);
    await textIs(row(page, 'phuong-ba-dinh').getByTestId('pv-waiting'), '3');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await severeViolations(page, 'phone overview')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'province-phone-overview.png'), fullPage: true });
    await page.getByTestId('pv-tab-reports').click();
    await page.getByTestId('pv-report-from').fill('2026-10-01');
    await page.getByTestId('pv-report-to').fill('2026-11-30');
    await textIs(page.getByTestId('pv-report-total').locator('td').nth(1), '165');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await severeViolations(page, 'phone reports')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'province-phone-reports.png'), fullPage: true });
    await page.getByRole('button', { name: 'Đăng xuất' }).click();

    await page.getByLabel('Tên đăng nhập').fill('gs.ba-dinh');
    await page.getByLabel('Mật khẩu').fill('ba-dinh-2026-mk');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await textIs(page.getByTestId('pv-who'), 'Trần Văn Bình');
    await textIs(row(page, 'phuong-ba-dinh').getByTestId('pv-waiting'), '3');
    expect(await page.locator('[data-testid^="pv-centre-"]').count()).toBe(1);
    expect(await page.getByTestId('pv-tab-registry').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'province-phone-centre-supervisor.png'), fullPage: true });
  });
});
