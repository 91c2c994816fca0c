import { describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { startHub } from '../../server/hub';
import { createLogger } from '../../server/logger';
import type { Ack, CounterView, SessionInfo, TicketIssued } from '../../server/protocol/views';
import { newCommandId, tempDataDir } from '../helpers/hub-fixture';
import { killHard, spawnHub, type HubProcess } from '../helpers/hub-process';
import { parseCentreConfig } from '../../server/config/load-config';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, testCentreInput } from '../helpers/test-centre';
import { parsed, rawSocket, sendRaw } from '../helpers/every-command';
import { LARGE, report } from './sizes';

const KILLS = LARGE ? 20 : 3;
/** Acknowledged commands sent again after each restart (every kind among them), and all at the end. */
const REPEATS_PER_ROUND = LARGE ? 200 : 60;

type Actor = 'kiosk1' | 'kiosk2' | 'c1' | 'c2' | 'sup';
interface Answered {
  actor: Actor;
  event: string;
  payload: Record<string, unknown>;
  raw: string;
}

/** What a counter does, in turn: every move of the pad (a refusal when it makes no sense is fine). */
const COUNTER_MOVES = [
  'counter:call-next',
  'counter:recall',
  'counter:start',
  'counter:done',
  'counter:pause',
  'counter:resume',
  'counter:call-next',
  'counter:skip',
  'counter:call-next',
  'counter:postpone',
  'counter:call-next',
  'counter:transfer',
  'counter:close',
  'counter:open',
] as const;

describe('crash: kill -9 at random moments while kiosks, counters and the supervisor work', () => {
  it('after every restart: every acknowledged action is there, no number twice, every repeat gets its first answer byte for byte', async () => {
    const dataDir = tempDataDir();
    // No daily limit and a wide range: this test is about crashes, not limits.
    const config = testCentreInput();
    delete config.services[0]!.dailyLimit;
    config.services[1]!.numbering = { kind: 'range', from: 1001, to: 1999 };
    // Everything acknowledged, by what it promised.
    const taken = new Map<string, string>(); // number -> serviceId
    const called = new Set<string>(); // numbers a counter was told it called
    const answered: Answered[] = [];
    let actions = 0;
    let unanswered = 0;
    let repeated = 0;
    const random = mulberry32(2026);
    const tokens: Partial<Record<Actor, string>> = {};

    const repeatSome = async (who: Record<Actor, Socket>, all: boolean) => {
      const byKind = new Map<string, Answered>();
      for (const a of answered) byKind.set(a.event, a);
      const sample = all ? answered : [...byKind.values(), ...Array.from({ length: REPEATS_PER_ROUND }, () => answered[Math.floor(random() * answered.length)]!)];
      for (const a of sample) {
        if (!a) continue;
        expect(await sendRaw(who[a.actor], a.event, a.payload), `repeat of ${a.event} ${JSON.stringify(a.payload)}`).toBe(a.raw);
        repeated += 1;
      }
    };

    for (let round = 0; round < KILLS; round++) {
      const hub: HubProcess = await spawnHub(dataDir, config);
      const who = await connectAll(hub.url, tokens);
      if (round > 0) await repeatSome(who, false);
      for (const [actor, counterId] of [['c1', 'c1'], ['c2', 'c2']] as const)
        await sendRaw(who[actor], 'counter:open', { commandId: newCommandId(), counterId });

      const deadline = Date.now() + 300 + Math.floor(random() * 900);
      const work = async (worker: () => Promise<void>) => {
        while (Date.now() < deadline) await worker();
      };
      const ask = async (actor: Actor, event: string, payload: Record<string, unknown>): Promise<Ack<unknown> | null> => {
        const raw = await sendRaw(who[actor], event, payload, 3_000);
        actions += 1;
        if (raw === null) {
          unanswered += 1; // the hub died under it, and that is allowed
          return null;
        }
        const answer = parsed(raw);
        if (answer.ok) answered.push({ actor, event, payload, raw });
        return answer;
      };
      const kill = new Promise<void>((resolve) => setTimeout(() => void killHard(hub).then(resolve), deadline - Date.now()));
      const moves = { c1: 0, c2: 0 };
      await Promise.all([
        kill,
        ...(['kiosk1', 'kiosk2'] as const).map((kiosk) =>
          work(async () => {
            const serviceId = random() < 0.7 ? 'ho-tich' : 'chung-thuc';
            const ack = await ask(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId });
            if (ack?.ok) taken.set((ack.data as TicketIssued).number, serviceId);
          }),
        ),
        ...(['c1', 'c2'] as const).map((counterId) =>
          work(async () => {
            const event = COUNTER_MOVES[moves[counterId]++ % COUNTER_MOVES.length]!;
            const payload: Record<string, unknown> = { commandId: newCommandId(), counterId };
            if (event === 'counter:transfer') payload.toServiceId = 'chung-thuc';
            if (event === 'counter:pause') payload.reason = 'Nghỉ giữa giờ';
            const ack = await ask(counterId, event, payload);
            const current = ack?.ok ? (ack.data as CounterView).current : null;
            if (current && event === 'counter:call-next') called.add(current.number);
            await new Promise((r) => setTimeout(r, 20));
          }),
        ),
        work(async () => {
          const kind = random() < 0.5 ? 'apikey:issue' : 'pairing:issue';
          const payload =
            kind === 'apikey:issue'
              ? { commandId: newCommandId(), integrationId: `crash-${Math.floor(random() * 5)}` }
              : { commandId: newCommandId(), kind: 'kiosk', targetId: `kiosk-${Math.floor(random() * 5)}` };
          await ask('sup', kind, payload);
          await new Promise((r) => setTimeout(r, 60));
        }),
      ]);
      Object.values(who).forEach((s) => s.disconnect());
    }

    // The last hub: every acknowledged command, repeated, gets its first answer.
    const last = await spawnHub(dataDir, config);
    const who = await connectAll(last.url, tokens);
    await repeatSome(who, true);
    Object.values(who).forEach((s) => s.disconnect());
    await killHard(last);

    // Read back what the hub stored, through the hub's own start-up.
    const hub = await startHub({ config: parseCentreConfig(config), dataDir, port: 0, host: '127.0.0.1', log: createLogger('silent') });
    try {
      const tickets = hub.service.todayTickets();
      const numbers = tickets.map((t) => t.number);
      expect(new Set(numbers).size, 'no number is issued twice in a day').toBe(numbers.length);
      for (const [number, serviceId] of taken) {
        const ticket = tickets.find((t) => t.number === number);
        expect(ticket, `acknowledged ticket ${number} is there`).toBeDefined();
        // A transfer may have moved it since; it was taken for this service.
        expect(ticket!.serviceId === serviceId || ticket!.transfers > 0).toBe(true);
      }
      for (const number of called) {
        // Called, and still at a counter or finished; or put back in the queue by a later move.
        const ticket = tickets.find((t) => t.number === number);
        const movedBack = (ticket?.postponements ?? 0) > 0 || (ticket?.transfers ?? 0) > 0;
        expect(ticket?.status !== 'waiting' || movedBack, `acknowledged call of ${number}`).toBe(true);
      }
      // Numbering goes on from the highest ever issued.
      const highest = Math.max(...numbers.filter((n) => n.startsWith('A')).map((n) => Number(n.slice(1))));
      const display = await rawSocket(hub.url, { app: 'kiosk' });
      const next = parsed<TicketIssued>(await sendRaw(display, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }));
      expect(next.ok && Number(next.data.number.slice(1))).toBe(highest + 1);
      const snapshot = parsed<{ public: { bootId: string } }>(await sendRaw(display, 'state:request', {}));
      expect(snapshot.ok && snapshot.data.public.bootId).toBe(hub.bootId);
      display.disconnect();
      expect(hub.startReport.journal.dropped).toEqual([]);
      const kinds = new Set(answered.map((a) => a.event));
      expect(kinds.size, `command types acknowledged: ${[...kinds].join(', ')}`).toBeGreaterThanOrEqual(12);
      report('crash', {
        kills: KILLS,
        actions,
        acknowledgedTakes: taken.size,
        acknowledgedCalls: called.size,
        acknowledgedCommands: answered.length,
        commandTypes: kinds.size,
        repeatsCompared: repeated,
        unanswered,
        ticketsStored: tickets.length,
      });
    } finally {
      await hub.stop();
    }
  }, LARGE ? 1_800_000 : 240_000);
});

/** Sockets for every actor; officers log in once and keep their tokens across restarts. */
async function connectAll(url: string, tokens: Partial<Record<Actor, string>>): Promise<Record<Actor, Socket>> {
  const staff = async (actor: 'c1' | 'c2' | 'sup', username: string, password: string) => {
    const socket = await rawSocket(url, { app: 'counter', ...(tokens[actor] ? { token: tokens[actor] } : {}) });
    if (!tokens[actor]) {
      const login = parsed<SessionInfo>(await sendRaw(socket, 'session:login', { username, password }));
      if (!login.ok) throw new Error(`login ${username}: ${login.error}`);
      tokens[actor] = login.data.token;
    }
    return socket;
  };
  return {
    kiosk1: await rawSocket(url, { app: 'kiosk' }),
    kiosk2: await rawSocket(url, { app: 'kiosk' }),
    c1: await staff('c1', 'o1', OFFICER_PASSWORD),
    c2: await staff('c2', 'o2', OFFICER_PASSWORD),
    sup: await staff('sup', 'sup', SUPERVISOR_PASSWORD),
  };
}

/** A small seeded random generator, so a failing run can be repeated. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
