import { join } from 'node:path';
import { io } from 'socket.io-client';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../server/hub';
import type { RatingPrompt } from '../../server/protocol/views';
import { expectOk, send } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, testCentre } from '../helpers/test-centre';
import { logInOnPad, openScreen, setUpBrowserTests, SHOTS, skipBrowserTests, textIs, until, visible, type Screen } from './browser';
import { startWebHub, takeTicket } from './web-hub';

/**
 * The satisfaction question in Debian's Chromium against a real hub (run `vite build` first): a
 * rating tablet paired with counter 1 asks when the officer presses Done, takes one answer (with a
 * reason when not satisfied), thanks, and cannot be answered twice; the pad "turned around" asks the
 * same on the officer's own screen; the supervisor's report counts both answers.
 */

/** The hub's clock, moved ahead when the test needs a question to lapse without waiting 90 s. */
const skew = { ms: 0 };

describe.skipIf(skipBrowserTests)('rating the service at a counter', () => {
  // One hub for the file; its screens and sockets are closed after the last test.
  const { browser, cleanups } = setUpBrowserTests({ builtPage: 'counter/rate/index.html', cleanUpAfter: 'all' });
  let hub: RunningHub;

  beforeAll(async () => {
    hub = await startWebHub(cleanups, { config: testCentre(), name: 'rating', clock: () => Date.now() + skew.ms });
  });

  /** Pairs a counter's rating screen as the supervisor does: the URL to open it with, once. */
  async function pairingUrl(counterId: string): Promise<{ path: string; secret: string }> {
    const sup = io(hub.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { app: 'counter' } });
    try {
      await new Promise<void>((res) => sup.once('connect', () => res()));
      expectOk(await send(sup as never, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
      const paired = expectOk(
        await send<{ url: string; secret: string }>(sup as never, 'pairing:issue', { commandId: `pair-${counterId}-${Date.now()}`, kind: 'rating', targetId: counterId }),
      );
      const url = new URL(paired.url);
      return { path: `${url.pathname}${url.search}`, secret: paired.secret };
    } finally {
      sup.disconnect();
    }
  }

  async function screen(path: string, width: number, height: number, touch = false): Promise<Screen> {
    const opened = await openScreen(browser(), `${hub.url}${path}`, { width, height, touch });
    cleanups.add('screen', () => opened.context.close().catch(() => undefined));
    return opened;
  }

  it('asks at the tablet after Done, once, anonymously; the pad turned around asks too; the report counts both', { timeout: 90_000 }, async () => {
    await takeTicket(hub, 'ho-tich');
    await takeTicket(hub, 'ho-tich');

    // The tablet beside counter 1, portrait, opened once with the pairing URL the supervisor got.
    const pairing = await pairingUrl('c1');
    expect(pairing.path).toMatch(/^\/counter\/rate\/\?counter=c1&pair=/);
    const tablet = await screen(pairing.path, 800, 1280, true);
    const idle = tablet.page.getByTestId('rating-idle');
    await visible(idle);
    expect(await idle.innerText()).toContain('Quầy 1');
    expect(await idle.innerText()).toContain('Cảm ơn quý khách');
    // The secret is kept by the tablet and taken out of the address bar.
    expect(new URL(tablet.page.url()).search).toBe('?counter=c1');
    await tablet.page.screenshot({ path: join(SHOTS, 'rating-tablet-idle.png') });

    // A stranger (any page or program on the LAN) may not watch or answer counter 1's question.
    const stranger = io(hub.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { app: 'counter' } });
    cleanups.add('client', () => void stranger.disconnect());
    await new Promise<void>((res) => stranger.once('connect', () => res()));
    expect(await send(stranger as never, 'rating:watch', { counterId: 'c1' })).toMatchObject({ ok: false, error: 'FORBIDDEN' });

    // A second screen with the tablet's secret, to try a second answer to the same question later.
    const watcher = io(hub.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { app: 'counter', pairing: pairing.secret } });
    cleanups.add('client', () => void watcher.disconnect());
    const prompts: RatingPrompt[] = [];
    watcher.on('rating:prompt', (m) => m.prompt && prompts.push(m.prompt));
    await new Promise<void>((res) => watcher.once('connect', () => res()));
    expectOk(await send(watcher as never, 'rating:watch', { counterId: 'c1' }));

    // The officer at counter 1 serves A001 and presses Done.
    const pad = await screen('/counter/', 1280, 800);
    await logInOnPad(pad.page, 'o1', OFFICER_PASSWORD);
    await pad.page.getByRole('button', { name: /^Quầy 1\b/ }).click();
    const invite = pad.page.getByTestId('invite-rating');
    await visible(invite);
    expect(await invite.isDisabled()).toBe(true);
    await pad.page.getByRole('button', { name: /Gọi số tiếp/ }).click();
    await textIs(pad.page.getByTestId('current-ticket-number'), 'A001');
    await pad.page.getByRole('button', { name: /^Xong/ }).click();

    // The tablet asks, without any ticket number.
    await visible(tablet.page.getByText('Quý khách có hài lòng với việc phục vụ?'));
    const asked = await tablet.page.locator('body').innerText();
    expect(asked).not.toContain('A001');
    expect(asked).toContain('Rất hài lòng');
    expect(asked).toContain('Hài lòng');
    expect(asked).toContain('Không hài lòng');
    // The three answers are very large.
    const box = await tablet.page.getByTestId('rate-1').boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(200);
    expect(box?.width ?? 0).toBeGreaterThanOrEqual(600);
    await tablet.page.screenshot({ path: join(SHOTS, 'rating-tablet-question.png') });

    // English, one tap away, and back.
    await tablet.page.getByRole('button', { name: 'English' }).tap();
    await visible(tablet.page.getByText('Are you satisfied with the service?'));
    await tablet.page.screenshot({ path: join(SHOTS, 'rating-tablet-question-en.png') });
    await tablet.page.getByRole('button', { name: 'Tiếng Việt' }).tap();

    // Not satisfied: why, then thanks.
    await tablet.page.getByTestId('rate-1').tap();
    await visible(tablet.page.getByText('Quý khách chưa hài lòng về điều gì?'));
    await tablet.page.screenshot({ path: join(SHOTS, 'rating-tablet-reason.png') });
    await tablet.page.getByRole('button', { name: 'Chờ lâu' }).tap();
    await visible(tablet.page.getByText('Cảm ơn quý khách!'));
    await tablet.page.screenshot({ path: join(SHOTS, 'rating-tablet-thanks.png') });

    // A second answer is impossible: nothing to tap, and the pad has nothing to ask. Another answer
    // to the same prompt is refused; the stranger cannot answer it either (see the report below).
    expect(await tablet.page.getByTestId('rate-3').count()).toBe(0);
    expect(prompts).toHaveLength(1);
    expect(await send(stranger as never, 'rating:submit', { promptId: prompts[0]!.promptId, level: 3 })).toMatchObject({ ok: false, error: 'FORBIDDEN' });
    expect(await send(watcher as never, 'rating:submit', { promptId: prompts[0]!.promptId, level: 3 })).toMatchObject({ ok: false, error: 'ALREADY_RATED' });
    expect(await invite.isDisabled()).toBe(true);
    await visible(idle, 15_000);

    // The pad turned around: A002 done, the officer hands the pad to the visitor.
    await pad.page.getByRole('button', { name: /Gọi số tiếp/ }).click();
    await textIs(pad.page.getByTestId('current-ticket-number'), 'A002');
    await pad.page.getByRole('button', { name: /^Xong/ }).click();
    await until(async () => !(await invite.isDisabled()));
    await pad.page.screenshot({ path: join(SHOTS, 'rating-pad-invite.png') });
    await invite.click();
    const overlay = pad.page.getByTestId('rating-overlay');
    await visible(overlay.getByText('Quý khách có hài lòng với việc phục vụ?'));
    expect(await overlay.innerText()).not.toContain('A002');
    await pad.page.screenshot({ path: join(SHOTS, 'rating-pad-overlay.png') });
    // The keyboard shortcuts of the pad are off while the visitor has it.
    await pad.page.keyboard.press('n');
    await overlay.getByTestId('rate-3').click();
    await visible(overlay.getByText('Cảm ơn quý khách!'));
    await pad.page.screenshot({ path: join(SHOTS, 'rating-pad-thanks.png') });
    // The tablet, asked the same question meanwhile, is idle again once it is answered.
    await visible(idle);
    // After the thanks, the pad is the officer's again; nothing was called meanwhile.
    await overlay.waitFor({ state: 'detached', timeout: 15_000 });
    expect(await pad.page.getByTestId('current-ticket').innerText()).toContain('Chưa gọi số nào');

    // The supervisor's report counts both answers.
    const supervisor = await screen('/counter/', 1280, 800);
    await logInOnPad(supervisor.page, 'sup', SUPERVISOR_PASSWORD);
    await supervisor.page.getByTestId('open-supervisor').click();
    await supervisor.page.getByTestId('sup-tab-reports').click();
    const total = supervisor.page.getByTestId('report-row-total');
    await visible(total);
    expect((await total.getByTestId('rating-poor').innerText()).trim()).toBe('1');
    expect((await total.getByTestId('rating-very-good').innerText()).trim()).toBe('1');
    expect((await total.getByTestId('rating-good').innerText()).trim()).toBe('0');
    await supervisor.page.screenshot({ path: join(SHOTS, 'rating-report.png') });

    for (const s of [tablet, pad, supervisor]) expect(s.errors).toEqual([]);
  });

  it('a question nobody answers lapses by itself; a tablet without a counter says so', { timeout: 30_000 }, async () => {
    await takeTicket(hub, 'chung-thuc');
    // A tablet nobody paired says so, and is shown no question.
    const unpaired = await screen('/counter/rate/?counter=c2', 800, 1280, true);
    await visible(unpaired.page.getByTestId('rating-not-paired'));
    expect(await unpaired.page.getByTestId('rating-not-paired').innerText()).toContain('chưa được ghép với quầy');
    await unpaired.page.screenshot({ path: join(SHOTS, 'rating-tablet-not-paired.png') });
    const tablet = await screen((await pairingUrl('c2')).path, 800, 1280, true);
    const idle = tablet.page.getByTestId('rating-idle');
    await visible(idle);
    expect(await idle.innerText()).toContain('Quầy 2');

    const officer = io(hub.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { app: 'counter' } });
    cleanups.add('client', () => void officer.disconnect());
    await new Promise<void>((res) => officer.once('connect', () => res()));
    expectOk(await send(officer as never, 'session:login', { username: 'o2', password: OFFICER_PASSWORD }));
    for (const name of ['counter:open', 'counter:call-next', 'counter:done'])
      expectOk(await send(officer as never, name, { commandId: `lapse-${name.slice(8)}-${Date.now()}`, counterId: 'c2' }));
    await visible(tablet.page.getByText('Quý khách có hài lòng với việc phục vụ?'));

    // 91 seconds later by the hub's clock (the screen learns it from the next view): nobody answered.
    skew.ms += 91_000;
    await takeTicket(hub, 'chung-thuc');
    await visible(idle, 10_000);
    expect(await tablet.page.getByTestId('rate-3').count()).toBe(0);

    const unknown = await screen('/counter/rate/?counter=nope', 800, 1280, true);
    await visible(unknown.page.getByTestId('rating-no-counter'));
    expect(await unknown.page.getByTestId('rating-no-counter').innerText()).toContain('chưa được gắn với quầy nào');
    await unknown.page.screenshot({ path: join(SHOTS, 'rating-tablet-no-counter.png') });
    for (const s of [tablet, unknown, unpaired]) expect(s.errors).toEqual([]);
  });
});
