import { createHash } from 'node:crypto';
import { bookingClock } from '../app/local-time';
import {
  createBookingState,
  decideCancel,
  decideConfirm,
  decideHold,
  decideMove,
  decideResendCode,
  nextFreeSlots,
  slotKey,
  slotsOfDay,
  type Booking,
  type BookingClock,
  type BookingSetup,
  type BookingState,
  type HoldRequest,
  type Refusal,
  type SlotAvailability,
} from '../domain/booking';
import type { BookingEvent, SyncedBooking } from '../domain/booking-events';
import { bookingSetupOf } from '../domain/booking-setup';
import { addDays } from '../domain/working-calendar';
import { queueForCentre } from './centre-outbox';
import { centreProfile } from '../protocol/centre-profile';
import type { ErrorCode } from '../protocol/error-codes';
import type { ProvinceBookingCaps } from '../protocol/link-protocol';
import { inTransaction, isUniqueViolation, type Db, type Tx } from './db/database';
import { StatementBatch } from './db/statement-batch';

/**
 * Bookings at the province, in PostgreSQL, decided by the same rules as the hub's
 * (server/domain/booking.ts). Every process may take any booking at once; what keeps them right:
 *
 * - a person's bookings are decided one at a time: their `booking_people` rows are locked
 *   (FOR UPDATE, in key order) before their bookings are read, so the per-person limits the domain
 *   checks hold on every process;
 * - a slot's places are taken only by `UPDATE booking_slots SET taken = taken + 1 WHERE ... AND
 *   taken < capacity` in the transaction that writes the booking: if the row count is 0 the slot
 *   is full, whatever anyone read before;
 * - codes are unique by index; a message for the centre is numbered in the same transaction.
 *
 * Locks are always taken in one order (people, slots, bookings, the centre's link sequence), so two
 * transactions never wait on each other in a circle; PostgreSQL's deadlock answer is retried anyway.
 */

export type ProvinceResult<T> = { ok: true; data: T } | Refusal;

/** What a centre's hub gets for a booking: its state now (applied by id, in the outbox's order). */
export type BookingForCentre = SyncedBooking;

interface BookingRow {
  id: string;
  centre_id: string;
  code: string | null;
  service_id: string;
  day: string;
  slot_start: number;
  slot_end: number;
  phone: string;
  name: string;
  email: string | null;
  id_hash: string | null;
  state: 'held' | 'lapsed' | 'released' | 'confirmed' | 'cancelled' | 'checked-in';
  held_until: number;
  otp_hash: string | null;
  otp_failures: number;
  codes_sent: number;
  by: string;
  created_at: number;
  confirmed_at: number | null;
  cancelled_at: number | null;
  cancelled_by: 'citizen' | 'centre' | null;
  cancel_reason: { vi: string; en: string } | null;
  checked_in_at: number | null;
  ticket_id: string | null;
  ticket_number: string | null;
  moves: number;
}

interface CentreRules {
  setup: BookingSetup;
  clock: BookingClock;
}

const refuse = (error: ErrorCode, details?: Record<string, unknown>): Refusal => (details ? { ok: false, error, details } : { ok: false, error });

function personKeys(phone: string, idHash: string | null): string[] {
  return (idHash ? [`id:${idHash}`, `phone:${phone}`] : [`phone:${phone}`]).sort();
}

export function bookingOfRow(r: BookingRow): Booking {
  const held = r.state === 'held' || r.state === 'lapsed' || r.state === 'released';
  return {
    id: r.id,
    code: r.code,
    serviceId: r.service_id,
    day: r.day,
    slotStart: r.slot_start,
    slotEnd: r.slot_end,
    phone: r.phone,
    name: r.name,
    email: r.email,
    idHash: r.id_hash,
    status: held ? 'held' : r.state === 'confirmed' ? 'confirmed' : r.state === 'cancelled' ? 'cancelled' : 'checked-in',
    released: r.state === 'released',
    heldUntil: r.held_until,
    otpHash: r.otp_hash,
    otpFailures: r.otp_failures,
    codesSent: r.codes_sent,
    by: r.by,
    createdAt: r.created_at,
    confirmedAt: r.confirmed_at,
    cancelledAt: r.cancelled_at,
    cancelledBy: r.cancelled_by,
    cancelReason: r.cancel_reason,
    checkedInAt: r.checked_in_at,
    ticketId: r.ticket_id,
    ticketNumber: r.ticket_number,
    moves: r.moves,
  };
}

function forCentre(b: Booking): BookingForCentre {
  return {
    id: b.id,
    code: b.code!,
    serviceId: b.serviceId,
    day: b.day,
    slotStart: b.slotStart,
    slotEnd: b.slotEnd,
    phone: b.phone,
    name: b.name,
    email: b.email,
    idHash: b.idHash,
    status: b.status as BookingForCentre['status'],
    by: b.by,
    createdAt: b.createdAt,
    confirmedAt: b.confirmedAt,
    cancelledAt: b.cancelledAt,
    cancelledBy: b.cancelledBy,
    cancelReason: b.cancelReason,
    moves: b.moves,
  };
}

/** Puts bookings read under lock into a domain state, as the domain's own evolve would index them. */
function stateOf(bookings: Booking[]): BookingState {
  const state = createBookingState();
  for (const b of bookings) {
    state.bookings.set(b.id, b);
    for (const key of personKeys(b.phone, b.idHash)) {
      let set = state.byPerson.get(key);
      if (!set) state.byPerson.set(key, (set = new Set()));
      set.add(b.id);
    }
  }
  return state;
}

export class ProvinceBookings {
  /** Rules per centre, made once per profile text (the domain caches slots per setup). */
  private rules = new Map<string, { text: string; rules: CentreRules }>();

  constructor(private readonly db: Db) {}

  // -------------------------------------------------------------------------------------------
  // Reading under lock

  private async rulesOf(tx: Db | Tx, centreId: string): Promise<CentreRules | null> {
    // The centre's profile, and the province's days off on top of its calendar.
    const { rows } = await tx.query<{ profile: string | null; days: string | null }>(
      `SELECT profile::text AS profile, (SELECT json_build_object('holidays', holidays, 'workdays', workdays, 'booking', booking)::text FROM province_settings WHERE id = 1) AS days FROM centres WHERE id = $1`,
      [centreId],
    );
    const profileText = rows[0]?.profile;
    if (!profileText) return null;
    const text = `${profileText}|${rows[0]!.days ?? ''}`;
    const cached = this.rules.get(centreId);
    if (cached?.text === text) return cached.rules;
    const parsed = centreProfile.safeParse(JSON.parse(profileText));
    if (!parsed.success) return null;
    const province = rows[0]!.days ? (JSON.parse(rows[0]!.days) as { holidays: string[]; workdays: string[]; booking: ProvinceBookingCaps }) : null;
    const rules = { setup: bookingSetupOf({ ...parsed.data, province }), clock: bookingClock(parsed.data.timeZone) };
    this.rules.set(centreId, { text, rules });
    return rules;
  }

  /** Locks a person's rows (made when first seen), in key order: one statement, the upsert locks. */
  private async lockPeople(tx: Tx, keys: string[]): Promise<void> {
    await tx.query(
      'INSERT INTO booking_people (person_key) SELECT k FROM unnest($1::text[]) AS k ORDER BY k ON CONFLICT (person_key) DO UPDATE SET person_key = EXCLUDED.person_key',
      [keys],
    );
  }

  /** A person's bookings (every centre) recent enough to count for limits and no-show bans. */
  private async personBookings(tx: Tx, phone: string, idHash: string | null, sinceDay: string): Promise<Booking[]> {
    const { rows } = await tx.query<BookingRow>('SELECT * FROM bookings WHERE (phone = $1 OR (id_hash IS NOT NULL AND id_hash = $2)) AND day >= $3', [phone, idHash, sinceDay]);
    return rows.map(bookingOfRow);
  }

  private sinceDay(rules: CentreRules, now: number): string {
    const { windowDays, banDays } = rules.setup.rules.noShow;
    return addDays(rules.clock.dayOf(now), -(windowDays + banDays + 1));
  }

  private async closuresOf(tx: Db | Tx, state: BookingState, centreId: string, fromDay: string, toDay: string): Promise<void> {
    const { rows } = await tx.query('SELECT id, day, service_id, reason, by, at FROM booking_closures WHERE centre_id = $1 AND day BETWEEN $2 AND $3', [centreId, fromDay, toDay]);
    for (const r of rows) state.closures.set(r.id, { id: r.id, day: r.day, serviceId: r.service_id, reason: r.reason, by: r.by, at: r.at });
  }

  /**
   * Locks a slot's row (made from the templates when first asked), lets its lapsed holds go, and
   * returns the places taken; null when the templates offer no such slot.
   */
  private async lockSlot(tx: Tx, centreId: string, rules: CentreRules, state: BookingState, serviceId: string, slotStart: number, now: number): Promise<number | null> {
    const day = rules.clock.dayOf(slotStart);
    const slot = slotsOfDay(state, rules.setup, rules.clock, serviceId, day).find((s) => s.start === slotStart);
    if (!slot) return null;
    // One statement: the slot's row made or locked (its capacity as the templates say now), its
    // lapsed holds let go (a booking row waits for any other transaction lapsing it), their places freed.
    const { rows } = await tx.query<{ taken: number }>(
      `WITH lapsed AS (
         UPDATE bookings SET state = 'lapsed'
         WHERE centre_id = $1 AND service_id = $2 AND slot_start = $3 AND state = 'held' AND held_until <= $4
         RETURNING 1)
       INSERT INTO booking_slots (centre_id, service_id, slot_start, day, capacity) VALUES ($1, $2, $3, $5, $6)
       ON CONFLICT (centre_id, service_id, slot_start) DO UPDATE SET capacity = EXCLUDED.capacity, taken = booking_slots.taken - (SELECT count(*) FROM lapsed)
       RETURNING taken`,
      [centreId, serviceId, slotStart, now, day, slot.places],
    );
    const taken = rows[0]!.taken;
    state.bookedBySlot.set(slotKey(serviceId, slotStart), taken);
    return taken;
  }

  /** Takes a place if the slot has one: the database's answer, not the domain's reading. */
  private async takePlace(tx: Tx, centreId: string, serviceId: string, slotStart: number): Promise<boolean> {
    const result = await tx.query('UPDATE booking_slots SET taken = taken + 1 WHERE centre_id = $1 AND service_id = $2 AND slot_start = $3 AND taken < capacity', [
      centreId,
      serviceId,
      slotStart,
    ]);
    return result.rowCount === 1;
  }

  private async freePlace(tx: Tx, centreId: string, serviceId: string, slotStart: number): Promise<void> {
    await tx.query('UPDATE booking_slots SET taken = taken - 1 WHERE centre_id = $1 AND service_id = $2 AND slot_start = $3', [centreId, serviceId, slotStart]);
  }

  /** Numbers a message for the centre's hub (gapless, in commit order) and stores it. */
  private toCentre(tx: Tx, centreId: string, kind: string, body: unknown, now: number): Promise<number> {
    return queueForCentre(tx, centreId, kind, body, now);
  }

  /** The next open slots after a refusal, from the slot rows as they stand (lapsed holds may still count). */
  private async nextFree(tx: Db | Tx, centreId: string, rules: CentreRules, serviceId: string, after: number, now: number): Promise<SlotAvailability[]> {
    const first = rules.clock.dayOf(now);
    const last = addDays(first, rules.setup.rules.horizonDays);
    const state = createBookingState();
    await this.closuresOf(tx, state, centreId, first, last);
    const { rows } = await tx.query<{ slot_start: number; taken: number }>('SELECT slot_start, taken FROM booking_slots WHERE centre_id = $1 AND service_id = $2 AND day BETWEEN $3 AND $4', [
      centreId,
      serviceId,
      first,
      last,
    ]);
    for (const r of rows) state.bookedBySlot.set(slotKey(serviceId, r.slot_start), r.taken);
    return nextFreeSlots(state, rules.setup, rules.clock, now, serviceId, 3, after);
  }

  private async lockedBooking(tx: Tx, bookingId: string): Promise<Booking | null> {
    const { rows } = await tx.query<BookingRow>('SELECT * FROM bookings WHERE id = $1 FOR UPDATE', [bookingId]);
    return rows[0] ? bookingOfRow(rows[0]) : null;
  }

  // -------------------------------------------------------------------------------------------
  // Commands

  /**
   * Runs a command once: a repeated key with the same fingerprint gets the stored first answer
   * (also from another process, also after a crash), another fingerprint IDEMPOTENCY_CONFLICT.
   */
  async once<T>(key: string, fingerprint: unknown, now: number, work: (tx: Tx) => Promise<T>): Promise<T | Refusal> {
    const fp = createHash('sha256').update(JSON.stringify(fingerprint)).digest('hex').slice(0, 32);
    for (let attempt = 0; ; attempt++) {
      try {
        return await inTransaction(this.db, async (tx) => {
          const known = await tx.query<{ fingerprint: string; answer: string }>('SELECT fingerprint, answer FROM command_answers WHERE key = $1', [key]);
          if (known.rows[0]) return known.rows[0].fingerprint === fp ? (JSON.parse(known.rows[0].answer) as T) : refuse('IDEMPOTENCY_CONFLICT');
          const answer = await work(tx);
          const text = JSON.stringify(answer);
          await tx.query('INSERT INTO command_answers (key, fingerprint, answer, at) VALUES ($1, $2, $3, $4)', [key, fp, text, now]);
          // What the first caller gets is what a repeat gets: the stored text, read back.
          return JSON.parse(text) as T;
        });
      } catch (error) {
        // The same command at once on two processes: one commits, the other reads its answer.
        if (isUniqueViolation(error, 'command_answers_pkey') && attempt < 2) continue;
        throw error;
      }
    }
  }

  /**
   * Stores `answer` as the first answer of `key` unless it has one already, and returns the stored
   * one, without a transaction of its own: the answers of concurrent commands go to PostgreSQL
   * together (StatementBatch), one statement for all.
   */
  async answerOnce<T>(key: string, fingerprint: unknown, now: number, answer: T): Promise<T | Refusal> {
    const fp = createHash('sha256').update(JSON.stringify(fingerprint)).digest('hex').slice(0, 32);
    const stored = await this.answers.submit({ key, fp, text: JSON.stringify(answer), at: now });
    return stored.fingerprint === fp ? (JSON.parse(stored.answer) as T) : refuse('IDEMPOTENCY_CONFLICT');
  }

  private readonly answers = new StatementBatch<{ key: string; fp: string; text: string; at: number }, { fingerprint: string; answer: string }>(
    async (items) => {
      // Inserted, or already there (the select sees the rows from before the statement).
      const { rows } = await this.db.query<{ key: string; fingerprint: string; answer: string; put: boolean }>(
        `WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[]) AS t(key, fingerprint, answer, at)),
              put AS (INSERT INTO command_answers (key, fingerprint, answer, at) SELECT key, fingerprint, answer, at FROM input ON CONFLICT (key) DO NOTHING RETURNING key)
         SELECT key, NULL AS fingerprint, NULL AS answer, true AS put FROM put
         UNION ALL SELECT c.key, c.fingerprint, c.answer, false FROM command_answers c JOIN input USING (key)`,
        [items.map((i) => i.key), items.map((i) => i.fp), items.map((i) => i.text), items.map((i) => i.at)],
      );
      const byKey = new Map(rows.map((r) => [r.key, r]));
      const results: { fingerprint: string; answer: string }[] = [];
      for (const item of items) {
        const row = byKey.get(item.key);
        if (row?.put) results.push({ fingerprint: item.fp, answer: item.text });
        else if (row) results.push({ fingerprint: row.fingerprint, answer: row.answer });
        else {
          // Stored by another process while this statement ran: read it now that it has committed.
          const again = await this.db.query<{ fingerprint: string; answer: string }>('SELECT fingerprint, answer FROM command_answers WHERE key = $1', [item.key]);
          // Never answered without being stored: a key neither inserted nor found is a failure.
          if (!again.rows[0]) throw new Error(`command answer ${item.key} was neither stored nor found`);
          results.push(again.rows[0]);
        }
      }
      return results;
    },
    (item) => [item.key],
  );

  /**
   * Whether a slot found full a moment ago is full still, read without a lock or a transaction:
   * its next open slots when it is (no place left and no hold of it lapsed, so a hold would be
   * refused), null when a hold might get a place and must be decided under the lock. A refusal
   * from this read promises what a cached one does: nothing is ever given without the lock.
   */
  async stillFull(centreId: string, serviceId: string, slotStart: number, now: number): Promise<SlotAvailability[] | null> {
    const { rows } = await this.db.query<{ full: boolean }>(
      `SELECT s.taken >= s.capacity AND NOT EXISTS (
         SELECT 1 FROM bookings b WHERE b.centre_id = s.centre_id AND b.service_id = s.service_id AND b.slot_start = s.slot_start AND b.state = 'held' AND b.held_until <= $4
       ) AS full FROM booking_slots s WHERE s.centre_id = $1 AND s.service_id = $2 AND s.slot_start = $3`,
      [centreId, serviceId, slotStart, now],
    );
    if (!rows[0]?.full) return null;
    const rules = await this.rulesOf(this.db, centreId);
    return rules ? this.nextFree(this.db, centreId, rules, serviceId, slotStart, now) : null;
  }

  /** Holds a place while the citizen confirms. Refused as SLOT_FULL with the next open slots. */
  hold(centreId: string, req: HoldRequest & { staff?: boolean }, now: number, tx?: Tx): Promise<ProvinceResult<Booking>> {
    const run = async (tx: Tx): Promise<ProvinceResult<Booking>> => {
      const rules = await this.rulesOf(tx, centreId);
      if (!rules) return refuse('UNKNOWN_CENTRE');
      await this.lockPeople(tx, personKeys(req.phone, req.idHash));
      const state = stateOf(await this.personBookings(tx, req.phone, req.idHash, this.sinceDay(rules, now)));
      const day = rules.clock.dayOf(req.slotStart);
      await this.closuresOf(tx, state, centreId, day, day);
      const taken = rules.setup.rules.enabled ? await this.lockSlot(tx, centreId, rules, state, req.serviceId, req.slotStart, now) : null;
      const decision = decideHold(state, rules.setup, rules.clock, now, req);
      if (!decision.ok) {
        if (decision.error === 'SLOT_FULL') return refuse('SLOT_FULL', { next: await this.nextFree(tx, centreId, rules, req.serviceId, req.slotStart, now) });
        return decision;
      }
      if (taken === null || !(await this.takePlace(tx, centreId, req.serviceId, req.slotStart)))
        return refuse('SLOT_FULL', { next: await this.nextFree(tx, centreId, rules, req.serviceId, req.slotStart, now) });
      const e = decision.events[0] as Extract<BookingEvent, { type: 'booking-held' }>;
      const { rows } = await tx.query<BookingRow>(
        `INSERT INTO bookings (id, centre_id, service_id, day, slot_start, slot_end, phone, name, email, id_hash, state, held_until, otp_hash, codes_sent, by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'held', $11, $12, $13, $14, $15) RETURNING *`,
        [e.bookingId, centreId, e.serviceId, e.day, e.slotStart, e.slotEnd, e.phone, e.name, e.email, e.idHash, e.heldUntil, e.otpHash, e.otpHash ? 1 : 0, e.by, e.at],
      );
      return { ok: true, data: bookingOfRow(rows[0]!) };
    };
    return tx ? run(tx) : inTransaction(this.db, run);
  }

  /**
   * Confirms a hold with the code typed (`otpMatches` compares it with the hold's code hash; null
   * when no code is asked). A wrong code is stored and refused OTP_WRONG. `newCode` draws the
   * booking code (again, if the one drawn is in use).
   */
  confirm(centreId: string, req: { bookingId: string; newCode: () => string; otpMatches: (otpHash: string) => boolean }, now: number, tx?: Tx): Promise<ProvinceResult<Booking>> {
    const run = async (tx: Tx): Promise<ProvinceResult<Booking>> => {
      const rules = await this.rulesOf(tx, centreId);
      if (!rules) return refuse('UNKNOWN_CENTRE');
      const peek = await tx.query<BookingRow>('SELECT * FROM bookings WHERE id = $1 AND centre_id = $2', [req.bookingId, centreId]);
      if (!peek.rows[0]) return refuse('HOLD_NOT_FOUND');
      const { phone, id_hash: idHash, service_id: serviceId, slot_start: slotStart } = peek.rows[0];
      await this.lockPeople(tx, personKeys(phone, idHash));
      const state = stateOf(await this.personBookings(tx, phone, idHash, this.sinceDay(rules, now)));
      await this.closuresOf(tx, state, centreId, peek.rows[0].day, peek.rows[0].day);
      await this.lockSlot(tx, centreId, rules, state, serviceId, slotStart, now);
      const row = (await tx.query<BookingRow>('SELECT * FROM bookings WHERE id = $1 FOR UPDATE', [req.bookingId])).rows[0]!;
      const booking = bookingOfRow(row);
      state.bookings.set(booking.id, booking);
      const decision = decideConfirm(state, rules.setup, rules.clock, now, {
        bookingId: booking.id,
        code: req.newCode(),
        otpMatches: booking.otpHash === null ? null : req.otpMatches(booking.otpHash),
      });
      if (!decision.ok) return decision;
      for (const event of decision.events) {
        if (event.type === 'booking-code-failed') await tx.query('UPDATE bookings SET otp_failures = otp_failures + 1 WHERE id = $1', [booking.id]);
        else if (event.type === 'booking-released') {
          await tx.query(`UPDATE bookings SET state = 'released' WHERE id = $1`, [booking.id]);
          if (row.state === 'held') await this.freePlace(tx, centreId, serviceId, slotStart);
        } else if (event.type === 'booking-confirmed') {
          if (row.state === 'lapsed' && !(await this.takePlace(tx, centreId, serviceId, slotStart))) return refuse('SLOT_FULL');
          const confirmed = await this.giveCode(tx, booking.id, event.code, event.at, req.newCode);
          await this.toCentre(tx, centreId, 'booking', forCentre(confirmed), now);
          return { ok: true, data: confirmed };
        }
      }
      return refuse('OTP_WRONG');
    };
    return tx ? run(tx) : inTransaction(this.db, run);
  }

  cancel(centreId: string, req: { bookingId: string; by: 'citizen' | 'centre'; reason: { vi: string; en: string } | null }, now: number, tx?: Tx): Promise<ProvinceResult<Booking>> {
    const run = async (tx: Tx): Promise<ProvinceResult<Booking>> => {
      const rules = await this.rulesOf(tx, centreId);
      if (!rules) return refuse('UNKNOWN_CENTRE');
      const peek = await tx.query<BookingRow>('SELECT * FROM bookings WHERE id = $1 AND centre_id = $2', [req.bookingId, centreId]);
      if (!peek.rows[0]) return refuse('BOOKING_NOT_FOUND');
      // The slot's row before the booking's (the one lock order); a move in between is seen below.
      await tx.query('SELECT 1 FROM booking_slots WHERE centre_id = $1 AND service_id = $2 AND slot_start = $3 FOR UPDATE', [centreId, peek.rows[0].service_id, peek.rows[0].slot_start]);
      const booking = (await this.lockedBooking(tx, req.bookingId))!;
      if (booking.slotStart !== peek.rows[0].slot_start) throw Object.assign(new Error('moved while cancelled'), { code: '40001' });
      const state = stateOf([booking]);
      const decision = decideCancel(state, rules.setup, now, req);
      if (!decision.ok) return decision;
      const e = decision.events[0] as Extract<BookingEvent, { type: 'booking-cancelled' }>;
      await this.freePlace(tx, centreId, booking.serviceId, booking.slotStart);
      const { rows } = await tx.query<BookingRow>(`UPDATE bookings SET state = 'cancelled', cancelled_at = $2, cancelled_by = $3, cancel_reason = $4 WHERE id = $1 RETURNING *`, [
        booking.id,
        e.at,
        e.by,
        e.reason ? JSON.stringify(e.reason) : null,
      ]);
      const cancelled = bookingOfRow(rows[0]!);
      await this.toCentre(tx, centreId, 'booking', forCentre(cancelled), now);
      return { ok: true, data: cancelled };
    };
    return tx ? run(tx) : inTransaction(this.db, run);
  }

  move(centreId: string, req: { bookingId: string; slotStart: number }, now: number, tx?: Tx): Promise<ProvinceResult<Booking>> {
    const run = async (tx: Tx): Promise<ProvinceResult<Booking>> => {
      const rules = await this.rulesOf(tx, centreId);
      if (!rules) return refuse('UNKNOWN_CENTRE');
      const peek = await tx.query<BookingRow>('SELECT * FROM bookings WHERE id = $1 AND centre_id = $2', [req.bookingId, centreId]);
      if (!peek.rows[0]) return refuse('BOOKING_NOT_FOUND');
      const { phone, id_hash: idHash, service_id: serviceId, slot_start: from } = peek.rows[0];
      await this.lockPeople(tx, personKeys(phone, idHash));
      const state = stateOf(await this.personBookings(tx, phone, idHash, this.sinceDay(rules, now)));
      const day = rules.clock.dayOf(req.slotStart);
      await this.closuresOf(tx, state, centreId, day, day);
      // Both slots' rows, in start order (the one lock order).
      let taken: number | null = null;
      for (const start of [from, req.slotStart].sort((a, b) => a - b)) {
        const t = await this.lockSlot(tx, centreId, rules, state, serviceId, start, now);
        if (start === req.slotStart) taken = t;
      }
      const booking = (await this.lockedBooking(tx, req.bookingId))!;
      state.bookings.set(booking.id, booking);
      // The domain counts the places of the slot moved to; the slot left keeps its own count.
      if (from !== req.slotStart) state.bookedBySlot.delete(slotKey(serviceId, from));
      if (taken !== null) state.bookedBySlot.set(slotKey(serviceId, req.slotStart), taken);
      const decision = decideMove(state, rules.setup, rules.clock, now, req);
      if (!decision.ok) {
        if (decision.error === 'SLOT_FULL') return refuse('SLOT_FULL', { next: await this.nextFree(tx, centreId, rules, serviceId, req.slotStart, now) });
        return decision;
      }
      if (!(await this.takePlace(tx, centreId, serviceId, req.slotStart))) return refuse('SLOT_FULL', { next: await this.nextFree(tx, centreId, rules, serviceId, req.slotStart, now) });
      await this.freePlace(tx, centreId, serviceId, from);
      const e = decision.events[0] as Extract<BookingEvent, { type: 'booking-moved' }>;
      const { rows } = await tx.query<BookingRow>('UPDATE bookings SET day = $2, slot_start = $3, slot_end = $4, moves = moves + 1 WHERE id = $1 RETURNING *', [
        booking.id,
        e.day,
        e.slotStart,
        e.slotEnd,
      ]);
      const moved = bookingOfRow(rows[0]!);
      await this.toCentre(tx, centreId, 'booking', forCentre(moved), now);
      return { ok: true, data: moved };
    };
    return tx ? run(tx) : inTransaction(this.db, run);
  }

  /** A new SMS code for a hold (the old one stops working; at most 3 codes in all). */
  recode(centreId: string, req: { bookingId: string; otpHash: string }, now: number, tx?: Tx): Promise<ProvinceResult<Booking>> {
    const run = async (tx: Tx): Promise<ProvinceResult<Booking>> => {
      const booking = await this.lockedBooking(tx, req.bookingId);
      if (!booking || (await tx.query('SELECT 1 FROM bookings WHERE id = $1 AND centre_id = $2', [req.bookingId, centreId])).rowCount === 0) return refuse('HOLD_NOT_FOUND');
      const state = stateOf([booking]);
      const decision = decideResendCode(state, now, req);
      if (!decision.ok) return decision;
      const { rows } = await tx.query<BookingRow>('UPDATE bookings SET otp_hash = $2, codes_sent = codes_sent + 1, otp_failures = 0 WHERE id = $1 RETURNING *', [req.bookingId, req.otpHash]);
      return { ok: true, data: bookingOfRow(rows[0]!) };
    };
    return tx ? run(tx) : inTransaction(this.db, run);
  }

  /**
   * Sets the booking confirmed with a code no other booking has: drawn again when a stored booking
   * has it; when a booking not yet committed takes it at the same moment, the unique index refuses
   * and the whole command runs again (as after a serialization failure), with a new code.
   */
  private async giveCode(tx: Tx, bookingId: string, first: string, at: number, newCode: () => string): Promise<Booking> {
    let code = first;
    for (let attempt = 0; ; attempt++) {
      try {
        const { rows } = await tx.query<BookingRow>(
          `UPDATE bookings SET state = 'confirmed', code = $2, confirmed_at = $3, otp_hash = NULL WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM bookings WHERE code = $2) RETURNING *`,
          [bookingId, code, at],
        );
        if (rows[0]) return bookingOfRow(rows[0]);
      } catch (error) {
        if (isUniqueViolation(error, 'bookings_code')) throw Object.assign(new Error('booking code taken at the same moment'), { code: '40001' });
        throw error;
      }
      if (attempt >= 5) throw new Error('no free booking code after 6 draws');
      code = newCode();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Reading

  async byCode(code: string): Promise<(Booking & { centreId: string }) | null> {
    const { rows } = await this.db.query<BookingRow>('SELECT * FROM bookings WHERE code = $1', [code]);
    return rows[0] ? { ...bookingOfRow(rows[0]), centreId: rows[0].centre_id } : null;
  }

  /** A centre's confirmed bookings whose slot starts between `from` and `to`. */
  async upcoming(centreId: string, from: number, to: number): Promise<Booking[]> {
    const { rows } = await this.db.query<BookingRow>(`SELECT * FROM bookings WHERE centre_id = $1 AND state = 'confirmed' AND slot_start > $2 AND slot_start < $3`, [centreId, from, to]);
    return rows.map(bookingOfRow);
  }

  /** Every slot row of a centre's field on a day with its places: for checks and the overview. */
  async slotCounts(centreId: string, serviceId: string, day: string): Promise<{ slotStart: number; capacity: number; taken: number }[]> {
    const { rows } = await this.db.query<{ slot_start: number; capacity: number; taken: number }>(
      'SELECT slot_start, capacity, taken FROM booking_slots WHERE centre_id = $1 AND service_id = $2 AND day = $3 ORDER BY slot_start',
      [centreId, serviceId, day],
    );
    return rows.map((r) => ({ slotStart: r.slot_start, capacity: r.capacity, taken: r.taken }));
  }

  /** The messages for a centre after `seq`, in order (the link sends them; the hub applies each once). */
  async outboxAfter(centreId: string, seq: number, limit = 500): Promise<{ seq: number; kind: string; body: unknown; at: number }[]> {
    const { rows } = await this.db.query('SELECT seq, kind, body, at FROM centre_outbox WHERE centre_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [centreId, seq, limit]);
    return rows;
  }
}
