import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../server/hub';
import { expectOk, send } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, testCentre } from '../helpers/test-centre';
import { logInOnPad, openScreen, pageShows, setUpBrowserTests, SHOTS, skipBrowserTests, textIs, until, visible, type Screen } from './browser';
import { startWebHub } from './web-hub';

/**
 * The supervisor's security screens in Debian's Chromium against a real hub (run `vite build`
 * first): the officers' sessions (one ended, and that officer's pad back at the login), pairing a
 * counter's rating tablet (the URL shown opens a tablet that is then the counter's) and a kiosk,
 * an API key that may take numbers, and the security section of the configuration. axe-core
 * checks each new screen; no serious or critical violation may remain (the findings are written
 * to test-output/screenshots/axe-security-report.json).
 */

type Finding = { screen: string; id: string; impact: string; help: string; targets: string[] };
const SEVERE = new Set(['serious', 'critical']);

const config = testCentre((c) => {
  c.kiosks = [{ id: 'k1' }, { id: 'k2' }];
});

describe.skipIf(skipBrowserTests)("the supervisor's security screens", () => {
  // One hub and one supervisor's screen for the file (the tests go on from each other).
  const { browser, cleanups } = setUpBrowserTests({ builtPage: 'counter/index.html', cleanUpAfter: 'all' });
  let hub: RunningHub;
  let supervisor: Screen;
  const findings: Finding[] = [];
  const severe: string[] = [];

  beforeAll(async () => {
    hub = await startWebHub(cleanups, { config, name: 'supervisor-security' });
  });

  afterAll(() => {
    writeFileSync(join(SHOTS, 'axe-security-report.json'), JSON.stringify(findings, null, 2));
  });

  async function screen(path: string, width: number, height: number): Promise<Screen> {
    const opened = await openScreen(browser(), `${hub.url}${path}`, { width, height, timezoneId: 'UTC' });
    cleanups.add('screen', () => opened.context.close().catch(() => undefined));
    return opened;
  }

  async function staffSocket(username: string, password: string): Promise<Socket> {
    const socket = io(hub.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { app: 'counter' } });
    cleanups.add('client', () => void socket.disconnect());
    await new Promise<void>((res, rej) => {
      socket.once('connect', () => res());
      socket.once('connect_error', rej);
    });
    expectOk(await send(socket as never, 'session:login', { username, password }));
    return socket;
  }

  /** Runs axe on the page as it is now; serious and critical violations are kept for the test's end. */
  async function audit(page: Page, name: string): Promise<void> {
    await page.waitForTimeout(300); // animations settle: axe reads colours as drawn
    const result = await new AxeBuilder({ page }).analyze();
    for (const v of result.violations) {
      const targets = v.nodes.map((n) => n.target.join(' '));
      findings.push({ screen: name, id: v.id, impact: v.impact ?? 'unknown', help: v.help, targets });
      if (SEVERE.has(v.impact ?? '')) severe.push(`${name}: [${v.impact}] ${v.id}: ${v.help} @ ${targets.slice(0, 4).join(' | ')}`);
    }
  }

  const tab = (name: string) => supervisor.page.getByTestId('sup-tab-' + name).click();

  it('(a) the sessions: who is logged in where; ending one sends that pad back to the login', { timeout: 60_000 }, async () => {
    // An officer at counter 1, logged in on a page of their own.
    const officer = await screen('/counter/', 1280, 800);
    await logInOnPad(officer.page, 'o1', OFFICER_PASSWORD);
    await officer.page.getByRole('button', { name: /^Quầy 1\b/ }).click();
    await textIs(officer.page.getByTestId('pad-counter'), 'Quầy 1');

    supervisor = await screen('/counter/', 1280, 800);
    const page = supervisor.page;
    await logInOnPad(page, 'sup', SUPERVISOR_PASSWORD);
    await page.getByTestId('open-supervisor').click();
    await tab('sessions');

    const row = page.getByTestId('session-o1');
    await visible(row);
    await until(async () => {
      if ((await row.innerText()).includes('Quầy 1')) return true;
      await page.getByRole('button', { name: 'Làm mới' }).click();
      return false;
    });
    const text = await row.innerText();
    expect(text).toContain('Nguyễn Thị Lan');
    expect(text).toContain('Ứng dụng quầy');
    expect(text).toContain('127.0.0.1');
    expect((await row.locator('td.num').innerText()).trim()).toBe('1'); // one screen
    expect(text).toContain('Kết thúc phiên');
    const mine = page.getByTestId('session-sup');
    expect(await mine.innerText()).toContain('Phiên của bạn');
    // The supervisor's own session is not ended from here (Đăng xuất does that).
    expect(await mine.getByRole('button', { name: 'Kết thúc phiên' }).count()).toBe(0);
    expect(await page.getByTestId('sessions-summary').innerText()).toBe('2 phiên đang mở');
    await page.screenshot({ path: join(SHOTS, 'security-sessions.png') });

    await row.getByRole('button', { name: 'Kết thúc phiên' }).click();
    const dialog = page.getByRole('dialog');
    await visible(dialog);
    expect(await dialog.innerText()).toContain('Kết thúc phiên của Nguyễn Thị Lan?');
    expect(await dialog.innerText()).toContain('bị đăng xuất ngay trên 1 màn hình');
    await page.screenshot({ path: join(SHOTS, 'security-sessions-confirm.png') });
    await audit(page, 'sessions: confirm');
    await dialog.getByRole('button', { name: 'Kết thúc phiên' }).click();

    // The officer's pad is back at the login at once, saying why.
    await visible(officer.page.getByLabel('Tên đăng nhập'));
    await visible(officer.page.getByText('Cán bộ giám sát đã kết thúc phiên làm việc này.'));
    await officer.page.screenshot({ path: join(SHOTS, 'security-session-ended-pad.png') });

    // The list is asked for again: only the supervisor is left.
    await visible(page.getByTestId('sessions-outcome'));
    expect(await page.getByTestId('sessions-outcome').innerText()).toBe('Đã kết thúc phiên của Nguyễn Thị Lan.');
    await until(async () => (await page.getByTestId('session-o1').count()) === 0);
    await visible(page.getByTestId('sessions-alone'));
    expect(await page.getByTestId('sessions-summary').innerText()).toBe('1 phiên đang mở');
    await page.screenshot({ path: join(SHOTS, 'security-sessions-ended.png') });
    await audit(page, 'sessions');

    // In English, one tap away.
    await page.getByRole('button', { name: 'English' }).click();
    await visible(page.getByText('Apart from you, no other officer is logged in.'));
    expect(await page.getByTestId('session-sup').innerText()).toContain('Your session');
    await page.screenshot({ path: join(SHOTS, 'security-sessions-en.png') });
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await visible(page.getByText('Phiên đăng nhập đang mở'));

    expect(severe).toEqual([]);
    expect(officer.errors).toEqual([]);
    expect(supervisor.errors).toEqual([]);
  });

  it("(b) pairing: a counter's rating tablet opened with the URL shown is that counter's; a kiosk paired and revoked", { timeout: 90_000 }, async () => {
    const page = supervisor.page;
    // Before: a tablet at counter 1 that nobody paired says so.
    const stranger = await screen('/counter/rate/?counter=c1', 800, 1280);
    await visible(stranger.page.getByTestId('rating-not-paired'));

    await page.getByTestId('sup-tab-devices').click();
    const section = page.getByTestId('pairing');
    await visible(section);
    await visible(section.getByTestId('pairing-none'));
    await audit(page, 'devices: pairing (none)');

    await section.getByText('Màn hình đánh giá của quầy', { exact: true }).click();
    await section.getByTestId('pairing-counter-choice').selectOption({ label: 'Quầy 1' });
    await section.getByRole('button', { name: 'Ghép thiết bị' }).click();
    let dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('Ghép Màn hình đánh giá Quầy 1');
    await dialog.getByRole('button', { name: 'Ghép thiết bị' }).click();

    const shown = page.getByTestId('pairing-url');
    await visible(shown);
    const url = new URL((await shown.innerText()).trim());
    expect(url.pathname + url.search).toMatch(/^\/counter\/rate\/\?counter=c1&pair=\S+$/);
    dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('Trên máy tính bảng đánh giá đặt ở Quầy 1');
    expect(await dialog.innerText()).toContain('Địa chỉ này chỉ hiện một lần');
    await dialog.getByRole('button', { name: 'Chép địa chỉ', exact: true }).click();
    await visible(dialog.getByText('Đã chép.'));
    await page.screenshot({ path: join(SHOTS, 'security-pairing-url.png') });
    await audit(page, 'devices: pairing URL');
    await dialog.getByRole('button', { name: 'Tôi đã chép địa chỉ, đóng' }).click();

    const paired = section.getByTestId('pairing-rating-c1');
    await visible(paired);
    expect(await paired.innerText()).toContain('Màn hình đánh giá Quầy 1');
    expect(await paired.innerText()).toContain('do Võ Thanh Hà ghép');
    expect(await section.getByTestId('pairing-outcome').innerText()).toBe('Đã ghép Màn hình đánh giá Quầy 1.');

    // The tablet opens the URL once (the hub listens on loopback here: its path on the hub's
    // address): idle for counter 1, the secret kept and out of the address bar.
    const tablet = await screen(url.pathname + url.search, 800, 1280);
    const idle = tablet.page.getByTestId('rating-idle');
    await visible(idle);
    expect(await idle.innerText()).toContain('Quầy 1');
    expect(await tablet.page.getByTestId('rating-not-paired').count()).toBe(0);
    expect(new URL(tablet.page.url()).search).toBe('?counter=c1');
    await tablet.page.screenshot({ path: join(SHOTS, 'security-pairing-tablet.png') });
    // And it stays paired after a reload.
    await tablet.page.reload();
    await visible(tablet.page.getByTestId('rating-idle'));

    // A configured kiosk, paired, then revoked with a confirmation.
    await section.getByText('Kiosk lấy số', { exact: true }).click();
    await section.getByTestId('pairing-kiosk-choice').selectOption('k2');
    await section.getByRole('button', { name: 'Ghép thiết bị' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Ghép thiết bị' }).click();
    await visible(shown);
    const kioskUrl = new URL((await shown.innerText()).trim());
    expect(kioskUrl.pathname + kioskUrl.search).toMatch(/^\/kiosk\/\?kiosk=k2&pair=\S+$/);
    expect(await page.getByRole('dialog').innerText()).toContain('lệnh khởi động kiosk');
    await page.screenshot({ path: join(SHOTS, 'security-pairing-kiosk-url.png') });
    await page.getByRole('button', { name: 'Tôi đã chép địa chỉ, đóng' }).click();
    const kiosk = section.getByTestId('pairing-kiosk-k2');
    await visible(kiosk);
    await page.screenshot({ path: join(SHOTS, 'security-pairing-list.png') });
    await audit(page, 'devices: pairing list');

    await kiosk.getByRole('button', { name: 'Thu hồi' }).click();
    dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('Thu hồi mã ghép của Kiosk k2?');
    await dialog.getByRole('button', { name: 'Thu hồi' }).click();
    await until(async () => (await section.getByTestId('pairing-kiosk-k2').count()) === 0);
    expect(await section.getByTestId('pairing-outcome').innerText()).toBe('Đã thu hồi mã ghép của Kiosk k2.');
    expect(await section.getByTestId('pairing-rating-c1').count()).toBe(1);
    const sup = await staffSocket('sup', SUPERVISOR_PASSWORD);
    const listed = expectOk(await send<{ kind: string; ownerId: string }[]>(sup as never, 'credential:list', {}));
    expect(listed.filter((c) => c.kind === 'kiosk' || c.kind === 'rating').map((c) => `${c.kind}:${c.ownerId}`)).toEqual(['rating:c1']);

    // In English too.
    await page.getByRole('button', { name: 'English' }).click();
    await visible(section.getByText('Pairing kiosks and rating screens'));
    expect(await section.getByTestId('pairing-rating-c1').innerText()).toContain('Rating screen of Counter 1');
    await page.screenshot({ path: join(SHOTS, 'security-pairing-en.png') });
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await visible(section.getByText('Ghép kiosk và màn hình đánh giá'));
    await page.getByTestId('back').click();

    expect(severe).toEqual([]);
    expect(tablet.errors).toEqual([]);
    expect(supervisor.errors).toEqual([]);
  });

  it('(c) an API key that may take numbers: issued with that scope, listed with it, and it takes a number', { timeout: 60_000 }, async () => {
    const page = supervisor.page;
    await tab('apikeys');
    await visible(page.getByTestId('apikey-none'));
    await page.getByLabel('Mã hệ thống').fill('tongdai');
    const scopes = page.getByTestId('apikey-scopes');
    // At least one thing the key may do.
    await scopes.getByLabel('Đẩy hồ sơ').uncheck();
    await visible(page.getByTestId('apikey-no-scope'));
    expect(await page.getByRole('button', { name: 'Cấp khóa' }).isDisabled()).toBe(true);
    await scopes.getByLabel('Lấy số và xem số trong ngày').check();
    expect(await page.getByTestId('apikey-no-scope').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'security-apikey-scopes.png') });
    await audit(page, 'API keys: form');

    await page.getByRole('button', { name: 'Cấp khóa' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('Khóa mới được dùng để: Lấy số và xem số trong ngày.');
    await dialog.getByRole('button', { name: 'Cấp khóa' }).click();
    const shown = page.getByTestId('api-key');
    await visible(shown);
    const key = (await shown.innerText()).trim();
    expect(key).toMatch(/^tongdai\.\S+$/);
    expect(await page.getByTestId('api-key-scopes').innerText()).toBe('Khóa này được dùng để: Lấy số và xem số trong ngày.');
    await page.screenshot({ path: join(SHOTS, 'security-apikey-key.png') });
    await page.getByRole('button', { name: 'Tôi đã chép khóa, đóng' }).click();

    const row = page.getByTestId('apikey-tongdai');
    await visible(row);
    expect(await row.innerText()).toContain('Lấy số và xem số trong ngày');
    expect(await row.innerText()).not.toContain('Đẩy hồ sơ');
    expect(await row.innerText()).toContain('do Võ Thanh Hà cấp');
    await page.screenshot({ path: join(SHOTS, 'security-apikey-list.png') });
    await audit(page, 'API keys: list');

    // The key takes a number over REST, and lists the day's; it may not push dossiers.
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
    const taken = await fetch(`${hub.url}/api/tickets`, { method: 'POST', headers, body: JSON.stringify({ serviceId: 'ho-tich' }) });
    expect(taken.status).toBe(201);
    const ticket = (await taken.json()) as { number: string; serviceId: string };
    expect(ticket).toMatchObject({ serviceId: 'ho-tich', number: 'A001' });
    const day = await fetch(`${hub.url}/api/tickets`, { headers });
    expect(day.status).toBe(200);
    const pushed = await fetch(`${hub.url}/api/dossiers`, { method: 'POST', headers, body: JSON.stringify({ code: 'x' }) });
    expect(pushed.status).toBe(403);

    expect(severe).toEqual([]);
    expect(supervisor.errors).toEqual([]);
  });

  it('(d) the security section: refused values are explained, the session length and a take limit are saved', { timeout: 60_000 }, async () => {
    const page = supervisor.page;
    await tab('config');
    await page.getByRole('button', { name: 'Bảo mật', exact: true }).click();
    const section = page.getByTestId('config-section-security');
    await visible(section);
    const hours = section.getByLabel('Thời hạn đăng nhập (giờ)');
    expect(await hours.inputValue()).toBe('12');
    const networks = section.getByTestId('cfg-kiosk-networks');
    expect((await networks.inputValue()).split('\n')).toContain('192.168.0.0/16');
    await audit(page, 'configuration: security');

    // Out of range and ill-formed: said beside the fields, and nothing is sent.
    await hours.fill('200');
    await section.getByTestId('cfg-allowed-origins').fill('motcua.example.gov.vn');
    await networks.fill(`${await networks.inputValue()}\n10.1.2.0/33`);
    const perKiosk = section.getByTestId('cfg-limit-perKiosk');
    await perKiosk.getByLabel('Lấy liền tối đa (phiếu)').fill('0');
    await visible(section.getByText('Thời hạn đăng nhập phải từ 1 đến 168 giờ.'));
    await visible(section.getByText('«motcua.example.gov.vn» chưa phải địa chỉ trang web hợp lệ', { exact: false }));
    await visible(section.getByText('«10.1.2.0/33» chưa phải dải mạng hợp lệ', { exact: false }));
    await visible(section.getByText('Mỗi kiosk: số phiếu lấy liền phải là số nguyên từ 1 đến 1.000.000.'));
    expect(await hours.getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Lưu và áp dụng' }).click();
    const outcome = page.getByTestId('config-outcome');
    await visible(outcome);
    expect(await outcome.innerText()).toContain('Chưa gửi được, hãy sửa:');
    expect(await page.getByTestId('config-problems').locator('li').count()).toBe(4);
    const toTop = () => page.locator('.sup-main').evaluate((el) => el.scrollTo({ top: 0 }));
    await toTop();
    await page.screenshot({ path: join(SHOTS, 'security-config-refused.png') });
    await section.getByTestId('cfg-security-origins').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await page.screenshot({ path: join(SHOTS, 'security-config-refused-lists.png') });
    await perKiosk.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'security-config-refused-limits.png') });
    await audit(page, 'configuration: security (refused)');

    // Put right, and saved with the rest of the configuration.
    await hours.fill('8');
    await section.getByTestId('cfg-allowed-origins').fill('https://motcua.example.gov.vn');
    await networks.fill((await networks.inputValue()).replace('\n10.1.2.0/33', ''));
    await perKiosk.getByLabel('Lấy liền tối đa (phiếu)').fill('4');
    await perKiosk.getByLabel('Thêm mỗi phút (phiếu)').fill('9');
    expect(await section.locator('.form-error').count()).toBe(0);
    await page.getByRole('button', { name: 'Lưu và áp dụng' }).click();
    await until(async () => (await outcome.innerText()).includes('Đã lưu. Cấu hình mới đang được áp dụng (phiên bản 2).'));
    await toTop();
    await page.screenshot({ path: join(SHOTS, 'security-config-saved.png') });

    const sup = await staffSocket('sup', SUPERVISOR_PASSWORD);
    const live = expectOk(await send<{ version: number; config: Record<string, any> }>(sup as never, 'config:get', {}));
    expect(live.version).toBe(2);
    expect(live.config.security.sessionHours).toBe(8);
    expect(live.config.security.takeLimits.perKiosk).toEqual({ burst: 4, perMinute: 9 });
    expect(live.config.security.allowedOrigins).toEqual(['https://motcua.example.gov.vn']);
    expect(live.config.security.kioskNetworks).toContain('192.168.0.0/16');
    expect(live.config.security.kioskNetworks).not.toContain('10.1.2.0/33');
    // A login after the change lasts 8 hours.
    const login = await send<{ expiresAt: number }>(sup as never, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD });
    const expiresIn = expectOk(login).expiresAt - Date.now();
    expect(expiresIn).toBeGreaterThan(7.9 * 3_600_000);
    expect(expiresIn).toBeLessThanOrEqual(8 * 3_600_000);

    // In English too.
    await page.getByRole('button', { name: 'English' }).click();
    await visible(section.getByText('Take limits'));
    await perKiosk.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'security-config-en.png') });
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await pageShows(page, 'Giới hạn tốc độ lấy số');

    expect(severe).toEqual([]);
    expect(supervisor.errors).toEqual([]);
  });
});
