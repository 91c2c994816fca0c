import { NO_BOOKING_CAPS, type ProvinceBookingCaps, type ProvinceSettings } from '../protocol/link-protocol';
import { queueForCentre } from './centre-outbox';
import { audit } from './centre-registry';
import { inTransaction, type Db, type Tx } from './db/database';
import type { Booking } from '../domain/booking';
import type { ProvinceBookings } from './province-bookings';

/**
 * What the province sets for all its centres (docs/province.md, "Province settings"): days off
 * and make-up days on top of each centre's calendar (the province books by them, and each hub
 * takes them for its own bookings), and a notice for every centre's displays. Each change is one
 * numbered message (kind 'settings') to every centre, in the change's transaction; a centre
 * added later is sent the current settings at its first hello.
 */
/** Why a booking on a day the province made a day off was cancelled (the citizen is told). */
export const PROVINCE_DAY_OFF = { vi: 'ngày nghỉ theo quyết định của tỉnh', en: 'a day off decided by the province' };

export class ProvinceSettingsStore {
  constructor(
    private readonly db: Db,
    private readonly bookings: ProvinceBookings,
    /** Tells a citizen their booking was cancelled (the portal's SMS), in the same transaction. */
    private readonly notify: () => ((tx: Tx, centreId: string, booking: Booking) => Promise<void>) | null,
  ) {}

  async get(q: Db | Tx = this.db): Promise<ProvinceSettings | null> {
    const { rows } = await q.query<ProvinceSettings>('SELECT version, holidays, workdays, notice, booking FROM province_settings WHERE id = 1');
    return rows[0] ?? null;
  }

  /** Replaces the settings and tells every centre; returns them with their new version. */
  set(given: Omit<ProvinceSettings, 'version' | 'booking'> & { booking?: ProvinceBookingCaps }, by: string, now: number): Promise<ProvinceSettings> {
    const input = { ...given, booking: given.booking ?? NO_BOOKING_CAPS };
    const holidays = [...new Set(input.holidays)].sort();
    const workdays = [...new Set(input.workdays)].sort();
    return inTransaction(this.db, async (tx) => {
      // Bookings on a day that becomes a day off are cancelled first (their locks taken in the
      // province's one order), the centres' link rows after, in id order.
      const before = await this.get(tx);
      const newDays = holidays.filter((d) => !before?.holidays.includes(d));
      let cancelled = 0;
      if (newDays.length > 0) {
        const affected = await tx.query<{ id: string; centre_id: string }>(
          `SELECT id, centre_id FROM bookings WHERE day = ANY($1) AND state = 'confirmed' AND slot_start > $2 ORDER BY id`,
          [newDays, now],
        );
        for (const b of affected.rows) {
          const result = await this.bookings.cancel(b.centre_id, { bookingId: b.id, by: 'centre', reason: PROVINCE_DAY_OFF }, now, tx);
          if (!result.ok) continue;
          cancelled += 1;
          await this.notify()?.(tx, b.centre_id, result.data);
        }
      }
      const { rows } = await tx.query<ProvinceSettings>(
        `INSERT INTO province_settings (id, version, holidays, workdays, notice, booking, updated_by, updated_at) VALUES (1, 1, $1, $2, $3, $6, $4, $5)
         ON CONFLICT (id) DO UPDATE SET version = province_settings.version + 1, holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays,
           notice = EXCLUDED.notice, booking = EXCLUDED.booking, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
         RETURNING version, holidays, workdays, notice, booking`,
        [JSON.stringify(holidays), JSON.stringify(workdays), input.notice === null ? null : JSON.stringify(input.notice), by, now, JSON.stringify(input.booking)],
      );
      const settings = rows[0]!;
      // Every centre, in id order (the lock order of link_sequences rows).
      const centres = await tx.query<{ centre_id: string }>('SELECT centre_id FROM link_sequences ORDER BY centre_id FOR UPDATE');
      for (const { centre_id: centreId } of centres.rows) await this.queue(tx, centreId, settings, now);
      await audit(tx, { at: now, actor: by, action: 'province.settings', details: { version: settings.version, holidays, workdays, notice: input.notice, booking: input.booking, cancelled } });
      return settings;
    });
  }

  /** Sends the settings to a centre that has not been sent this version (at its hello). */
  async sendIfBehind(centreId: string, now: number): Promise<void> {
    const current = await this.get();
    if (!current) return;
    const { rows } = await this.db.query<{ settings_sent: number }>('SELECT settings_sent FROM link_sequences WHERE centre_id = $1', [centreId]);
    if ((rows[0]?.settings_sent ?? current.version) >= current.version) return;
    await inTransaction(this.db, async (tx) => {
      const locked = await tx.query<{ settings_sent: number }>('SELECT settings_sent FROM link_sequences WHERE centre_id = $1 FOR UPDATE', [centreId]);
      const settings = await this.get(tx);
      if (settings && (locked.rows[0]?.settings_sent ?? settings.version) < settings.version) await this.queue(tx, centreId, settings, now);
    });
  }

  private async queue(tx: Tx, centreId: string, settings: ProvinceSettings, now: number): Promise<void> {
    await queueForCentre(tx, centreId, 'settings', settings, now);
    await tx.query('UPDATE link_sequences SET settings_sent = $2 WHERE centre_id = $1', [centreId, settings.version]);
  }
}
