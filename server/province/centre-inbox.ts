import type { Logger } from '../logger';
import { centreCancelBody, checkInBody, closureAddedBody, closureRemovedBody, dayClosedBody, type CentreLiveState, type LinkMessage } from '../protocol/link-protocol';
import type { Booking } from '../domain/booking';
import type { ProvinceBookings } from './province-bookings';
import { audit } from './centre-registry';
import { inTransaction, type Db, type Tx } from './db/database';

/**
 * What centres tell the province, applied (docs/province.md, "The link"). The hub's numbered
 * messages are applied exactly once, in order: in the transaction that applies them, the centre's
 * `link_sequences.in_seq` moves to the last one, so a repeat (a push again after a lost answer, a
 * crash on either side) is passed over and a gap stops the batch where it is. Check-ins made at a
 * centre win over a cancellation made here while its link was down; both are in the audit log.
 */
export class CentreInbox {
  private readonly stateWrites = new Map<string, { writing: Promise<void>; next: { state: CentreLiveState; now: number } | null }>();

  /** Tells a citizen their booking was cancelled by the centre (the portal's SMS), in the same transaction. */
  cancelNotifier: ((tx: Tx, centreId: string, booking: Booking) => Promise<void>) | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly bookings: ProvinceBookings,
  ) {}

  /** Applies the messages after the last applied; returns the last number applied. */
  async push(centreId: string, messages: readonly LinkMessage[], now: number): Promise<{ applied: number }> {
    const sorted = [...messages].sort((a, b) => a.seq - b.seq);
    const before = await this.db.query<{ in_seq: number }>('SELECT in_seq FROM link_sequences WHERE centre_id = $1', [centreId]);
    if ((before.rows[0]?.in_seq ?? 0) >= (sorted.at(-1)?.seq ?? 0)) return { applied: before.rows[0]?.in_seq ?? 0 };
    return inTransaction(this.db, async (tx) => {
      // Locks in the province's one order: the bookings a check-in names, then the link's numbers.
      const bookingIds = [...new Set(sorted.filter((m) => m.kind === 'check-in').map((m) => checkInBody.safeParse(m.body).data?.bookingId).filter((id) => id !== undefined))].sort();
      if (bookingIds.length > 0) await tx.query('SELECT id FROM bookings WHERE id = ANY($1) ORDER BY id FOR UPDATE', [bookingIds]);
      await tx.query('INSERT INTO link_sequences (centre_id) VALUES ($1) ON CONFLICT DO NOTHING', [centreId]);
      const { rows } = await tx.query<{ in_seq: number }>('SELECT in_seq FROM link_sequences WHERE centre_id = $1 FOR UPDATE', [centreId]);
      let applied = rows[0]!.in_seq;
      for (const message of sorted) {
        if (message.seq <= applied) continue;
        if (message.seq !== applied + 1) break;
        await this.apply(tx, centreId, message, now);
        applied = message.seq;
      }
      await tx.query('UPDATE link_sequences SET in_seq = $2 WHERE centre_id = $1', [centreId, applied]);
      return { applied };
    });
  }

  private async apply(tx: Tx, centreId: string, message: LinkMessage, now: number): Promise<void> {
    const actor = `centre:${centreId}`;
    if (message.kind === 'check-in') {
      const body = checkInBody.safeParse(message.body);
      if (!body.success) return this.rejected(tx, centreId, message, now, body.error.issues[0]?.message ?? 'invalid');
      const c = body.data;
      const { rows } = await tx.query<{ state: string }>('SELECT state FROM bookings WHERE id = $1 AND centre_id = $2', [c.bookingId, centreId]);
      const was = rows[0]?.state;
      if (was === undefined) {
        // A booking the hub made itself (before it was linked): nothing to record here.
        await audit(tx, { at: now, actor, action: 'link.check-in-unknown', centreId, details: { seq: message.seq, bookingId: c.bookingId } });
        return;
      }
      if (was === 'checked-in') return;
      await tx.query(`UPDATE bookings SET state = 'checked-in', checked_in_at = $2, ticket_id = $3, ticket_number = $4, no_show = false WHERE id = $1`, [
        c.bookingId,
        c.at,
        c.ticketId,
        c.ticketNumber,
      ]);
      if (was === 'cancelled') {
        // The visitor was given a ticket while the cancellation could not reach the centre.
        this.log.warn('province: a cancelled booking was checked in at its centre; the check-in stands', { centreId, bookingId: c.bookingId });
        await audit(tx, { at: now, actor, action: 'booking.check-in-over-cancellation', centreId, details: { bookingId: c.bookingId, ticket: c.ticketNumber, checkedInAt: c.at } });
      }
      return;
    }
    if (message.kind === 'day-closed') {
      const body = dayClosedBody.safeParse(message.body);
      if (!body.success) return this.rejected(tx, centreId, message, now, body.error.issues[0]?.message ?? 'invalid');
      const { day, noShows, ...report } = body.data;
      await tx.query(
        'INSERT INTO centre_days (centre_id, day, report, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (centre_id, day) DO UPDATE SET report = EXCLUDED.report, received_at = EXCLUDED.received_at',
        [centreId, day, JSON.stringify({ ...report, noShows: noShows.length }), now],
      );
      if (noShows.length > 0)
        await tx.query(`UPDATE bookings SET no_show = true WHERE centre_id = $1 AND id = ANY($2) AND state = 'confirmed'`, [centreId, noShows]);
      return;
    }
    if (message.kind === 'closure-added') {
      const body = closureAddedBody.safeParse(message.body);
      if (!body.success) return this.rejected(tx, centreId, message, now, body.error.issues[0]?.message ?? 'invalid');
      const c = body.data;
      await tx.query('INSERT INTO booking_closures (id, centre_id, day, service_id, reason, by, at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING', [
        c.closureId,
        centreId,
        c.day,
        c.serviceId,
        JSON.stringify(c.reason),
        `${actor}:${c.by}`,
        c.at,
      ]);
      // The bookings still to come there are cancelled by the centre, with its reason.
      const { rows } = await tx.query<{ id: string }>(
        `SELECT id FROM bookings WHERE centre_id = $1 AND day = $2 AND ($3::text IS NULL OR service_id = $3) AND state = 'confirmed' AND slot_start > $4 ORDER BY id`,
        [centreId, c.day, c.serviceId, now],
      );
      for (const r of rows) await this.cancelByCentre(tx, centreId, r.id, c.reason, now);
      await audit(tx, { at: now, actor, action: 'booking.day-closed', centreId, details: { closureId: c.closureId, day: c.day, serviceId: c.serviceId, cancelled: rows.length } });
      return;
    }
    if (message.kind === 'closure-removed') {
      const body = closureRemovedBody.safeParse(message.body);
      if (!body.success) return this.rejected(tx, centreId, message, now, body.error.issues[0]?.message ?? 'invalid');
      await tx.query('DELETE FROM booking_closures WHERE id = $1 AND centre_id = $2', [body.data.closureId, centreId]);
      await audit(tx, { at: now, actor, action: 'booking.day-reopened', centreId, details: { closureId: body.data.closureId } });
      return;
    }
    if (message.kind === 'centre-cancel') {
      const body = centreCancelBody.safeParse(message.body);
      if (!body.success) return this.rejected(tx, centreId, message, now, body.error.issues[0]?.message ?? 'invalid');
      await this.cancelByCentre(tx, centreId, body.data.bookingId, body.data.reason, now);
      return;
    }
    // A kind from a newer hub: passed over (its number still counts), and said in the audit log.
    await audit(tx, { at: now, actor, action: 'link.message-unknown', centreId, details: { seq: message.seq, kind: message.kind } });
  }

  /** Cancels a booking by the centre (if it still stands) and tells its citizen. */
  private async cancelByCentre(tx: Tx, centreId: string, bookingId: string, reason: { vi: string; en: string } | null, now: number): Promise<void> {
    const cancelled = await this.bookings.cancel(centreId, { bookingId, by: 'centre', reason }, now, tx);
    // Cancelled, checked in or past already: nothing to do (the centre's message may be an echo).
    if (!cancelled.ok) return;
    await this.cancelNotifier?.(tx, centreId, cancelled.data);
  }

  private async rejected(tx: Tx, centreId: string, message: LinkMessage, now: number, why: string): Promise<void> {
    this.log.error('province: a centre sent a message that does not parse; passed over', { centreId, seq: message.seq, kind: message.kind, why });
    await audit(tx, { at: now, actor: `centre:${centreId}`, action: 'link.message-rejected', centreId, details: { seq: message.seq, kind: message.kind, why } });
  }

  /**
   * Stores a centre's live state (the newest by its `at` wins). Writes for one centre are one at a
   * time, and a state that arrives while one is written replaces any waiting: a busy centre costs
   * at most one write in flight and one waiting.
   */
  storeState(centreId: string, state: CentreLiveState, now: number): Promise<void> {
    const current = this.stateWrites.get(centreId);
    if (current) {
      current.next = { state, now };
      return current.writing;
    }
    const entry: { writing: Promise<void>; next: { state: CentreLiveState; now: number } | null } = { writing: Promise.resolve(), next: { state, now } };
    entry.writing = (async () => {
      try {
        while (entry.next) {
          const { state: s, now: n } = entry.next;
          entry.next = null;
          await this.db.query(
            `INSERT INTO centre_live (centre_id, state, at, received_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (centre_id) DO UPDATE SET state = EXCLUDED.state, at = EXCLUDED.at, received_at = EXCLUDED.received_at WHERE centre_live.at <= EXCLUDED.at`,
            [centreId, JSON.stringify(s), s.at, n],
          );
        }
      } catch (error) {
        this.log.warn('province: a centre state could not be stored', { centreId, error: String(error) });
      } finally {
        this.stateWrites.delete(centreId);
      }
    })();
    this.stateWrites.set(centreId, entry);
    return entry.writing;
  }

  /** Every centre's newest state, with when it came. */
  async states(): Promise<Map<string, { state: CentreLiveState; receivedAt: number }>> {
    const { rows } = await this.db.query<{ centre_id: string; state: CentreLiveState; received_at: number }>('SELECT centre_id, state, received_at FROM centre_live');
    return new Map(rows.map((r) => [r.centre_id, { state: r.state, receivedAt: r.received_at }]));
  }
}
