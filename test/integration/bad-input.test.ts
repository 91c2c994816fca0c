import { afterEach, describe, expect, it } from 'vitest';
import type { Ack, CounterView, SessionInfo, Snapshot, TicketIssued } from '../../server/protocol/views';
import { expectOk, issueApiKey, newCommandId, officerAtCounter, send, startTestHub, type HubClient, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, vnTime } from '../helpers/test-centre';

let hub: TestHub;
afterEach(async () => hub?.stop());

/** The whole observable state: public view and every counter's view. */
function stateOf(h: TestHub): string {
  const view = h.hub.service.publicView();
  const counters = h.config.counters.map((c) => h.hub.service.counterView(c.id));
  return JSON.stringify({ view, counters, seq: h.hub.service.version });
}

describe('bad input over Socket.IO', () => {
  it.each<[string, string, unknown, string]>([
    ['an empty take', 'ticket:take', {}, 'INVALID_PAYLOAD'],
    ['a take that is a string', 'ticket:take', 'ho-tich', 'INVALID_PAYLOAD'],
    ['a take that is null', 'ticket:take', null, 'INVALID_PAYLOAD'],
    ['a take with a field too many', 'ticket:take', { commandId: 'abcdefgh1', serviceId: 'ho-tich', admin: true }, 'INVALID_PAYLOAD'],
    ['a take without a commandId', 'ticket:take', { serviceId: 'ho-tich' }, 'INVALID_PAYLOAD'],
    ['a take with a short commandId', 'ticket:take', { commandId: 'x', serviceId: 'ho-tich' }, 'INVALID_PAYLOAD'],
    ['a take with an HTML commandId', 'ticket:take', { commandId: '<script>x</script>', serviceId: 'ho-tich' }, 'INVALID_PAYLOAD'],
    ['a take for an unknown service', 'ticket:take', { commandId: 'abcdefgh2', serviceId: 'xay-dung' }, 'UNKNOWN_SERVICE'],
    ['a take with a 10 kB service id', 'ticket:take', { commandId: 'abcdefgh3', serviceId: 'x'.repeat(10_000) }, 'INVALID_PAYLOAD'],
    ['a take for an unknown priority group', 'ticket:take', { commandId: 'abcdefgh4', serviceId: 'ho-tich', priorityGroup: 'vip' }, 'UNKNOWN_PRIORITY_GROUP'],
    ['a take for a closed service', 'ticket:take', { commandId: 'abcdefgh5', serviceId: 'dat-dai' }, 'SERVICE_CLOSED'],
    ['a login with a number for a name', 'session:login', { username: 5, password: 'x' }, 'INVALID_PAYLOAD'],
    ['a state request with a bad counter', 'state:request', { counterId: 42 }, 'INVALID_PAYLOAD'],
    ['a next with no counter', 'counter:call-next', { commandId: 'abcdefgh6' }, 'INVALID_PAYLOAD'],
    ['a next for an unknown counter', 'counter:call-next', { commandId: 'abcdefgh7', counterId: 'c9' }, 'UNKNOWN_COUNTER'],
    ['a transfer naming nothing', 'counter:transfer', { commandId: 'abcdefgh8', counterId: 'c1' }, 'INVALID_PAYLOAD'],
    ['a transfer to a service the centre lacks', 'counter:transfer', { commandId: 'abcdefgh9', counterId: 'c1', toServiceId: 'xay-dung' }, 'UNKNOWN_SERVICE'],
    ['a call of a number nobody has', 'counter:call-number', { commandId: 'abcdefgh10', counterId: 'c1', number: 'A099' }, 'UNKNOWN_TICKET'],
    ['a call of something that is no number', 'counter:call-number', { commandId: 'abcdefgh11', counterId: 'c1', number: 'DROP TABLE' }, 'INVALID_PAYLOAD'],
    ['a pause without a reason', 'counter:pause', { commandId: 'abcdefgh12', counterId: 'c1', reason: '' }, 'INVALID_PAYLOAD'],
    ['a resume of a counter that is not paused', 'counter:resume', { commandId: 'abcdefgh13', counterId: 'c1' }, 'COUNTER_NOT_PAUSED'],
    ['a done with nothing called', 'counter:done', { commandId: 'abcdefgh14', counterId: 'c1' }, 'NO_CURRENT_TICKET'],
    ['a call of a ticket not waiting', 'counter:call-number', { commandId: 'abcdefgh15', counterId: 'c1', number: 'A001' }, 'TICKET_NOT_WAITING'],
  ])('%s is refused (%s) and changes nothing', async (_name, event, payload, code) => {
    hub = await startTestHub({ clock: { now: vnTime('14:00') } });
    const counter = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const kiosk = await hub.connect({ app: 'kiosk' });
    expectOk(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }));
    expectOk(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }));
    expectOk(await send(counter, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
    expectOk(await send(counter, 'counter:done', { commandId: newCommandId(), counterId: 'c1' }));
    const before = stateOf(hub);
    const socket = event.startsWith('counter:') || event === 'state:request' ? counter : kiosk;
    const ack = await send(socket, event, payload);
    expect(ack).toMatchObject({ ok: false, error: code });
    expect((ack as { message: string }).message.length).toBeGreaterThan(5);
    expect(stateOf(hub)).toBe(before);
  });

  it('answers in the language of the request', async () => {
    hub = await startTestHub({ clock: { now: vnTime('14:00') } });
    const kiosk = await hub.connect({ app: 'kiosk' });
    expect(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'dat-dai' })).toEqual({
      ok: false,
      error: 'SERVICE_CLOSED',
      message: 'Lĩnh vực này hiện ngoài giờ tiếp nhận.',
    });
    expect(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'dat-dai', lang: 'en' })).toEqual({
      ok: false,
      error: 'SERVICE_CLOSED',
      message: 'This service is not taking numbers at this time.',
    });
    const english = await hub.connect({ app: 'kiosk', lang: 'en' });
    expect(await send(english, 'ticket:take', { commandId: newCommandId(), serviceId: 'nope' })).toMatchObject({ message: 'There is no such service.' });
  });

  it('a full daily limit is a clear refusal', async () => {
    hub = await startTestHub();
    const kiosk = await hub.connect({ app: 'kiosk' });
    expectOk(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'tu-phap' }));
    expectOk(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'tu-phap' }));
    expect(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'tu-phap' })).toMatchObject({ ok: false, error: 'DAILY_LIMIT_REACHED' });
    expect(hub.hub.service.publicView().services.find((s) => s.id === 'tu-phap')?.availability).toBe('DAILY_LIMIT_REACHED');
  });

  it('survives garbage: events it does not know, no ack callback, a payload over the size limit', async () => {
    hub = await startTestHub();
    const kiosk = await hub.connect({ app: 'kiosk' });
    // Untyped, as a hostile or buggy client would send.
    const rawEmit = (socket: HubClient, event: string, payload: unknown) =>
      (socket as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
    rawEmit(kiosk, 'no-such-event', { x: 1 });
    rawEmit(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }); // no ack
    const big = await hub.connect({ app: 'kiosk' });
    const closed = new Promise((resolve) => big.once('disconnect', resolve));
    rawEmit(big, 'ticket:take', { commandId: newCommandId(), serviceId: 'y'.repeat(300_000) });
    expect(await closed).toBe('transport close');
    // The hub is still there for everyone else.
    expect(expectOk(await send<TicketIssued>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' })).number).toBe('A002');
  });
});

describe('sessions and roles', () => {
  const next = (socket: HubClient, counterId = 'c1') => send<CounterView>(socket, 'counter:call-next', { commandId: newCommandId(), counterId });

  it('a counter command without a session is refused', async () => {
    hub = await startTestHub();
    const socket = await hub.connect({ app: 'counter' });
    const before = stateOf(hub);
    expect(await send(socket, 'counter:open', { commandId: newCommandId(), counterId: 'c1' })).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
    expect(await next(socket)).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
    expect(await send(socket, 'state:request', { counterId: 'c1' })).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
    expect(stateOf(hub)).toBe(before);
  });

  it('a forged or tampered token is refused', async () => {
    hub = await startTestHub();
    const login = await hub.connect({ app: 'counter' });
    const session = expectOk(await send<SessionInfo>(login, 'session:login', { username: 'o2', password: OFFICER_PASSWORD }));
    const changed = `${session.token.slice(0, -1)}${session.token.endsWith('A') ? 'B' : 'A'}`;
    for (const token of [changed, session.token.slice(1), `${session.token}x`, 'garbage', '']) {
      const socket = await hub.connect({ app: 'counter', token });
      expect(await send(socket, 'counter:open', { commandId: newCommandId(), counterId: 'c1' })).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
    }
  });

  it('an officer may only work at the counters allowed to them', async () => {
    hub = await startTestHub();
    const socket = await hub.connect({ app: 'counter' });
    const session = expectOk(await send<SessionInfo>(socket, 'session:login', { username: 'o3', password: OFFICER_PASSWORD }));
    expect(session.counters).toEqual(['c3']);
    expect(await send(socket, 'counter:open', { commandId: newCommandId(), counterId: 'c1' })).toMatchObject({ ok: false, error: 'FORBIDDEN' });
    expect(await send(socket, 'state:request', { counterId: 'c1' })).toMatchObject({ ok: false, error: 'FORBIDDEN' });
    expectOk(await send(socket, 'counter:open', { commandId: newCommandId(), counterId: 'c3' }));
  });

  it("another officer cannot act at a counter someone holds; the supervisor can take it over", async () => {
    hub = await startTestHub();
    await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const other = await hub.connect({ app: 'counter' });
    expectOk(await send(other, 'session:login', { username: 'o2', password: OFFICER_PASSWORD }));
    expect(await send(other, 'counter:open', { commandId: newCommandId(), counterId: 'c1' })).toMatchObject({ ok: false, error: 'COUNTER_OCCUPIED' });
    expect(await next(other)).toMatchObject({ ok: false, error: 'COUNTER_OCCUPIED' });
    const supervisor = await hub.connect({ app: 'counter' });
    expectOk(await send(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
    expect(await send(supervisor, 'counter:open', { commandId: newCommandId(), counterId: 'c1' })).toMatchObject({ ok: false, error: 'COUNTER_OCCUPIED' });
    const taken = expectOk(await send<CounterView>(supervisor, 'counter:open', { commandId: newCommandId(), counterId: 'c1', force: true }));
    expect(taken.officer).toEqual({ id: 'sup', name: 'Võ Thanh Hà' });
    // An officer cannot force.
    expect(await send(other, 'counter:open', { commandId: newCommandId(), counterId: 'c1', force: true })).toMatchObject({ ok: false, error: 'COUNTER_OCCUPIED' });
  });

  it('an expired session is refused with SESSION_EXPIRED', async () => {
    const clock = { now: vnTime('07:00') };
    hub = await startTestHub({ clock });
    const socket = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    clock.now = vnTime('19:01'); // 12 hours later
    expect(await next(socket)).toMatchObject({ ok: false, error: 'SESSION_EXPIRED', message: 'Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.' });
  });

  it('a logged-out token no longer works', async () => {
    hub = await startTestHub();
    const socket = await hub.connect({ app: 'counter' });
    const session = expectOk(await send<SessionInfo>(socket, 'session:login', { username: 'o1', password: OFFICER_PASSWORD }));
    expectOk(await send(socket, 'session:logout', {}));
    const again = await hub.connect({ app: 'counter', token: session.token });
    expect(await send(again, 'counter:open', { commandId: newCommandId(), counterId: 'c1' })).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
  });

  it('repeated wrong passwords are slowed down, also for the right password', async () => {
    hub = await startTestHub();
    const socket = await hub.connect({ app: 'counter' });
    const tries: Ack<SessionInfo>[] = [];
    for (let i = 0; i < 5; i++) tries.push(await send<SessionInfo>(socket, 'session:login', { username: 'o1', password: `wrong-${i}` }));
    expect(tries.slice(0, 4).map((t) => (t.ok ? 'ok' : t.error))).toEqual(['BAD_CREDENTIALS', 'BAD_CREDENTIALS', 'BAD_CREDENTIALS', 'BAD_CREDENTIALS']);
    const limited = await send<SessionInfo>(socket, 'session:login', { username: 'o1', password: OFFICER_PASSWORD });
    expect(limited).toMatchObject({ ok: false, error: 'RATE_LIMITED' });
    expect((limited as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    expect((limited as { message: string }).message).toMatch(/\d+ giây/);
  });

  it('the staff and counter views reach only logged-in officers', async () => {
    hub = await startTestHub();
    const display = await hub.connect({ app: 'display' });
    const snapshot = expectOk(await send<Snapshot>(display, 'state:request', {}));
    expect(snapshot.staff).toBeNull();
    const officer = await hub.connect({ app: 'counter' });
    expectOk(await send(officer, 'session:login', { username: 'o1', password: OFFICER_PASSWORD }));
    const staff = expectOk(await send<Snapshot>(officer, 'state:request', {})).staff;
    expect(staff?.view.counters.map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
  });
});

describe('REST API', () => {
  it('takes a ticket, idempotently with an Idempotency-Key', async () => {
    hub = await startTestHub();
    const key = await issueApiKey(hub, 'motcua', ['tickets']);
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${hub.hub.url}/api/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
        body: JSON.stringify(body),
      });
    const first = await post({ serviceId: 'ho-tich' }, { 'Idempotency-Key': 'booking-42-abc' });
    expect(first.status).toBe(201);
    const ticket = await first.json();
    expect(ticket).toMatchObject({ number: 'A001', serviceId: 'ho-tich' });
    expect(await (await post({ serviceId: 'ho-tich' }, { 'Idempotency-Key': 'booking-42-abc' })).json()).toEqual(ticket);
    expect((await (await post({ serviceId: 'ho-tich' })).json()).number).toBe('A002');
    const queue = await (await fetch(`${hub.hub.url}/api/queue`)).json();
    expect(queue.view.services.find((s: { id: string }) => s.id === 'ho-tich').waiting).toBe(2);
  });

  it('answers bad requests with typed errors and the right status', async () => {
    hub = await startTestHub();
    const key = await issueApiKey(hub, 'motcua', ['tickets']);
    const before = stateOf(hub);
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${hub.hub.url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers }, body });
    const cases: [Response, number, string][] = [
      [await post('{"serviceId": '), 400, 'INVALID_PAYLOAD'],
      [await post('{"serviceId":"nope"}'), 404, 'UNKNOWN_SERVICE'],
      [await post('{"serviceId":"ho-tich","x":1}'), 400, 'INVALID_PAYLOAD'],
      [await post('{"serviceId":"ho-tich"}', { 'Idempotency-Key': 'bad key!' }), 400, 'INVALID_PAYLOAD'],
      [await post(JSON.stringify({ serviceId: 'a'.repeat(20_000) })), 413, 'INVALID_PAYLOAD'],
      [await fetch(`${hub.hub.url}/api/nothing`), 404, 'NOT_FOUND'],
    ];
    for (const [response, status, code] of cases) {
      expect(response.status).toBe(status);
      const body = await response.json();
      expect(body.error).toBe(code);
      expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|Error:|stack/);
    }
    expect(stateOf(hub)).toBe(before);
    const english = await post('{"serviceId":"nope"}', { 'Accept-Language': 'en-US,en;q=0.9' });
    expect((await english.json()).message).toBe('There is no such service.');
  });

  it('describes itself with OpenAPI 3 and sets security headers', async () => {
    hub = await startTestHub();
    const response = await fetch(`${hub.hub.url}/api/openapi.json`);
    const doc = await response.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/queue', '/api/tickets', '/api/dossiers', '/api/dossiers/import', '/api/dossiers/lookup', '/api/reports']));
    expect(doc.paths['/api/tickets'].post.requestBody.content['application/json'].schema.properties.serviceId).toBeDefined();
    for (const path of ['/api/health', '/', '/kiosk/']) {
      const page = await fetch(`${hub.hub.url}${path}`);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('x-powered-by')).toBeNull();
    }
  });
});
