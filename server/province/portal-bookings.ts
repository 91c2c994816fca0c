import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { maskPhone } from '../app/booking-service';
import { bookingClock } from '../app/local-time';
import {
  CODE_ALPHABET,
  CODE_LENGTH,
  availability,
  bookingDays,
  checkInWindow,
  createBookingState,
  dueReminders,
  effectiveStatus,
  formatBookingCode,
  holdRequestOf,
  normalizeBookingCode,
  normalizePhone,
  type Booking,
  type SlotAvailability,
} from '../domain/booking';
import { bookingSetupOf, cappedBookingRules } from '../domain/booking-setup';
import { isoWeekday, isWorkingDay } from '../domain/working-calendar';
import { bookingCodeText, bookingFacts, bookingText } from '../notifications/booking-messages';
import { toSmsAscii } from '../notifications/templates';
import type { BookingDayView, BookingHoldView, BookingOptionsView, BookingView } from '../protocol/booking-protocol';
import type { CentreProfile } from '../protocol/centre-profile';
import type { ErrorCode } from '../protocol/error-codes';
import type { CentreRegistry } from './centre-registry';
import type { Db, Tx } from './db/database';
import type { ProvinceBookings } from './province-bookings';
import type { SigningKeys } from './signing-keys';
import type { ProvinceSettingsStore } from './province-settings';
import { queueSms } from './sms-outbox';

/**
 * The citizens' portal's bookings (docs/province.md, "The citizens' portal"): the hub's booking
 * page's commands, for any linked centre, answered with the very views the hub answers with
 * (server/protocol/booking-protocol.ts), so one page books at a hub or at the province. The rules
 * are the centre's own (its profile), applied by ProvinceBookings in PostgreSQL; a repeated command
 * gets its first answer (command_answers); SMS go out through the province's outbox.
 */

export type PortalResult<T> = { ok: true; data: T } | { ok: false; error: ErrorCode; details?: Record<string, unknown> };

type HoldCommand = { commandId: string; serviceId: string; slotStart: number; phone: string; name: string; email: string | null; cccd: string | null };

/**
 * How long a slot found full is refused from memory (a place freed meanwhile, by a cancellation or
 * a hold that lapsed, waits at most this long to be offered again). Each process learns each full
 * slot once per this: 100 full slots on 3 processes is 60 locked transactions a second at 5 s.
 */
const FULL_SLOT_MS = 5_000;

export class PortalBookings {
  private readonly fullSlots = new Map<string, { until: number; refusal: PortalResult<never> }>();

  constructor(
    private readonly deps: {
      db: Db;
      bookings: ProvinceBookings;
      registry: CentreRegistry;
      signingKeys: SigningKeys;
      settings: ProvinceSettingsStore;
      /** Keys the hashes of CCCD numbers and SMS codes. */
      secret: Buffer;
      /** The portal's public address (the QR's). */
      portalUrl: () => string;
      /** Whether SMS can be sent (a gateway is set). */
      smsOn: boolean;
      smsWithoutDiacritics: boolean;
    },
  ) {}

  private async profileOf(centreId: string): Promise<CentreProfile | null> {
    return (await this.deps.registry.get(centreId))?.profile ?? null;
  }

  async options(centreId: string): Promise<PortalResult<BookingOptionsView>> {
    const profile = await this.profileOf(centreId);
    if (!profile) return { ok: false, error: 'UNKNOWN_CENTRE' };
    const rules = cappedBookingRules(profile.booking, (await this.deps.settings.get())?.booking);
    return {
      ok: true,
      data: {
        enabled: rules.enabled,
        services: rules.enabled
          ? rules.services.flatMap((b) => {
              const service = profile.services.find((s) => s.id === b.serviceId);
              return service ? [{ serviceId: b.serviceId, name: service.name, policy: b.policy }] : [];
            })
          : [],
        horizonDays: rules.horizonDays,
        phoneCheck: rules.phoneCheck,
        holdMinutes: rules.holdMinutes,
        checkIn: rules.checkIn,
        limits: { perPhonePerDay: rules.perPhonePerDay, perServicePerDay: rules.perServicePerDay },
      },
    };
  }

  /** Every day of the horizon with its slots and the places left now (live holds count). */
  async days(centreId: string, serviceId: string, now: number): Promise<PortalResult<BookingDayView[]>> {
    const profile = await this.profileOf(centreId);
    if (!profile) return { ok: false, error: 'UNKNOWN_CENTRE' };
    if (!profile.booking.enabled) return { ok: false, error: 'BOOKING_OFF' };
    const setup = bookingSetupOf({ ...profile, province: await this.deps.settings.get() });
    if (!setup.rules.services.some((s) => s.serviceId === serviceId)) return { ok: false, error: 'UNKNOWN_SERVICE' };
    const clock = bookingClock(profile.timeZone);
    const days = bookingDays(now, setup, clock);
    const state = createBookingState();
    const [taken, closures] = await Promise.all([
      this.deps.db.query<{ slot_start: number; n: number }>(
        `SELECT slot_start, count(*)::int AS n FROM bookings WHERE centre_id = $1 AND service_id = $2 AND day BETWEEN $3 AND $4
           AND (state IN ('confirmed', 'checked-in') OR (state = 'held' AND held_until > $5)) GROUP BY slot_start`,
        [centreId, serviceId, days[0], days.at(-1), now],
      ),
      this.deps.db.query('SELECT id, day, service_id, reason, by, at FROM booking_closures WHERE centre_id = $1 AND day BETWEEN $2 AND $3', [centreId, days[0], days.at(-1)]),
    ]);
    for (const r of taken.rows) state.bookedBySlot.set(`${serviceId}|${r.slot_start}`, r.n);
    for (const r of closures.rows) state.closures.set(r.id, { id: r.id, day: r.day, serviceId: r.service_id, reason: r.reason, by: r.by, at: r.at });
    return {
      ok: true,
      data: days.map((day) => {
        const closure = [...state.closures.values()].find((c) => c.day === day && (c.serviceId === null || c.serviceId === serviceId));
        return {
          day,
          weekday: isoWeekday(day),
          closed: !isWorkingDay(day, setup.calendar) ? 'day-off' : closure ? { reason: closure.reason } : null,
          slots: availability(state, setup, clock, now, serviceId, day).map((s) => ({ start: s.start, end: s.end, time: s.time, places: s.places, left: s.left, open: s.open })),
        };
      }),
    };
  }

  async hold(centreId: string, cmd: HoldCommand, fp: string, now: number, known?: CentreProfile): Promise<PortalResult<BookingHoldView>> {
    const profile = known ?? (await this.profileOf(centreId));
    if (!profile) return { ok: false, error: 'UNKNOWN_CENTRE' };
    if (!profile.booking.enabled) return { ok: false, error: 'BOOKING_OFF' };
    const smsCheck = profile.booking.phoneCheck === 'sms';
    if (smsCheck && !this.deps.smsOn) return { ok: false, error: 'BOOKING_OFF' };
    const otp = smsCheck ? String(randomInt(0, 1_000_000)).padStart(6, '0') : null;
    const bookingId = randomBytes(16).toString('base64url');
    const request = holdRequestOf(cmd, { bookingId, by: 'citizen', otpHash: otp ? this.keyed('otp', `${bookingId}:${otp}`) : null, hashCccd: (cccd) => this.keyed('cccd', cccd) });
    if (!request.ok) return request;
    const phone = request.data.phone;
    const key = `portal:${centreId}:${cmd.commandId}`;
    // A slot found full a moment ago (on this process) is refused again without the locked
    // transaction: in a rush nearly every attempt is one of these. Only a refusal is answered so;
    // a place is only ever given by the transaction below. The answer is stored all the same.
    const slot = `${centreId}|${cmd.serviceId}|${cmd.slotStart}`;
    const full = this.fullSlots.get(slot);
    if (full && full.until > now) return this.refuseOnce<BookingHoldView>(key, fp, now, full.refusal);
    if (full) {
      // Known full a while ago: one read says whether it still is (once per slot and process at a time).
      const refusal = await this.recheck(slot, centreId, cmd.serviceId, cmd.slotStart, now, profile);
      if (refusal) return this.refuseOnce<BookingHoldView>(key, fp, now, refusal);
    }
    const answer = await this.once<BookingHoldView>(key, fp, now, async (tx) => {
      const held = await this.deps.bookings.hold(centreId, request.data, now, tx);
      if (!held.ok) return this.withNextSlots(held, profile);
      if (otp) await queueSms(tx, { key: `booking|${bookingId}|code|0`, to: phone, text: this.sms(profile, bookingCodeText(profile.name.vi, otp, profile.booking.holdMinutes)) }, now);
      const b = held.data;
      return {
        ok: true,
        data: { holdId: b.id, serviceId: b.serviceId, slotStart: b.slotStart, slotEnd: b.slotEnd, heldUntil: b.heldUntil, codeRequired: otp !== null, codeSentTo: otp ? maskPhone(phone) : null },
      };
    });
    if (!answer.ok && answer.error === 'SLOT_FULL') {
      if (this.fullSlots.size > 10_000) this.fullSlots.clear();
      this.fullSlots.set(slot, { until: now + FULL_SLOT_MS, refusal: { ok: false, error: answer.error, ...(answer.details ? { details: answer.details } : {}) } });
    }
    return answer;
  }

  private readonly rechecks = new Map<string, Promise<PortalResult<never> | null>>();

  /** The refusal for a slot still full (kept for FULL_SLOT_MS more), or null (forgotten: decide under the lock). */
  private recheck(slot: string, centreId: string, serviceId: string, slotStart: number, now: number, profile: CentreProfile): Promise<PortalResult<never> | null> {
    let running = this.rechecks.get(slot);
    if (!running) {
      running = this.deps.bookings
        .stillFull(centreId, serviceId, slotStart, now)
        .then((next) => {
          if (!next) {
            this.fullSlots.delete(slot);
            return null;
          }
          const refusal = this.withNextSlots<never>({ ok: false, error: 'SLOT_FULL', details: { next } }, profile);
          this.fullSlots.set(slot, { until: now + FULL_SLOT_MS, refusal });
          return refusal;
        })
        .finally(() => this.rechecks.delete(slot));
      this.rechecks.set(slot, running);
    }
    return running;
  }

  /** A refusal given without deciding again, stored as the command's answer (unless it has one). */
  private async refuseOnce<T>(key: string, fp: string, now: number, refusal: PortalResult<T>): Promise<PortalResult<T>> {
    const stored = await this.deps.bookings.answerOnce(key, fp, now, refusal);
    return stored as PortalResult<T>;
  }

  async resendCode(centreId: string, holdId: string, now: number): Promise<PortalResult<{ codeSentTo: string }>> {
    const profile = await this.profileOf(centreId);
    if (!profile) return { ok: false, error: 'UNKNOWN_CENTRE' };
    const otp = String(randomInt(0, 1_000_000)).padStart(6, '0');
    return this.once(`portal:${centreId}:recode:${holdId}:${randomBytes(8).toString('hex')}`, '-', now, async (tx) => {
      const result = await this.deps.bookings.recode(centreId, { bookingId: holdId, otpHash: this.keyed('otp', `${holdId}:${otp}`) }, now, tx);
      if (!result.ok) return result;
      const b = result.data;
      await queueSms(tx, { key: `booking|${b.id}|code|${b.codesSent}`, to: b.phone, text: this.sms(profile, bookingCodeText(profile.name.vi, otp, profile.booking.holdMinutes)) }, now);
      return { ok: true, data: { codeSentTo: maskPhone(b.phone) } };
    });
  }

  async confirm(centreId: string, cmd: { commandId: string; holdId: string; otp: string | null }, fp: string, now: number): Promise<PortalResult<BookingView>> {
    const profile = await this.profileOf(centreId);
    if (!profile) return { ok: false, error: 'UNKNOWN_CENTRE' };
    return this.once(`portal:${centreId}:${cmd.commandId}`, fp, now, async (tx) => {
      const confirmed = await this.deps.bookings.confirm(
        centreId,
        { bookingId: cmd.holdId, newCode: newBookingCode, otpMatches: (hash) => cmd.otp !== null && sameText(hash, this.keyed('otp', `${cmd.holdId}:${cmd.otp}`)) },
        now,
        tx,
      );
      if (!confirmed.ok) {
        if (confirmed.error === 'OTP_WRONG') {
          const { rows } = await tx.query<{ state: string }>('SELECT state FROM bookings WHERE id = $1', [cmd.holdId]);
          if (rows[0]?.state === 'released') return { ok: false, error: 'OTP_TRIES_EXCEEDED' };
        }
        return this.withNextSlots(confirmed, profile);
      }
      await this.tell(tx, profile, 'confirmed', confirmed.data, now);
      return { ok: true, data: this.viewOf(centreId, profile, confirmed.data, now) };
    });
  }

  /** The booking for a code and phone; null for any wrong pair (which half was wrong is never said). */
  async lookup(centreId: string, code: string, phone: string, now: number): Promise<BookingView | null> {
    const profile = await this.profileOf(centreId);
    const booking = profile ? await this.accessible(centreId, code, phone) : null;
    return profile && booking ? this.viewOf(centreId, profile, booking, now) : null;
  }

  async cancel(centreId: string, cmd: { commandId: string; code: string; phone: string }, fp: string, now: number): Promise<PortalResult<BookingView>> {
    const profile = await this.profileOf(centreId);
    const booking = profile ? await this.accessible(centreId, cmd.code, cmd.phone) : null;
    if (!profile || !booking) return { ok: false, error: 'BOOKING_NOT_FOUND' };
    return this.once(`portal:${centreId}:${cmd.commandId}`, fp, now, async (tx) => {
      const cancelled = await this.deps.bookings.cancel(centreId, { bookingId: booking.id, by: 'citizen', reason: null }, now, tx);
      if (!cancelled.ok) return cancelled;
      await this.tell(tx, profile, 'cancelled-citizen', cancelled.data, now);
      return { ok: true, data: this.viewOf(centreId, profile, cancelled.data, now) };
    });
  }

  async move(centreId: string, cmd: { commandId: string; code: string; phone: string; slotStart: number }, fp: string, now: number): Promise<PortalResult<BookingView>> {
    const profile = await this.profileOf(centreId);
    const booking = profile ? await this.accessible(centreId, cmd.code, cmd.phone) : null;
    if (!profile || !booking) return { ok: false, error: 'BOOKING_NOT_FOUND' };
    return this.once(`portal:${centreId}:${cmd.commandId}`, fp, now, async (tx) => {
      const moved = await this.deps.bookings.move(centreId, { bookingId: booking.id, slotStart: cmd.slotStart }, now, tx);
      if (!moved.ok) return this.withNextSlots(moved, profile);
      await this.tell(tx, profile, 'moved', moved.data, now);
      return { ok: true, data: this.viewOf(centreId, profile, moved.data, now) };
    });
  }

  // -------------------------------------------------------------------------------------------

  private async once<T>(key: string, fp: string, now: number, work: (tx: Tx) => Promise<PortalResult<T>>): Promise<PortalResult<T>> {
    const answer = await this.deps.bookings.once(key, fp, now, work);
    return answer as PortalResult<T>;
  }

  private async accessible(centreId: string, codeInput: string, phoneInput: string): Promise<Booking | null> {
    const code = normalizeBookingCode(codeInput);
    const phone = normalizePhone(phoneInput);
    const booking = code ? await this.deps.bookings.byCode(code) : null;
    if (!booking || booking.centreId !== centreId || !phone || !sameText(booking.phone, phone)) return null;
    return booking;
  }

  /** The province's refusal with the next free slots in the hub's shape (`details.nextSlots`). */
  private withNextSlots<T>(refusal: { ok: false; error: ErrorCode; details?: Record<string, unknown> }, profile: CentreProfile): PortalResult<T> {
    const next = refusal.details?.next as SlotAvailability[] | undefined;
    if (!next) return refusal;
    const clock = bookingClock(profile.timeZone);
    const { next: _next, ...rest } = refusal.details!;
    return {
      ok: false,
      error: refusal.error,
      details: { ...rest, nextSlots: next.map((s) => ({ day: s.day, start: s.start, time: s.time ?? timeOf(s.start, clock), left: s.left })) },
    };
  }

  private viewOf(centreId: string, profile: CentreProfile, booking: Booking, now: number): BookingView {
    const clock = bookingClock(profile.timeZone);
    const status = effectiveStatus(booking, now, profile.booking);
    const token = booking.code ? this.deps.signingKeys.tokenFor(centreId, booking) : '';
    return {
      code: formatBookingCode(booking.code ?? ''),
      qr: `${this.deps.portalUrl()}/b?t=${token}`,
      status: status === 'no-show' || status === 'cancelled' || status === 'checked-in' ? status : 'confirmed',
      serviceId: booking.serviceId,
      serviceName: profile.services.find((s) => s.id === booking.serviceId)?.name ?? { vi: booking.serviceId, en: booking.serviceId },
      day: booking.day,
      slotStart: booking.slotStart,
      slotEnd: booking.slotEnd,
      time: timeOf(booking.slotStart, clock),
      name: booking.name,
      phoneMasked: maskPhone(booking.phone),
      checkIn: checkInWindow(booking, profile.booking),
      ticketNumber: booking.ticketNumber,
      cancelledBy: booking.cancelledBy,
      cancelReason: booking.cancelReason,
      canChange: status === 'confirmed' && now < booking.slotStart,
    };
  }

  /** A booking the centre cancelled (its day closed, or one by one at the hub): its citizen is told by SMS. */
  async tellCancelledByCentre(tx: Tx, centreId: string, booking: Booking, now: number): Promise<void> {
    const profile = await this.profileOf(centreId);
    if (profile) await this.tell(tx, profile, 'cancelled-centre', booking, now);
  }

  /**
   * Queues the reminders now due for the province's bookings (the hubs send none for them), by the
   * hub's own rule (dueReminders). Every process sweeps; each reminder is keyed, so it goes once.
   */
  async sendDueReminders(now: number): Promise<number> {
    if (!this.deps.smsOn) return 0;
    const { rows } = await this.deps.db.query<{ centre_id: string }>(
      `SELECT DISTINCT centre_id FROM bookings WHERE state = 'confirmed' AND slot_start > $1 AND slot_start < $1 + 172800000`,
      [now],
    );
    let queued = 0;
    for (const { centre_id: centreId } of rows) {
      const profile = await this.profileOf(centreId);
      if (!profile) continue;
      const clock = bookingClock(profile.timeZone);
      const due = await this.deps.bookings.upcoming(centreId, now, now + 172_800_000);
      for (const booking of due)
        for (const kind of dueReminders(booking, now, profile.booking, clock)) {
          await this.tell(this.deps.db, profile, kind, booking, now);
          queued += 1;
        }
    }
    return queued;
  }

  /** The SMS that tells the citizen what happened (queued in the same transaction). */
  private async tell(tx: Tx | Db, profile: CentreProfile, kind: 'confirmed' | 'moved' | 'cancelled-citizen' | 'cancelled-centre' | 'remind-evening' | 'remind-soon', booking: Booking, now: number): Promise<void> {
    if (!this.deps.smsOn) return;
    const facts = bookingFacts(booking, {
      name: profile.name.vi,
      timeZone: profile.timeZone,
      serviceName: (id) => profile.services.find((s) => s.id === id)?.name.vi,
      checkIn: profile.booking.checkIn,
    });
    // The hub's keys: a reminder or a move once per slot, the rest once.
    const key = `booking|${booking.id}|${kind}|${kind === 'confirmed' || kind.startsWith('cancelled') ? '-' : booking.slotStart}`;
    await queueSms(tx, { key, to: booking.phone, text: this.sms(profile, bookingText(kind, facts, booking.cancelReason?.vi ?? null)) }, now);
  }

  private sms(_profile: CentreProfile, text: string): string {
    // A Vietnamese SMS is UCS-2 (70 letters a part); some provinces send them without diacritics.
    return this.deps.smsWithoutDiacritics ? toSmsAscii(text) : text;
  }

  private keyed(purpose: string, value: string): string {
    return createHmac('sha256', this.deps.secret).update(`luot-booking:${purpose}:${value}`).digest('base64url');
  }
}

function newBookingCode(): string {
  return [...randomBytes(CODE_LENGTH)].map((b) => CODE_ALPHABET[b & 31]).join('');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function timeOf(at: number, clock: { dayOf(at: number): string; instantOf(day: string, minute: number): number }): string {
  const minutes = Math.round((at - clock.instantOf(clock.dayOf(at), 0)) / 60_000);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
