import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { createLogger } from '../../server/logger';
import type { z } from 'zod';
import { LINK_NAMESPACE, type centreLiveState } from '../../server/protocol/link-protocol';
import { PROVINCE_NAMESPACE, type CentreOverviewRow, type ProvinceReport } from '../../server/protocol/province-protocol';
import { openDatabase, type Db } from '../../server/province/db/database';
import { ProvinceAccounts } from '../../server/province/province-accounts';
import { startProvince, type RunningProvince } from '../../server/province/province-server';
import { createTestDatabase, type TestDatabase } from '../helpers/database-servers';
import { bookingProfile } from '../helpers/province-fixture';

/**
 * The province supervisor's API on a real province process and PostgreSQL: sign-in and its
 * throttle, every route refused to the roles it is not for, bad input answered with a typed error
 * and changing nothing, every change in the audit log, reports summed across centres and months
 * (JSON, CSV, XLSX), and the live namespace (rows as a hub's state comes, a centre supervisor kept
 * to their centre, screens let go when their session ends).
 */

const PASSWORDS = { admin: 'quan-tri-tinh-2026', sup: 'giam-sat-tinh-2026', csa: 'giam-sat-xa-a-2026' };
let skew = 0;
const clock = () => Date.now() + skew;
let database: TestDatabase;
let db: Db;
let province: RunningProvince;
const sockets: Socket[] = [];
const tokens: Record<'admin' | 'sup' | 'csa', string> = { admin: '', sup: '', csa: '' };

type Answer = { ok: boolean; data?: any; error?: string; message?: string; retryAfterSeconds?: number };

async function call(method: string, path: string, options: { token?: string; cookie?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Answer; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${province.url}/api/province${path}`, {
    method,
    headers,
    ...(options.raw !== undefined ? { body: options.raw } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : { ok: false, error: text }, headers: response.headers };
}

async function signIn(user: string, password: string, address = '10.0.0.1'): Promise<string> {
  const answer = await call('POST', '/session', { body: { user, password }, headers: { 'x-forwarded-for': address } });
  if (!answer.body.ok) throw new Error(`sign-in of ${user}: ${answer.body.error}`);
  return answer.body.data.token as string;
}

const count = async (table: string, where = 'true') => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`)).rows[0]!.n;
const auditActions = async (since: number) => (await db.query<{ action: string; actor: string; centre_id: string | null; details: Record<string, unknown> }>('SELECT action, actor, centre_id, details FROM audit WHERE id > $1 ORDER BY id', [since])).rows;
const lastAuditId = async () => (await db.query<{ id: number | null }>('SELECT max(id)::int AS id FROM audit')).rows[0]!.id ?? 0;

function figures(key: string, f: { tickets: number; served: number; noShows?: number; transfers?: number; cancelled?: number; wait: number | null; service: number | null; ratings?: [number, number, number] }) {
  return {
    key,
    tickets: f.tickets,
    served: f.served,
    noShows: f.noShows ?? 0,
    transfers: f.transfers ?? 0,
    cancelled: f.cancelled ?? 0,
    waitAverageMinutes: f.wait,
    waitP90Minutes: f.wait,
    serviceAverageMinutes: f.service,
    serviceP90Minutes: f.service,
    estimateErrorMinutes: null,
    ratings: { veryGood: f.ratings?.[0] ?? 0, good: f.ratings?.[1] ?? 0, poor: f.ratings?.[2] ?? 0 },
  };
}

async function closedDay(centreId: string, day: string, rows: ReturnType<typeof figures>[]) {
  const report = { rows, total: figures('total', { tickets: 0, served: 0, wait: null, service: null }), busiestHours: Array(24).fill(0), noShows: 0 };
  await db.query('INSERT INTO centre_days (centre_id, day, report, received_at) VALUES ($1, $2, $3, $4)', [centreId, day, JSON.stringify(report), clock()]);
}

function liveState(waiting: Record<string, number>, at = clock()): z.input<typeof centreLiveState> {
  return {
    at,
    day: '2026-12-07',
    outSeq: 0,
    provinceSeq: 0,
    closing: null,
    services: Object.entries(waiting).map(([id, n]) => ({ id, waiting: n, estimatedWaitMinutes: n * 4, longestWaitSince: n > 0 ? at - 12 * 60_000 : null, availability: 'open' as const })),
    counters: { open: 2, paused: 0, total: 3 },
    calls: [],
    faults: [{ deviceId: 'p1', kind: 'printer', condition: 'paper-out', since: at - 60_000 }],
    alerts: { 'printer-paper': 1 },
  };
}

function socketOf(url: string, options: Parameters<typeof connect>[1]): Promise<Socket> {
  const socket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function until<T>(what: string, probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  database = await createTestDatabase('supervisor_api');
  province = await startProvince({ databaseUrl: database.url, port: 0, host: '127.0.0.1', log: createLogger('silent'), clock });
  db = openDatabase(database.url, 4);
  await province.registry.add({ id: 'xa-a', name: { vi: 'Xã Ân Thi', en: 'An Thi commune' }, area: 'Hưng Yên' }, 'test', clock());
  await province.registry.add({ id: 'xa-b', name: { vi: 'Phường Bạch Đằng', en: 'Bach Dang ward' }, area: 'Hưng Yên' }, 'test', clock());
  await province.registry.setProfile('xa-a', bookingProfile());
  await province.registry.setProfile('xa-b', bookingProfile());
  const accounts = new ProvinceAccounts(db);
  await accounts.add({ id: 'admin', name: 'Nguyễn Thị Quản', role: 'admin', centreId: null, password: PASSWORDS.admin }, 'cli:test', clock());
  await accounts.add({ id: 'giamsat', name: 'Trần Văn Sát', role: 'supervisor', centreId: null, password: PASSWORDS.sup }, 'cli:test', clock());
  await accounts.add({ id: 'gs.xa-a', name: 'Lê Thị Ân', role: 'centre-supervisor', centreId: 'xa-a', password: PASSWORDS.csa }, 'cli:test', clock());
  tokens.admin = await signIn('admin', PASSWORDS.admin);
  tokens.sup = await signIn('giamsat', PASSWORDS.sup);
  tokens.csa = await signIn('gs.xa-a', PASSWORDS.csa);
});

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await province?.stop();
  await db?.end();
  await database?.drop();
});

describe('signing in', () => {
  it('sets an HttpOnly cookie that opens the API, as a bearer token does, until sign-out', async () => {
    const since = await lastAuditId();
    const wrong = await call('POST', '/session', { body: { user: 'admin', password: 'sai-mat-khau-roi' }, headers: { 'x-forwarded-for': '10.9.0.1' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ ok: false, error: 'BAD_CREDENTIALS', message: 'Sai tên đăng nhập hoặc mật khẩu.' });
    const unknown = await call('POST', '/session', { body: { user: 'khong-co-ai', password: 'x' }, headers: { 'x-forwarded-for': '10.9.0.1', 'accept-language': 'en' } });
    expect(unknown.body).toMatchObject({ ok: false, error: 'BAD_CREDENTIALS', message: 'Wrong user name or password.' });

    const right = await call('POST', '/session', { body: { user: 'Admin ', password: PASSWORDS.admin }, headers: { 'x-forwarded-for': '10.9.0.1' } });
    expect(right.status).toBe(200);
    expect(right.body.data.account).toEqual({ id: 'admin', name: 'Nguyễn Thị Quản', role: 'admin', centreId: null, disabled: false });
    const setCookie = right.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^luot_province=luot-province\.[\w-]+;/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie.split(';')[0]!;

    expect((await call('GET', '/session', { cookie })).body).toMatchObject({ ok: true, data: { account: { id: 'admin' } } });
    expect((await call('GET', '/session', { token: right.body.data.token })).body).toMatchObject({ ok: true, data: { account: { id: 'admin' } } });
    // The database has only a hash of the token.
    expect(await count('province_sessions', `token_hash = '${right.body.data.token}'`)).toBe(0);

    // A change sent with the cookie from another site's page is refused.
    const foreign = await call('POST', '/registry/centres', { cookie, headers: { origin: 'https://evil.example' }, body: { id: 'xa-evil', name: { vi: 'X', en: 'X' }, area: 'X' } });
    expect(foreign.body).toMatchObject({ ok: false, error: 'ORIGIN_NOT_ALLOWED' });
    expect(await count('centres', `id = 'xa-evil'`)).toBe(0);

    expect((await call('DELETE', '/session', { cookie })).body).toEqual({ ok: true, data: null });
    expect((await call('GET', '/session', { cookie })).body).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
    expect((await call('GET', '/overview', { token: right.body.data.token })).status).toBe(401);

    const audited = await auditActions(since);
    expect(audited.map((a) => a.action)).toEqual(['session.login-failed', 'session.login-failed', 'session.login', 'session.logout']);
    expect(audited[2]).toMatchObject({ actor: 'province:admin', details: { address: '10.9.0.1' } });
  });

  it('slows down wrong passwords per user and address, and per address whatever the user', async () => {
    // Five wrong passwords for one user from one address: the sixth try waits, even with the right one.
    for (let i = 0; i < 5; i++) expect((await call('POST', '/session', { body: { user: 'giamsat', password: `sai-${i}` }, headers: { 'x-forwarded-for': '10.1.1.1' } })).body.error).toBe('BAD_CREDENTIALS');
    const held = await call('POST', '/session', { body: { user: 'giamsat', password: PASSWORDS.sup }, headers: { 'x-forwarded-for': '10.1.1.1' } });
    expect(held.status).toBe(429);
    expect(held.body).toMatchObject({ ok: false, error: 'RATE_LIMITED', retryAfterSeconds: 5 });
    expect(held.headers.get('retry-after')).toBe('5');
    // The same user elsewhere is not held up (a stranger cannot lock an officer out).
    expect((await call('POST', '/session', { body: { user: 'giamsat', password: PASSWORDS.sup }, headers: { 'x-forwarded-for': '10.1.1.2' } })).body.ok).toBe(true);
    // After the wait, the right password works.
    skew += 6_000;
    expect((await call('POST', '/session', { body: { user: 'giamsat', password: PASSWORDS.sup }, headers: { 'x-forwarded-for': '10.1.1.1' } })).body.ok).toBe(true);

    // One address trying many names: 20 free, then it waits.
    for (let i = 0; i < 21; i++) await call('POST', '/session', { body: { user: `ten-${i}`, password: 'x' }, headers: { 'x-forwarded-for': '10.2.2.2' } });
    expect((await call('POST', '/session', { body: { user: 'admin', password: PASSWORDS.admin }, headers: { 'x-forwarded-for': '10.2.2.2' } })).body.error).toBe('RATE_LIMITED');
    skew += 60_000;
  });

  it('answers bad sign-in bodies and bad JSON with INVALID_PAYLOAD', async () => {
    expect((await call('POST', '/session', { body: { user: 'admin' } })).body).toMatchObject({ ok: false, error: 'INVALID_PAYLOAD' });
    const bad = await call('POST', '/session', { raw: '{"user": "admin", ' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ ok: false, error: 'INVALID_PAYLOAD' });
  });
});

describe('roles, on every route', () => {
  const ROUTES: { method: string; path: string; body?: unknown; allowed: ('admin' | 'sup' | 'csa')[] }[] = [
    { method: 'GET', path: '/session', allowed: ['admin', 'sup', 'csa'] },
    { method: 'GET', path: '/overview', allowed: ['admin', 'sup', 'csa'] },
    { method: 'GET', path: '/reports?from=2026-10-01&to=2026-10-31', allowed: ['admin', 'sup', 'csa'] },
    { method: 'GET', path: '/reports?from=2026-10-01&to=2026-10-31&centre=xa-b', allowed: ['admin', 'sup'] },
    { method: 'GET', path: '/audit', allowed: ['admin', 'sup', 'csa'] },
    { method: 'GET', path: '/audit?centre=xa-b', allowed: ['admin', 'sup'] },
    { method: 'GET', path: '/registry', allowed: ['admin'] },
    { method: 'POST', path: '/registry/centres', body: { id: 'xa-role', name: { vi: 'Xã Vai Trò', en: 'Vai Tro' }, area: 'Hưng Yên' }, allowed: ['admin'] },
    { method: 'POST', path: '/registry/centres/xa-role/tokens', allowed: ['admin'] },
    { method: 'POST', path: '/registry/tokens/000000000000/revoke', allowed: [] },
    { method: 'GET', path: '/accounts', allowed: ['admin'] },
    { method: 'POST', path: '/accounts', body: { id: 'moi', name: 'Người Mới', role: 'supervisor', password: 'mat-khau-du-dai' }, allowed: ['admin'] },
    { method: 'POST', path: '/accounts/moi/disable', allowed: ['admin'] },
  ];

  it('refuses each route without a session, and to each role it is not for, changing nothing', async () => {
    for (const route of ROUTES) {
      const anonymous = await call(route.method, route.path, { body: route.body });
      expect([route.path, anonymous.status, anonymous.body.error]).toEqual([route.path, 401, 'NOT_LOGGED_IN']);
      for (const role of ['csa', 'sup'] as const) {
        if (route.allowed.includes(role)) continue;
        const before = [await count('centres'), await count('province_accounts'), await count('centre_tokens'), await lastAuditId()];
        const refused = await call(route.method, route.path, { token: tokens[role], body: route.body });
        expect([route.path, role, refused.status, refused.body.error]).toEqual([route.path, role, 403, 'FORBIDDEN']);
        expect([await count('centres'), await count('province_accounts'), await count('centre_tokens'), await lastAuditId()]).toEqual(before);
      }
    }
    // The admin may do all of it (in this order); the token revoke names a token that is not there.
    for (const route of ROUTES) {
      const answer = await call(route.method, route.path, { token: tokens.admin, body: route.body });
      if (route.path.includes('/revoke')) expect(answer.body).toMatchObject({ ok: false, error: 'UNKNOWN_TOKEN' });
      else expect([route.path, answer.body.ok]).toEqual([route.path, true]);
    }
    // Readers may read.
    for (const role of ['sup', 'csa'] as const)
      for (const route of ROUTES.filter((r) => r.allowed.includes(role) && r.method === 'GET')) expect([route.path, role, (await call('GET', route.path, { token: tokens[role] })).body.ok]).toEqual([route.path, role, true]);
  });

  it('shows a centre supervisor their own centre only', async () => {
    const overview = await call('GET', '/overview', { token: tokens.csa });
    expect(overview.body.data.rows.map((r: CentreOverviewRow) => r.id)).toEqual(['xa-a']);
    const all = await call('GET', '/overview', { token: tokens.sup });
    expect(all.body.data.rows.map((r: CentreOverviewRow) => r.id)).toEqual(['xa-a', 'xa-b', 'xa-role']);
    const audit = await call('GET', '/audit?limit=200', { token: tokens.csa });
    expect(audit.body.data.entries.length).toBeGreaterThan(0);
    expect(new Set(audit.body.data.entries.map((e: { centreId: string }) => e.centreId))).toEqual(new Set(['xa-a']));
  });
});

describe('the registry and accounts', () => {
  it('answers bad input with a typed error and changes nothing', async () => {
    const before = [await count('centres'), await count('province_accounts'), await count('centre_tokens'), await lastAuditId()];
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/registry/centres', { id: 'Xa Hoa', name: { vi: 'X', en: 'X' }, area: 'A' }, 400, 'INVALID_PAYLOAD'],
      ['POST', '/registry/centres', { id: 'xa-c', name: { vi: '', en: 'X' }, area: 'A' }, 400, 'INVALID_PAYLOAD'],
      ['POST', '/registry/centres', { id: 'xa-a', name: { vi: 'Xã Ân Thi', en: 'X' }, area: 'A' }, 409, 'CENTRE_EXISTS'],
      ['POST', '/registry/centres/khong-co/tokens', undefined, 404, 'UNKNOWN_CENTRE'],
      ['POST', '/registry/centres/KHONG CO/tokens', undefined, 404, 'UNKNOWN_CENTRE'],
      ['POST', '/registry/tokens/abc/revoke', undefined, 404, 'UNKNOWN_TOKEN'],
      ['POST', '/accounts', { id: 'x', name: 'X', role: 'supervisor', password: 'mat-khau-du-dai' }, 400, 'INVALID_PAYLOAD'],
      ['POST', '/accounts', { id: 'ngan', name: 'X', role: 'supervisor', password: 'ngan' }, 400, 'INVALID_PAYLOAD'],
      ['POST', '/accounts', { id: 'vaitro', name: 'X', role: 'root', password: 'mat-khau-du-dai' }, 400, 'INVALID_PAYLOAD'],
      ['POST', '/accounts', { id: 'gs2', name: 'X', role: 'centre-supervisor', password: 'mat-khau-du-dai' }, 400, 'INVALID_PAYLOAD'],
      ['POST', '/accounts', { id: 'gs3', name: 'X', role: 'supervisor', centreId: 'xa-a', password: 'mat-khau-du-dai' }, 400, 'INVALID_PAYLOAD'],
      ['POST', '/accounts', { id: 'gs4', name: 'X', role: 'centre-supervisor', centreId: 'khong-co', password: 'mat-khau-du-dai' }, 404, 'UNKNOWN_CENTRE'],
      ['POST', '/accounts', { id: 'giamsat', name: 'X', role: 'supervisor', password: 'mat-khau-du-dai' }, 409, 'ACCOUNT_EXISTS'],
      ['POST', '/accounts/khong-co/disable', undefined, 404, 'UNKNOWN_ACCOUNT'],
      ['POST', '/accounts/admin/disable', undefined, 403, 'FORBIDDEN'],
      ['GET', '/reports?from=2026-10-31&to=2026-10-01', undefined, 400, 'INVALID_PAYLOAD'],
      ['GET', '/reports?from=2026-10-01&to=2029-10-01', undefined, 400, 'INVALID_PAYLOAD'],
      ['GET', '/reports?from=1-10-2026&to=2026-10-31', undefined, 400, 'INVALID_PAYLOAD'],
      ['GET', '/reports?from=2026-10-01&to=2026-10-31&groupBy=officer', undefined, 400, 'INVALID_PAYLOAD'],
      ['GET', '/reports?from=2026-10-01&to=2026-10-31&format=pdf', undefined, 400, 'INVALID_PAYLOAD'],
      ['GET', '/audit?limit=5000', undefined, 400, 'INVALID_PAYLOAD'],
      ['GET', '/audit?action=DROP%20TABLE', undefined, 400, 'INVALID_PAYLOAD'],
    ];
    for (const [method, path, body, status, error] of cases) {
      const answer = await call(method, path, { token: tokens.admin, body });
      expect([method, path, answer.status, answer.body.ok, answer.body.error, typeof answer.body.message]).toEqual([method, path, status, false, error, 'string']);
    }
    const raw = await call('POST', '/accounts', { token: tokens.admin, raw: '{"id":' });
    expect(raw.body).toMatchObject({ ok: false, error: 'INVALID_PAYLOAD' });
    expect([await count('centres'), await count('province_accounts'), await count('centre_tokens'), await lastAuditId()]).toEqual(before);
  });

  it('audits every change with who made it; a token is shown once and revoked; a disabled account is out at once', async () => {
    const since = await lastAuditId();
    expect((await call('POST', '/registry/centres', { token: tokens.admin, body: { id: 'phuong-c', name: { vi: 'Phường Cầu Giấy', en: 'Cau Giay ward' }, area: 'Hà Nội' } })).body.ok).toBe(true);
    const issued = await call('POST', '/registry/centres/phuong-c/tokens', { token: tokens.admin });
    expect(issued.body.data.token).toMatch(/^luot-centre\.phuong-c\./);
    const registry = await call('GET', '/registry', { token: tokens.admin });
    const listed = registry.body.data.find((c: { id: string }) => c.id === 'phuong-c');
    expect(listed).toMatchObject({ name: { vi: 'Phường Cầu Giấy' }, linked: false, tokens: [{ id: issued.body.data.tokenId, issuedBy: 'province:admin', revokedAt: null }] });
    expect(JSON.stringify(registry.body)).not.toContain(issued.body.data.token);
    expect((await call('POST', `/registry/tokens/${issued.body.data.tokenId}/revoke`, { token: tokens.admin })).body.ok).toBe(true);
    expect((await call('POST', `/registry/tokens/${issued.body.data.tokenId}/revoke`, { token: tokens.admin })).body.error).toBe('UNKNOWN_TOKEN');

    expect((await call('POST', '/accounts', { token: tokens.admin, body: { id: 'gs.phuong-c', name: 'Phạm Thị Cầu', role: 'centre-supervisor', centreId: 'phuong-c', password: 'cau-giay-2026-mk' } })).body.ok).toBe(true);
    const theirs = await signIn('gs.phuong-c', 'cau-giay-2026-mk', '10.5.5.5');
    const screen = await socketOf(`${province.url}${PROVINCE_NAMESPACE}`, { auth: { token: theirs } });
    const letGo = new Promise((resolve) => screen.once('disconnect', resolve));
    expect((await call('POST', '/accounts/gs.phuong-c/disable', { token: tokens.admin })).body).toEqual({ ok: true, data: { changed: true } });
    expect((await call('GET', '/overview', { token: theirs })).body.error).toBe('NOT_LOGGED_IN');
    await letGo;
    expect((await call('POST', '/session', { body: { user: 'gs.phuong-c', password: 'cau-giay-2026-mk' }, headers: { 'x-forwarded-for': '10.5.5.6' } })).body.error).toBe('BAD_CREDENTIALS');
    expect((await call('POST', '/accounts/gs.phuong-c/disable', { token: tokens.admin })).body).toEqual({ ok: true, data: { changed: false } });
    const accounts = await call('GET', '/accounts', { token: tokens.admin });
    expect(accounts.body.data.find((a: { id: string }) => a.id === 'gs.phuong-c')).toEqual({ id: 'gs.phuong-c', name: 'Phạm Thị Cầu', role: 'centre-supervisor', centreId: 'phuong-c', disabled: true });
    expect(JSON.stringify(accounts.body)).not.toMatch(/scrypt|password/);

    const audited = (await auditActions(since)).filter((a) => !a.action.startsWith('session.'));
    expect(audited.map((a) => [a.action, a.actor, a.centre_id])).toEqual([
      ['centre.added', 'province:admin', 'phuong-c'],
      ['centre.token-issued', 'province:admin', 'phuong-c'],
      ['centre.token-revoked', 'province:admin', 'phuong-c'],
      ['account.added', 'province:admin', 'phuong-c'],
      ['account.disabled', 'province:admin', 'phuong-c'],
    ]);

    // The audit log as the API gives it: newest first, a page at a time, by centre and by kind.
    const page1 = await call('GET', '/audit?centre=phuong-c&limit=3', { token: tokens.sup });
    expect(page1.body.data.entries.map((e: { action: string }) => e.action)).toEqual(['account.disabled', 'session.login', 'account.added']);
    const page2 = await call('GET', `/audit?centre=phuong-c&limit=3&before=${page1.body.data.next}`, { token: tokens.sup });
    expect(page2.body.data.entries.map((e: { action: string }) => e.action)).toEqual(['centre.token-revoked', 'centre.token-issued', 'centre.added']);
    const centresOnly = await call('GET', '/audit?centre=phuong-c&action=centre.', { token: tokens.sup });
    expect(centresOnly.body.data.entries.map((e: { action: string }) => e.action)).toEqual(['centre.token-revoked', 'centre.token-issued', 'centre.added']);
    expect(centresOnly.body.data.next).toBeNull();
  });
});

describe('reports across centres', () => {
  beforeAll(async () => {
    // Two centres, two months (and a day outside the period, and a centre named like a formula).
    await closedDay('xa-a', '2026-10-05', [figures('ho-tich', { tickets: 10, served: 8, noShows: 1, transfers: 1, cancelled: 1, wait: 10, service: 5, ratings: [3, 1, 0] }), figures('dat-dai', { tickets: 4, served: 2, wait: 20, service: 15 })]);
    await closedDay('xa-a', '2026-10-06', [figures('ho-tich', { tickets: 6, served: 4, wait: 4, service: 3 })]);
    await closedDay('xa-a', '2026-11-03', [figures('ho-tich', { tickets: 5, served: 5, wait: 6, service: 4, ratings: [1, 0, 1] })]);
    await closedDay('xa-b', '2026-10-05', [figures('ho-tich', { tickets: 20, served: 18, noShows: 2, wait: 15, service: 6 }), figures('chung-thuc', { tickets: 3, served: 0, cancelled: 3, wait: null, service: null })]);
    await closedDay('xa-b', '2026-11-10', [figures('dat-dai', { tickets: 8, served: 6, wait: 30, service: 20 })]);
    await closedDay('xa-b', '2026-12-01', [figures('ho-tich', { tickets: 99, served: 99, wait: 99, service: 99 })]);
  });

  const report = async (query: string, token = tokens.sup): Promise<ProvinceReport> => {
    const answer = await call('GET', `/reports?${query}`, { token });
    expect(answer.body.ok).toBe(true);
    return answer.body.data;
  };

  it('sums by centre, with averages weighted by the people served', async () => {
    const r = await report('from=2026-10-01&to=2026-11-30&groupBy=centre');
    expect(r.rows.map((x) => [x.key, x.label.vi, x.days, x.tickets, x.served, x.noShows, x.transfers, x.cancelled, x.waitAverageMinutes, x.serviceAverageMinutes, x.ratings])).toEqual([
      // Sorted by name: "Phường Bạch Đằng" before "Xã Ân Thi".
      // xa-b: waits (15*18 + 30*6) / 24 = 18.75; service (6*18 + 20*6) / 24 = 9.5 (chung-thuc has no average).
      ['xa-b', 'Phường Bạch Đằng', 2, 31, 24, 2, 0, 3, 18.8, 9.5, { veryGood: 0, good: 0, poor: 0 }],
      // xa-a: waits (10*8 + 20*2 + 4*4 + 6*5) / 19 = 8.74; service (5*8 + 15*2 + 3*4 + 4*5) / 19 = 5.37.
      ['xa-a', 'Xã Ân Thi', 3, 25, 19, 1, 1, 1, 8.7, 5.4, { veryGood: 4, good: 1, poor: 1 }],
    ]);
    // Total: waits (80 + 40 + 16 + 30 + 270 + 180) / 43 = 14.33; service (40 + 30 + 12 + 20 + 108 + 120) / 43 = 7.67.
    expect(r.total).toMatchObject({ key: 'total', days: 5, tickets: 56, served: 43, noShows: 3, transfers: 1, cancelled: 4, waitAverageMinutes: 14.3, serviceAverageMinutes: 7.7 });
  });

  it('sums by field and by month, and for one centre', async () => {
    const byField = await report('from=2026-10-01&to=2026-11-30&groupBy=field');
    expect(byField.rows.map((x) => [x.key, x.tickets, x.served, x.waitAverageMinutes])).toEqual([
      ['chung-thuc', 3, 0, null],
      // dat-dai: (20*2 + 30*6) / 8 = 27.5
      ['dat-dai', 12, 8, 27.5],
      // ho-tich: (80 + 16 + 30 + 270) / 35 = 11.31
      ['ho-tich', 41, 35, 11.3],
    ]);
    expect(byField.rows.map((x) => x.label.vi)).toEqual(['Chứng thực', 'Đất đai', 'Hộ tịch']);
    expect(byField.total.tickets).toBe(56);

    const byMonth = await report('from=2026-10-01&to=2026-12-31&groupBy=month');
    expect(byMonth.rows.map((x) => [x.key, x.label.vi, x.label.en, x.days, x.tickets, x.served])).toEqual([
      ['2026-10', 'Tháng 10/2026', '10/2026', 3, 43, 32],
      ['2026-11', 'Tháng 11/2026', '11/2026', 2, 13, 11],
      ['2026-12', 'Tháng 12/2026', '12/2026', 1, 99, 99],
    ]);

    const oneCentre = await report('from=2026-10-01&to=2026-11-30&groupBy=month&centre=xa-a');
    expect(oneCentre.rows.map((x) => [x.key, x.tickets])).toEqual([
      ['2026-10', 20],
      ['2026-11', 5],
    ]);
    // A centre supervisor's report is their centre's, asked for or not.
    const own = await report('from=2026-10-01&to=2026-11-30&groupBy=centre', tokens.csa);
    expect(own.rows.map((x) => x.key)).toEqual(['xa-a']);
    expect(own.total.tickets).toBe(25);
    const empty = await report('from=2025-01-01&to=2025-01-31');
    expect(empty.rows).toEqual([]);
    expect(empty.total).toMatchObject({ days: 0, tickets: 0, served: 0, waitAverageMinutes: null });
  });

  it('gives CSV with a BOM, Vietnamese intact and formula-safe cells, and XLSX with the same figures', async () => {
    await province.registry.add({ id: 'xa-cong-thuc', name: { vi: '=HYPERLINK("http://x","Xã Độc")', en: '@SUM(1)' }, area: 'Hưng Yên' }, 'test', clock());
    await closedDay('xa-cong-thuc', '2026-10-07', [figures('ho-tich', { tickets: 2, served: 2, wait: 3, service: 2 })]);
    const response = await fetch(`${province.url}/api/province/reports?from=2026-10-01&to=2026-11-30&groupBy=centre&format=csv`, { headers: { authorization: `Bearer ${tokens.sup}` } });
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toContain('luot-tinh-centre-2026-10-01-2026-11-30.csv');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).split('\r\n');
    expect(lines[0]).toBe('Trung tâm,Ngày có báo cáo,Số phiếu đã lấy,Đã phục vụ,Vắng mặt,Chuyển,Đã hủy,"Chờ trung bình (phút, bình quân gia quyền theo số đã phục vụ)","Phục vụ trung bình (phút, bình quân gia quyền theo số đã phục vụ)",Rất hài lòng,Hài lòng,Không hài lòng');
    expect(lines).toContain('Phường Bạch Đằng,2,31,24,2,0,3,18.8,9.5,0,0,0');
    expect(lines).toContain('Xã Ân Thi,3,25,19,1,1,1,8.7,5.4,4,1,1');
    expect(lines).toContain(`"'=HYPERLINK(""http://x"",""Xã Độc"")",1,2,2,0,0,0,3,2,0,0,0`);
    expect(lines.at(-2)).toBe('Tổng cộng,6,58,45,3,1,4,13.8,7.4,4,1,1');

    const english = await fetch(`${province.url}/api/province/reports?from=2026-10-01&to=2026-11-30&groupBy=centre&format=csv&lang=en`, { headers: { authorization: `Bearer ${tokens.sup}` } });
    expect(await english.text()).toContain(`'@SUM(1),1,2,2`);

    const xlsx = await fetch(`${province.url}/api/province/reports?from=2026-10-01&to=2026-11-30&groupBy=field&format=xlsx`, { headers: { authorization: `Bearer ${tokens.sup}` } });
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const { Workbook } = (await import('exceljs')).default;
    const book = new Workbook();
    await book.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const sheet = book.worksheets[0]!;
    const values = (row: number) => (sheet.getRow(row).values as unknown[]).slice(1);
    expect(values(1)).toEqual(['Kỳ báo cáo: 2026-10-01 – 2026-11-30']);
    expect(values(2).slice(0, 4)).toEqual(['Lĩnh vực', 'Ngày có báo cáo', 'Số phiếu đã lấy', 'Đã phục vụ']);
    expect(values(3).slice(0, 4)).toEqual(['Chứng thực', 1, 3, 0]);
    expect(values(5).slice(0, 4)).toEqual(['Hộ tịch', 5, 43, 37]);
    expect(values(6).slice(0, 4)).toEqual(['Tổng cộng', 6, 58, 45]);
    expect(String(values(8)[0])).toContain('bình quân gia quyền');
  });
});

describe('the live namespace', () => {
  it('lets in signed-in staff only, and sends each centre row as its state comes, to those who may read it', async () => {
    await expect(socketOf(`${province.url}${PROVINCE_NAMESPACE}`, {})).rejects.toThrow('NOT_LOGGED_IN');
    await expect(socketOf(`${province.url}${PROVINCE_NAMESPACE}`, { auth: { token: 'luot-province.wrong' } })).rejects.toThrow('NOT_LOGGED_IN');
    // The browser's way: the cookie goes with the websocket handshake.
    const supervisor = await socketOf(`${province.url}${PROVINCE_NAMESPACE}`, { extraHeaders: { cookie: `luot_province=${tokens.sup}` } });
    const centreSupervisor = await socketOf(`${province.url}${PROVINCE_NAMESPACE}`, { auth: { token: tokens.csa } });
    const seen = { sup: [] as CentreOverviewRow[], csa: [] as CentreOverviewRow[] };
    supervisor.on('province:centre', (row: CentreOverviewRow) => seen.sup.push(row));
    centreSupervisor.on('province:centre', (row: CentreOverviewRow) => seen.csa.push(row));

    const snapshot = await supervisor.emitWithAck('province:overview', {});
    expect(snapshot.ok).toBe(true);
    expect(snapshot.data.rows.find((r: CentreOverviewRow) => r.id === 'xa-b')).toMatchObject({ connected: false, linked: true, stateAt: null, waiting: 0 });
    expect((await centreSupervisor.emitWithAck('province:overview', {})).data.rows.map((r: CentreOverviewRow) => r.id)).toEqual(['xa-a']);

    // Centre B's hub links and tells its state.
    const issued = await province.registry.issueToken('xa-b', 'test', clock());
    if (!issued.ok) throw new Error('no token');
    const hub = await socketOf(`${province.url}${LINK_NAMESPACE}`, { auth: { token: issued.token } });
    expect((await hub.emitWithAck('link:hello', { profile: bookingProfile() })).ok).toBe(true);
    await db.query(`UPDATE link_sequences SET out_seq = 7, out_acked = 4, in_seq = 2 WHERE centre_id = 'xa-b'`);
    const state = { ...liveState({ 'ho-tich': 5, 'dat-dai': 2 }), outSeq: 5 };
    hub.emit('link:state', { state });
    const row = await until('the row of xa-b with 7 waiting', () => seen.sup.find((r) => r.id === 'xa-b' && r.waiting === 7));
    expect(row).toMatchObject({
      connected: true,
      disconnectedSince: null,
      lag: { toCentre: 3, fromCentre: 3 },
      counters: { open: 2, paused: 0, total: 3 },
      longestWaitSince: state.at - 12 * 60_000,
      faults: [{ deviceId: 'p1', kind: 'printer', condition: 'paper-out' }],
      alerts: { 'printer-paper': 1 },
    });
    expect(row.fields.map((f) => [f.name.vi, f.waiting])).toEqual([
      ['Hộ tịch', 5],
      ['Đất đai', 2],
    ]);
    // The stored state, read by a fresh snapshot on any process, says the same.
    await until('the stored state', async () => (await call('GET', '/overview', { token: tokens.admin })).body.data.rows.find((r: CentreOverviewRow) => r.id === 'xa-b').waiting === 7);

    // A burst of states: the last one always arrives.
    for (let n = 0; n < 10; n++) hub.emit('link:state', { state: { ...liveState({ 'ho-tich': n }), outSeq: 5, at: state.at + n + 1 } });
    await until('the last of the burst', () => seen.sup.at(-1)?.id === 'xa-b' && seen.sup.at(-1)!.waiting === 9);
    expect(seen.sup.length).toBeLessThan(8);

    // The hub goes: the row says so at once.
    hub.close();
    const gone = await until('xa-b disconnected', () => seen.sup.find((r) => r.id === 'xa-b' && !r.connected));
    expect(gone.disconnectedSince).toBeGreaterThan(0);
    expect(gone.waiting).toBe(9);
    // Nothing of centre B reached centre A's supervisor.
    expect(seen.csa.filter((r) => r.id !== 'xa-a')).toEqual([]);

    // Signing out lets the screen go.
    const mine = await signIn('giamsat', PASSWORDS.sup, '10.7.7.7');
    const screen = await socketOf(`${province.url}${PROVINCE_NAMESPACE}`, { auth: { token: mine } });
    const letGo = new Promise((resolve) => screen.once('disconnect', resolve));
    await call('DELETE', '/session', { token: mine });
    await letGo;
  });

  it('takes a hub silent for 75 s as disconnected, with its last contact as the time', async () => {
    const issued = await province.registry.issueToken('xa-a', 'test', clock());
    if (!issued.ok) throw new Error('no token');
    const hub = await socketOf(`${province.url}${LINK_NAMESPACE}`, { auth: { token: issued.token } });
    await hub.emitWithAck('link:hello', { profile: bookingProfile() });
    await hub.emitWithAck('link:state', { state: liveState({ 'ho-tich': 1 }) });
    const row = async () => (await call('GET', '/overview', { token: tokens.admin })).body.data.rows.find((r: CentreOverviewRow) => r.id === 'xa-a') as CentreOverviewRow;
    expect((await row()).connected).toBe(true);
    skew += 76_000;
    const silent = await row();
    expect(silent.connected).toBe(false);
    expect(silent.disconnectedSince).toBe(silent.lastContactAt);
    hub.close();
  });
});
