import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import type { Ack, PublicView, TicketIssued, Versioned } from '../../server/protocol/views';
import {
  connectOutcome,
  expectOk,
  issueApiKey,
  newCommandId,
  officerAtCounter,
  pairScreen,
  send,
  startTestHub,
  supervisorSocket,
  type HubClient,
  type TestHub,
} from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, testCentre } from '../helpers/test-centre';

/**
 * Issue 11, "no foreign page acting on the hub": who may connect (origins, DNS rebinding), who may
 * take a number (kiosk networks, pairing), how fast (the default take limits), and who may use the
 * REST take and the rating screens. Real hubs on port 0, real Socket.IO clients, real HTTP.
 */

let hubs: TestHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.map((h) => h.stop()));
  hubs = [];
});

async function hubWith(patch?: Parameters<typeof testCentre>[0], clock?: { now: number }): Promise<TestHub> {
  const hub = await startTestHub({ config: testCentre(patch), ...(clock ? { clock } : {}) });
  hubs.push(hub);
  return hub;
}

/** A socket connecting with the headers a browser page would send: 'connected' or the refusal. */
const connectWith = (hub: TestHub, headers: Record<string, string>, auth: Record<string, unknown> = { app: 'kiosk' }) =>
  connectOutcome(hub.hub.url, { extraHeaders: headers, auth });

/** A raw HTTP request, so that Host and Origin are exactly what a browser would send. */
function http(
  hub: TestHub,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string; json: Record<string, unknown> | null }> {
  const url = new URL(hub.hub.url);
  // A string goes as it is (an Engine.IO polling payload), anything else as JSON.
  const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const type = typeof body === 'string' ? 'text/plain;charset=UTF-8' : 'application/json';
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { ...(data ? { 'content-type': type, 'content-length': String(data.length) } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | null = null;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

const take = (socket: HubClient, serviceId = 'ho-tich', commandId = newCommandId()) =>
  send<TicketIssued>(socket, 'ticket:take', { commandId, serviceId });

const issuedCount = (hub: TestHub) => hub.hub.service.todayTickets().length;

describe('origins: only the hub\'s own pages, listed origins and non-browsers', () => {
  it('refuses a page of another site on the socket, also one that rebinds its DNS name to the hub', async () => {
    const hub = await hubWith((c) => {
      c.security = { ...c.security, allowedOrigins: ['https://luot.trungtam.gov.vn'] };
    });
    const { host } = new URL(hub.hub.url);
    // A bridge or another system: no Origin at all.
    expect(await connectWith(hub, {})).toBe('connected');
    // The hub's own page, at the address the browser reached it at.
    expect(await connectWith(hub, { origin: `http://${host}` })).toBe('connected');
    // The reverse proxy's public name the supervisor listed.
    expect(await connectWith(hub, { origin: 'https://luot.trungtam.gov.vn' })).toBe('connected');
    // A page of another site a LAN user happens to open.
    expect(await connectWith(hub, { origin: 'http://evil.example' })).toBe('ORIGIN_NOT_ALLOWED');
    expect(await connectWith(hub, { origin: 'https://luot.trungtam.gov.vn.evil.example' })).toBe('ORIGIN_NOT_ALLOWED');
    // The hub's address, but another port (another program on the same machine).
    expect(await connectWith(hub, { origin: 'http://127.0.0.1:1' })).toBe('ORIGIN_NOT_ALLOWED');
    // DNS rebinding: evil.example now resolves to the hub, so Origin and Host agree, but the name is not the hub's.
    expect(await connectWith(hub, { origin: `http://evil.example:${new URL(hub.hub.url).port}`, host: `evil.example:${new URL(hub.hub.url).port}` })).toBe(
      'ORIGIN_NOT_ALLOWED',
    );
    expect(await connectWith(hub, { origin: 'null' })).toBe('ORIGIN_NOT_ALLOWED');
    expect(await connectWith(hub, { origin: 'file://' })).toBe('ORIGIN_NOT_ALLOWED');
    expect(issuedCount(hub)).toBe(0);
  });

  it('refuses a page of another site on every HTTP request, and takes nothing for it', async () => {
    const hub = await hubWith();
    const key = await issueApiKey(hub, 'booking', ['tickets']);
    const { host, port } = new URL(hub.hub.url);
    const foreign = { origin: 'http://evil.example', host };
    const auth = { authorization: `Bearer ${key}` };

    const posted = await http(hub, 'POST', '/api/tickets', { ...foreign, ...auth }, { serviceId: 'ho-tich' });
    expect(posted.status).toBe(403);
    expect(posted.json).toMatchObject({ error: 'ORIGIN_NOT_ALLOWED' });
    expect(String(posted.json?.message)).not.toBe('');
    const read = await http(hub, 'GET', '/api/queue', foreign);
    expect(read.status).toBe(403);
    expect(read.json).toMatchObject({ error: 'ORIGIN_NOT_ALLOWED' });
    // DNS rebinding over HTTP: a foreign name for the hub's address.
    const rebound = await http(hub, 'POST', '/api/tickets', { origin: `http://evil.example:${port}`, host: `evil.example:${port}`, ...auth }, { serviceId: 'ho-tich' });
    expect(rebound.status).toBe(403);
    expect(issuedCount(hub)).toBe(0);

    // DNS rebinding over Socket.IO's long-polling: the same-origin handshake (a GET) carries no Origin,
    // the POST bringing the connect packet does, and is refused.
    const evil = `evil.example:${port}`;
    const handshake = await http(hub, 'GET', '/socket.io/?EIO=4&transport=polling', { host: evil });
    const sid = /"sid":"([^"]+)"/.exec(handshake.text)?.[1];
    expect(sid, handshake.text).toBeDefined();
    const connect = await http(hub, 'POST', `/socket.io/?EIO=4&transport=polling&sid=${sid}`, { origin: `http://${evil}`, host: evil }, '40{"app":"kiosk"}');
    expect(connect.status).toBe(403);
    expect(connect.json).toMatchObject({ error: 'ORIGIN_NOT_ALLOWED' });
    expect((await http(hub, 'GET', `/socket.io/?EIO=4&transport=polling&sid=${sid}`, { origin: `http://${evil}`, host: evil })).status).toBe(403);
    expect(issuedCount(hub)).toBe(0);

    // The same request from the hub's own page, and from no browser at all, works.
    expect((await http(hub, 'GET', '/api/queue', { origin: `http://${host}`, host })).status).toBe(200);
    const own = await http(hub, 'POST', '/api/tickets', { ...auth, host }, { serviceId: 'ho-tich' });
    expect(own.status).toBe(201);
    expect(own.json).toMatchObject({ number: 'A001' });
    expect(issuedCount(hub)).toBe(1);
  });
});

describe('the kiosk networks and pairing', () => {
  it('refuses a take from a machine off the kiosk networks until the supervisor pairs it; revoking or reissuing unpairs it at once', async () => {
    const hub = await hubWith((c) => {
      c.security = { ...c.security, kioskNetworks: ['10.0.0.0/8'] };
    });
    // This test connects from 127.0.0.1: not a kiosk network of this centre.
    const stranger = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
    const refused = await take(stranger);
    expect(refused).toMatchObject({ ok: false, error: 'UNTRUSTED_KIOSK' });
    expect((refused as { message: string }).message).not.toBe('');
    expect(issuedCount(hub)).toBe(0);

    const secret = await pairScreen(hub, 'kiosk', 'k1');
    // Paired: it is kiosk k1 whatever its handshake says, and may take from anywhere.
    const paired = await hub.connect({ app: 'kiosk', kioskId: 'k9', pairing: secret });
    expect(expectOk(await take(paired)).number).toBe('A001');
    // A wrong secret is ignored: the screen connects, unpaired, and is refused.
    const forged = await hub.connect({ app: 'kiosk', pairing: `${secret}x` });
    expect(await take(forged)).toMatchObject({ ok: false, error: 'UNTRUSTED_KIOSK' });

    // Reissued: the screen with the old secret is unpaired at once (it stays connected).
    const sup = await supervisorSocket(hub);
    const reissued = expectOk(await send<{ secret: string; url: string }>(sup, 'pairing:issue', { commandId: newCommandId(), kind: 'kiosk', targetId: 'k1' }));
    expect(reissued.secret).not.toBe(secret);
    expect(reissued.url).toContain(`pair=${encodeURIComponent(reissued.secret)}`);
    expect(paired.connected).toBe(true);
    expect(await take(paired)).toMatchObject({ ok: false, error: 'UNTRUSTED_KIOSK' });
    const repaired = await hub.connect({ app: 'kiosk', pairing: reissued.secret });
    expect(expectOk(await take(repaired)).number).toBe('A002');
    // An old secret connects unpaired.
    expect(await take(await hub.connect({ app: 'kiosk', pairing: secret }))).toMatchObject({ ok: false, error: 'UNTRUSTED_KIOSK' });

    // Revoked: unpaired at once, and the secret is worth nothing after.
    expect(expectOk(await send(sup, 'pairing:revoke', { commandId: newCommandId(), kind: 'kiosk', targetId: 'k1' }))).toMatchObject({ revoked: true });
    expect(await take(repaired)).toMatchObject({ ok: false, error: 'UNTRUSTED_KIOSK' });
    expect(await take(await hub.connect({ app: 'kiosk', pairing: reissued.secret }))).toMatchObject({ ok: false, error: 'UNTRUSTED_KIOSK' });
    expect(hub.hub.service.todayTickets().map((t) => t.number)).toEqual(['A001', 'A002']);
  });

  it('only the supervisor pairs and unpairs', async () => {
    const hub = await hubWith();
    const officer = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const stranger = await hub.connect({ app: 'kiosk' });
    for (const socket of [officer, stranger]) {
      const issue = await send(socket, 'pairing:issue', { commandId: newCommandId(), kind: 'kiosk', targetId: 'k1' });
      expect(issue.ok).toBe(false);
      expect(['FORBIDDEN', 'NOT_LOGGED_IN']).toContain((issue as { error: string }).error);
      const revoke = await send(socket, 'pairing:revoke', { commandId: newCommandId(), kind: 'kiosk', targetId: 'k1' });
      expect(revoke.ok).toBe(false);
    }
  });
});

describe('take limits, as a centre gets them by default', () => {
  /** The test centre lifts the limits; a real centre has the defaults (7.4 of the protocol). */
  const defaults = (c: Parameters<NonNullable<Parameters<typeof testCentre>[0]>>[0]) => {
    delete (c.security as { takeLimits?: unknown }).takeLimits;
  };

  it('a kiosk that floods gets its burst, then RATE_LIMITED with when to try again; answered retries are never refused', async () => {
    const clock = { now: Date.parse('2026-11-26T09:00:00+07:00') };
    const hub = await hubWith(defaults, clock);
    const kiosk = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
    const answers: Ack<TicketIssued>[] = [];
    const firstId = newCommandId();
    answers.push(await take(kiosk, 'ho-tich', firstId));
    for (let i = 0; i < 39; i++) answers.push(await take(kiosk));
    const issued = answers.filter((a) => a.ok);
    const limited = answers.filter((a) => !a.ok);
    // The default burst of a kiosk is 6.
    expect(issued).toHaveLength(6);
    expect(new Set(limited.map((a) => (a as { error: string }).error))).toEqual(new Set(['RATE_LIMITED']));
    const retryAfter = (limited[0] as { retryAfterSeconds?: number }).retryAfterSeconds;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(issuedCount(hub)).toBe(6);
    // The retry of an answered take (its answer was lost) gets the same ticket, even now.
    expect(await take(kiosk, 'ho-tich', firstId)).toEqual(answers[0]);
    // After the time it said, the kiosk may take again.
    clock.now += retryAfter! * 1000;
    expect(expectOk(await take(kiosk)).number).toBe('A007');
  });

  it('one machine cannot escape the limit by claiming many kiosk ids', async () => {
    const hub = await hubWith(defaults, { now: Date.parse('2026-11-26T09:00:00+07:00') });
    let issued = 0;
    let limited = 0;
    for (let k = 0; k < 8; k++) {
      const kiosk = await hub.connect({ app: 'kiosk', kioskId: `k${k}` });
      for (let i = 0; i < 6; i++) {
        const answer = await take(kiosk);
        if (answer.ok) issued += 1;
        else {
          expect(answer).toMatchObject({ error: 'RATE_LIMITED' });
          limited += 1;
        }
      }
    }
    // The default burst of an address is 10.
    expect(issued).toBe(10);
    expect(limited).toBe(38);
    expect(issuedCount(hub)).toBe(10);
  });

  it('an integration floods POST /api/tickets: its burst, then 429 with Retry-After', async () => {
    // A clock that stands still: a slow machine must not refill the bucket half way.
    const hub = await hubWith(defaults, { now: Date.parse('2026-11-26T09:00:00+07:00') });
    const key = await issueApiKey(hub, 'booking', ['tickets']);
    const statuses: number[] = [];
    let retryAfter: string | string[] | undefined;
    for (let i = 0; i < 40; i++) {
      const answer = await http(hub, 'POST', '/api/tickets', { authorization: `Bearer ${key}` }, { serviceId: 'ho-tich' });
      statuses.push(answer.status);
      if (answer.status === 429) {
        retryAfter ??= answer.headers['retry-after'];
        expect(answer.json).toMatchObject({ error: 'RATE_LIMITED' });
        expect(Number(answer.json?.retryAfterSeconds)).toBeGreaterThan(0);
      }
    }
    // The default burst of an integration is 30.
    expect(statuses.filter((s) => s === 201)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(issuedCount(hub)).toBe(30);
  });
});

describe('REST take: an API key with the tickets scope', () => {
  it('401 without a key, 403 with a key of another scope, 201 with the right one; Idempotency-Key gives the same ticket, or 422 for another body', async () => {
    const hub = await hubWith();
    const dossiersOnly = await issueApiKey(hub, 'motcua', ['dossiers']);
    const booking = await issueApiKey(hub, 'booking', ['tickets']);
    const post = (headers: Record<string, string>, body: unknown) => http(hub, 'POST', '/api/tickets', headers, body);

    const none = await post({}, { serviceId: 'ho-tich' });
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ error: 'NOT_LOGGED_IN' });
    expect((await post({ authorization: 'Bearer not-a-key' }, { serviceId: 'ho-tich' })).status).toBe(401);
    const wrongScope = await post({ authorization: `Bearer ${dossiersOnly}` }, { serviceId: 'ho-tich' });
    expect(wrongScope.status).toBe(403);
    expect(wrongScope.json).toMatchObject({ error: 'FORBIDDEN' });
    expect(issuedCount(hub)).toBe(0);

    const auth = { authorization: `Bearer ${booking}` };
    expect((await post(auth, { serviceId: 'ho-tich', extra: 1 })).status).toBe(400);
    expect((await post(auth, { serviceId: 'no-such-service' })).json).toMatchObject({ error: 'UNKNOWN_SERVICE' });
    expect((await post({ ...auth, 'idempotency-key': 'bad key!' }, { serviceId: 'ho-tich' })).status).toBe(400);
    expect(issuedCount(hub)).toBe(0);

    const keyed = { ...auth, 'idempotency-key': 'booking-000123' };
    const first = await post(keyed, { serviceId: 'ho-tich' });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ number: 'A001', serviceId: 'ho-tich', priorityGroup: null });
    const again = await post(keyed, { serviceId: 'ho-tich' });
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    const conflict = await post(keyed, { serviceId: 'tu-phap' });
    expect(conflict.status).toBe(422);
    expect(conflict.json).toMatchObject({ error: 'IDEMPOTENCY_CONFLICT' });
    // Another integration's same key is its own.
    const other = await issueApiKey(hub, 'portal', ['tickets']);
    expect((await post({ authorization: `Bearer ${other}`, 'idempotency-key': 'booking-000123' }, { serviceId: 'ho-tich' })).json).toMatchObject({
      number: 'A002',
    });
    expect(hub.hub.service.todayTickets().map((t) => t.number)).toEqual(['A001', 'A002']);

    // GET /api/tickets: the same scope; the day's tickets as stored.
    expect((await http(hub, 'GET', '/api/tickets', {})).status).toBe(401);
    expect((await http(hub, 'GET', '/api/tickets', { authorization: `Bearer ${dossiersOnly}` })).status).toBe(403);
    const list = await http(hub, 'GET', '/api/tickets', auth);
    expect(list.status).toBe(200);
    expect(list.headers['cache-control']).toContain('no-store');
    const listed = (list.json as unknown as Versioned<{ tickets: { number: string }[] }>).view.tickets.map((t) => t.number);
    expect(listed).toEqual(['A001', 'A002']);
  });
});

describe('rating screens: only the paired tablet or the officer at that counter', () => {
  it('a stranger can neither watch a counter\'s questions nor answer them', async () => {
    const hub = await hubWith();
    const kiosk = await hub.connect({ app: 'kiosk' });
    expectOk(await take(kiosk));
    const officer = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const tablet = await hub.connect({ app: 'counter', pairing: await pairScreen(hub, 'rating', 'c1') });
    expectOk(await send(tablet, 'rating:watch', { counterId: 'c1' }));
    const stranger = await hub.connect({ app: 'display' });
    const otherTablet = await hub.connect({ app: 'counter', pairing: await pairScreen(hub, 'rating', 'c2') });
    const otherOfficer = await officerAtCounter(hub, 'o3', OFFICER_PASSWORD, 'c3');
    let strangerAsked = 0;
    for (const s of [stranger, otherTablet, otherOfficer]) s.on('rating:prompt', () => (strangerAsked += 1));
    for (const s of [stranger, otherTablet, otherOfficer])
      expect(await send(s, 'rating:watch', { counterId: 'c1' })).toMatchObject({ ok: false, error: 'FORBIDDEN' });

    const asked = new Promise<{ prompt: { promptId: string } | null }>((resolve) =>
      tablet.on('rating:prompt', (m: { prompt: { promptId: string } | null }) => m.prompt && resolve(m)),
    );
    expectOk(await send(officer, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
    expectOk(await send(officer, 'counter:done', { commandId: newCommandId(), counterId: 'c1' }));
    const { prompt } = await asked;
    for (const s of [stranger, otherTablet, otherOfficer])
      expect(await send(s, 'rating:submit', { promptId: prompt!.promptId, level: 1, reason: null })).toMatchObject({ ok: false, error: 'FORBIDDEN' });
    // The visitor's own answer still counts, and a second, different one is refused.
    expectOk(await send(tablet, 'rating:submit', { promptId: prompt!.promptId, level: 3, reason: null }));
    expect(await send(tablet, 'rating:submit', { promptId: prompt!.promptId, level: 1, reason: null })).toMatchObject({ ok: false, error: 'ALREADY_RATED' });
    expect(strangerAsked).toBe(0);
    const stored = hub.hub.service.todayTickets()[0];
    expect(stored?.rating).toEqual({ level: 3, reason: null });
  });
});

// The public view is what every stranger gets: it must carry no officer or applicant.
describe('what a stranger sees', () => {
  it('the snapshot and GET /api/queue hold no officer name, no priority group', async () => {
    const hub = await hubWith();
    await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const view = ((await (await fetch(`${hub.hub.url}/api/queue`)).json()) as Versioned<PublicView>).view;
    const officerName = hub.config.officers.find((o) => o.id === 'o1')!.name;
    expect(JSON.stringify(view)).not.toContain(officerName);
    expect(JSON.stringify(view)).not.toContain('"o1"');
  });
});
