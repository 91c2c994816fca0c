import { afterEach, describe, expect, it } from 'vitest';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import type { AuditEntry } from '../../server/protocol/config-types';
import type { ClientHello } from '../../server/protocol/events';
import type { CounterView, SessionInfo, SessionView, Snapshot, StaffView, TicketIssued, Versioned } from '../../server/protocol/views';
import {
  expectOk,
  newCommandId,
  nextEvent,
  recordEvents,
  send,
  startTestHub,
  supervisorSocket,
  tempDataDir,
  type HubClient,
  type TestClock,
  type TestHub,
} from '../helpers/hub-fixture';
import { killHard, spawnHub, type HubProcess } from '../helpers/hub-process';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, testCentre, testCentreInput, vnTime } from '../helpers/test-centre';

/**
 * Issue 11, "sessions end when they should": a logout ends the session on every screen that uses
 * it, also after a restart or a crash; a new password, an officer disabled or removed, the end of
 * the session's hours and a supervisor ending it do too; and password guessing is slowed down
 * without locking an officer out of their own machine.
 *
 * Sockets that must come from another address use socket.io-client's `localAddress` (engine.io-client
 * passes it to the `ws` transport, which binds the connection's local end to it; Linux routes all of
 * 127.0.0.0/8 to the loopback interface, so a hub on 127.0.0.1 sees 127.0.0.2, 127.0.0.3, ...).
 */

let hubs: TestHub[] = [];
let processes: HubProcess[] = [];
let sockets: HubClient[] = [];

afterEach(async () => {
  sockets.forEach((s) => s.disconnect());
  sockets = [];
  for (const hub of hubs) await hub.stop();
  hubs = [];
  await Promise.all(processes.map(killHard));
  processes = [];
});

async function start(options: Parameters<typeof startTestHub>[0] = {}): Promise<TestHub> {
  const hub = await startTestHub(options);
  hubs.push(hub);
  return hub;
}

/** A graceful stop of a hub (what SIGTERM does), keeping its data folder for the next start. */
async function stop(hub: TestHub): Promise<void> {
  hubs = hubs.filter((h) => h !== hub);
  await hub.stop();
}

/** A real socket to any hub (in this process or spawned), optionally from another loopback address. */
async function connectTo(url: string, hello: Partial<ClientHello> = {}, localAddress?: string): Promise<HubClient> {
  const options: Partial<ManagerOptions & SocketOptions> & { localAddress?: string } = {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { app: 'counter', ...hello },
    ...(localAddress ? { localAddress } : {}),
  };
  const socket: HubClient = io(url, options);
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('queue:public', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

async function login(socket: HubClient, username: string, password: string): Promise<SessionInfo> {
  return expectOk(await send<SessionInfo>(socket, 'session:login', { username, password }));
}

/** A counter pad: logs in and opens the counter; gives the pad and its session's token. */
async function padAt(url: string, username: string, counterId: string): Promise<{ pad: HubClient; token: string }> {
  const pad = await connectTo(url);
  const { token } = await login(pad, username, OFFICER_PASSWORD);
  expectOk(await send(pad, 'counter:open', { commandId: newCommandId(), counterId }));
  return { pad, token };
}

function reports(url: string, token: string): Promise<Response> {
  return fetch(`${url}/api/reports?from=2026-11-26&to=2026-11-26&groupBy=service`, { headers: { Authorization: `Bearer ${token}` } });
}

async function errorOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

async function take(kiosk: HubClient, serviceId = 'ho-tich'): Promise<string> {
  return expectOk(await send<TicketIssued>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId })).ticketId;
}

/** A staff view that shows this many people waiting for Hộ tịch. */
function staffWaiting(count: number) {
  return (message: Versioned<StaffView>) => message.view.services.find((s) => s.id === 'ho-tich')?.waiting === count;
}

/** What the socket received of these events after `from` (an index into its recorded events). */
function receivedSince(seen: { name: string }[], from: number, names: string[]): string[] {
  return seen.slice(from).map((e) => e.name).filter((n) => names.includes(n));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type EditableConfig = { officers: Record<string, unknown>[]; security: Record<string, unknown> } & Record<string, unknown>;

async function replaceConfig(sup: HubClient, edit: (config: EditableConfig) => EditableConfig): Promise<void> {
  const { version, config } = expectOk(await send<{ version: number; config: EditableConfig }>(sup, 'config:get', {}));
  expectOk(await send(sup, 'config:replace', { commandId: newCommandId(), baseVersion: version, config: edit(config) }));
}

describe('a logout ends the session on every screen that uses it', () => {
  it('the other screen with the same token is told, leaves the staff and counter views, and is refused; REST refuses the token', async () => {
    const hub = await start();
    const kiosk = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
    const { pad: padA, token } = await padAt(hub.hub.url, 'o1', 'c1');
    // The same officer's second screen, connected with the token, following counter c1.
    const padB = await connectTo(hub.hub.url, { token });
    expect(expectOk(await send<Snapshot>(padB, 'state:request', { counterId: 'c1' })).counter?.view.counterId).toBe('c1');
    // Still logged in: o2 at c2, and the supervisor following c1's view.
    const { pad: padO2 } = await padAt(hub.hub.url, 'o2', 'c2');
    const sup = await supervisorSocket(hub);
    expectOk(await send(sup, 'state:request', { counterId: 'c1' }));
    // An officer's token is known to REST (not a supervisor's: 403, not 401).
    expect((await reports(hub.hub.url, token)).status).toBe(403);

    // Before the logout padB follows both views.
    // (Listening before the take: both views may come in one packet, right after the answer.)
    const staffBefore = nextEvent<Versioned<StaffView>>(padB, 'queue:staff', staffWaiting(1));
    const counterBefore = nextEvent<Versioned<CounterView>>(padB, 'queue:counter', (m) => m.view.counterId === 'c1' && m.view.waitingTotal === 1);
    await take(kiosk);
    await Promise.all([staffBefore, counterBefore]);

    const seen = recordEvents(padB);
    const ended = nextEvent<{ reason: string }>(padB, 'session:ended');
    expectOk(await send(padA, 'session:logout', {}));
    expect(await ended).toEqual({ reason: 'logout' });
    const endedAt = seen.length;

    // A change: the screens still logged in get it, padB gets neither view.
    const staffAfter = nextEvent<Versioned<StaffView>>(padO2, 'queue:staff', staffWaiting(2));
    const counterAfter = nextEvent<Versioned<CounterView>>(sup, 'queue:counter', (m) => m.view.counterId === 'c1' && m.view.waitingTotal === 2);
    await take(kiosk);
    await Promise.all([staffAfter, counterAfter]);
    await sleep(500);
    expect(receivedSince(seen, endedAt, ['queue:staff', 'queue:counter'])).toEqual([]);

    // Its commands are refused, and so is the token on a new screen and over REST.
    expect(await send(padB, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' })).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
    expect(await send(padB, 'state:request', { counterId: 'c1' })).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
    const again = await connectTo(hub.hub.url, { token });
    expect(await send(again, 'counter:open', { commandId: newCommandId(), counterId: 'c1' })).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
    const rest = await reports(hub.hub.url, token);
    expect(rest.status).toBe(401);
    expect(await errorOf(rest)).toBe('NOT_LOGGED_IN');
    // o2 was not touched.
    expectOk(await send(padO2, 'counter:call-next', { commandId: newCommandId(), counterId: 'c2' }));
  });
});

/**
 * After a restart: the logged-out supervisor token is refused on the socket and over REST, the
 * supervisor's other session and the officer's session still work (the officer still at c1).
 */
async function expectAfterRestart(url: string, tokens: { loggedOut: string; supervisor: string; officer: string }): Promise<void> {
  const out = await connectTo(url, { token: tokens.loggedOut });
  expect(await send(out, 'config:get', {})).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
  const rest = await reports(url, tokens.loggedOut);
  expect(rest.status).toBe(401);
  expect(await errorOf(rest)).toBe('NOT_LOGGED_IN');

  const sup = await connectTo(url, { token: tokens.supervisor });
  expect(expectOk(await send<{ version: number }>(sup, 'config:get', {})).version).toBeGreaterThan(0);
  expect((await reports(url, tokens.supervisor)).status).toBe(200);

  const pad = await connectTo(url, { token: tokens.officer });
  expectOk(await send(pad, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
  const snapshot = expectOk(await send<Snapshot>(pad, 'state:request', { counterId: 'c1' }));
  expect(snapshot.counter?.view.officer?.id).toBe('o1');
  expect(snapshot.counter?.view.current).not.toBeNull();
}

describe('a logout lasts through a restart, and a restart logs nobody out', () => {
  it('after a stop and a start on the same data folder', async () => {
    const dataDir = tempDataDir();
    const first = await start({ dataDir });
    const supA = await connectTo(first.hub.url);
    const a = await login(supA, 'sup', SUPERVISOR_PASSWORD);
    const supB = await connectTo(first.hub.url);
    const b = await login(supB, 'sup', SUPERVISOR_PASSWORD);
    const { token: officer } = await padAt(first.hub.url, 'o1', 'c1');
    await take(await first.connect({ app: 'kiosk', kioskId: 'k1' }));
    expect((await reports(first.hub.url, a.token)).status).toBe(200);
    expectOk(await send(supA, 'session:logout', {}));
    await stop(first);

    const second = await start({ dataDir });
    await expectAfterRestart(second.hub.url, { loggedOut: a.token, supervisor: b.token, officer });
  });

  it('after kill -9 of the hub process', async () => {
    const dataDir = tempDataDir();
    const first = await spawnHub(dataDir, testCentreInput());
    processes.push(first);
    const supA = await connectTo(first.url);
    const a = await login(supA, 'sup', SUPERVISOR_PASSWORD);
    const supB = await connectTo(first.url);
    const b = await login(supB, 'sup', SUPERVISOR_PASSWORD);
    const { token: officer } = await padAt(first.url, 'o1', 'c1');
    await take(await connectTo(first.url, { app: 'kiosk', kioskId: 'k1' }));
    expect((await reports(first.url, a.token)).status).toBe(200);
    expectOk(await send(supA, 'session:logout', {}));
    // The logout was answered: it is on disk, whatever happens next.
    await killHard(first);

    const second = await spawnHub(dataDir, testCentreInput());
    processes.push(second);
    await expectAfterRestart(second.url, { loggedOut: a.token, supervisor: b.token, officer });
  }, 120_000);
});

describe('a new password, an officer disabled or removed ends their sessions', () => {
  it('a password set by the supervisor: every screen of that officer is told, the old token and the old password are refused', async () => {
    const hub = await start();
    const { pad: padA, token } = await padAt(hub.hub.url, 'o1', 'c1');
    const padB = await connectTo(hub.hub.url, { token });
    const sup = await supervisorSocket(hub);
    const endedA = nextEvent<{ reason: string }>(padA, 'session:ended');
    const endedB = nextEvent<{ reason: string }>(padB, 'session:ended');
    expectOk(await send(sup, 'officer:set-password', { commandId: newCommandId(), officerId: 'o1', password: 'a-new-password-1' }));
    expect(await endedA).toEqual({ reason: 'password-changed' });
    expect(await endedB).toEqual({ reason: 'password-changed' });

    expect(await send(padA, 'counter:open', { commandId: newCommandId(), counterId: 'c1' })).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
    const old = await connectTo(hub.hub.url, { token });
    expect(await send(old, 'counter:open', { commandId: newCommandId(), counterId: 'c1' })).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });

    const fresh = await connectTo(hub.hub.url);
    expect(await send(fresh, 'session:login', { username: 'o1', password: OFFICER_PASSWORD })).toMatchObject({ ok: false, error: 'BAD_CREDENTIALS' });
    await login(fresh, 'o1', 'a-new-password-1');
    expectOk(await send(fresh, 'counter:open', { commandId: newCommandId(), counterId: 'c1' }));
    // The supervisor's own session is another officer's: untouched.
    expectOk(await send(sup, 'config:get', {}));
  });

  it('an officer disabled in the configuration: told officer-disabled, the token refused, no new login; other officers stay', async () => {
    const hub = await start();
    const { pad, token } = await padAt(hub.hub.url, 'o2', 'c2');
    const { pad: other } = await padAt(hub.hub.url, 'o1', 'c1');
    const sup = await supervisorSocket(hub);
    const ended = nextEvent<{ reason: string }>(pad, 'session:ended');
    await replaceConfig(sup, (config) => ({ ...config, officers: config.officers.map((o) => (o.id === 'o2' ? { ...o, disabled: true } : o)) }));
    expect(await ended).toEqual({ reason: 'officer-disabled' });

    const old = await connectTo(hub.hub.url, { token });
    expect(await send(old, 'counter:open', { commandId: newCommandId(), counterId: 'c2' })).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
    expect(await send(old, 'session:login', { username: 'o2', password: OFFICER_PASSWORD })).toMatchObject({ ok: false, error: 'BAD_CREDENTIALS' });
    expectOk(await send(other, 'state:request', { counterId: 'c1' }));
  });

  it('an officer removed from the configuration: told officer-removed, the token refused, no new login', async () => {
    const hub = await start();
    const o3 = await connectTo(hub.hub.url);
    const { token } = await login(o3, 'o3', OFFICER_PASSWORD);
    const before = await connectTo(hub.hub.url, { token });
    expectOk(await send(before, 'state:request', { counterId: 'c3' }));
    const sup = await supervisorSocket(hub);
    const ended = nextEvent<{ reason: string }>(o3, 'session:ended');
    const endedToo = nextEvent<{ reason: string }>(before, 'session:ended');
    await replaceConfig(sup, (config) => ({ ...config, officers: config.officers.filter((o) => o.id !== 'o3') }));
    expect(await ended).toEqual({ reason: 'officer-removed' });
    expect(await endedToo).toEqual({ reason: 'officer-removed' });

    const old = await connectTo(hub.hub.url, { token });
    expect(await send(old, 'counter:open', { commandId: newCommandId(), counterId: 'c3' })).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
    expect(await send(old, 'session:login', { username: 'o3', password: OFFICER_PASSWORD })).toMatchObject({ ok: false, error: 'BAD_CREDENTIALS' });
  });
});

describe('security.sessionHours sets how long a session lasts', () => {
  const HOUR = 3_600_000;
  const MINUTE = 60_000;

  it('set to 1 in the configuration file: a session expires after an hour (SESSION_EXPIRED), and a new login works', async () => {
    const clock: TestClock = { now: vnTime('08:00') };
    const hub = await start({ clock, config: testCentre((c) => void (c.security = { ...c.security, sessionHours: 1 })) });
    const pad = await connectTo(hub.hub.url);
    const session = await login(pad, 'o1', OFFICER_PASSWORD);
    expect(session.expiresAt).toBe(clock.now + HOUR);
    expectOk(await send(pad, 'counter:open', { commandId: newCommandId(), counterId: 'c1' }));
    const sup = await connectTo(hub.hub.url);
    const supSession = await login(sup, 'sup', SUPERVISOR_PASSWORD);

    clock.now += 59 * MINUTE;
    expectOk(await send(await connectTo(hub.hub.url, { token: session.token }), 'state:request', { counterId: 'c1' }));
    expect((await reports(hub.hub.url, supSession.token)).status).toBe(200);

    clock.now += 2 * MINUTE;
    const late = await connectTo(hub.hub.url, { token: session.token });
    expect(await send(late, 'counter:open', { commandId: newCommandId(), counterId: 'c1' })).toMatchObject({ ok: false, error: 'SESSION_EXPIRED' });
    expect(await send(late, 'state:request', { counterId: 'c1' })).toMatchObject({ ok: false, error: 'SESSION_EXPIRED' });
    // The pad that stayed connected is refused too (SESSION_EXPIRED, or NOT_LOGGED_IN once the hub's
    // sweep has ended its lapsed session on the socket).
    const padAnswer = await send(pad, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' });
    expect(padAnswer.ok).toBe(false);
    expect(['SESSION_EXPIRED', 'NOT_LOGGED_IN']).toContain((padAnswer as { error: string }).error);
    const rest = await reports(hub.hub.url, supSession.token);
    expect(rest.status).toBe(401);
    expect(await errorOf(rest)).toBe('SESSION_EXPIRED');

    const renewed = await login(late, 'o1', OFFICER_PASSWORD);
    expect(renewed.expiresAt).toBe(clock.now + HOUR);
    expectOk(await send(late, 'counter:open', { commandId: newCommandId(), counterId: 'c1' }));
  });

  it('set to 1 with config:replace: sessions made after it last an hour, sessions made before keep their length', async () => {
    const clock: TestClock = { now: vnTime('08:00') };
    const hub = await start({ clock });
    const sup = await connectTo(hub.hub.url);
    const supSession = await login(sup, 'sup', SUPERVISOR_PASSWORD);
    expect(supSession.expiresAt).toBe(clock.now + 12 * HOUR);
    const before = await login(await connectTo(hub.hub.url), 'o1', OFFICER_PASSWORD);
    await replaceConfig(sup, (config) => ({ ...config, security: { ...config.security, sessionHours: 1 } }));
    const after = await login(await connectTo(hub.hub.url), 'o2', OFFICER_PASSWORD);
    expect(after.expiresAt).toBe(clock.now + HOUR);

    clock.now += 61 * MINUTE;
    const late = await connectTo(hub.hub.url, { token: after.token });
    expect(await send(late, 'counter:open', { commandId: newCommandId(), counterId: 'c2' })).toMatchObject({ ok: false, error: 'SESSION_EXPIRED' });
    const early = await connectTo(hub.hub.url, { token: before.token });
    expectOk(await send(early, 'counter:open', { commandId: newCommandId(), counterId: 'c1' }));
    expectOk(await send(sup, 'config:get', {}));
  });
});

describe("the supervisor's list of sessions", () => {
  it('shows every open session; an officer may not see it; ending one logs its screen out, once, and is audited', async () => {
    const hub = await start();
    const sup = await connectTo(hub.hub.url);
    await login(sup, 'sup', SUPERVISOR_PASSWORD);
    const from = Date.now();
    const { pad: o1Pad, token: o1Token } = await padAt(hub.hub.url, 'o1', 'c1');
    await connectTo(hub.hub.url, { token: o1Token }); // the same session on a second screen
    const o2Pad = await connectTo(hub.hub.url, {}, '127.0.0.5');
    const o2 = await login(o2Pad, 'o2', OFFICER_PASSWORD);
    const to = Date.now();

    const list = expectOk(await send<SessionView[]>(sup, 'session:list', {}));
    expect(list).toHaveLength(3);
    const of = (id: string) => list.find((s) => s.officer.id === id)!;
    expect(of('o1')).toMatchObject({
      officer: { id: 'o1', name: 'Nguyễn Thị Lan', role: 'officer' },
      app: 'counter',
      address: '127.0.0.1',
      connections: 2,
      counters: ['c1'],
      current: false,
    });
    expect(of('o1').since).toBeGreaterThanOrEqual(from);
    expect(of('o1').since).toBeLessThanOrEqual(to);
    expect(of('o1').expiresAt).toBe(of('o1').since + 12 * 3_600_000);
    expect(of('o2')).toMatchObject({ officer: { id: 'o2', role: 'officer' }, app: 'counter', address: '127.0.0.5', connections: 1, counters: [], current: false });
    expect(of('o2').expiresAt).toBe(o2.expiresAt);
    expect(of('sup')).toMatchObject({ officer: { id: 'sup', role: 'supervisor' }, connections: 1, counters: [], current: true });

    expect(await send(o1Pad, 'session:list', {})).toMatchObject({ ok: false, error: 'FORBIDDEN' });
    expect(await send(o1Pad, 'session:end', { commandId: newCommandId(), sessionId: of('o2').sessionId })).toMatchObject({ ok: false, error: 'FORBIDDEN' });

    const ended = nextEvent<{ reason: string }>(o2Pad, 'session:ended');
    const end = { commandId: newCommandId(), sessionId: of('o2').sessionId };
    const answer = await send(sup, 'session:end', end);
    expect(answer).toEqual({ ok: true, data: { sessionId: of('o2').sessionId, ended: true } });
    expect(await ended).toEqual({ reason: 'ended-by-supervisor' });
    expect(await send(sup, 'session:end', end)).toEqual(answer);
    expect(await send(sup, 'session:end', { commandId: newCommandId(), sessionId: 'no-such-session' })).toMatchObject({ ok: false, error: 'UNKNOWN_SESSION' });

    expect(await send(o2Pad, 'counter:open', { commandId: newCommandId(), counterId: 'c2' })).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
    const old = await connectTo(hub.hub.url, { token: o2.token });
    expect(await send(old, 'counter:open', { commandId: newCommandId(), counterId: 'c2' })).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
    const after = expectOk(await send<SessionView[]>(sup, 'session:list', {}));
    expect(after.map((s) => s.officer.id).sort()).toEqual(['o1', 'sup']);
    // o1's session was not touched.
    expectOk(await send(o1Pad, 'state:request', { counterId: 'c1' }));

    const audit = expectOk(await send<AuditEntry[]>(sup, 'audit:list', {}));
    const entries = audit.filter((a) => a.action === 'session.ended');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ by: 'sup' });
    expect(JSON.stringify(entries[0]!.changes)).toContain('o2');
  });
});

describe('login throttling', () => {
  it('wrong passwords from one address hold up that address only', async () => {
    const clock: TestClock = { now: vnTime('08:00') };
    const hub = await start({ clock });
    const guesser = await connectTo(hub.hub.url, {}, '127.0.0.2');
    for (let i = 1; i <= 5; i++)
      expect(await send(guesser, 'session:login', { username: 'o2', password: `wrong-${i}` })).toMatchObject({ ok: false, error: 'BAD_CREDENTIALS' });
    const held = await send(guesser, 'session:login', { username: 'o2', password: OFFICER_PASSWORD });
    expect(held).toMatchObject({ ok: false, error: 'RATE_LIMITED' });
    expect((held as { retryAfterSeconds?: number }).retryAfterSeconds).toBeGreaterThan(0);
    // The officer at their own machine is not locked out by someone else's guesses.
    const own = await connectTo(hub.hub.url, {}, '127.0.0.3');
    const session = await login(own, 'o2', OFFICER_PASSWORD);
    expectOk(await send(own, 'counter:open', { commandId: newCommandId(), counterId: 'c2' }));
    expect(session.officer.id).toBe('o2');
    // And from the guessing address it is still held up.
    expect(await send(guesser, 'session:login', { username: 'o2', password: OFFICER_PASSWORD })).toMatchObject({ ok: false, error: 'RATE_LIMITED' });
  });

  it('guesses spread over many addresses hold up new addresses, not the officer\'s own, and the supervisor is alerted', async () => {
    const clock: TestClock = { now: vnTime('08:00') };
    const hub = await start({ clock });
    // o1 logs in at their own machine before anyone guesses.
    const home = await connectTo(hub.hub.url, {}, '127.0.0.10');
    await login(home, 'o1', OFFICER_PASSWORD);
    expectOk(await send(home, 'session:logout', {}));

    // More than 10 wrong in the hour: 11, each from a machine of its own (so no single address is held up).
    const GUESSES = 11;
    for (let i = 0; i < GUESSES; i++) {
      const machine = await connectTo(hub.hub.url, {}, `127.0.0.${100 + i}`);
      expect(await send(machine, 'session:login', { username: 'o1', password: `guess-${i}` })).toMatchObject({ ok: false, error: 'BAD_CREDENTIALS' });
      machine.disconnect();
    }
    const stranger = await connectTo(hub.hub.url, {}, '127.0.0.50');
    const held = await send(stranger, 'session:login', { username: 'o1', password: OFFICER_PASSWORD });
    expect(held).toMatchObject({ ok: false, error: 'RATE_LIMITED' });
    expect((held as { retryAfterSeconds?: number }).retryAfterSeconds).toBeGreaterThan(0);

    const again = await connectTo(hub.hub.url, {}, '127.0.0.10');
    await login(again, 'o1', OFFICER_PASSWORD);
    expectOk(await send(again, 'counter:open', { commandId: newCommandId(), counterId: 'c1' }));

    const sup = await supervisorSocket(hub);
    const alert = { kind: 'login-guessing', username: 'o1', failures: GUESSES, addresses: GUESSES, since: clock.now };
    const snapshot = expectOk(await send<Snapshot>(sup, 'state:request', {}));
    expect(snapshot.staff?.view.alerts).toContainEqual(alert);
    // The live staff view carries it too.
    const kiosk = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
    const next = nextEvent<Versioned<StaffView>>(sup, 'queue:staff', staffWaiting(1));
    await take(kiosk);
    const live = await next;
    expect(live.view.alerts).toContainEqual(alert);
  });
});
