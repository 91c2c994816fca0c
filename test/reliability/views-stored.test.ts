import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { domainContext } from '../../server/app/local-time';
import { publicView } from '../../server/app/queue-views';
import { parseCentreConfig } from '../../server/config/load-config';
import { applyEvent } from '../../server/domain/queue-evolve';
import { createDayState } from '../../server/domain/queue-state';
import type { PublicCall, PublicView, SessionInfo, Versioned } from '../../server/protocol/views';
import { journalRecordSchema } from '../../server/store/queue-store';
import { parsed, rawSocket, sendRaw } from '../helpers/every-command';
import { newCommandId, tempDataDir } from '../helpers/hub-fixture';
import { killHard, spawnHub } from '../helpers/hub-process';
import { OFFICER_PASSWORD, testCentreInput } from '../helpers/test-centre';
import { LARGE, report } from './sizes';

/**
 * Nothing is shown before it is stored: a property over random kills. A display records every view
 * and call it is sent while kiosks and counters work; the hub is killed at a random moment; then
 * the history the restarted hub has (its journal) is replayed step by step. Every view any display
 * saw must be the state after some prefix of that history, views of one boot never go back, every
 * call announced is in the history, and a call is announced before any view that lists it.
 */
const ROUNDS = LARGE ? 15 : 4;

type Digest = string;

/** What a view shows of the queue (the parts made from stored state only). */
function digest(view: Omit<PublicView, 'dossiers'>): Digest {
  return JSON.stringify({
    waiting: view.services.map((s) => [s.id, s.waiting]),
    counters: view.counters.map((c) => [c.id, c.status, c.serving?.number ?? null, c.serving?.status ?? null]),
    calls: view.recentCalls.map((c) => [c.number, c.counterId, c.kind, c.at]),
    closing: view.closing,
  });
}

const callKey = (c: PublicCall) => `${c.number}@${c.counterId}/${c.kind}/${c.at}`;

describe('views: every view seen is a prefix of the stored history', () => {
  it('across random kill -9, no display ever sees a change that is not on disk, or a call before its announcement', async () => {
    const dataDir = tempDataDir();
    const input = testCentreInput();
    delete input.services[0]!.dailyLimit;
    input.services[1]!.numbering = { kind: 'range', from: 1001, to: 1999 };
    const config = parseCentreConfig(input);
    const random = mulberry32(7);
    const tokens: string[] = [];
    /** Per boot: the digests a display saw, in order, and the calls it was told of. */
    const boots: { views: Digest[]; calls: PublicCall[]; callsBeforeView: number[]; viewCalls: PublicCall[][] }[] = [];
    let views = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const hub = await spawnHub(dataDir, input);
      const boot = { views: [] as Digest[], calls: [] as PublicCall[], callsBeforeView: [] as number[], viewCalls: [] as PublicCall[][] };
      boots.push(boot);
      const display = await rawSocket(hub.url, { app: 'display' });
      display.on('queue:public', (m: Versioned<PublicView>) => {
        boot.views.push(digest(m.view));
        boot.viewCalls.push(m.view.recentCalls);
        boot.callsBeforeView.push(boot.calls.length);
      });
      display.on('ticket:called', (m: { call: PublicCall }) => boot.calls.push(m.call));
      // The snapshot asked for, and the one sent on connect, both count as views.
      const snapshot = parsed<{ public: Versioned<PublicView> }>(await sendRaw(display, 'state:request', {}));
      if (snapshot.ok) {
        boot.views.push(digest(snapshot.data.public.view));
        boot.viewCalls.push(snapshot.data.public.view.recentCalls);
        boot.callsBeforeView.push(boot.calls.length);
      }
      const kiosk = await rawSocket(hub.url, { app: 'kiosk' });
      const counters: Socket[] = [];
      for (const [i, [user, counterId]] of ([['o1', 'c1'], ['o2', 'c2']] as const).entries()) {
        const socket = await rawSocket(hub.url, { app: 'counter', ...(tokens[i] ? { token: tokens[i] } : {}) });
        if (!tokens[i]) {
          const login = parsed<SessionInfo>(await sendRaw(socket, 'session:login', { username: user, password: OFFICER_PASSWORD }));
          if (!login.ok) throw new Error('login');
          tokens[i] = login.data.token;
        }
        await sendRaw(socket, 'counter:open', { commandId: newCommandId(), counterId });
        counters.push(socket);
      }
      const deadline = Date.now() + 200 + Math.floor(random() * 800);
      const work = async (worker: () => Promise<void>) => {
        while (Date.now() < deadline) await worker();
      };
      await Promise.all([
        new Promise<void>((resolve) => setTimeout(() => void killHard(hub).then(resolve), deadline - Date.now())),
        work(async () => {
          await sendRaw(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: random() < 0.6 ? 'ho-tich' : 'chung-thuc' }, 2_000);
        }),
        ...counters.map((socket, i) =>
          work(async () => {
            const event = random() < 0.8 ? 'counter:call-next' : 'counter:recall';
            await sendRaw(socket, event, { commandId: newCommandId(), counterId: `c${i + 1}` }, 2_000);
          }),
        ),
      ]);
      [display, kiosk, ...counters].forEach((s) => s.disconnect());
      views += boot.views.length;
    }

    // The history the last restart keeps: the day's journal, replayed record by record.
    const journalDir = join(dataDir, 'journal');
    const file = readdirSync(journalDir).find((f) => f.endsWith('.jsonl'))!;
    const records = readFileSync(join(journalDir, file), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          const result = journalRecordSchema.safeParse(JSON.parse(line));
          return result.success ? [result.data] : [];
        } catch {
          return []; // the torn last line of a kill: not part of the history
        }
      });
    const state = createDayState(file.slice(0, 10), config);
    const prefixes = new Map<Digest, number>();
    const stored = new Set<string>();
    const at = (ms: number) => domainContext(ms, config.centre.timeZone);
    prefixes.set(digest(publicView(state, config, at(records[0]?.at ?? Date.now()))), 0);
    records.forEach((record, i) => {
      for (const event of record.events) {
        applyEvent(state, event);
        if (event.type === 'ticket-called' || event.type === 'ticket-recalled') {
          const ticket = state.tickets.get(event.ticketId)!;
          stored.add(`${ticket.number}@${event.counterId}/${event.type === 'ticket-called' ? 'call' : 'recall'}/${event.at}`);
        }
      }
      if (record.events.length > 0) prefixes.set(digest(publicView(state, config, at(record.at))), i + 1);
    });

    let calls = 0;
    for (const [b, boot] of boots.entries()) {
      let last = -1;
      for (const [v, seen] of boot.views.entries()) {
        const index = prefixes.get(seen);
        expect(index, `boot ${b}, view ${v}: a state the stored history never had: ${seen}`).toBeDefined();
        expect(index!, `boot ${b}, view ${v} went back in the history`).toBeGreaterThanOrEqual(last);
        last = index!;
      }
      for (const call of boot.calls) expect(stored.has(callKey(call)), `announced call ${callKey(call)} is stored`).toBe(true);
      calls += boot.calls.length;
      // A call a view lists, newer than what the first view of the boot listed, was announced before it.
      const known = new Set((boot.viewCalls[0] ?? []).map(callKey));
      boot.viewCalls.forEach((list, v) => {
        const before = new Set(boot.calls.slice(0, boot.callsBeforeView[v]).map(callKey));
        for (const call of list) {
          const key = callKey(call);
          if (known.has(key)) continue;
          expect(before.has(key), `boot ${b}, view ${v} lists ${key} before its ticket:called`).toBe(true);
        }
      });
    }
    expect(records.length).toBeGreaterThan(20);
    expect(calls).toBeGreaterThan(5);
    report('views-stored', { rounds: ROUNDS, views, callsAnnounced: calls, storedRecords: records.length });
  }, LARGE ? 900_000 : 120_000);
});

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
