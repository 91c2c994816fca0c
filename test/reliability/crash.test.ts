import { describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { startHub } from '../../server/hub';
import { createLogger } from '../../server/logger';
import type { Ack, CounterView, TicketIssued } from '../../server/protocol/views';
import { newCommandId, tempDataDir } from '../helpers/hub-fixture';
import { killHard, spawnHub, type HubProcess } from '../helpers/hub-process';
import { parseCentreConfig } from '../../server/config/load-config';
import { OFFICER_PASSWORD, testCentreInput } from '../helpers/test-centre';
import { LARGE, report } from './sizes';

const KILLS = LARGE ? 20 : 3;

type Client = Socket;
function ask<T>(socket: Client, event: string, payload: unknown): Promise<Ack<T> | null> {
  return (socket.timeout(3_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<T>> })
    .emitWithAck(event, payload)
    .catch(() => null); // no answer: the hub died under it, and that is allowed
}

async function connect(url: string, app: string): Promise<Client> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, auth: { app } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

describe('crash: kill -9 at random moments while kiosks and counters work', () => {
  it('after every restart: every acknowledged action is there, no number twice, every client can resynchronise', async () => {
    const dataDir = tempDataDir();
    // No daily limit and a wide range: this test is about crashes, not limits.
    const config = testCentreInput();
    delete config.services[0]!.dailyLimit;
    config.services[1]!.numbering = { kind: 'range', from: 1001, to: 1999 };
    // Everything acknowledged, by what it promised.
    const taken = new Map<string, string>(); // number -> serviceId
    const called = new Set<string>(); // numbers a counter was told it called
    let actions = 0;
    let unanswered = 0;
    const seedRandom = mulberry32(2026);

    for (let round = 0; round < KILLS; round++) {
      const hub: HubProcess = await spawnHub(dataDir, config);
      const kiosks = await Promise.all([connect(hub.url, 'kiosk'), connect(hub.url, 'kiosk')]);
      const counters: Client[] = [];
      for (const [user, counterId] of [['o1', 'c1'], ['o2', 'c2']] as const) {
        const socket = await connect(hub.url, 'counter');
        await ask(socket, 'session:login', { username: user, password: OFFICER_PASSWORD });
        await ask(socket, 'counter:open', { commandId: newCommandId(), counterId });
        counters.push(socket);
      }
      const deadline = Date.now() + 300 + Math.floor(seedRandom() * 900);
      const work = async (worker: () => Promise<void>) => {
        while (Date.now() < deadline) await worker();
      };
      const kill = new Promise<void>((resolve) => setTimeout(() => void killHard(hub).then(resolve), deadline - Date.now()));
      await Promise.all([
        kill,
        ...kiosks.map((kiosk) =>
          work(async () => {
            const serviceId = seedRandom() < 0.7 ? 'ho-tich' : 'chung-thuc';
            const ack = await ask<TicketIssued>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId });
            actions += 1;
            if (ack?.ok) taken.set(ack.data.number, serviceId);
            else if (!ack) unanswered += 1;
          }),
        ),
        ...counters.map((counter, i) =>
          work(async () => {
            const ack = await ask<CounterView>(counter, 'counter:call-next', { commandId: newCommandId(), counterId: `c${i + 1}` });
            actions += 1;
            if (ack?.ok && ack.data.current) called.add(ack.data.current.number);
            else if (!ack) unanswered += 1;
            await new Promise((r) => setTimeout(r, 20));
          }),
        ),
      ]);
      [...kiosks, ...counters].forEach((s) => s.disconnect());
    }

    // Read back what the hub stored, through the hub's own start-up.
    const hub = await startHub({ config: parseCentreConfig(config), dataDir, port: 0, host: '127.0.0.1', log: createLogger('silent') });
    try {
      const tickets = hub.service.todayTickets();
      const numbers = tickets.map((t) => t.number);
      expect(new Set(numbers).size, 'no number is issued twice in a day').toBe(numbers.length);
      for (const [number, serviceId] of taken) {
        const ticket = tickets.find((t) => t.number === number);
        expect(ticket, `acknowledged ticket ${number} is there`).toBeDefined();
        expect(ticket!.serviceId).toBe(serviceId);
      }
      for (const number of called) {
        expect(tickets.find((t) => t.number === number)?.status, `acknowledged call of ${number}`).not.toBe('waiting');
      }
      // Numbering goes on from the highest ever issued.
      const highest = Math.max(...numbers.filter((n) => n.startsWith('A')).map((n) => Number(n.slice(1))));
      const display = await connect(hub.url, 'display');
      const next = await ask<TicketIssued>(display, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' });
      expect(next?.ok && Number(next.data.number.slice(1))).toBe(highest + 1);
      const snapshot = await ask<{ public: { bootId: string } }>(display, 'state:request', {});
      expect(snapshot?.ok && snapshot.data.public.bootId).toBe(hub.bootId);
      display.disconnect();
      expect(hub.startReport.journal.dropped).toEqual([]);
      report('crash', { kills: KILLS, actions, acknowledgedTakes: taken.size, acknowledgedCalls: called.size, unanswered, ticketsStored: tickets.length });
    } finally {
      await hub.stop();
    }
  }, LARGE ? 1_800_000 : 240_000);
});

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
