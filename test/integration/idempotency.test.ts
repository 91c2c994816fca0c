import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { SessionInfo } from '../../server/protocol/views';
import { tempDataDir } from '../helpers/hub-fixture';
import { killHard, spawnHub, type HubProcess } from '../helpers/hub-process';
import { everyCommandCentre, everyCommandSteps, id, parsed, PASSWORDS, rawSocket, sendRaw, type Actor, type Answered } from '../helpers/every-command';

/**
 * "A repeated command gets its first answer, also after a crash" (docs/protocol.md), for every
 * command of the protocol, socket and REST: the answer is compared as the bytes that came over the
 * wire, live and after kill -9. And a commandId used for another command is refused, changing
 * nothing.
 */

let hubs: HubProcess[] = [];
let sockets: Socket[] = [];
afterEach(async () => {
  sockets.forEach((s) => s.close());
  sockets = [];
  await Promise.all(hubs.map(killHard));
  hubs = [];
});

async function start(dataDir: string): Promise<HubProcess> {
  const hub = await spawnHub(dataDir, everyCommandCentre());
  hubs.push(hub);
  return hub;
}

/** Sockets for each actor, logged in with a token (reused after a restart: sessions survive it). */
async function actors(url: string, tokens: Partial<Record<Actor, string>>): Promise<Record<Actor, Socket>> {
  const make = async (auth: Record<string, unknown>) => {
    const socket = await rawSocket(url, auth);
    sockets.push(socket);
    return socket;
  };
  return {
    kiosk: await make({ app: 'kiosk', kioskId: 'k1' }),
    o1: await make({ app: 'counter', ...(tokens.o1 ? { token: tokens.o1 } : {}) }),
    o1b: await make({ app: 'counter', ...(tokens.o1b ? { token: tokens.o1b } : {}) }),
    sup: await make({ app: 'counter', ...(tokens.sup ? { token: tokens.sup } : {}) }),
  };
}

async function login(socket: Socket, user: 'o1' | 'sup'): Promise<string> {
  const answer = parsed<SessionInfo>(await sendRaw(socket, 'session:login', { username: user, password: PASSWORDS[user] }));
  if (!answer.ok) throw new Error(`login ${user}: ${answer.error}`);
  return answer.data.token;
}

describe('idempotency: every command, its first answer byte for byte', () => {
  it('live and after kill -9, for every command type; the same id for something else is IDEMPOTENCY_CONFLICT', async () => {
    const dataDir = tempDataDir();
    let hub = await start(dataDir);
    let who = await actors(hub.url, {});
    const tokens = { o1: await login(who.o1, 'o1'), o1b: await login(who.o1b, 'o1'), sup: await login(who.sup, 'sup') };
    const config = parsed<{ config: Record<string, unknown> }>(await sendRaw(who.sup, 'config:get', {}));
    if (!config.ok) throw new Error('config:get');
    // A second session of o1, for the supervisor to end.
    const sessions = parsed<{ sessionId: string; current: boolean; connections: number }[]>(await sendRaw(who.sup, 'session:list', {}));
    if (!sessions.ok) throw new Error('session:list');
    const steps = everyCommandSteps(config.data.config, '');
    const answered: Answered[] = [];
    for (const step of steps) {
      if (step.event === 'session:end') {
        // The session of o1's second screen (o1b): the one not used by the script.
        const list = parsed<{ sessionId: string; officer: { id: string } }[]>(await sendRaw(who.sup, 'session:list', {}));
        const ids = list.ok ? list.data.filter((s) => s.officer.id === 'o1').map((s) => s.sessionId) : [];
        step.payload.sessionId = ids[1] ?? ids[0];
      }
      const raw = await sendRaw(who[step.actor], step.event, step.payload);
      expect(raw, `${step.event} answered`).not.toBeNull();
      expect(parsed(raw), `${step.event}: ${raw}`).toMatchObject({ ok: true });
      answered.push({ ...step, raw: raw! });
    }
    const events = new Set(answered.map((a) => a.event));
    expect(events.size, 'every command type of the script was answered').toBe(new Set(steps.map((s) => s.event)).size);

    // Live: each repeat gets the first answer, byte for byte, whatever happened since.
    for (const a of answered) expect(await sendRaw(who[a.actor], a.event, a.payload), `live repeat of ${a.event}`).toBe(a.raw);

    // The same commandId for something else is refused, and changes nothing.
    const take = answered.find((a) => a.event === 'ticket:take')!;
    const open = answered.find((a) => a.event === 'counter:open')!;
    const replace = answered.find((a) => a.event === 'config:replace')!;
    const conflicts = async () => {
      const before = await (await fetch(`${hub.url}/api/queue`)).json();
      const tries: [Socket, string, unknown][] = [
        [who.kiosk, 'ticket:take', { ...take.payload, serviceId: 'chung-thuc' }],
        [who.o1, 'counter:call-next', { commandId: open.payload.commandId, counterId: 'c1' }],
        [who.sup, 'config:replace', { ...replace.payload, config: { ...(replace.payload.config as object), display: {} } }],
        [who.sup, 'apikey:issue', { commandId: replace.payload.commandId, integrationId: 'other' }],
      ];
      for (const [socket, event, payload] of tries)
        expect(parsed(await sendRaw(socket, event, payload)), `${event} reusing an id`).toMatchObject({ ok: false, error: 'IDEMPOTENCY_CONFLICT' });
      const after = await (await fetch(`${hub.url}/api/queue`)).json();
      expect({ ...after, serverTime: 0 }).toEqual({ ...before, serverTime: 0 });
    };
    await conflicts();

    // kill -9, a new hub on the same folder: the same answers, byte for byte.
    await killHard(hub);
    sockets.forEach((s) => s.close());
    sockets = [];
    hub = await start(dataDir);
    who = await actors(hub.url, tokens);
    for (const a of answered) expect(await sendRaw(who[a.actor], a.event, a.payload), `repeat of ${a.event} after kill -9`).toBe(a.raw);
    await conflicts();
  }, 120_000);

  it('a day:close reusing a counter:open id is refused; a REST Idempotency-Key reused for another body is 422', async () => {
    const dataDir = tempDataDir();
    const hub = await start(dataDir);
    const who = await actors(hub.url, {});
    await login(who.sup, 'sup');
    const openId = id('sup-open');
    expect(parsed(await sendRaw(who.sup, 'counter:open', { commandId: openId, counterId: 'c2' }))).toMatchObject({ ok: true });
    expect(parsed(await sendRaw(who.sup, 'day:close', { commandId: openId, mode: 'cancel' }))).toMatchObject({ ok: false, error: 'IDEMPOTENCY_CONFLICT' });
    const issued = parsed<{ key: string }>(await sendRaw(who.sup, 'apikey:issue', { commandId: id('key'), integrationId: 'motcua', scopes: ['tickets'] }));
    if (!issued.ok) throw new Error('apikey:issue');
    const post = (body: unknown) =>
      fetch(`${hub.url}/api/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${issued.data.key}`, 'Idempotency-Key': 'booking-7-xyz' },
        body: JSON.stringify(body),
      });
    const first = await post({ serviceId: 'ho-tich' });
    expect(first.status).toBe(201);
    const text = await first.text();
    const again = await post({ serviceId: 'ho-tich' });
    expect(again.status).toBe(201);
    expect(await again.text()).toBe(text);
    const other = await post({ serviceId: 'chung-thuc' });
    expect(other.status).toBe(422);
    expect((await other.json()).error).toBe('IDEMPOTENCY_CONFLICT');
    const queue = await (await fetch(`${hub.url}/api/queue`)).json();
    expect(queue.view.services.find((s: { id: string }) => s.id === 'chung-thuc').waiting).toBe(0);
    expect(queue.view.closing).toBeNull();
  }, 60_000);
});
