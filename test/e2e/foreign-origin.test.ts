import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketIssued } from '../../server/protocol/views';
import { expectOk, newCommandId, send } from '../helpers/hub-fixture';
import { testCentre } from '../helpers/test-centre';
import { CHROMIUM, Cleanups, LAUNCH_ARGS, skipBrowserTests } from './browser';
import { hubSocket, startWebHub } from './web-hub';

/**
 * A page on another site, opened by someone on the centre's LAN in Debian's Chromium, tries to use
 * the hub: Socket.IO over a WebSocket (spoken by hand, as an attacker's script would), a REST take
 * sent the way a cross-site form can (no CORS preflight), and reads. Then the same page under a
 * name that resolves to the hub (DNS rebinding, played with Chromium's host resolver rules). Neither
 * may take a ticket or read the queue; the hub's own page, with the same script, can (so the test
 * can fail).
 */

/** Runs in the page: everything a hostile script can try against the hub at `hub`. */
async function attack(hub: string): Promise<{ frames: string[]; restTake: string; queueRead: string; polling: string }> {
  const frames: string[] = [];
  // crypto.randomUUID needs a secure context, which a plain-http foreign name is not.
  const uuid = () => '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) => (Number(c) ^ (Math.random() * 16) >> (Number(c) / 4)).toString(16));
  await new Promise<void>((resolve) => {
    const ws = new WebSocket(`${hub.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const done = () => {
      ws.close();
      resolve();
    };
    ws.onmessage = (event) => {
      const frame = String(event.data);
      frames.push(frame);
      // Engine.IO open: ask Socket.IO for the main namespace as a kiosk; once connected, take a ticket.
      if (frame.startsWith('0{')) ws.send('40{"app":"kiosk"}');
      if (frame.startsWith('40{')) ws.send(`420["ticket:take",{"commandId":"${uuid()}","serviceId":"ho-tich"}]`);
      // Refused, or the take answered: nothing more to wait for.
      if (frame.startsWith('44') || frame.startsWith('43')) done();
      if (frame === '2') ws.send('3');
    };
    ws.onerror = () => frames.push('(error)');
    ws.onclose = () => resolve();
    setTimeout(done, 2_500);
  });
  const outcome = (p: Promise<Response>) =>
    p.then(
      (r) => (r.type === 'opaque' ? 'opaque' : `${r.status} ${r.headers.get('content-type') ?? ''}`),
      (e: unknown) => `failed: ${String(e)}`,
    );
  // A "simple" cross-site POST: no preflight, the browser sends it and hides the answer.
  const restTake = await outcome(
    fetch(`${hub}/api/tickets`, {
      method: 'POST',
      mode: 'no-cors',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ serviceId: 'ho-tich' }),
    }),
  );
  const queueRead = await outcome(fetch(`${hub}/api/queue`).then(async (r) => ((await r.text()).includes('ho-tich') ? r : Promise.reject(new Error(`${r.status}`)))));
  // Socket.IO over HTTP long-polling: the handshake (a GET), then the connect packet (a POST).
  const handshake = await fetch(`${hub}/socket.io/?EIO=4&transport=polling`).then(
    (r) => r.text(),
    () => '',
  );
  const sid = /"sid":"([^"]+)"/.exec(handshake)?.[1];
  const polling = sid
    ? await outcome(
        fetch(`${hub}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: '40{"app":"kiosk"}' }),
      )
    : 'no handshake';
  return { frames, restTake, queueRead, polling };
}

function expectRefused(frames: string[]): void {
  const what = JSON.stringify(frames);
  expect(frames.some((f) => f.startsWith('44') && f.includes('ORIGIN_NOT_ALLOWED')), what).toBe(true);
  expect(frames.some((f) => f.startsWith('40{')), `no Socket.IO session: ${what}`).toBe(false);
  expect(frames.some((f) => f.startsWith('43')), `no answer to the take: ${what}`).toBe(false);
}

describe.skipIf(skipBrowserTests)('a page on another origin', () => {
  const cleanups = new Cleanups();
  let browser: Browser;
  let foreignSite: Server;
  let foreignUrl: string;

  beforeAll(async () => {
    // evil.test resolves to this machine: a foreign name pointed at the hub's address.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...LAUNCH_ARGS, '--host-resolver-rules=MAP evil.test 127.0.0.1'],
    });
    foreignSite = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Khuyến mãi</title><h1>Quà tặng</h1>'));
    await new Promise<void>((r) => foreignSite.listen(0, '127.0.0.1', r));
    foreignUrl = `http://127.0.0.1:${(foreignSite.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await cleanups.runAll();
    await browser?.close();
    await new Promise((r) => foreignSite?.close(r));
  });

  async function pageAt(url: string): Promise<Page> {
    const context = await browser.newContext();
    cleanups.add('screen', () => context.close());
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }

  it('takes no ticket from another site or under a rebound name, and another site reads nothing; the hub’s own page can take one', async () => {
    const hub = await startWebHub(cleanups, { config: testCentre(), name: 'foreign-origin' });
    const port = new URL(hub.url).port;

    const foreign = await (await pageAt(foreignUrl)).evaluate(attack, hub.url);
    // Socket.IO refuses the connect: never a session, never an answer to the take.
    expectRefused(foreign.frames);
    expect(foreign.queueRead, 'the queue is not readable from another site').toMatch(/^failed/);
    expect(foreign.polling, 'no polling handshake readable from another site').toBe('no handshake');

    // DNS rebinding: the page's name now points at the hub, so the hub itself served the page (a GET
    // carries no Origin); what the script then sends says Origin and Host evil.test.
    const rebound = await (await pageAt(`http://evil.test:${port}/no-such-page`)).evaluate(attack, `http://evil.test:${port}`);
    expectRefused(rebound.frames);
    // Same origin for the browser, so it shows the answer: the hub's refusal.
    expect(rebound.restTake).toMatch(/^403 application\/json/);
    // A same-origin GET carries no Origin, so the polling handshake is answered; the connect packet's POST is refused.
    expect(rebound.polling).toMatch(/^403/);

    // Nothing was taken: the next real kiosk gets the first number.
    const kiosk = await hubSocket(cleanups, hub, 'kiosk');
    expect(expectOk(await send<TicketIssued>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' })).number).toBe('A001');

    // The same script on the hub's own page is answered: a ticket for the kiosk.
    const own = await (await pageAt(`${hub.url}/no-such-page`)).evaluate(attack, hub.url);
    expect(own.polling).toMatch(/^200/);
    const answer = own.frames.find((f) => f.startsWith('430'));
    expect(answer, JSON.stringify(own.frames)).toContain('"number":"A002"');
  }, 60_000);
});
