import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger';
import { openDatabase, type Db } from '../../server/province/db/database';
import { ProvinceAccounts } from '../../server/province/province-accounts';
import { startProvince, type RunningProvince } from '../../server/province/province-server';
import { createTestDatabase, type TestDatabase } from '../helpers/database-servers';
import { bookingProfile } from '../helpers/province-fixture';

const RUN = Date.now().toString(36);
const NONE = { perPhonePerDay: null, perServicePerDay: null, horizonDays: null };

/**
 * The province's settings for all its centres over its API: who may read and change them, bad
 * input refused whole, and each change one numbered message to every centre, audited.
 */

let database: TestDatabase;
let db: Db;
let province: RunningProvince;
const tokens = { admin: '', sup: '' };

async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: { ok: boolean; data?: any; error?: string } }> {
  const res = await fetch(`${province.url}/api/province${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  database = await createTestDatabase('settings');
  db = openDatabase(database.url, 2);
  province = await startProvince({ databaseUrl: database.url, port: 0, host: '127.0.0.1', log: createLogger('silent') });
  for (const id of ['xa-a', 'xa-b']) {
    await province.registry.add({ id, name: { vi: `Xã ${id}`, en: `Commune ${id}` }, area: 'Hà Nội' }, 'test', Date.now());
    await province.registry.setProfile(id, bookingProfile(2));
  }
  const accounts = new ProvinceAccounts(db);
  await accounts.add({ id: 'admin', name: 'Nguyễn Thị Quản', role: 'admin', centreId: null, password: 'quan-tri-tinh-2026' }, 'cli:test', Date.now());
  await accounts.add({ id: 'giamsat', name: 'Trần Văn Sát', role: 'supervisor', centreId: null, password: 'giam-sat-tinh-2026' }, 'cli:test', Date.now());
  for (const [key, user, password] of [['admin', 'admin', 'quan-tri-tinh-2026'], ['sup', 'giamsat', 'giam-sat-tinh-2026']] as const) {
    const res = await fetch(`${province.url}/api/province/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password }) });
    tokens[key] = ((await res.json()) as { data: { token: string } }).data.token;
  }
});

afterAll(async () => {
  await province?.stop();
  await db?.end();
  await database?.drop();
});

describe('the province settings', () => {
  it('are read by anyone signed in, changed by an admin only, whole, and sent once to every centre', async () => {
    expect((await call('GET', '/settings', tokens.sup)).body).toEqual({ ok: true, data: { version: 0, holidays: [], workdays: [], notice: null, booking: NONE } });
    const settings = { holidays: ['2027-02-16', '2027-02-15', '2027-02-16'], workdays: ['2027-02-20'], notice: { vi: 'Nghỉ Tết Nguyên đán từ 15/02/2027.', en: 'Closed for Tết from 15 February 2027.' } };
    expect((await call('PUT', '/settings', tokens.sup, settings)).body).toMatchObject({ ok: false, error: 'FORBIDDEN' });
    expect((await call('PUT', '/settings', tokens.admin, { ...settings, holidays: ['15/02/2027'] })).body).toMatchObject({ ok: false, error: 'INVALID_PAYLOAD' });
    expect((await call('PUT', '/settings', tokens.admin, { holidays: [] })).body).toMatchObject({ ok: false, error: 'INVALID_PAYLOAD' });
    const { rows: none } = await db.query(`SELECT count(*)::int AS n FROM centre_outbox WHERE kind = 'settings'`);
    expect(none[0]).toEqual({ n: 0 });

    const changed = await call('PUT', '/settings', tokens.admin, settings);
    expect(changed.body).toEqual({ ok: true, data: { version: 1, holidays: ['2027-02-15', '2027-02-16'], workdays: ['2027-02-20'], notice: settings.notice, booking: NONE } });
    const { rows } = await db.query<{ centre_id: string; body: { version: number } }>(`SELECT centre_id, body FROM centre_outbox WHERE kind = 'settings' ORDER BY centre_id`);
    expect(rows.map((r) => [r.centre_id, r.body.version])).toEqual([
      ['xa-a', 1],
      ['xa-b', 1],
    ]);
    const audit = await db.query(`SELECT actor, details FROM audit WHERE action = 'province.settings'`);
    expect(audit.rows).toEqual([{ actor: 'province:admin', details: expect.objectContaining({ version: 1, holidays: ['2027-02-15', '2027-02-16'] }) }]);
    expect((await call('GET', '/settings', tokens.sup)).body.data.version).toBe(1);
  });

  it('cap every centre\'s booking limits: the smaller applies, counted across centres, shown on the booking page', async () => {
    const portal = (centre: string, path: string, body?: unknown) =>
      fetch(`${province.url}/api/portal/centres/${centre}/booking${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    expect((await call('PUT', '/settings', tokens.admin, { holidays: [], workdays: [], notice: null, booking: { perPhonePerDay: 0, perServicePerDay: null, horizonDays: null } })).body).toMatchObject({
      ok: false,
      error: 'INVALID_PAYLOAD',
    });
    const caps = { perPhonePerDay: 1, perServicePerDay: null, horizonDays: 3 };
    const saved = await call('PUT', '/settings', tokens.admin, { holidays: [], workdays: [], notice: null, booking: caps });
    expect(saved.body).toMatchObject({ ok: true, data: { booking: caps } });
    const { rows } = await db.query<{ body: { booking: unknown } }>(`SELECT body FROM centre_outbox WHERE centre_id = 'xa-a' AND kind = 'settings' ORDER BY seq DESC LIMIT 1`);
    expect(rows[0]!.body.booking).toEqual(caps);

    // The centre's own rules say 2 a day and 7 days ahead; the province's say 1 and 3.
    const options = await portal('xa-a', '/options');
    expect(options.body).toMatchObject({ horizonDays: 3, limits: { perPhonePerDay: 1, perServicePerDay: 1 } });
    const days = (await portal('xa-a', '/days?serviceId=ho-tich')).body.days as { day: string; slots: { start: number; open: boolean }[] }[];
    expect(days).toHaveLength(4);
    const open = days.flatMap((d) => d.slots.filter((s) => s.open).map((s) => ({ day: d.day, start: s.start })));
    const first = open[0]!;
    const later = open.find((s) => s.day === first.day && s.start > first.start)!;
    const person = { phone: '0912 000 111', name: 'Phạm Thị Hoa', email: null, cccd: null };
    const held = await portal('xa-a', '/holds', { commandId: `cap-1-${RUN}`, serviceId: 'ho-tich', slotStart: first.start, ...person });
    expect(held.status).toBe(201);
    // Another field, another centre, the same day: the province's 1 a day counts both centres.
    const second = await portal('xa-b', '/holds', { commandId: `cap-2-${RUN}`, serviceId: 'dat-dai', slotStart: later.start, ...person });
    expect(second.body).toMatchObject({ error: 'BOOKING_LIMIT_DAY' });

    // Lifted again: the centre's own 2 a day apply.
    await call('PUT', '/settings', tokens.admin, { holidays: [], workdays: [], notice: null });
    expect((await portal('xa-a', '/options')).body).toMatchObject({ horizonDays: 7, limits: { perPhonePerDay: 2 } });
    expect((await portal('xa-b', '/holds', { commandId: `cap-3-${RUN}`, serviceId: 'dat-dai', slotStart: later.start, ...person })).status).toBe(201);
  });
});
