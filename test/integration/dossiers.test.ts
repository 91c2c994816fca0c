import { afterEach, describe, expect, it } from 'vitest';
import type { DeadlineRow, DossierLookupView } from '../../server/protocol/views';
import { expectOk, newCommandId, send, snapshotOnConnect, startTestHub, tempDataDir, type TestHub } from '../helpers/hub-fixture';
import { SUPERVISOR_PASSWORD } from '../helpers/test-centre';

let hubs: TestHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.map((h) => h.stop()));
  hubs = [];
});

const clock = { now: Date.parse('2026-11-26T09:00:00+07:00') };

async function hubWithKey(dataDir = tempDataDir()): Promise<{ hub: TestHub; key: string }> {
  const hub = await startTestHub({ dataDir, clock });
  hubs.push(hub);
  const supervisor = await hub.connect({ app: 'counter' });
  expectOk(await send(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
  const { key } = expectOk(await send<{ key: string }>(supervisor, 'apikey:issue', { commandId: newCommandId(), integrationId: 'motcua' }));
  return { hub, key };
}

function dossier(n: number, patch: Record<string, unknown> = {}) {
  return {
    code: `000.00.15.H29-261120-${String(n).padStart(4, '0')}`,
    lookupKey: `KEY${n}X`,
    procedure: 'Đăng ký khai sinh',
    field: 'Hộ tịch',
    applicant: { name: 'Nguyễn Văn An', phone: '0901234567', email: 'an@example.vn', lang: 'vi' },
    receivedAt: '2026-11-20T09:00:00+07:00',
    dueAt: '2026-11-27T17:00:00+07:00',
    status: 2,
    delivery: 'centre',
    collectAt: 'Quầy 1',
    ...patch,
  };
}

function api(hub: TestHub, key: string | null) {
  const headers = { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) };
  return {
    push: (body: unknown) => fetch(`${hub.hub.url}/api/dossiers`, { method: 'POST', headers, body: JSON.stringify(body) }),
    status: (code: string, body: unknown) => fetch(`${hub.hub.url}/api/dossiers/${encodeURIComponent(code)}/status`, { method: 'POST', headers, body: JSON.stringify(body) }),
    import: (rows: unknown[]) => fetch(`${hub.hub.url}/api/dossiers/import`, { method: 'POST', headers, body: JSON.stringify({ dossiers: rows }) }),
    lookup: (code: string, k: string) => fetch(`${hub.hub.url}/api/dossiers/lookup?code=${encodeURIComponent(code)}&key=${encodeURIComponent(k)}`),
  };
}

describe('the dossier API for the one-stop software', () => {
  it('needs an API key the supervisor issued; a revoked key stops working', async () => {
    const { hub, key } = await hubWithKey();
    expect((await api(hub, null).push(dossier(1))).status).toBe(401);
    expect((await api(hub, 'motcua.forged').push(dossier(1))).status).toBe(401);
    expect((await api(hub, key).push(dossier(1))).status).toBe(200);
    const supervisor = await hub.connect({ app: 'counter' });
    expectOk(await send(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
    expectOk(await send(supervisor, 'apikey:revoke', { commandId: newCommandId(), integrationId: 'motcua' }));
    expect((await api(hub, key).push(dossier(2))).status).toBe(401);
    expect(hub.hub.dossiers.size).toBe(1);
  });

  it('creates or updates by code; the same push twice is one change; statuses append to the history', async () => {
    const { hub, key } = await hubWithKey();
    const a = api(hub, key);
    expect(await (await a.push(dossier(1))).json()).toEqual({ code: dossier(1).code, changed: true });
    expect(await (await a.push(dossier(1))).json()).toEqual({ code: dossier(1).code, changed: false });
    const status = { status: 9, at: '2026-11-26T08:30:00+07:00', note: 'Đã ký' };
    expect(await (await a.status(dossier(1).code, status)).json()).toMatchObject({ changed: true });
    expect(await (await a.status(dossier(1).code, status)).json()).toMatchObject({ changed: false });
    const view: DossierLookupView = await (await a.lookup(dossier(1).code, 'key1x')).json();
    expect(view).toMatchObject({ code: dossier(1).code, applicantMasked: 'Nguyễn V. A.', status: 9, timeliness: { kind: 'early' } });
    expect(view.history.map((h) => h.status)).toEqual([2, 9]);
    expect(JSON.stringify(view)).not.toMatch(/0901234567|an@example|Văn An/);
  });

  it('answers bad pushes with clear errors and changes nothing', async () => {
    const { hub, key } = await hubWithKey();
    const a = api(hub, key);
    const cases: [Promise<Response>, number, string][] = [
      [a.push(dossier(1, { code: 'HS/2026/1' })), 400, 'INVALID_DOSSIER_CODE'],
      [a.push(dossier(1, { status: 11 })), 400, 'INVALID_PAYLOAD'],
      [a.push(dossier(1, { receivedAt: '20/11/2026' })), 400, 'INVALID_PAYLOAD'],
      [a.push(dossier(1, { dueAt: '2026-11-19T09:00:00+07:00' })), 400, 'DUE_BEFORE_RECEIVED'],
      [a.push({ ...dossier(1), extra: 1 }), 400, 'INVALID_PAYLOAD'],
      [a.status('000.00.15.H29-261120-9999', { status: 4, at: '2026-11-21T08:00:00+07:00' }), 404, 'UNKNOWN_DOSSIER'],
      [a.status(dossier(1).code, { status: 'done', at: 'yesterday' }), 400, 'INVALID_PAYLOAD'],
    ];
    for (const [response, status, code] of cases) {
      const r = await response;
      expect(r.status).toBe(status);
      expect((await r.json()).error).toBe(code);
    }
    const invalid = await (await a.push(dossier(1, { status: 11 }))).json();
    expect(invalid.issues).toEqual([{ field: 'status', reason: expect.any(String) }]);
    expect(hub.hub.dossiers.size).toBe(0);
  });

  it('imports all or nothing, reporting every bad row', async () => {
    const { hub, key } = await hubWithKey();
    const a = api(hub, key);
    const bad = await a.import([dossier(1), dossier(2, { status: 0 }), dossier(3, { code: 'x' }), dossier(1)]);
    expect(bad.status).toBe(422);
    const report = await bad.json();
    expect(report.rejected).toEqual([
      { index: 1, field: 'status', reason: expect.any(String) },
      { index: 2, field: 'code', reason: expect.any(String) },
      { index: 3, field: 'code', reason: 'repeats row 0' },
    ]);
    expect(hub.hub.dossiers.size).toBe(0);
    const rows = Array.from({ length: 2_000 }, (_, i) => dossier(i + 1));
    expect(await (await a.import(rows)).json()).toEqual({ received: 2000, created: 2000, updated: 0, unchanged: 0 });
    expect(await (await a.import(rows)).json()).toEqual({ received: 2000, created: 0, updated: 0, unchanged: 2000 });
    expect(hub.hub.dossiers.size).toBe(2000);
  });

  it('imports a year of dossiers (40,000) in one request, and keeps them across a restart', async () => {
    const dataDir = tempDataDir();
    const { hub, key } = await hubWithKey(dataDir);
    const rows = Array.from({ length: 40_000 }, (_, i) => ({
      ...dossier(0),
      code: `000.00.15.H29-${String(250101 + Math.floor(i / 1000)).padStart(6, '0')}-${String(i % 10_000).padStart(4, '0')}`,
      lookupKey: `K${i}`.padEnd(6, 'X').slice(0, 12),
    }));
    const response = await api(hub, key).import(rows);
    expect(await response.json()).toEqual({ received: 40_000, created: 40_000, updated: 0, unchanged: 0 });
    expect(hub.hub.dossiers.size).toBe(40_000);
    await hub.hub.stop();
    hubs = [];
    const again = await startTestHub({ dataDir, clock });
    hubs.push(again);
    expect(again.hub.dossiers.size).toBe(40_000);
    expect(again.hub.dossiers.lookup(rows[39_999]!.code, rows[39_999]!.lookupKey)?.code).toBe(rows[39_999]!.code);
  }, 120_000);

  it('keeps every acknowledged change across a restart', async () => {
    const dataDir = tempDataDir();
    const first = await hubWithKey(dataDir);
    const a = api(first.hub, first.key);
    await a.import(Array.from({ length: 50 }, (_, i) => dossier(i + 1)));
    await a.status(dossier(7).code, { status: 5, at: '2026-11-25T10:00:00+07:00', note: 'Thiếu bản sao CCCD' });
    await first.hub.stop();
    hubs = [];
    const second = await startTestHub({ dataDir, clock });
    hubs.push(second);
    expect(second.hub.dossiers.size).toBe(50);
    expect(second.hub.dossiers.get(dossier(7).code)?.history.map((h) => h.status)).toEqual([2, 5]);
    // The API key was kept too.
    expect((await api(second, first.key).push(dossier(51))).status).toBe(200);
  });
});

describe('looking a dossier up', () => {
  it('shows nothing for a wrong code or key, and slows down guessing', async () => {
    const { hub, key } = await hubWithKey();
    await api(hub, key).push(dossier(1));
    const kiosk = await hub.connect({ app: 'kiosk' });
    expectOk(await send<DossierLookupView>(kiosk, 'dossier:lookup', { code: dossier(1).code, key: 'KEY1X' }));
    const wrong = await send(kiosk, 'dossier:lookup', { code: dossier(1).code, key: 'WRONG1' });
    const unknown = await send(kiosk, 'dossier:lookup', { code: '000.00.15.H29-261120-0002', key: 'KEY1X' });
    // Wrong key and unknown code look the same: a lookup reveals nothing.
    expect(wrong).toEqual(unknown);
    expect(wrong).toMatchObject({ ok: false, error: 'DOSSIER_NOT_FOUND' });
    await send(kiosk, 'dossier:lookup', { code: dossier(1).code, key: 'WRONG2' });
    await send(kiosk, 'dossier:lookup', { code: dossier(1).code, key: 'WRONG3' });
    await send(kiosk, 'dossier:lookup', { code: dossier(1).code, key: 'WRONG4' });
    const limited = await send(kiosk, 'dossier:lookup', { code: dossier(1).code, key: 'KEY1X' });
    expect(limited).toMatchObject({ ok: false, error: 'RATE_LIMITED' });
    const rest = await api(hub, null).lookup(dossier(1).code, 'KEY1X');
    expect(rest.status).toBe(429);
    const body = await rest.json();
    expect(body.retryAfterSeconds).toBeGreaterThan(0);
    expect(body.message).toMatch(new RegExp(`${body.retryAfterSeconds} giây`));
    // The next visitor at the same kiosk, with another dossier, is not held up.
    await api(hub, key).push(dossier(2));
    expectOk(await send<DossierLookupView>(kiosk, 'dossier:lookup', { code: dossier(2).code, key: 'KEY2X' }));
  });
});

describe('the wall display and the supervisor', () => {
  it('the board shows results ready with masked names, and this month counts', async () => {
    const { hub, key } = await hubWithKey();
    const a = api(hub, key);
    await a.push(dossier(1, { status: 9 }));
    await a.push(dossier(2, { dueAt: '2026-11-25T17:00:00+07:00' })); // overdue now
    const display = await hub.connect({ app: 'display' });
    const board = snapshotOnConnect(display).view.dossiers!;
    expect(board.resultsReady).toEqual([{ code: dossier(1).code, applicantMasked: 'Nguyễn V. A.', collectAt: 'Quầy 1', readyAt: expect.any(Number) }]);
    expect(board.counts).toEqual({ early: 1, onTime: 0, late: 0, overdue: 1, month: '2026-11' });
    expect(JSON.stringify(board)).not.toContain('Văn An');
  });

  it('the supervisor sees dossiers near and past their deadline', async () => {
    const { hub, key } = await hubWithKey();
    const a = api(hub, key);
    await a.push(dossier(1, { dueAt: '2026-11-25T17:00:00+07:00' })); // late
    await a.push(dossier(2, { dueAt: '2026-11-27T17:00:00+07:00' })); // tomorrow: near
    await a.push(dossier(3, { dueAt: '2026-12-10T17:00:00+07:00' })); // far
    await a.push(dossier(4, { dueAt: '2026-11-25T17:00:00+07:00', status: 9 })); // done
    const supervisor = await hub.connect({ app: 'counter' });
    expectOk(await send(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
    const rows = expectOk(await send<DeadlineRow[]>(supervisor, 'dossier:deadlines', {}));
    expect(rows.map((r) => [r.code.slice(-4), r.timeliness.kind])).toEqual([
      ['0001', 'late'],
      ['0002', 'in-time'],
    ]);
    const officer = await hub.connect({ app: 'counter' });
    expect(await send(officer, 'dossier:deadlines', {})).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
  });
});
