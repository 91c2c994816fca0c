import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { startHub } from '../../server/hub';
import { createLogger } from '../../server/logger';
import { DataFolderLockedError } from '../../server/store/data-lock';
import type { Ack, CounterView, Snapshot, TicketIssued } from '../../server/protocol/views';
import {
  expectOk,
  newCommandId,
  officerAtCounter,
  send,
  startTestHub,
  tempDataDir,
  type HubClient,
  type TestHub,
} from '../helpers/hub-fixture';
import { killHard, spawnHub, type HubProcess } from '../helpers/hub-process';
import { OFFICER_PASSWORD, testCentre, testCentreInput, vnTime } from '../helpers/test-centre';

let hubs: TestHub[] = [];
let processes: HubProcess[] = [];
afterEach(async () => {
  await Promise.all(hubs.map((h) => h.stop()));
  await Promise.all(processes.map(killHard));
  hubs = [];
  processes = [];
});

async function hubOn(dataDir: string, clock?: { now: number }) {
  const hub = await startTestHub({ dataDir, ...(clock ? { clock } : {}) });
  hubs.push(hub);
  return hub;
}

const take = (socket: HubClient, commandId = newCommandId(), serviceId = 'ho-tich') =>
  send<TicketIssued>(socket, 'ticket:take', { commandId, serviceId });

/** Every ticket number of the day that counter c1 can see waiting, and what it serves now. */
async function counterSees(hub: TestHub): Promise<CounterView> {
  const socket = await hub.connect({ app: 'counter' });
  expectOk(await send(socket, 'session:login', { username: 'o1', password: OFFICER_PASSWORD }));
  return expectOk(await send<Snapshot>(socket, 'state:request', { counterId: 'c1' })).counter!.view;
}

describe('durability', () => {
  it('a restart on the same data folder keeps every acknowledged ticket, the numbering and the answers', async () => {
    const dataDir = tempDataDir();
    const first = await hubOn(dataDir);
    const kiosk = await first.connect({ app: 'kiosk' });
    const repeated = newCommandId();
    const tickets = [expectOk(await take(kiosk)), expectOk(await take(kiosk, repeated)), expectOk(await take(kiosk))];
    const counter = await officerAtCounter(first, 'o1', OFFICER_PASSWORD, 'c1');
    expectOk(await send(counter, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
    await first.stop();
    hubs = hubs.filter((h) => h !== first);

    const second = await hubOn(dataDir);
    expect(second.hub.bootId).not.toBe(first.hub.bootId);
    const view = await counterSees(second);
    expect(view.current?.number).toBe('A001');
    expect(view.status).toBe('open');
    expect(view.waiting.map((t) => t.number)).toEqual(['A002', 'A003']);
    const kiosk2 = await second.connect({ app: 'kiosk' });
    expect(expectOk(await take(kiosk2)).number).toBe('A004');
    // The same press replayed after the restart gets the same ticket, not a new one.
    expect(expectOk(await take(kiosk2, repeated))).toEqual(tickets[1]);
  });

  it('survives kill -9: every acknowledged ticket is there after the restart, and no number is given twice', async () => {
    const dataDir = tempDataDir();
    const config = testCentreInput();
    let hub = await spawnHub(dataDir, config);
    processes.push(hub);
    const kiosk: HubClient = io(hub.url, { transports: ['websocket'], reconnection: false, auth: { app: 'kiosk' } });
    await new Promise((resolve) => kiosk.once('connect', () => resolve(null)));
    const acknowledged: string[] = [];
    // Fire 40 takes without waiting, and kill the hub as soon as 15 have been acknowledged.
    const presses = Array.from({ length: 40 }, () =>
      (kiosk.timeout(5_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<TicketIssued>> })
        .emitWithAck('ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' })
        .then((ack) => {
          if (ack.ok) acknowledged.push(ack.data.number);
          if (acknowledged.length === 15) hub.child.kill('SIGKILL');
        })
        .catch(() => undefined),
    );
    await Promise.all(presses);
    await killHard(hub);
    kiosk.disconnect();
    expect(acknowledged.length).toBeGreaterThanOrEqual(15);

    // The killed hub left its lock file; the new one takes it over.
    expect(existsSync(join(dataDir, 'hub.lock'))).toBe(true);
    hub = await spawnHub(dataDir, config);
    processes.push(hub);
    const counter: HubClient = io(hub.url, { transports: ['websocket'], reconnection: false, auth: { app: 'counter' } });
    const login = await (counter as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<unknown>> }).emitWithAck('session:login', { username: 'o1', password: OFFICER_PASSWORD });
    expectOk(login);
    const snapshot = expectOk(
      await (counter as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<Snapshot>> }).emitWithAck('state:request', { counterId: 'c1' }),
    );
    const stored = snapshot.counter!.view.waiting.map((t) => t.number);
    for (const number of acknowledged) expect(stored).toContain(number);
    expect(new Set(stored).size).toBe(stored.length);
    const after = expectOk(
      await (counter as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<TicketIssued>> }).emitWithAck('ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }),
    );
    expect(stored).not.toContain(after.number);
    expect(Number(after.number.slice(1))).toBe(stored.length + 1);
    counter.disconnect();
  }, 120_000);

  it('keeps what is intact in a damaged journal, reports what it dropped, and never starts empty', async () => {
    const dataDir = tempDataDir();
    const first = await hubOn(dataDir);
    const kiosk = await first.connect({ app: 'kiosk' });
    for (let i = 0; i < 4; i++) expectOk(await take(kiosk));
    await first.stop();
    hubs = [];
    const [journalFile] = readdirSync(join(dataDir, 'journal'));
    const path = join(dataDir, 'journal', journalFile!);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    lines[1] = lines[1]!.slice(0, 20) + '#### disk damage ####';
    writeFileSync(path, lines.join('\n') + '\n{"seq":99,"at":1,"ke');

    const second = await hubOn(dataDir);
    const view = await counterSees(second);
    expect(view.waiting.map((t) => t.number)).toEqual(['A001', 'A003', 'A004']);
    const health = await (await fetch(`${second.hub.url}/api/health`)).json();
    expect(health.journal.dropped).toEqual([{ line: 2, reason: 'not valid JSON' }]);
    expect(health.journal.tornTail).toBe(true);
    expect(second.log.lines.some((l) => l.level === 'error' && String(l.msg).includes('damaged'))).toBe(true);
    expect(readdirSync(join(dataDir, 'journal')).some((f) => f.includes('.damaged-'))).toBe(true);
    // Numbering goes on past what was damaged: A002 is never given again.
    const kiosk2 = await second.connect({ app: 'kiosk' });
    expect(expectOk(await take(kiosk2)).number).toBe('A005');
  });

  it('two hubs on one data folder: the second refuses to start', async () => {
    const dataDir = tempDataDir();
    await hubOn(dataDir);
    await expect(
      startHub({ config: testCentre(), dataDir, port: 0, host: '127.0.0.1', log: createLogger('silent') }),
    ).rejects.toBeInstanceOf(DataFolderLockedError);
  });

  it('a second hub process on the same folder exits with a clear message', async () => {
    const dataDir = tempDataDir();
    const config = testCentreInput();
    processes.push(await spawnHub(dataDir, config));
    await expect(spawnHub(dataDir, config)).rejects.toThrow(/data folder is in use by another hub/);
  }, 120_000);

  it('starts a new day at local midnight: numbers start again, the old day is archived', async () => {
    const dataDir = tempDataDir();
    const clock = { now: vnTime('23:58') };
    const hub = await hubOn(dataDir, clock);
    const kiosk = await hub.connect({ app: 'kiosk' });
    expectOk(await take(kiosk));
    expectOk(await take(kiosk));
    clock.now = vnTime('00:00', '2026-11-27');
    const first = expectOk(await take(kiosk));
    expect(first).toMatchObject({ number: 'A001', day: '2026-11-27', peopleAhead: 0 });
    const archive = JSON.parse(readFileSync(join(dataDir, 'days', '2026-11-26.json'), 'utf8'));
    expect(archive.tickets.map((t: { number: string }) => t.number)).toEqual(['A001', 'A002']);
    expect(existsSync(join(dataDir, 'journal', '2026-11-26.jsonl'))).toBe(false);
    expect(hub.hub.service.publicView().day).toBe('2026-11-27');
  });

  it('archives a day whose midnight passed while the hub was down', async () => {
    const dataDir = tempDataDir();
    const clock = { now: vnTime('16:00') };
    const hub = await hubOn(dataDir, clock);
    expectOk(await take(await hub.connect({ app: 'kiosk' })));
    await hub.stop();
    hubs = [];
    clock.now = vnTime('07:00', '2026-11-27');
    const next = await hubOn(dataDir, clock);
    expect(next.hub.startReport.archivedDays).toEqual(['2026-11-26']);
    expect(existsSync(join(dataDir, 'days', '2026-11-26.json'))).toBe(true);
    expect(expectOk(await take(await next.connect({ app: 'kiosk' }))).number).toBe('A001');
  });
});

describe('reconnecting', () => {
  it('screens reconnect by themselves after the hub restarts, and get the new state with a new boot id', async () => {
    const dataDir = tempDataDir();
    const first = await startTestHub({ dataDir });
    const port = first.hub.port;
    const display: HubClient = io(first.hub.url, { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 200, auth: { app: 'display' } });
    const views: { bootId: string; waiting: number }[] = [];
    display.on('queue:public', (m) => views.push({ bootId: m.bootId, waiting: m.view.services[0]!.waiting }));
    await new Promise((resolve) => display.once('connect', () => resolve(null)));
    await first.stop();
    const second = await startTestHub({ dataDir, port });
    hubs.push(second);
    expectOk(await send((await second.connect({ app: 'kiosk' })), 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }));
    const start = Date.now();
    while (!views.some((v) => v.bootId === second.hub.bootId && v.waiting === 1) && Date.now() - start < 5_000)
      await new Promise((r) => setTimeout(r, 20));
    display.disconnect();
    expect(views.some((v) => v.bootId === first.hub.bootId)).toBe(true);
    expect(views.at(-1)).toEqual({ bootId: second.hub.bootId, waiting: 1 });
  });
});
