import { afterAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, statSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceTimeProfile } from '../../server/app/service-time-profile';
import type { Ticket } from '../../server/domain/queue-state';
import type {
  Ack,
  AckError,
  CredentialView,
  DossierLookupView,
  PublicView,
  SessionInfo,
  SessionView,
  Snapshot,
  TicketIssued,
  Versioned,
} from '../../server/protocol/views';
import { startSmsGateway, waitFor } from '../notifications/notification-fixtures';
import { connectOutcome, expectOk, newCommandId, recordEvents, send, startTestHub, supervisorSocket, type HubClient, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, testCentre } from '../helpers/test-centre';
import { canMountSmallDisk, fillDisk, smallDisk } from '../helpers/small-disk';
import { report } from './sizes';

/**
 * Issue 11, "every store, not only the queue journal, changes memory only after the disk": on a
 * real, full file system (a 1 MB tmpfs, as in faults.test.ts) every store refuses a change with
 * STORAGE_FAILED and what everyone sees stays as it was: while the disk is full, once space is back
 * (before any new command), and after a restart on the same folder. Then the same change works.
 *
 * A full tmpfs still takes writes into the unused rest of a file's last page, so each store's
 * journal is first written to until it refuses (with its smallest kind of record): after that,
 * every record of that store is refused.
 */

const describeWithMount = canMountSmallDisk('the full-disk tests') ? describe.concurrent : describe.skip;

/** Bytes a file can still grow by without a new page of the file system. */
function slackOf(path: string): number {
  const { bsize } = statfsSync(path);
  const size = existsSync(path) ? statSync(path).size : 0;
  return (bsize - (size % bsize)) % bsize;
}

const T0 = Date.parse('2026-11-26T09:00:00+07:00');
const NEW_PASSWORD = 'officer-pw-2';
/** Part of error.STORAGE_FAILED in Vietnamese (server/i18n/vi.ts). */
const NOT_STORED_VI = 'không lưu được';
const counts: Record<string, number> = {};

function expectStorageFailed(ack: Ack<unknown>, what: string): void {
  expect(ack, what).toMatchObject({ ok: false, error: 'STORAGE_FAILED' });
  expect((ack as AckError).message, what).toContain(NOT_STORED_VI);
  // Nothing of the refused change is handed out (no key, no token, no secret).
  expect(ack, what).not.toHaveProperty('data');
}

async function expectStorageFailedRest(response: { status: number; body: unknown }, what: string): Promise<void> {
  expect(response.status, what).toBe(503);
  expect(response.body, what).toMatchObject({ error: 'STORAGE_FAILED' });
  expect((response.body as { message: string }).message, what).toContain(NOT_STORED_VI);
}

async function queueView(hub: TestHub): Promise<PublicView> {
  return ((await (await fetch(`${hub.hub.url}/api/queue`)).json()) as Versioned<PublicView>).view;
}

function dossier(n: number, patch: Record<string, unknown> = {}) {
  return {
    code: `000.00.15.H29-261120-${String(n).padStart(4, '0')}`,
    lookupKey: `KEY${n}X`,
    procedure: 'Đăng ký khai sinh',
    field: 'Hộ tịch',
    applicant: { name: 'Nguyễn Văn An', phone: null, email: null, lang: 'vi' },
    receivedAt: '2026-11-25T09:00:00+07:00',
    dueAt: '2026-11-28T17:00:00+07:00',
    status: 4,
    delivery: 'centre',
    collectAt: 'Quầy 1',
    ...patch,
  };
}

function dossierApi(hub: TestHub, key: string) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const answer = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> });
  return {
    push: async (body: unknown) => answer(await fetch(`${hub.hub.url}/api/dossiers`, { method: 'POST', headers, body: JSON.stringify(body) })),
    status: async (code: string, body: unknown) =>
      answer(await fetch(`${hub.hub.url}/api/dossiers/${encodeURIComponent(code)}/status`, { method: 'POST', headers, body: JSON.stringify(body) })),
    lookup: async (code: string, k: string) =>
      answer(await fetch(`${hub.hub.url}/api/dossiers/lookup?code=${encodeURIComponent(code)}&key=${encodeURIComponent(k)}`)),
  };
}

/** Runs `probe` over and over while `work` is under way, and once more after it. */
async function whileRunning<T, P>(work: Promise<T>, probe: () => Promise<P>, limit = 40): Promise<{ result: T; probes: P[] }> {
  let done = false;
  const settled = work.finally(() => (done = true));
  const probes: P[] = [];
  while (!done && probes.length < limit) probes.push(await probe());
  const result = await settled;
  probes.push(await probe());
  return { result, probes };
}

/** Connects to the /bridge namespace as a bridge does: 'connected', or the connect error. */
const bridgeConnects = (hub: TestHub, token: string) => connectOutcome(`${hub.hub.url}/bridge`, { auth: { token } });

/** Whether a session token still works: a counter screen connecting with it gets the staff view. */
async function tokenWorks(hub: TestHub, token: string): Promise<boolean> {
  const socket = await hub.connect({ app: 'counter', token });
  try {
    return expectOk(await send<Snapshot>(socket, 'state:request', {})).staff !== null;
  } finally {
    socket.disconnect();
  }
}

async function login(hub: TestHub, username: string, password: string): Promise<Ack<SessionInfo>> {
  const socket = await hub.connect({ app: 'counter' });
  try {
    return await send<SessionInfo>(socket, 'session:login', { username, password });
  } finally {
    socket.disconnect();
  }
}

async function sessionIds(sup: HubClient): Promise<string[]> {
  return expectOk(await send<SessionView[]>(sup, 'session:list', {}))
    .map((s) => s.sessionId)
    .sort();
}

type Editable = { version: number; config: Record<string, any> };

function publicViews(events: { name: string; message: unknown }[]): PublicView[] {
  return events.filter((e) => e.name === 'queue:public').map((e) => (e.message as Versioned<PublicView>).view);
}

describeWithMount('a full disk: every store changes memory only after the disk', () => {
  afterAll(() => {
    if (Object.keys(counts).length > 0) report('disk-full-stores', counts);
  });

  it('administration: config:replace, apikey:issue, bridge:issue-token, officer:set-password, session:login, session:logout and pairing:issue are refused whole, now, once space is back and after a restart', async () => {
    const disk = smallDisk()!;
    const clock = { now: T0 };
    const config = testCentre((c) => {
      c.bridges = [{ id: 'kiosk-pc-2', name: 'Máy kiosk cửa vào' }];
    });
    let hub = await startTestHub({ dataDir: disk.dir, config, clock });
    let freeSpace: (() => void) | null = null;
    try {
      const display = await hub.connect({ app: 'display' });
      const shown = recordEvents(display);
      const sup = await supervisorSocket(hub);
      const o1 = await hub.connect({ app: 'counter' });
      const o1Token = expectOk(await send<SessionInfo>(o1, 'session:login', { username: 'o1', password: OFFICER_PASSWORD })).token;
      expectOk(await send(o1, 'counter:open', { commandId: newCommandId(), counterId: 'c1' }));
      const o1Events = recordEvents(o1);
      const oldKey = expectOk(await send<{ key: string }>(sup, 'apikey:issue', { commandId: newCommandId(), integrationId: 'motcua', scopes: ['dossiers'] })).key;
      const known = dossier(1);
      expect((await dossierApi(hub, oldKey).push(known)).status).toBe(200);
      const oldBridgeToken = expectOk(await send<{ token: string }>(sup, 'bridge:issue-token', { commandId: newCommandId(), bridgeId: 'kiosk-pc-2' })).token;
      expect(await bridgeConnects(hub, oldBridgeToken)).toBe('connected');
      expectOk(await send(sup, 'pairing:issue', { commandId: newCommandId(), kind: 'kiosk', targetId: 'k1' }));
      // Sessions to log out one by one once the disk is full: a logout is the smallest record of
      // the administration journal, so once one is refused, every other change is too.
      const spares = await Promise.all(
        Array.from({ length: 48 }, async () => {
          const socket = await hub.connect({ app: 'counter' });
          return { socket, token: expectOk(await send<SessionInfo>(socket, 'session:login', { username: 'o2', password: OFFICER_PASSWORD })).token };
        }),
      );
      // Later: anything issued now would show another time.
      clock.now += 60_000;
      const before = {
        config: expectOk(await send<Editable>(sup, 'config:get', {})),
        notice: (await queueView(hub)).display.notice,
        credentials: expectOk(await send<CredentialView[]>(sup, 'credential:list', {})),
        audit: expectOk(await send<unknown[]>(sup, 'audit:list', { limit: 1000 })),
        sessions: await sessionIds(sup),
      };
      expect(before.notice).toBeNull();

      freeSpace = fillDisk(disk.dir);
      let loggedOut = 0;
      let kept: (typeof spares)[number] | null = null;
      for (const spare of spares) {
        const ack = await send(spare.socket, 'session:logout', {});
        if (ack.ok) {
          loggedOut += 1;
          continue;
        }
        expectStorageFailed(ack, 'session:logout');
        kept = spare;
        break;
      }
      expect(kept, 'the full disk refused a logout').not.toBeNull();
      const keptToken = kept!.token;
      // The refused logout changed nothing: the token still works, its session is still listed.
      expect(await tokenWorks(hub, keptToken)).toBe(true);
      const sessionsFull = await sessionIds(sup);
      expect(sessionsFull).toHaveLength(before.sessions.length - loggedOut);

      const changed = structuredClone(before.config.config);
      changed.display = { ...changed.display, notice: { vi: 'Chiều nay trung tâm nghỉ họp', en: 'Closed this afternoon' } };
      changed.services[0].dailyLimit = 40;
      const commands = {
        'config:replace': { event: 'config:replace', payload: { commandId: newCommandId(), baseVersion: before.config.version, config: changed } },
        'apikey:issue': { event: 'apikey:issue', payload: { commandId: newCommandId(), integrationId: 'motcua', scopes: ['dossiers'] } },
        'bridge:issue-token': { event: 'bridge:issue-token', payload: { commandId: newCommandId(), bridgeId: 'kiosk-pc-2' } },
        'officer:set-password': { event: 'officer:set-password', payload: { commandId: newCommandId(), officerId: 'o1', password: NEW_PASSWORD } },
        'pairing:issue (again)': { event: 'pairing:issue', payload: { commandId: newCommandId(), kind: 'kiosk', targetId: 'k1' } },
        'pairing:issue (new)': { event: 'pairing:issue', payload: { commandId: newCommandId(), kind: 'rating', targetId: 'c2' } },
      } as const;
      let refused = 1; // the logout
      expectStorageFailed(await login(hub, 'o3', OFFICER_PASSWORD), 'session:login');
      refused += 1;
      for (const [name, { event, payload }] of Object.entries(commands)) {
        expectStorageFailed(await send(sup, event, payload), name);
        refused += 1;
      }

      /** What every screen and integration sees is as it was before the refused commands. */
      const expectUnchanged = async (h: TestHub, sup: HubClient, stage: string) => {
        expect(expectOk(await send<Editable>(sup, 'config:get', {})), `config:get ${stage}`).toEqual(before.config);
        expect((await queueView(h)).display.notice, `GET /api/queue ${stage}`).toEqual(before.notice);
        expect(expectOk(await send<CredentialView[]>(sup, 'credential:list', {})), `credential:list ${stage}`).toEqual(before.credentials);
        expect(expectOk(await send<unknown[]>(sup, 'audit:list', { limit: 1000 })), `audit:list ${stage}`).toEqual(before.audit);
        // The old API key still works (the dossier is stored already: nothing to write).
        expect(await dossierApi(h, oldKey).push(known), `old API key ${stage}`).toMatchObject({ status: 200, body: { changed: false } });
        expect(await bridgeConnects(h, oldBridgeToken), `old bridge token ${stage}`).toBe('connected');
        expect(await tokenWorks(h, keptToken), `token of the refused logout ${stage}`).toBe(true);
        expect(await tokenWorks(h, o1Token), `o1's session ${stage}`).toBe(true);
        expect(await login(h, 'o1', NEW_PASSWORD), `o1 with the refused password ${stage}`).toMatchObject({ ok: false, error: 'BAD_CREDENTIALS' });
      };

      await expectUnchanged(hub, sup, 'while the disk is full');
      expect(await sessionIds(sup), 'session:list while the disk is full').toEqual(sessionsFull);
      // The old password is still the one: it is accepted, only the session cannot be stored.
      expectStorageFailed(await login(hub, 'o1', OFFICER_PASSWORD), 'session:login of o1 with the old password');
      expect(await send(o1, 'state:request', { counterId: 'c1' }), "o1's counter screen").toMatchObject({ ok: true });

      freeSpace();
      freeSpace = null;
      await expectUnchanged(hub, sup, 'once space is back');
      expect(await sessionIds(sup), 'session:list once space is back').toEqual(sessionsFull);
      expect(await send(o1, 'state:request', { counterId: 'c1' }), "o1's counter screen once space is back").toMatchObject({ ok: true });
      expect(o1Events.filter((e) => e.name === 'session:ended'), 'o1 was not logged out').toEqual([]);
      expect(await login(hub, 'o1', OFFICER_PASSWORD), 'o1 with the old password once space is back').toMatchObject({ ok: true });
      // No screen ever showed the refused configuration.
      expect(publicViews(shown).map((v) => v.display.notice)).not.toContainEqual(changed.display.notice);

      await hub.stop();
      hub = await startTestHub({ dataDir: disk.dir, config, clock });
      const sup2 = await supervisorSocket(hub);
      await expectUnchanged(hub, sup2, 'after a restart');
      expect(await sessionIds(sup2), 'session:list after a restart').toEqual(expect.arrayContaining(sessionsFull));
      expect(await login(hub, 'o1', OFFICER_PASSWORD), 'o1 with the old password after a restart').toMatchObject({ ok: true });

      // The same commands, retried as a client does (same commandId), now do what they say.
      const retry = (name: keyof typeof commands) => send<Record<string, unknown>>(sup2, commands[name].event, commands[name].payload);
      expect(expectOk(await retry('config:replace'))).toEqual({ version: before.config.version + 1 });
      expect(expectOk(await send<Editable>(sup2, 'config:get', {})).config.services[0].dailyLimit).toBe(40);
      expect((await queueView(hub)).display.notice).toEqual(changed.display.notice);
      const newKey = String(expectOk(await retry('apikey:issue')).key);
      expect((await dossierApi(hub, oldKey).push(known)).status).toBe(401);
      expect((await dossierApi(hub, newKey).push(known)).status).toBe(200);
      const newBridgeToken = String(expectOk(await retry('bridge:issue-token')).token);
      expect(await bridgeConnects(hub, oldBridgeToken)).toBe('NOT_LOGGED_IN');
      expect(await bridgeConnects(hub, newBridgeToken)).toBe('connected');
      expectOk(await retry('officer:set-password'));
      expect(await tokenWorks(hub, o1Token)).toBe(false);
      expect(await login(hub, 'o1', NEW_PASSWORD)).toMatchObject({ ok: true });
      expectOk(await retry('pairing:issue (again)'));
      expectOk(await retry('pairing:issue (new)'));
      const keptSocket = await hub.connect({ app: 'counter', token: keptToken });
      expectOk(await send(keptSocket, 'session:logout', {}));
      expect(await tokenWorks(hub, keptToken)).toBe(false);
      expect(await login(hub, 'o3', OFFICER_PASSWORD)).toMatchObject({ ok: true });
      Object.assign(counts, { adminLogoutsBeforeFull: loggedOut, adminRefused: refused });
    } finally {
      freeSpace?.();
      await hub.stop();
      disk.release();
    }
  }, 60_000);

  it('dossiers: a refused push or status change is not in any lookup or board, now, once space is back and after a restart', async () => {
    const disk = smallDisk()!;
    const clock = { now: T0 };
    let hub = await startTestHub({ dataDir: disk.dir, clock });
    let freeSpace: (() => void) | null = null;
    try {
      const display = await hub.connect({ app: 'display' });
      const shown = recordEvents(display);
      const sup = await supervisorSocket(hub);
      const key = expectOk(await send<{ key: string }>(sup, 'apikey:issue', { commandId: newCommandId(), integrationId: 'motcua' })).key;
      const existing = dossier(1);
      const filler = dossier(2);
      const refusedNew = dossier(3);
      let api = dossierApi(hub, key);
      expect((await api.push(existing)).status).toBe(200);
      expect((await api.push(filler)).status).toBe(200);
      const lookupExisting = async () => api.lookup(existing.code, existing.lookupKey);
      const stored = (await lookupExisting()).body as unknown as DossierLookupView;
      expect(stored.status).toBe(4);

      freeSpace = fillDisk(disk.dir);
      // A status change is the smallest record of the dossier journal: change the filler's status
      // until the disk says no; then every push and status change is refused.
      let fillerChanges = 0;
      let fillerRefused = false;
      for (let i = 0; i < 80 && !fillerRefused; i++) {
        const answer = await api.status(filler.code, { status: i % 2 === 0 ? 1 : 4, at: new Date(T0 - 3_600_000 + i * 1_000).toISOString() });
        if (answer.status === 200) fillerChanges += 1;
        else {
          await expectStorageFailedRest(answer, 'the filler status change');
          fillerRefused = true;
        }
      }
      expect(fillerRefused, 'the full disk refused a status change').toBe(true);

      // A refused status change: no lookup, before or after its answer, sees it.
      const change = { status: 9, at: '2026-11-26T08:55:00+07:00' };
      const statusRun = await whileRunning(api.status(existing.code, change), lookupExisting);
      await expectStorageFailedRest(statusRun.result, 'POST /api/dossiers/:code/status');
      for (const seen of statusRun.probes) expect(seen).toEqual({ status: 200, body: stored });
      // A refused new dossier: no lookup finds it (a few lookups: wrong ones are slowed down).
      const lookupNew = () => api.lookup(refusedNew.code, refusedNew.lookupKey);
      const pushRun = await whileRunning(api.push(refusedNew), lookupNew, 1);
      await expectStorageFailedRest(pushRun.result, 'POST /api/dossiers');
      for (const seen of pushRun.probes) expect(seen).toMatchObject({ status: 404, body: { error: 'DOSSIER_NOT_FOUND' } });

      freeSpace();
      freeSpace = null;
      expect(await lookupExisting(), 'the existing dossier once space is back').toEqual({ status: 200, body: stored });
      expect(await lookupNew(), 'the refused dossier once space is back').toMatchObject({ status: 404, body: { error: 'DOSSIER_NOT_FOUND' } });
      // The results board (status 9) never listed the dossier whose change was refused.
      expect(publicViews(shown).flatMap((v) => v.dossiers?.resultsReady.map((r) => r.code) ?? [])).not.toContain(existing.code);

      await hub.stop();
      hub = await startTestHub({ dataDir: disk.dir, clock });
      api = dossierApi(hub, key);
      expect(await lookupExisting(), 'the existing dossier after a restart').toEqual({ status: 200, body: stored });
      expect(await lookupNew(), 'the refused dossier after a restart').toMatchObject({ status: 404, body: { error: 'DOSSIER_NOT_FOUND' } });
      // The same changes, sent again, are stored now.
      expect(await api.status(existing.code, change)).toMatchObject({ status: 200, body: { changed: true } });
      expect((await lookupExisting()).body).toMatchObject({ status: 9 });
      expect(await api.push(refusedNew)).toMatchObject({ status: 200, body: { changed: true } });
      expect((await lookupNew()).status).toBe(200);
      Object.assign(counts, { dossierChangesBeforeFull: fillerChanges, dossierRefused: 3 });
    } finally {
      freeSpace?.();
      await hub.stop();
      disk.release();
    }
  }, 60_000);

  it('ticket:take: a refused take is in no view, not even right after its answer, nor after a restart', async () => {
    const disk = smallDisk()!;
    const clock = { now: T0 };
    let hub = await startTestHub({ dataDir: disk.dir, clock });
    let freeSpace: (() => void) | null = null;
    try {
      const display = await hub.connect({ app: 'display' });
      const shown = recordEvents(display);
      const kiosk = await hub.connect({ app: 'kiosk' });
      const take = () => send<TicketIssued>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' });
      const waiting = async () => (await queueView(hub)).services.find((s) => s.id === 'ho-tich')!.waiting;
      expectOk(await take());

      freeSpace = fillDisk(disk.dir);
      let acknowledged = 1;
      let refused: Ack<TicketIssued> | null = null;
      const probes: number[] = [];
      // The journal's last page may still hold a few lines: take until the disk says no.
      for (let i = 0; i < 80 && !refused; i++) {
        const run = await whileRunning(take(), waiting, 5);
        if (run.result.ok) acknowledged += 1;
        else refused = run.result;
        // Every read, while the take is under way and right after its answer, counts only what was
        // acknowledged: never the take being refused.
        for (const seen of run.probes) expect(seen).toBeLessThanOrEqual(acknowledged);
        probes.push(...run.probes);
      }
      expect(refused, 'the full disk refused a take').not.toBeNull();
      expectStorageFailed(refused!, 'ticket:take');
      expect(probes.at(-1), 'GET /api/queue right after the refused answer').toBe(acknowledged);
      for (const view of publicViews(shown)) expect(view.services.find((s) => s.id === 'ho-tich')!.waiting).toBeLessThanOrEqual(acknowledged);

      freeSpace();
      freeSpace = null;
      expect(await waiting(), 'once space is back').toBe(acknowledged);
      await hub.stop();
      hub = await startTestHub({ dataDir: disk.dir, clock });
      expect(await waiting(), 'after a restart').toBe(acknowledged);
      const kiosk2 = await hub.connect({ app: 'kiosk' });
      // The refused take used no number.
      expect(expectOk(await send<TicketIssued>(kiosk2, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' })).number).toBe(
        `A${String(acknowledged + 1).padStart(3, '0')}`,
      );
      Object.assign(counts, { takesBeforeFull: acknowledged, takesRefused: 1, queueReadsWhileRefusing: probes.length });
    } finally {
      freeSpace?.();
      await hub.stop();
      disk.release();
    }
  }, 60_000);

  /** A hub sending SMS through a fake gateway, a dossier with a phone, and a full disk. */
  async function outboxCase(disk: { dir: string }) {
    const gateway = await startSmsGateway();
    const clock = { now: T0 };
    const config = testCentre((c) => {
      c.notifications = { sms: { url: `${gateway.url}/sms` }, retry: { initialMs: 50, maxMs: 200 } } as never;
    });
    const hub = await startTestHub({ dataDir: disk.dir, config, clock });
    const sup = await supervisorSocket(hub);
    const key = expectOk(await send<{ key: string }>(sup, 'apikey:issue', { commandId: newCommandId(), integrationId: 'motcua' })).key;
    const api = dossierApi(hub, key);
    // Being handled (4): no message yet.
    const withPhone = dossier(7, { applicant: { name: 'Nguyễn Văn An', phone: '0901234567', email: null, lang: 'vi' } });
    expect((await api.push(withPhone)).status).toBe(200);
    const outbox = join(disk.dir, 'notifications', 'outbox.jsonl');
    const journal = join(disk.dir, 'dossiers', 'changes-1.jsonl');
    // The outbox gets no room left in its last page (a blank line, which the journal skips, fills it);
    // the dossier journal keeps room for a status change.
    const slack = slackOf(outbox);
    if (slack > 0) appendFileSync(outbox, ' '.repeat(slack - 1) + '\n');
    expect(slackOf(outbox), 'the outbox file ends on a page').toBe(0);
    expect(slackOf(journal), 'the dossier journal has room for one more line').toBeGreaterThan(400);
    const freeSpace = fillDisk(disk.dir);
    // The result is ready: the register stores it, the outbox cannot store the SMS.
    const ready = await api.status(withPhone.code, { status: 9, at: '2026-11-26T09:00:00+07:00' });
    expect(ready).toMatchObject({ status: 200, body: { changed: true } });
    expect((await api.lookup(withPhone.code, withPhone.lookupKey)).body).toMatchObject({ status: 9 });
    const refusedLog = () => hub.log.lines.some((l) => l.component === 'notifications' && l.level === 'error');
    await waitFor(refusedLog, 'the outbox refusing the message', 5_000).catch(() => undefined);
    counts.outboxUnstored = (counts.outboxUnstored ?? 0) + (refusedLog() ? 1 : 0);
    // Stored before sent: nothing went out while the disk was full.
    await new Promise((r) => setTimeout(r, 500));
    expect(gateway.requests, 'no SMS while the outbox cannot store it').toEqual([]);
    return { gateway, hub, config, clock, freeSpace, code: withPhone.code };
  }

  const smsFor = (gateway: Awaited<ReturnType<typeof startSmsGateway>>, code: string) =>
    gateway.accepted().filter((r) => (JSON.parse(r.body) as { text: string }).text.includes(code));

  it('outbox: a message the full disk refused is sent once space is back (the hub retries every 30 s)', async () => {
    const disk = smallDisk()!;
    const { gateway, hub, freeSpace, code } = await outboxCase(disk);
    try {
      freeSpace();
      await waitFor(() => smsFor(gateway, code).length > 0, 'the SMS once space is back', 45_000);
      expect(smsFor(gateway, code)).toHaveLength(1);
      expect(JSON.parse(smsFor(gateway, code)[0]!.body)).toMatchObject({ to: '0901234567' });
    } finally {
      freeSpace();
      await hub.stop();
      await gateway.close();
      disk.release();
    }
  }, 60_000);

  it('outbox: a message the full disk refused is sent after a restart that came before its retry, once', async () => {
    const disk = smallDisk()!;
    const { gateway, hub, config, clock, freeSpace, code } = await outboxCase(disk);
    let again: Awaited<ReturnType<typeof startTestHub>> | null = null;
    try {
      // The retry the hub held in memory goes with it.
      await hub.stop();
      freeSpace();
      again = await startTestHub({ dataDir: disk.dir, config, clock });
      await waitFor(() => smsFor(gateway, code).length > 0, 'the SMS after the restart', 20_000);
      await again.stop();
      again = await startTestHub({ dataDir: disk.dir, config, clock });
      await new Promise((r) => setTimeout(r, 500));
      expect(smsFor(gateway, code), 'sent once, not again at the next start').toHaveLength(1);
    } finally {
      freeSpace();
      await hub.stop();
      await again?.stop();
      await gateway.close();
      disk.release();
    }
  }, 60_000);

  it('learned service times: a learn the full disk refuses changes no estimate, now, once space is back and after a reopen', async () => {
    const disk = smallDisk()!;
    const freeSpace: { run: (() => void) | null } = { run: null };
    try {
      const zone = 'Asia/Ho_Chi_Minh';
      const served = (day: string, minutes: number): Ticket[] =>
        [0, 1, 2].map((i) => {
          const calledAt = Date.parse(`${day}T09:0${i}:00+07:00`);
          return {
            id: `${day}-${i}`,
            number: `A00${i + 1}`,
            serviceId: 'ho-tich',
            priorityGroup: null,
            status: 'done',
            source: 'kiosk',
            booking: null,
            carriedFrom: null,
            cancelReason: null,
            takenAt: calledAt - 60_000,
            queuedAt: calledAt - 60_000,
            targetCounterId: null,
            counterId: 'c1',
            officerId: 'o1',
            calledAt,
            servingAt: calledAt,
            finishedAt: calledAt + minutes * 60_000,
            recalls: 0,
            postponements: 0,
            transfers: 0,
            estimatedWaitMinutes: null,
            rating: null,
          };
        });
      const profile = await ServiceTimeProfile.open(disk.dir);
      await profile.learn('2026-11-24', served('2026-11-24', 10), zone);
      expect(profile.minutes('ho-tich', 9)).toBeCloseTo(10);

      freeSpace.run = fillDisk(disk.dir);
      await expect(profile.learn('2026-11-25', served('2026-11-25', 20), zone)).rejects.toThrow();
      expect(profile.minutes('ho-tich', 9), 'after the refused learn').toBeCloseTo(10);
      expect((await ServiceTimeProfile.open(disk.dir)).minutes('ho-tich', 9), 'reopened while the disk is full').toBeCloseTo(10);

      freeSpace.run();
      freeSpace.run = null;
      expect(profile.minutes('ho-tich', 9), 'once space is back').toBeCloseTo(10);
      expect((await ServiceTimeProfile.open(disk.dir)).minutes('ho-tich', 9), 'reopened once space is back').toBeCloseTo(10);
      // The refused day is learned when it comes again: it was not marked learned.
      await profile.learn('2026-11-25', served('2026-11-25', 20), zone);
      const expected = (30 * 0.9 + 60) / (3 * 0.9 + 3);
      expect(profile.minutes('ho-tich', 9)).toBeCloseTo(expected);
      expect((await ServiceTimeProfile.open(disk.dir)).minutes('ho-tich', 9)).toBeCloseTo(expected);
      counts.learnRefused = 1;
    } finally {
      freeSpace.run?.();
      disk.release();
    }
  }, 30_000);
});
