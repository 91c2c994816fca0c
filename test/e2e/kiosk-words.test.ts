import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testCentre, SUPERVISOR_PASSWORD } from '../helpers/test-centre';
import { expectOk, newCommandId, send } from '../helpers/hub-fixture';
import { morningClock, openScreen, setUpBrowserTests, severeViolations, SHOTS, skipBrowserTests, textIs, visible } from './browser';
import { startWebHub, staffSocket } from './web-hub';

/**
 * What the kiosk and the phone say in two plain cases (issue 15): a visitor with nobody ahead and no
 * counter open is told the same on both (next, once a counter opens); after the supervisor closes the
 * day, the kiosk says that today's numbers are closed, and nothing about choosing a field.
 */
describe.skipIf(skipBrowserTests)('the kiosk and the phone, in plain words', () => {
  const { browser, cleanups } = setUpBrowserTests();

  it('nobody ahead, no counter open: the same words on the ticket and the phone; then the day closed', { timeout: 60_000 }, async () => {
    const hub = await startWebHub(cleanups, { config: testCentre(), clock: morningClock(), name: 'words' });
    const kiosk = await openScreen(browser(), `${hub.url}/kiosk/`, { width: 1080, height: 1920 });
    cleanups.add('screen', () => kiosk.context.close());
    await kiosk.page.getByText('Hộ tịch', { exact: true }).click();
    await kiosk.page.getByRole('button', { name: 'Không', exact: true }).click();
    await visible(kiosk.page.getByTestId('ticket-number'));
    const next = 'Không còn ai chờ trước; xin chờ quầy mở';
    await visible(kiosk.page.getByText(next));
    const ticket = hub.service.followAll().at(-1)!;
    const phone = await openScreen(browser(), `${hub.url}/display/follow.html?ticket=${encodeURIComponent(ticket.ticketId)}`, { width: 390, height: 844 });
    cleanups.add('screen', () => phone.context.close());
    await textIs(phone.page.getByTestId('follow-wait'), next);

    // The supervisor closes the day: the kiosk's start screen says so, with no fields to choose.
    const sup = await staffSocket(cleanups, hub, 'sup', SUPERVISOR_PASSWORD);
    expectOk(await send(sup, 'day:close', { commandId: newCommandId(), mode: 'serve' }));
    await kiosk.page.goto(`${hub.url}/kiosk/`);
    await textIs(kiosk.page.getByTestId('home-closed').getByRole('heading', { level: 1 }), 'Hôm nay đã ngừng cấp số thứ tự');
    expect(await kiosk.page.locator('.tile').count()).toBe(0);
    expect(await kiosk.page.getByText('Mời chọn lĩnh vực để lấy số thứ tự').count()).toBe(0);
    await visible(kiosk.page.getByTestId('start-lookup'));
    expect(await severeViolations(kiosk.page, 'kiosk, day closed')).toEqual([]);
    await kiosk.page.screenshot({ path: join(SHOTS, 'kiosk-day-closed.png') });
  });
});
