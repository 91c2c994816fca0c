import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localInstantOf } from '../../server/app/local-time';
import { CODE_ALPHABET, CODE_LENGTH } from '../../server/domain/booking';
import { migrate, MIGRATIONS } from '../../server/province/db/migrations';
import { ProvinceBookings } from '../../server/province/province-bookings';
import { addCentre, bookingProfile, provinceDatabase, type ProvinceDb } from '../helpers/province-fixture';

/**
 * Bookings at the province on a real PostgreSQL, from three pools as three province processes
 * would: the database keeps every slot within its places and every person within the limits.
 */

const ZONE = 'Asia/Ho_Chi_Minh';
// Monday 7 December 2026, 07:00 in Hà Nội.
const NOW = localInstantOf('2026-12-07', 7 * 60, ZONE);
const at = (hhmm: string, day = '2026-12-07') => localInstantOf(day, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), ZONE);
const newCode = () => Array.from(randomBytes(CODE_LENGTH), (b) => CODE_ALPHABET[b % 32]).join('');
let n = 0;
const phone = () => `09${String(10_000_000 + ++n).slice(-8)}`;
const holdReq = (p: string, serviceId: string, slotStart: number) => ({
  bookingId: `b-${randomBytes(6).toString('hex')}`,
  serviceId,
  slotStart,
  phone: p,
  name: 'Nguyễn Văn An',
  email: null,
  idHash: null,
  otpHash: null,
  by: 'citizen',
});

let db: ProvinceDb;
let processes: ProvinceBookings[];

beforeAll(async () => {
  db = await provinceDatabase('bookings');
  processes = db.pools.map((pool) => new ProvinceBookings(pool));
  await addCentre(db, 'phuong-a', bookingProfile(5), NOW);
  await addCentre(db, 'phuong-b', bookingProfile(1), NOW);
  await addCentre(db, 'phuong-c', bookingProfile(5), NOW);
});
afterAll(async () => db?.close());

describe('migrations', () => {
  it('run once however many processes start at the same time', async () => {
    const again = await Promise.all(db.pools.map((pool) => migrate(pool)));
    expect(again).toEqual([[], [], []]);
    const { rows } = await db.pools[0]!.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });
});

describe('the centre registry', () => {
  it('issues a token a hub links with, shown once, stored hashed, revocable, audited', async () => {
    expect(await db.registry.add({ id: 'phuong-a', name: { vi: 'A', en: 'A' }, area: 'Hà Nội' }, 'admin', NOW)).toEqual({ ok: false, error: 'CENTRE_EXISTS' });
    expect(await db.registry.issueToken('khong-co', 'admin', NOW)).toEqual({ ok: false, error: 'UNKNOWN_CENTRE' });
    const issued = await db.registry.issueToken('phuong-a', 'admin', NOW);
    if (!issued.ok) throw new Error('not issued');
    expect(await db.registry.centreOfToken(issued.token)).toBe('phuong-a');
    expect(await db.registry.centreOfToken(`${issued.token}x`)).toBeNull();
    const stored = await db.pools[0]!.query('SELECT token_hash FROM centre_tokens WHERE id = $1', [issued.tokenId]);
    expect(JSON.stringify(stored.rows)).not.toContain(issued.token.split('.').pop());
    expect(await db.registry.revokeToken(issued.tokenId, 'admin', NOW + 1)).toBe(true);
    expect(await db.registry.centreOfToken(issued.token)).toBeNull();
    const audit = await db.pools[0]!.query(`SELECT action FROM audit WHERE centre_id = 'phuong-a' ORDER BY id`);
    expect(audit.rows.map((r) => r.action)).toEqual(['centre.added', 'centre.token-issued', 'centre.token-revoked']);
  });
});

describe('places under concurrent requests from three processes', () => {
  it('60 phones for a slot of 5 places: exactly 5 are held, the rest are told it is full and shown the next slots', async () => {
    const slot = at('09:00');
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => processes[i % 3]!.hold('phuong-a', holdReq(phone(), 'ho-tich', slot), NOW)));
    const held = answers.filter((a) => a.ok);
    expect(held).toHaveLength(5);
    const refused = answers.filter((a) => !a.ok);
    expect(new Set(refused.map((a) => (a.ok ? '' : a.error)))).toEqual(new Set(['SLOT_FULL']));
    const next = (refused[0] as unknown as { details: { next: { start: number; left: number }[] } }).details.next;
    expect(next.map((s) => s.start)).toEqual([at('09:30'), at('10:00'), at('10:30')]);
    expect(next.every((s) => s.left === 5)).toBe(true);
    const counts = await processes[0]!.slotCounts('phuong-a', 'ho-tich', '2026-12-07');
    expect(counts.find((c) => c.slotStart === slot)).toEqual({ slotStart: slot, capacity: 5, taken: 5 });
    const rows = await db.pools[0]!.query(`SELECT count(*)::int AS n FROM bookings WHERE centre_id = 'phuong-a' AND slot_start = $1 AND state = 'held'`, [slot]);
    expect(rows.rows[0].n).toBe(5);
  });

  it('the last place, two phones at once on two processes: one gets it, the other is told it is full', async () => {
    for (let round = 0; round < 5; round++) {
      const slot = at(['08:00', '08:30', '09:00', '09:30', '10:00'][round]!);
      const [a, b] = await Promise.all([processes[0]!.hold('phuong-b', holdReq(phone(), 'dat-dai', slot), NOW), processes[1]!.hold('phuong-b', holdReq(phone(), 'dat-dai', slot), NOW)]);
      expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
      expect(a.ok ? b : a).toMatchObject({ ok: false, error: 'SLOT_FULL' });
    }
  });

  it('one phone asking for many slots at once gets no more than its limits (1 per field, 2 a day)', async () => {
    const p = phone();
    const sameField = await Promise.all(['08:00', '08:30', '09:30', '10:00', '10:30', '08:00'].map((t, i) => processes[i % 3]!.hold('phuong-a', holdReq(p, 'chung-thuc', at(t)), NOW)));
    expect(sameField.filter((a) => a.ok)).toHaveLength(1);
    expect(new Set(sameField.filter((a) => !a.ok).map((a) => (a.ok ? '' : a.error)))).toEqual(new Set(['BOOKING_LIMIT_SERVICE']));
    const otherFields = await Promise.all([
      processes[0]!.hold('phuong-a', holdReq(p, 'dat-dai', at('08:00')), NOW),
      processes[1]!.hold('phuong-a', holdReq(p, 'ho-tich', at('10:30')), NOW),
    ]);
    // Two a day over every field: the chung-thuc hold and one of these.
    expect(otherFields.filter((a) => a.ok)).toHaveLength(1);
    expect(otherFields.find((a) => !a.ok)).toMatchObject({ error: 'BOOKING_LIMIT_DAY' });
  });

  it('the limits count a person at every centre of the province', async () => {
    const p = phone();
    expect((await processes[0]!.hold('phuong-a', holdReq(p, 'ho-tich', at('10:00')), NOW)).ok).toBe(true);
    expect(await processes[1]!.hold('phuong-b', holdReq(p, 'ho-tich', at('10:30')), NOW)).toMatchObject({ ok: false, error: 'BOOKING_LIMIT_SERVICE' });
  });
});

describe('confirm, move, cancel', () => {
  it('a lapsed hold frees its place; its confirm then finds the slot taken', async () => {
    const slot = at('08:30');
    const first = await processes[0]!.hold('phuong-b', holdReq(phone(), 'chung-thuc', slot), NOW);
    expect(first.ok).toBe(true);
    expect(await processes[1]!.hold('phuong-b', holdReq(phone(), 'chung-thuc', slot), NOW + 60_000)).toMatchObject({ ok: false, error: 'SLOT_FULL' });
    const later = NOW + 6 * 60_000;
    const second = await processes[1]!.hold('phuong-b', holdReq(phone(), 'chung-thuc', slot), later);
    expect(second.ok).toBe(true);
    const lateConfirm = await processes[2]!.confirm('phuong-b', { bookingId: first.ok ? first.data.id : '', newCode, otpMatches: () => true }, later + 1);
    expect(lateConfirm).toMatchObject({ ok: false, error: 'SLOT_FULL' });
    expect((await processes[0]!.slotCounts('phuong-b', 'chung-thuc', '2026-12-07')).find((c) => c.slotStart === slot)?.taken).toBe(1);
  });

  it('a booking code another booking has is drawn again, so no two bookings share one', async () => {
    const [a, b] = await Promise.all([0, 1].map((i) => processes[i]!.hold('phuong-a', holdReq(phone(), 'dat-dai', at('09:30')), NOW)));
    if (!a?.ok || !b?.ok) throw new Error(`not held: ${JSON.stringify([a, b])}`);
    const first = await processes[0]!.confirm('phuong-a', { bookingId: a.data.id, newCode, otpMatches: () => true }, NOW + 1);
    if (!first.ok) throw new Error('not confirmed');
    // The second confirm draws the first's code, then a fresh one.
    const draws = [first.data.code!, 'K7M2Q9X4PZ'];
    const second = await processes[1]!.confirm('phuong-a', { bookingId: b.data.id, newCode: () => draws.shift() ?? newCode(), otpMatches: () => true }, NOW + 2);
    expect(second).toMatchObject({ ok: true, data: { code: 'K7M2Q9X4PZ', status: 'confirmed' } });
    expect((await processes[2]!.byCode(first.data.code!))?.id).toBe(a.data.id);
  });

  it('confirmed, moved and cancelled bookings reach the centre outbox numbered without gaps', async () => {
        const holds = await Promise.all(Array.from({ length: 12 }, (_, i) => processes[i % 3]!.hold('phuong-c', holdReq(phone(), 'dat-dai', at(['08:00', '08:30', '09:00'][i % 3]!)), NOW)));
    const ids = holds.flatMap((h) => (h.ok ? [h.data.id] : []));
    expect(ids).toHaveLength(12);
    const confirmed = await Promise.all(ids.map((id, i) => processes[i % 3]!.confirm('phuong-c', { bookingId: id, newCode, otpMatches: () => true }, NOW + 1000)));
    expect(confirmed.every((c) => c.ok && /^[0-9A-Z]{10}$/.test(c.data.code!))).toBe(true);
    const moved = await processes[1]!.move('phuong-c', { bookingId: ids[0]!, slotStart: at('10:00') }, NOW + 2000);
    expect(moved).toMatchObject({ ok: true, data: { slotStart: at('10:00'), moves: 1 } });
    const cancelled = await processes[2]!.cancel('phuong-c', { bookingId: ids[1]!, by: 'citizen', reason: null }, NOW + 3000);
    expect(cancelled).toMatchObject({ ok: true, data: { status: 'cancelled', cancelledBy: 'citizen' } });
    expect(await processes[0]!.cancel('phuong-c', { bookingId: ids[1]!, by: 'citizen', reason: null }, NOW + 4000)).toMatchObject({ ok: false, error: 'BOOKING_CANCELLED' });
    expect(await processes[0]!.cancel('phuong-a', { bookingId: ids[2]!, by: 'citizen', reason: null }, NOW + 4000)).toMatchObject({ ok: false, error: 'BOOKING_NOT_FOUND' });

    const outbox = await processes[0]!.outboxAfter('phuong-c', 0);
    expect(outbox.map((m) => m.seq)).toEqual(Array.from({ length: outbox.length }, (_, i) => i + 1));
    expect(outbox).toHaveLength(14);
    const last = outbox.slice(-2).map((m) => m.body as { id: string; status: string; slotStart: number });
    expect(last[0]).toMatchObject({ id: ids[0], status: 'confirmed', slotStart: at('10:00') });
    expect(last[1]).toMatchObject({ id: ids[1], status: 'cancelled' });
    expect(JSON.stringify(outbox)).not.toContain('otp');
    const counts = await processes[0]!.slotCounts('phuong-c', 'dat-dai', '2026-12-07');
    expect(counts.map((c) => [c.slotStart, c.taken])).toEqual([
      [at('08:00'), 3],
      [at('08:30'), 3],
      [at('09:00'), 4],
      [at('10:00'), 1],
    ]);
  });

  it('a repeated command gets its first answer, also when it arrives at two processes at once', async () => {
    const req = holdReq(phone(), 'ho-tich', at('08:00'));
    const answers = await Promise.all(processes.map((p) => p.once(`hold:${req.bookingId}`, req, NOW, (tx) => p.hold('phuong-a', req, NOW, tx))));
    expect(answers.every((a) => JSON.stringify(a) === JSON.stringify(answers[0]))).toBe(true);
    expect(answers[0]).toMatchObject({ ok: true });
    const rows = await db.pools[0]!.query('SELECT count(*)::int AS n FROM bookings WHERE id = $1', [req.bookingId]);
    expect(rows.rows[0].n).toBe(1);
    expect(await processes[0]!.once(`hold:${req.bookingId}`, { ...req, name: 'Other' }, NOW, async () => ({ ok: true }))).toEqual({ ok: false, error: 'IDEMPOTENCY_CONFLICT' });
  });
});
