import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../server/hub';
import { ScriptedDeviceHost } from '../helpers/fake-device-host';
import { expectOk, newCommandId, send } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, testCentre } from '../helpers/test-centre';
import { logInOnPad, openScreen, setUpBrowserTests, SHOTS, skipBrowserTests, textIs, until, visible, type Screen } from './browser';
import { startWebHub, takeTicket } from './web-hub';

/**
 * The supervisor's screens in Debian's Chromium against a real hub (run `vite build` first): the
 * live overview with its alerts, a report with its CSV and its print layout, the configuration
 * changed live (and refused when unsafe, and when someone else changed it meanwhile), the audit
 * trail, an API key and the dossiers past their deadline. Assertions are on what a person sees.
 */

/**
 * The hub's clock runs ahead of the real one when the test says so (to make people wait half an
 * hour in no time). The centre's zone is one where that jump cannot cross midnight, so the day
 * does not roll over under the test.
 */
const skew = { ms: 0 };
const CENTRE_ZONE =
  ['Asia/Ho_Chi_Minh', 'Europe/London', 'America/New_York', 'America/Los_Angeles', 'Pacific/Auckland'].find((zone) => {
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(Date.now()));
    return hour >= 6 && hour <= 21;
  }) ?? 'Asia/Ho_Chi_Minh';

const config = testCentre((c) => {
  c.centre.timeZone = CENTRE_ZONE;
  c.centre.authority = { vi: 'UBND xã Thử Nghiệm', en: 'Thu Nghiem Commune People’s Committee' };
  c.kiosks = [{ id: 'k1', printerId: 'p1' }];
  c.devices = [{ kind: 'printer', id: 'p1', bridge: 'hub', path: '/dev/ttyS0' }];
  // Đất đai keeps its hours but on every day, so that the test does not depend on the weekday.
  c.services[2]!.hours = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }];
});

describe.skipIf(skipBrowserTests)("the supervisor's screens", () => {
  // One hub and one supervisor's screen for the file (the tests go on from each other): all is
  // closed after the last test.
  const { browser, cleanups } = setUpBrowserTests({ builtPage: 'counter/index.html', cleanUpAfter: 'all' });
  let hub: RunningHub;
  let host: ScriptedDeviceHost | null = null;
  let supervisor: Screen;

  beforeAll(async () => {
    hub = await startWebHub(cleanups, {
      config,
      name: 'supervisor',
      clock: () => Date.now() + skew.ms,
      createDeviceHost: (devices, link) => (host = new ScriptedDeviceHost(devices, link)),
    });
    await until(() => hub.devices.deviceViews().find((d) => d.id === 'p1')?.condition === 'ok');
  });

  async function screen(path: string, width: number, height: number): Promise<Screen> {
    const opened = await openScreen(browser(), `${hub.url}${path}`, { width, height, timezoneId: 'UTC', context: { acceptDownloads: true } });
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

  const tab = (name: string) => supervisor.page.getByTestId('sup-tab-' + name).click();

  it('(a) the overview shows every counter and the alerts in plain words, live', { timeout: 60_000 }, async () => {
    for (const serviceId of ['ho-tich', 'ho-tich', 'ho-tich', 'chung-thuc', 'tu-phap']) await takeTicket(hub, serviceId);
    const o1 = await staffSocket('o1', OFFICER_PASSWORD);
    expectOk(await send(o1 as never, 'counter:open', { commandId: newCommandId(), counterId: 'c1' }));
    expectOk(await send(o1 as never, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
    expectOk(await send(o1 as never, 'counter:start', { commandId: newCommandId(), counterId: 'c1' }));
    const o2 = await staffSocket('o2', OFFICER_PASSWORD);
    expectOk(await send(o2 as never, 'counter:open', { commandId: newCommandId(), counterId: 'c2' })); // and calls nobody
    host!.setStatus('p1', 'paper-near-end');
    skew.ms += 31 * 60_000; // half an hour later

    supervisor = await screen('/counter/', 1280, 800);
    const page = supervisor.page;
    await logInOnPad(page, 'sup', SUPERVISOR_PASSWORD);
    await page.screenshot({ path: join(SHOTS, 'supervisor-picker.png') });
    await page.getByTestId('open-supervisor').click();

    const alerts = page.getByTestId('overview-alerts');
    await visible(alerts.getByTestId('alert-idle-counter'));
    const alertText = await alerts.innerText();
    expect(alertText).toContain('Quầy 2 đang mở nhưng 31 phút chưa gọi ai, trong khi 3 người đang chờ.');
    expect(alertText).toContain('Hộ tịch: có người đã chờ 31 phút.');
    expect(alertText).toContain('Máy in p1 sắp hết giấy.');

    const c1 = page.getByTestId('ov-counter-c1');
    expect(await c1.innerText()).toContain('Nguyễn Thị Lan');
    expect(await c1.innerText()).toContain('A001');
    expect(await c1.innerText()).toContain('Đang phục vụ');
    expect(await page.getByTestId('ov-counter-c2').innerText()).toContain('Đang rảnh');
    expect(await page.getByTestId('ov-counter-c3').innerText()).toContain('Đóng');
    // (Elapsed times follow the hub's clock, which the screen learns from the views within a second.)
    await until(async () => /2\s+31 phút/.test(await page.getByTestId('ov-service-ho-tich').innerText()));
    await page.screenshot({ path: join(SHOTS, 'supervisor-overview.png') });

    // Live: the officer finishes at counter 1 and the card follows.
    expectOk(await send(o1 as never, 'counter:done', { commandId: newCommandId(), counterId: 'c1' }));
    await until(async () => (await c1.innerText()).includes('Đang rảnh'));
    expect(await c1.innerText()).not.toContain('A001');

    // In English, one tap away.
    await page.getByRole('button', { name: 'English' }).click();
    await visible(alerts.getByText('Counter 2 is open but has called nobody for 31 minutes while 3 people wait.'));
    await page.screenshot({ path: join(SHOTS, 'supervisor-overview-en.png') });
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await visible(page.getByText('Tổng quan', { exact: true }).first());
  });

  it('(b) a report: the table, the chart, the CSV and the print layout', { timeout: 60_000 }, async () => {
    const page = supervisor.page;
    await tab('reports');
    const total = page.getByTestId('report-row-total');
    await visible(total);
    // Five tickets taken today, one served.
    expect((await total.locator('td').nth(0).innerText()).trim()).toBe('5');
    expect((await total.locator('td').nth(1).innerText()).trim()).toBe('1');
    expect(await page.getByTestId('report-row-ho-tich').innerText()).toContain('Hộ tịch');
    const bars = page.locator('.hour-chart__bar');
    expect(await bars.count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'supervisor-report.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^luot-service-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').trim().split(/\r\n/);
    expect(lines[0]).toMatch(/^Lĩnh vực,Số phiếu đã lấy,Đã phục vụ,Vắng mặt/);
    expect(lines.find((l) => l.startsWith('Hộ tịch,'))).toMatch(/^Hộ tịch,3,1,0,/);
    expect(lines.at(-1)).toMatch(/^Tổng cộng,5,1,/);

    // Grouped by counter: counter 1 served the one ticket.
    await page.getByRole('button', { name: 'Quầy', exact: true }).click();
    await visible(page.getByTestId('report-row-c1'));
    expect(await page.getByTestId('report-row-c1').innerText()).toMatch(/^Quầy 1\s+1\s+1/);
    await page.getByRole('button', { name: 'Lĩnh vực', exact: true }).click();
    await visible(page.getByTestId('report-row-ho-tich'));

    // Printed on A4: the centre, the period, the table and the chart; no bars or buttons. (The
    // viewport is the printable area of A4 with the page's margins, 190 x 273 mm.)
    await page.setViewportSize({ width: 718, height: 1032 });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.topbar').isVisible()).toBe(false);
    expect(await page.locator('.sup-nav').isVisible()).toBe(false);
    expect(await page.getByRole('button').filter({ visible: true }).count()).toBe(0);
    const head = page.locator('.report-print-head');
    expect(await head.isVisible()).toBe(true);
    expect(await head.innerText()).toContain('TRUNG TÂM THỬ NGHIỆM');
    expect(await head.innerText()).toContain('BÁO CÁO TÌNH HÌNH PHỤC VỤ');
    expect(await page.getByTestId('hour-chart').isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'supervisor-report-print.png'), fullPage: true });
    // And as the browser prints it: one A4 page.
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(join(SHOTS, '..', 'supervisor-report.pdf'), pdf);
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBe(1);
    const [, width, height] = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1')) ?? [];
    expect([Math.round(Number(width)), Math.round(Number(height))]).toEqual([595, 842]); // A4 in points
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('(c) the configuration: a daily limit and the notice applied live, an unsafe change refused, a conflict', { timeout: 90_000 }, async () => {
    const page = supervisor.page;
    const display = await screen('/display/', 1920, 1080);
    const kiosk = await screen('/kiosk/', 1080, 1920);
    await visible(display.page.getByText('SỐ ĐANG PHỤC VỤ'));

    await tab('config');
    const tuPhap = page.getByTestId('cfg-service-tu-phap');
    await visible(tuPhap);
    await tuPhap.getByLabel('Giới hạn số phiếu mỗi ngày').fill('1');
    await page.getByRole('button', { name: 'Thông báo và cảnh báo' }).click();
    await page.getByLabel('Thông báo (tiếng Việt)').fill('Chiều nay trung tâm nghỉ họp từ 15 giờ');
    await page.getByLabel('Thông báo (tiếng Anh)').fill('The centre closes at 3 pm today for a meeting');
    expect(await page.getByTestId('config-dirty').innerText()).toBe('Có thay đổi chưa lưu');
    await page.getByRole('button', { name: 'Lưu và áp dụng' }).click();
    const outcome = page.getByTestId('config-outcome');
    await visible(outcome);
    expect(await outcome.innerText()).toContain('Đã lưu. Cấu hình mới đang được áp dụng (phiên bản 2).');
    await page.screenshot({ path: join(SHOTS, 'supervisor-config.png') });

    // The display scrolls the new notice; the kiosk says Tư pháp has no numbers left today.
    const notice = display.page.getByTestId('notice');
    await visible(notice);
    expect(await notice.innerText()).toContain('Chiều nay trung tâm nghỉ họp từ 15 giờ');
    await display.page.screenshot({ path: join(SHOTS, 'supervisor-display-notice.png') });
    if (await kiosk.page.getByTestId('idle-touch').isVisible().catch(() => false)) await kiosk.page.getByTestId('idle-touch').click();
    const tile = kiosk.page.locator('.tile', { hasText: 'Tư pháp' });
    await visible(tile);
    await until(async () => (await tile.innerText()).includes('Đã hết số hôm nay'));
    await kiosk.page.screenshot({ path: join(SHOTS, 'supervisor-kiosk-limit.png') });

    // Removing a service people wait for is refused, with the hub's reason.
    await page.getByRole('button', { name: 'Lĩnh vực', exact: true }).click();
    const chungThuc = page.getByTestId('cfg-service-chung-thuc');
    await chungThuc.getByRole('button', { name: 'Xóa' }).click();
    await page.getByRole('button', { name: 'Lưu và áp dụng' }).click();
    const problems = page.getByTestId('config-problems');
    await visible(problems);
    expect(await outcome.innerText()).toContain('Chưa thể áp dụng thay đổi này trong ngày làm việc đang diễn ra');
    expect(await problems.innerText()).toContain('service "chung-thuc" has 1 people waiting: serve or transfer them first');
    await page.screenshot({ path: join(SHOTS, 'supervisor-config-refused.png') });
    expect(hub.service.publicView().services.map((s) => s.id)).toContain('chung-thuc');
    await page.getByRole('button', { name: 'Bỏ thay đổi' }).click();
    await visible(page.getByTestId('cfg-service-chung-thuc'));

    // A second supervisor changes it meanwhile: this screen's save is refused, and reloads.
    const other = await staffSocket('sup', SUPERVISOR_PASSWORD);
    const { version, config: current } = expectOk(await send<{ version: number; config: Record<string, any> }>(other as never, 'config:get', {}));
    current.alerts.longWaitMinutes = 45;
    expectOk(await send(other as never, 'config:replace', { commandId: newCommandId(), baseVersion: version, config: current }));
    await page.getByTestId('cfg-service-ho-tich').getByLabel('Giới hạn số phiếu mỗi ngày').fill('60');
    await page.getByRole('button', { name: 'Lưu và áp dụng' }).click();
    await until(async () => (await outcome.innerText()).includes('Cấu hình vừa được người khác thay đổi'));
    await outcome.getByRole('button', { name: 'Tải lại cấu hình' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Tải lại cấu hình' }).click();
    await until(async () => (await page.getByTestId('config-bar').innerText()).includes('Phiên bản 3'));
    expect(await page.getByTestId('cfg-service-ho-tich').getByLabel('Giới hạn số phiếu mỗi ngày').inputValue()).toBe('50');
    expect(display.errors).toEqual([]);
  });

  it('(d) the audit trail shows who changed what, before and after', { timeout: 30_000 }, async () => {
    const page = supervisor.page;
    await tab('audit');
    const audit = page.getByTestId('audit');
    await visible(audit);
    const text = await audit.innerText();
    expect(text).toContain('services[tu-phap].dailyLimit');
    expect(text).toMatch(/services\[tu-phap\]\.dailyLimit\s*2\s*→\s*1/);
    expect(text).toContain('display.notice');
    expect(text).toContain('"vi":"Chiều nay trung tâm nghỉ họp từ 15 giờ"');
    expect(text).toMatch(/alerts\.longWaitMinutes\s*30\s*→\s*45/);
    expect(text).toContain('Võ Thanh Hà');
    expect(text).toContain('Sửa cấu hình');
    expect(await page.getByTestId('audit-entry').count()).toBe(2);
    await page.screenshot({ path: join(SHOTS, 'supervisor-audit.png') });
  });

  it('(e) an API key issued on the screen lets the one-stop software push; late dossiers are listed', { timeout: 30_000 }, async () => {
    const page = supervisor.page;
    await tab('apikeys');
    await page.getByLabel('Mã hệ thống').fill('motcua');
    await page.getByRole('button', { name: 'Cấp khóa' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cấp khóa' }).click();
    const shown = page.getByTestId('api-key');
    await visible(shown);
    const key = (await shown.innerText()).trim();
    expect(key).toMatch(/^motcua\.\S+$/);
    expect(await page.getByRole('dialog').innerText()).toContain('Khóa này chỉ hiện một lần');
    await page.screenshot({ path: join(SHOTS, 'supervisor-apikey.png') });
    await page.getByRole('button', { name: 'Tôi đã chép khóa, đóng' }).click();

    const now = Date.now() + skew.ms;
    const iso = (ms: number) => new Date(ms).toISOString();
    const push = (n: number, receivedAt: number, dueAt: number, name: string) =>
      fetch(`${hub.url}/api/dossiers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({
          code: `000.00.15.H29-261120-000${n}`,
          lookupKey: `KEY${n}X`,
          procedure: 'Đăng ký khai sinh',
          field: 'Hộ tịch',
          applicant: { name, phone: null, email: null, lang: 'vi' },
          receivedAt: iso(receivedAt),
          dueAt: iso(dueAt),
          status: 4,
          delivery: 'centre',
          collectAt: 'Quầy 1',
        }),
      });
    expect((await push(1, now - 20 * 86_400_000, now - 10 * 86_400_000, 'Nguyễn Văn An')).status).toBe(200);
    expect((await push(2, now - 2 * 86_400_000, now + 60 * 60_000, 'Trần Thị Bình')).status).toBe(200);

    await tab('deadlines');
    const late = page.getByTestId('deadline-000.00.15.H29-261120-0001');
    await visible(late);
    expect(await late.getAttribute('class')).toContain('deadline-row--late');
    expect(await late.innerText()).toContain('Quá hạn');
    expect(await late.innerText()).toMatch(/Trễ \d+ ngày làm việc/);
    expect(await late.innerText()).toContain('Nguyễn Văn An');
    expect(await late.innerText()).toContain('Đang xử lý');
    const near = page.getByTestId('deadline-000.00.15.H29-261120-0002');
    expect(await near.innerText()).toContain('Sắp đến hạn');
    expect(await page.getByTestId('deadlines-summary').innerText()).toBe('1 hồ sơ quá hạn · 1 hồ sơ sắp đến hạn');
    await page.screenshot({ path: join(SHOTS, 'supervisor-deadlines.png') });

    // Revoking the key stops the pushes.
    await tab('apikeys');
    await page.getByLabel('Mã hệ thống').fill('motcua');
    await page.getByRole('button', { name: 'Thu hồi khóa' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Thu hồi khóa' }).click();
    await visible(page.getByText('Đã thu hồi khóa của motcua.'));
    expect((await push(3, now, now + 86_400_000, 'Lê Văn Cường')).status).toBe(401);
    expect(supervisor.errors).toEqual([]);
  });

  it('(f) officers, holidays, the calling order; export and import of the whole file', { timeout: 60_000 }, async () => {
    const page = supervisor.page;
    await tab('config');
    const bar = page.getByTestId('config-bar');
    const version = async () => Number((await bar.innerText()).match(/Phiên bản (\d+)/)?.[1]);
    const before = await version();
    const save = async () => {
      const next = (await version()) + 1;
      await page.getByRole('button', { name: 'Lưu và áp dụng' }).click();
      await until(async () => (await page.getByTestId('config-outcome').innerText()).includes(`phiên bản ${next}`));
    };

    // A new officer with a password, who can log in at once.
    await page.getByRole('button', { name: 'Cán bộ', exact: true }).click();
    await page.getByRole('button', { name: 'Thêm cán bộ' }).click();
    const card = page.getByTestId('cfg-officer-new-4');
    await card.getByLabel('Tên đăng nhập').fill('o9');
    await page.getByTestId('cfg-officer-o9').getByLabel('Họ và tên').fill('Đặng Thu Trang');
    await page.getByTestId('cfg-officer-o9').getByLabel('Mật khẩu').fill('short');
    await page.getByRole('button', { name: 'Lưu và áp dụng' }).click();
    await visible(page.getByText('Mật khẩu của Đặng Thu Trang phải có ít nhất 8 ký tự.'));
    await page.getByTestId('cfg-officer-o9').getByLabel('Mật khẩu').fill('trang-2026');
    await save();
    await staffSocket('o9', 'trang-2026');

    // A password reset works at once and does not get in the way of the next save.
    await page.getByTestId('cfg-officer-o1').getByRole('button', { name: 'Đặt lại mật khẩu' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Mật khẩu mới', { exact: true }).fill('lan-new-pass');
    await dialog.getByLabel('Nhập lại mật khẩu mới').fill('lan-new-pass');
    await dialog.getByRole('button', { name: 'Đặt mật khẩu' }).click();
    await visible(page.getByText('Đã đặt mật khẩu mới cho Nguyễn Thị Lan.'));
    await staffSocket('o1', 'lan-new-pass');
    await page.screenshot({ path: join(SHOTS, 'supervisor-config-officers.png') });

    // A holiday and the calling order.
    await page.getByRole('button', { name: 'Ngày nghỉ' }).click();
    await page.getByLabel('Ngày nghỉ', { exact: true }).fill('2027-02-16');
    await page.getByRole('button', { name: 'Thêm ngày nghỉ' }).click();
    await visible(page.getByText('16/02/2027'));
    await page.getByRole('button', { name: 'Ưu tiên và thứ tự gọi' }).click();
    await page.getByText('Ưu tiên trước', { exact: true }).click();
    await page.screenshot({ path: join(SHOTS, 'supervisor-config-priority.png') });
    await save();
    expect(await version()).toBe(before + 3); // the officer, the password, the holiday and order
    const live = (await send<{ config: Record<string, any> }>((await staffSocket('sup', SUPERVISOR_PASSWORD)) as never, 'config:get', {})) as {
      ok: true;
      data: { config: Record<string, any> };
    };
    expect(live.data.config.dossiers.calendar.holidays).toEqual(['2027-02-16']);
    expect(live.data.config.ordering.priority).toBe('priority-first');

    // Export: the whole configuration, without password hashes.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Xuất tệp JSON' }).click()]);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as Record<string, any>;
    expect(exported.services.map((x: { id: string }) => x.id)).toEqual(['ho-tich', 'chung-thuc', 'dat-dai', 'tu-phap']);
    expect(JSON.stringify(exported)).not.toContain('scrypt$');

    // Import a changed copy of it.
    exported.alerts.idleCounterMinutes = 7;
    await page.getByTestId('config-import').setInputFiles({ name: 'cau-hinh.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
    await page.getByRole('dialog').getByRole('button', { name: 'Nhập và áp dụng' }).click();
    await until(async () => (await page.getByTestId('config-outcome').innerText()).includes(`phiên bản ${before + 4}`));
    expect(await version()).toBe(before + 4);
    expect(hub.service.publicView().services).toHaveLength(4);
    await staffSocket('o9', 'trang-2026'); // passwords survive an import
    expect(supervisor.errors).toEqual([]);
  });

  it('(g) a supervisor working at a counter reaches the overview from the pad and comes back', { timeout: 30_000 }, async () => {
    const page = supervisor.page;
    await page.getByTestId('back').click();
    await page.getByRole('button', { name: /^Quầy 3\b/ }).click();
    await textIs(page.getByTestId('pad-counter'), 'Quầy 3');
    const header = page.locator('.topbar--pad');
    // Everything in the pad's header fits on one line of the tablet.
    expect(await header.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'supervisor-pad.png') });
    await page.getByTestId('open-supervisor').click();
    await visible(page.getByTestId('ov-counter-c3'));
    expect(await page.getByTestId('ov-counter-c3').innerText()).toContain('Võ Thanh Hà');
    await page.getByTestId('back').click();
    await textIs(page.getByTestId('pad-counter'), 'Quầy 3');
    expect(supervisor.errors).toEqual([]);
  });

  it('(h) closing time: the supervisor ends the day and carries those waiting over', { timeout: 30_000 }, async () => {
    const page = supervisor.page;
    await page.getByTestId('open-supervisor').click();
    const card = page.getByTestId('close-day');
    await visible(card);
    await card.getByRole('button', { name: 'Chuyển sang ngày làm việc tiếp theo' }).click();
    await visible(page.getByText('Kết thúc ngày làm việc?'));
    await page.screenshot({ path: join(SHOTS, 'supervisor-close-day.png') });
    await page.locator('.modal').getByRole('button', { name: 'Chuyển sang ngày làm việc tiếp theo' }).click();
    await visible(card.getByText(/Đã kết thúc ngày làm việc: Chuyển sang ngày làm việc tiếp theo\./));
    expect(hub.service.publicView().closing).toMatchObject({ mode: 'carry-over' });
    expect(supervisor.errors).toEqual([]);
  });
});
