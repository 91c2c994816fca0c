import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { io } from 'socket.io-client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../server/hub';
import { OFFICER_PASSWORD } from '../helpers/test-centre';
import { logInOnPad, openScreen, setUpBrowserTests, SHOTS, skipBrowserTests, visible, type Screen } from './browser';
import { startHubWithDossiers, takeTicket } from './web-hub';

/**
 * axe-core on every screen a person uses, in Vietnamese: the kiosk (idle, start, priority question,
 * ticket, lookup, dossier, a service without numbers), the counter pad (login, pad with a called
 * ticket) and the wall display. No serious or critical violation may remain. The full findings of
 * the last run are written to test-output/screenshots/axe-report.json.
 */

type Finding = { screen: string; id: string; impact: string; help: string; targets: string[] };
const SEVERE = new Set(['serious', 'critical']);

describe.skipIf(skipBrowserTests)('accessibility (axe-core) of the screens, in Vietnamese', () => {
  const { browser, cleanups } = setUpBrowserTests({ cleanUpAfter: 'all' });
  let hub: RunningHub;
  const findings: Finding[] = [];

  beforeAll(async () => {
    hub = (await startHubWithDossiers(cleanups, { name: 'axe' })).hub;
  });

  afterAll(() => {
    writeFileSync(join(SHOTS, 'axe-report.json'), JSON.stringify(findings, null, 2));
  });

  async function open(path: string, width: number, height: number): Promise<Screen> {
    const screen = await openScreen(browser(), `${hub.url}${path}`, { width, height });
    cleanups.add('screen', () => screen.context.close());
    return screen;
  }

  /** Runs axe on the page as it is now; returns the serious and critical violations, readable. */
  async function audit(page: Page, name: string): Promise<string[]> {
    // Let animations settle: axe reads colours as they are drawn.
    await page.waitForTimeout(300);
    const result = await new AxeBuilder({ page }).analyze();
    const severe: string[] = [];
    for (const v of result.violations) {
      const targets = v.nodes.map((n) => n.target.join(' '));
      findings.push({ screen: name, id: v.id, impact: v.impact ?? 'unknown', help: v.help, targets });
      if (SEVERE.has(v.impact ?? '')) severe.push(`${name}: [${v.impact}] ${v.id}: ${v.help} @ ${targets.slice(0, 4).join(' | ')}`);
    }
    return severe;
  }

  it('the kiosk: idle, start, priority, ticket, a full service, lookup and dossier', { timeout: 90_000 }, async () => {
    // Tư pháp gives two numbers a day: take them, so that its tile says it is full.
    for (let i = 0; i < 2; i++)
      await takeTicket(hub, 'tu-phap');
    const { page, errors } = await open('/kiosk/?idle=4', 1080, 1920);
    const severe: string[] = [];
    await visible(page.getByText('Mời chọn lĩnh vực để lấy số thứ tự'));
    await visible(page.getByTestId('idle'), 10_000);
    severe.push(...(await audit(page, 'kiosk idle')));
    await page.getByTestId('idle-touch').click();
    await visible(page.getByText('Mời chọn lĩnh vực để lấy số thứ tự'));
    severe.push(...(await audit(page, 'kiosk start')));

    // The audit took a while without a touch: the kiosk may have gone idle again.
    if (await page.getByTestId('idle-touch').isVisible()) await page.getByTestId('idle-touch').click();
    await page.getByText('Hộ tịch', { exact: true }).click();
    await visible(page.getByText('Bạn thuộc nhóm ưu tiên?'));
    severe.push(...(await audit(page, 'kiosk priority')));
    await page.getByRole('button', { name: 'Người cao tuổi' }).click();
    await visible(page.getByTestId('ticket-number'));
    severe.push(...(await audit(page, 'kiosk ticket')));
    await page.getByRole('button', { name: 'Xong' }).click();

    await visible(page.getByText('Mời chọn lĩnh vực để lấy số thứ tự'));
    await page.locator('.tile', { hasText: 'Tư pháp' }).click();
    await visible(page.getByTestId('unavailable'));
    severe.push(...(await audit(page, 'kiosk full service')));
    await page.getByRole('button', { name: 'Quay lại' }).click();

    await visible(page.getByText('Mời chọn lĩnh vực để lấy số thứ tự'));
    await page.getByRole('button', { name: /Tra cứu hồ sơ/ }).click();
    await visible(page.getByTestId('lookup'));
    await page.getByLabel('Mã hồ sơ').fill('000.00.15.H29-261120-0001');
    await page.getByLabel('Mã tra cứu').fill('WRONG1');
    await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
    await visible(page.getByTestId('lookup-problem'));
    severe.push(...(await audit(page, 'kiosk lookup (not found)')));
    await page.getByLabel('Mã tra cứu').fill('A7K9Q2');
    await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
    await visible(page.getByTestId('dossier'));
    severe.push(...(await audit(page, 'kiosk dossier')));
    expect(severe).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('the counter pad: login, and the pad with a called ticket', { timeout: 60_000 }, async () => {
    await takeTicket(hub, 'chung-thuc');
    const { page, errors } = await open('/counter/', 1280, 800);
    const severe: string[] = [];
    await visible(page.getByLabel('Tên đăng nhập'));
    severe.push(...(await audit(page, 'counter login')));
    await logInOnPad(page, 'o2', OFFICER_PASSWORD);
    await page.getByRole('button', { name: /^Quầy 2\b/ }).click();
    await visible(page.getByRole('button', { name: /Gọi số tiếp/ }));
    await page.getByRole('button', { name: /Gọi số tiếp/ }).click();
    await visible(page.getByTestId('current-ticket-number'));
    severe.push(...(await audit(page, 'counter pad')));
    expect(severe).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('the wall display', { timeout: 60_000 }, async () => {
    const { page, errors } = await open('/display/', 1920, 1080);
    await visible(page.getByText('SỐ ĐANG PHỤC VỤ'));
    const severe = await audit(page, 'display');
    expect(severe).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('the phone pages and the rating tablet', { timeout: 60_000 }, async () => {
    const kiosk = io(hub.url, { transports: ['websocket'], reconnection: false, auth: { app: 'kiosk' } });
    await new Promise<void>((r) => kiosk.once('connect', () => r()));
    const ticket = await new Promise<{ ok: boolean; data: { ticketId: string } }>((r) =>
      kiosk.emit('ticket:take', { commandId: `a11y-${Date.now()}`, serviceId: 'ho-tich' }, r),
    );
    kiosk.disconnect();
    const severe: string[] = [];
    const follow = await open(`/display/follow.html?ticket=${encodeURIComponent(ticket.data.ticketId)}`, 360, 640);
    await follow.page.waitForSelector('text=/A\\d{3}/');
    severe.push(...(await audit(follow.page, 'follow page')));
    const lookup = await open('/display/lookup.html', 360, 640);
    await lookup.page.waitForLoadState('networkidle');
    severe.push(...(await audit(lookup.page, 'lookup page')));
    const rating = await open('/counter/rate/?counter=c1', 800, 1280);
    await rating.page.waitForLoadState('networkidle');
    severe.push(...(await audit(rating.page, 'rating tablet')));
    expect(severe).toEqual([]);
  });
});
