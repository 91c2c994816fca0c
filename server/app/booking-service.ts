import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { CentreConfig, ConfigSource } from '../config/centre-config';
import {
  applyBookingEvent,
  availability,
  banOf,
  bookableServiceOf,
  bookingByCode,
  bookingDays,
  bookingsWithoutSlot,
  cancelAffected,
  checkInProblem,
  checkInWindow,
  closureOn,
  CODE_ALPHABET,
  CODE_LENGTH,
  createBookingState,
  decideCancel,
  decideCheckIn,
  decideClosure,
  decideConfirm,
  decideHold,
  decideProvinceMessage,
  decideVouch,
  dueReminders,
  holdRequestOf,
  syncConflict,
  decideMove,
  decideResendCode,
  effectiveStatus,
  formatBookingCode,
  isCccd,
  isWrongCode,
  nextFreeSlots,
  normalizeBookingCode,
  normalizePhone,
  type Booking,
  type BookingClock,
  type BookingDecision,
  type BookingSetup,
  type BookingState,
  type HoldRequest,
} from '../domain/booking';
import { syncedBooking, type BookingEvent } from '../domain/booking-events';
import type { CentreCancelFact, CheckInFact, ClosureFact } from '../domain/link-outbox';
import { tokenInScan, type BookingTokenClaims } from '../domain/booking-token';
import { provinceSettings, type ProvinceSettings } from '../protocol/link-protocol';
import { verifyBookingToken } from './booking-token-crypto';
import { bookingSetupOf } from '../domain/booking-setup';
import { addDays, isoWeekday, isWorkingDay } from '../domain/working-calendar';
import type { Logger } from '../logger';
import type {
  BookableServiceView,
  BookingCheckInView,
  BookingClosureView,
  BookingDayView,
  BookingHoldView,
  BookingOptionsView,
  BookingStaffRow,
  BookingView,
  NoShowRow,
} from '../protocol/booking-protocol';
import type { ErrorCode } from '../protocol/error-codes';
import { decodeAnswer, encodeAnswer, type StoredAnswer } from '../store/answer-codec';
import type { BookingRecord, BookingStore } from '../store/booking-store';
import type { AnswerLedger } from './idempotency';
import { bookingClock, localDayOf } from './local-time';
import type { QueueService } from './queue-service';

/** A refusal with what the citizen needs to act on it (the next free slots, when to come back). */
export type BookingResult<T> = { ok: true; data: T } | { ok: false; error: ErrorCode; details?: Record<string, unknown> };

/** Booking messages handed to the durable outbox (server/notifications/booking-messages.ts). */
export interface BookingMessenger {
  /** The one-time code for a hold (SMS). Resolves once the message is stored in the outbox. */
  code(booking: Booking, otp: string, lang: 'vi' | 'en'): Promise<void>;
  /** Confirmed, moved, cancelled, or a reminder: SMS and e-mail, once per key. */
  notify(kind: BookingMessageKind, booking: Booking, extra?: { reason?: { vi: string; en: string } | null }): Promise<void>;
}
export type BookingMessageKind = 'confirmed' | 'moved' | 'cancelled-citizen' | 'cancelled-centre' | 'remind-evening' | 'remind-soon';

export interface BookingServiceDeps {
  config: ConfigSource;
  store: BookingStore;
  queue: QueueService;
  clock: () => number;
  log: Logger;
  /** The hub's secret: keys the CCCD hash, the codes' hashes and the QR's check tag. */
  secret: Buffer;
  messenger: BookingMessenger | null;
  /** How phones reach the booking page (the QR's address). */
  publicUrl: () => string;
  /**
   * A centre linked to its province: the portal's booking page for it. Citizens and staff book
   * there, so the places are counted in one place; the hub keeps check-in and calling.
   */
  bookingPortal?: () => string | null;
}

type Kept = { fp: string | undefined; pending?: Promise<BookingResult<unknown>>; stored?: StoredAnswer };

const MINUTE = 60_000;

/**
 * The booking use cases on the hub's own store. As in the queue: a command is decided on `live`
 * (the capacity check and the state change happen in one synchronous step, so two phones taking the
 * last place cannot both get it), appended to the journal, and answered only once it is on disk;
 * `durable` follows in journal order and is what every read shows.
 */
export class BookingService implements AnswerLedger {
  private live: BookingState = createBookingState();
  private durable: BookingState = createBookingState();
  private seq = 0;
  private answers = new Map<string, Kept>();
  private barrier: Promise<void> | null = null;
  private running = 0;
  private idle: (() => void)[] = [];
  private listeners = new Set<(events: BookingEvent[]) => void>();

  constructor(private readonly deps: BookingServiceDeps) {}

  private get config(): CentreConfig {
    return this.deps.config.current;
  }

  /** The rules and calendar of the current configuration, made once per configuration. */
  private made: { config: CentreConfig; settings: ProvinceSettings | null; setup: BookingSetup; clock: BookingClock } | null = null;

  private get clockOf(): BookingClock {
    return this.current().clock;
  }

  private get setup(): BookingSetup {
    return this.current().setup;
  }

  private current(): { setup: BookingSetup; clock: BookingClock } {
    const config = this.config;
    // The province's days off count too (a linked centre), as it last said on disk.
    const settings = this.durable.provinceSettings;
    if (this.made?.config !== config || this.made.settings !== settings) {
      this.made = {
        config,
        settings,
        clock: bookingClock(config.centre.timeZone),
        setup: bookingSetupOf({ booking: config.booking, calendar: config.dossiers.calendar, services: config.services, province: settings }),
      };
    }
    return this.made;
  }

  answered(key: string): boolean {
    return this.answers.has(key);
  }

  /** Told after booking events are on disk (reports, the province link later). */
  onChange(listener: (events: BookingEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  drained(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async start(): Promise<{ bookings: number; reconciled: number }> {
    await this.load();
    const reconciled = await this.reconcileCheckIns();
    return { bookings: this.durable.bookings.size, reconciled };
  }

  // -------------------------------------------------------------------------------------------
  // The citizen's page

  options(): BookingOptionsView {
    // The centre's rules under the province's limits (a linked centre).
    const rules = this.setup.rules;
    return {
      enabled: rules.enabled,
      services: rules.enabled ? this.bookableServices() : [],
      horizonDays: rules.horizonDays,
      phoneCheck: rules.phoneCheck,
      holdMinutes: rules.holdMinutes,
      checkIn: rules.checkIn,
      limits: { perPhonePerDay: rules.perPhonePerDay, perServicePerDay: rules.perServicePerDay },
    };
  }

  private bookableServices(): BookableServiceView[] {
    return this.config.booking.services.flatMap((b) => {
      const service = this.config.services.find((s) => s.id === b.serviceId);
      return service ? [{ serviceId: b.serviceId, name: service.name, policy: b.policy }] : [];
    });
  }

  /** Every day of the horizon with its slots and places left (as stored). */
  days(serviceId: string): BookingResult<BookingDayView[]> {
    if (!this.config.booking.enabled) return { ok: false, error: 'BOOKING_OFF' };
    if (!bookableServiceOf(this.setup, serviceId)) return { ok: false, error: 'UNKNOWN_SERVICE' };
    const now = this.deps.clock();
    const setup = this.setup;
    return {
      ok: true,
      data: bookingDays(now, setup, this.clockOf).map((day) => {
        const closure = closureOn(this.durable, serviceId, day);
        return {
          day,
          weekday: isoWeekday(day),
          closed: !isWorkingDay(day, setup.calendar) ? 'day-off' : closure ? { reason: closure.reason } : null,
          slots: availability(this.durable, setup, this.clockOf, now, serviceId, day).map((s) => ({
            start: s.start,
            end: s.end,
            time: s.time,
            places: s.places,
            left: s.left,
            open: s.open,
          })),
        };
      }),
    };
  }

  /** Holds a place and sends the code (when the centre checks phones). */
  hold(
    cmd: { commandId: string; serviceId: string; slotStart: number; phone: string; name: string; email: string | null; cccd: string | null; lang?: 'vi' | 'en' | undefined },
    fp?: string,
  ): Promise<BookingResult<BookingHoldView>> {
    const portal = this.deps.bookingPortal?.() ?? null;
    if (portal) return Promise.resolve({ ok: false, error: 'BOOKING_AT_PROVINCE', details: { url: portal } });
    const otp = this.config.booking.phoneCheck === 'sms' ? String(randomInt(0, 1_000_000)).padStart(6, '0') : null;
    const bookingId = randomBytes(16).toString('base64url');
    const request = this.holdRequest(cmd, bookingId, 'citizen', otp ? this.keyed('otp', `${bookingId}:${otp}`) : null);
    if (!request.ok) return Promise.resolve(request);
    const { phone } = request.data;
    return this.run(`booking:${cmd.commandId}`, fp, (state, now) => {
      const decision = decideHold(state, this.setup, this.clockOf, now, request.data);
      if (!decision.ok) return { decision: this.withAlternatives(decision, cmd.serviceId, now, cmd.slotStart) };
      const event = decision.events[0] as Extract<BookingEvent, { type: 'booking-held' }>;
      const view: BookingHoldView = {
        holdId: bookingId,
        serviceId: event.serviceId,
        slotStart: event.slotStart,
        slotEnd: event.slotEnd,
        heldUntil: event.heldUntil,
        codeRequired: otp !== null,
        codeSentTo: otp ? maskPhone(phone) : null,
      };
      return {
        decision,
        answer: () => view,
        after: otp ? () => this.sendCode(bookingId, otp, cmd.lang ?? 'vi') : undefined,
      };
    });
  }

  /** A new code for a hold (at most 3 in all). */
  resendCode(holdId: string, lang: 'vi' | 'en' = 'vi'): Promise<BookingResult<{ codeSentTo: string }>> {
    const otp = String(randomInt(0, 1_000_000)).padStart(6, '0');
    return this.run(null, undefined, (state, now) => {
      const decision = decideResendCode(state, now, { bookingId: holdId, otpHash: this.keyed('otp', `${holdId}:${otp}`) });
      const booking = state.bookings.get(holdId);
      return {
        decision,
        answer: () => ({ codeSentTo: maskPhone(booking?.phone ?? '') }),
        after: () => this.sendCode(holdId, otp, lang),
      };
    });
  }

  /** Confirms a hold with the code typed: the booking code, QR and slot. */
  confirm(cmd: { commandId: string; holdId: string; otp: string | null }, fp?: string): Promise<BookingResult<BookingView>> {
    const code = this.newCode();
    return this.run(`booking:${cmd.commandId}`, fp, (state, now) => {
      const booking = state.bookings.get(cmd.holdId);
      const otpMatches = booking?.otpHash ? cmd.otp !== null && this.sameHash(booking.otpHash, this.keyed('otp', `${booking.id}:${cmd.otp}`)) : null;
      const decision = decideConfirm(state, this.setup, this.clockOf, now, { bookingId: cmd.holdId, otpMatches, code });
      if (!decision.ok) return { decision: this.withAlternatives(decision, booking?.serviceId, now, booking?.slotStart) };
      if (isWrongCode(decision)) {
        const released = decision.events.some((e) => e.type === 'booking-released');
        return { decision, refusal: { error: released ? 'OTP_TRIES_EXCEEDED' : 'OTP_WRONG' } };
      }
      return {
        decision,
        answer: () => this.viewOf(state.bookings.get(cmd.holdId)!, now),
        after: () => this.notify('confirmed', cmd.holdId),
      };
    });
  }

  /** The booking for a code and phone; null for any wrong pair (which one is never said). */
  lookup(code: string, phone: string): BookingView | null {
    const booking = this.accessible(this.durable, code, phone);
    return booking ? this.viewOf(booking, this.deps.clock()) : null;
  }

  cancel(cmd: { commandId: string; code: string; phone: string }, fp?: string): Promise<BookingResult<BookingView>> {
    return this.run(`booking:${cmd.commandId}`, fp, (state, now) => {
      const booking = this.accessible(state, cmd.code, cmd.phone);
      if (!booking) return { decision: { ok: false, error: 'BOOKING_NOT_FOUND' } };
      const decision = decideCancel(state, this.setup, now, { bookingId: booking.id, by: 'citizen', reason: null });
      return { decision, answer: () => this.viewOf(booking, now), after: () => this.notify('cancelled-citizen', booking.id) };
    });
  }

  move(cmd: { commandId: string; code: string; phone: string; slotStart: number }, fp?: string): Promise<BookingResult<BookingView>> {
    return this.run(`booking:${cmd.commandId}`, fp, (state, now) => {
      const booking = this.accessible(state, cmd.code, cmd.phone);
      if (!booking) return { decision: { ok: false, error: 'BOOKING_NOT_FOUND' } };
      const decision = decideMove(state, this.setup, this.clockOf, now, { bookingId: booking.id, slotStart: cmd.slotStart });
      if (!decision.ok) return { decision: this.withAlternatives(decision, booking.serviceId, now, cmd.slotStart) };
      return { decision, answer: () => this.viewOf(booking, now), after: () => this.notify('moved', booking.id) };
    });
  }

  /** Whether a phone may book now, and if not until when (the page says it before the form). */
  ban(phoneInput: string): { until: number; noShows: number } | null {
    const phone = normalizePhone(phoneInput);
    return phone ? banOf(this.durable, phone, this.deps.clock(), this.config.booking) : null;
  }

  // -------------------------------------------------------------------------------------------
  // The kiosk

  /**
   * "Tôi đã đặt lịch": the scanned QR (code and check tag) or the code and the phone's last 4
   * digits. Inside the window: a ticket marked as booked, once. A wrong code or digits get
   * BOOKING_NOT_FOUND, whichever was wrong.
   */
  async checkIn(cmd: { commandId: string; scan?: string | undefined; code?: string | undefined; phoneLast4?: string | undefined }, kioskId: string | null): Promise<BookingResult<BookingCheckInView>> {
    if (!this.config.booking.enabled) return { ok: false, error: 'BOOKING_OFF' };
    const key = `checkin:${kioskId ?? '-'}:${cmd.commandId}`;
    const known = this.answers.get(key);
    if (known) return (known.pending ?? Promise.resolve(decodeAnswer(known.stored!))) as Promise<BookingResult<BookingCheckInView>>;
    const booking = this.findForCheckIn(cmd) ?? (cmd.scan !== undefined ? await this.vouchedFromScan(cmd.scan) : null);
    if (!booking) return { ok: false, error: 'BOOKING_NOT_FOUND' };
    const now = this.deps.clock();
    const problem = checkInProblem(this.live.bookings.get(booking.id) ?? null, now, this.config.booking);
    if (problem) return problem;
    const policy = bookableServiceOf(this.setup, booking.serviceId)?.policy ?? 'slot';
    const ticket = await this.deps.queue.takeBookedTicket(
      { bookingId: booking.id, serviceId: booking.serviceId, slotStart: booking.slotStart, policy, registeredAt: booking.confirmedAt ?? booking.createdAt },
      kioskId,
    );
    if (!ticket.ok) return { ok: false, error: ticket.error };
    return this.run(key, undefined, (state, at) => {
      const decision = decideCheckIn(state, this.config.booking, at, { bookingId: booking.id, ticketId: ticket.data.ticketId, number: ticket.data.number });
      // Checked in by another kiosk a moment ago: the same ticket (the queue keyed it by booking).
      if (!decision.ok && decision.error === 'BOOKING_CHECKED_IN' && state.bookings.get(booking.id)?.ticketId === ticket.data.ticketId)
        return { decision: { ok: true, events: [] }, answer: () => this.checkInView(booking, ticket.data) };
      return { decision, answer: () => this.checkInView(booking, ticket.data) };
    });
  }

  private checkInView(booking: Booking, ticket: BookingCheckInView['ticket']): BookingCheckInView {
    return {
      ticket,
      booking: { code: formatBookingCode(booking.code ?? ''), serviceId: booking.serviceId, slotStart: booking.slotStart, time: this.timeOf(booking.slotStart) },
    };
  }

  /** The province's token in a scanned QR, checked with the keys it gave this centre; null when none or not good. */
  private provinceClaims(scan: string): BookingTokenClaims | null {
    const token = tokenInScan(scan);
    const link = this.durable.provinceLink;
    if (!token || !link) return null;
    const claims = verifyBookingToken(token, link.keys);
    return claims && claims.centreId === link.centreId ? claims : null;
  }

  /** A booking made at the province that has not reached this hub yet, from its signed QR (stored first). */
  private async vouchedFromScan(scan: string): Promise<Booking | null> {
    const claims = this.provinceClaims(scan);
    if (!claims) return null;
    const stored = await this.run(null, undefined, (state, now) => ({ decision: decideVouch(state, this.setup, this.clockOf, now, claims), answer: () => null }));
    if (!stored.ok) return null;
    const booking = this.durable.bookings.get(claims.bookingId);
    if (!booking || booking.code !== claims.code) return null;
    this.deps.log.info('booking: a province booking not yet received is checked in from its signed QR', { bookingId: booking.id });
    return booking;
  }

  private findForCheckIn(cmd: { scan?: string | undefined; code?: string | undefined; phoneLast4?: string | undefined }): Booking | null {
    if (cmd.scan !== undefined && tokenInScan(cmd.scan)) {
      const claims = this.provinceClaims(cmd.scan);
      const booking = claims ? this.durable.bookings.get(claims.bookingId) : undefined;
      return booking && booking.code === claims!.code ? booking : null;
    }
    if (cmd.scan !== undefined) {
      const match = /(?:[?&#]b=|^)([0-9A-Za-z]{10})\.([0-9A-Za-z_-]{8,16})$/.exec(cmd.scan.trim());
      if (!match) return null;
      const code = normalizeBookingCode(match[1]!);
      if (!code || !this.sameText(match[2]!, this.tagOf(code))) return null;
      return bookingByCode(this.durable, code);
    }
    const code = normalizeBookingCode(cmd.code ?? '');
    const booking = code ? bookingByCode(this.durable, code) : null;
    if (!booking || !this.sameText(booking.phone.slice(-4), cmd.phoneLast4 ?? '')) return null;
    return booking;
  }

  /** A booking's details for the officer calling its ticket (staff only). */
  bookingOfTicket(bookingId: string): { name: string; phone: string; slotStart: number; time: string; code: string } | null {
    const booking = this.durable.bookings.get(bookingId);
    if (!booking) return null;
    return { name: booking.name, phone: booking.phone, slotStart: booking.slotStart, time: this.timeOf(booking.slotStart), code: formatBookingCode(booking.code ?? '') };
  }

  // -------------------------------------------------------------------------------------------
  // The supervisor

  list(from: string, to: string, serviceId?: string): BookingStaffRow[] {
    const now = this.deps.clock();
    const rows: BookingStaffRow[] = [];
    for (const b of this.durable.bookings.values()) {
      if (b.day < from || b.day > to || (serviceId && b.serviceId !== serviceId)) continue;
      rows.push({
        bookingId: b.id,
        code: b.code ? formatBookingCode(b.code) : null,
        status: effectiveStatus(b, now, this.config.booking),
        serviceId: b.serviceId,
        day: b.day,
        slotStart: b.slotStart,
        time: this.timeOf(b.slotStart),
        name: b.name,
        phone: b.phone,
        email: b.email,
        by: b.by,
        createdAt: b.createdAt,
        checkedInAt: b.checkedInAt,
        ticketNumber: b.ticketNumber,
        cancelledBy: b.cancelledBy,
      });
    }
    return rows.sort((a, b) => a.slotStart - b.slotStart || a.createdAt - b.createdAt);
  }

  /** Phones with no-shows in the window, most first, with their ban. */
  noShows(): NoShowRow[] {
    const now = this.deps.clock();
    const rules = this.config.booking;
    const since = now - rules.noShow.windowDays * 86_400_000;
    const byPhone = new Map<string, NoShowRow>();
    for (const b of this.durable.bookings.values()) {
      if (effectiveStatus(b, now, rules) !== 'no-show' || b.slotStart < since) continue;
      const row = byPhone.get(b.phone) ?? { phone: b.phone, name: b.name, noShows: 0, last: 0, bannedUntil: null };
      row.noShows += 1;
      if (b.slotStart > row.last) {
        row.last = b.slotStart;
        row.name = b.name;
      }
      byPhone.set(b.phone, row);
    }
    for (const row of byPhone.values()) row.bannedUntil = banOf(this.durable, row.phone, now, rules)?.until ?? null;
    return [...byPhone.values()].sort((a, b) => b.noShows - a.noShows || b.last - a.last);
  }

  closures(): BookingClosureView[] {
    return [...this.durable.closures.values()]
      .map((c) => ({ closureId: c.id, day: c.day, serviceId: c.serviceId, reason: c.reason, by: c.by, at: c.at }))
      .sort((a, b) => a.day.localeCompare(b.day));
  }

  /** A booking made by staff for a citizen on the phone: no SMS code, confirmed at once. */
  bookOnBehalf(
    cmd: { commandId: string; serviceId: string; slotStart: number; phone: string; name: string; email: string | null; cccd: string | null },
    officerId: string,
    fp?: string,
  ): Promise<BookingResult<BookingView>> {
    const portal = this.deps.bookingPortal?.() ?? null;
    if (portal) return Promise.resolve({ ok: false, error: 'BOOKING_AT_PROVINCE', details: { url: portal } });
    const bookingId = randomBytes(16).toString('base64url');
    const code = this.newCode();
    const request = this.holdRequest(cmd, bookingId, `officer:${officerId}`, null);
    if (!request.ok) return Promise.resolve(request);
    return this.run(`officer:${officerId}:${cmd.commandId}`, fp, (state, now) => {
      const held = decideHold(state, this.setup, this.clockOf, now, { ...request.data, staff: true });
      if (!held.ok) return { decision: this.withAlternatives(held, cmd.serviceId, now, cmd.slotStart) };
      const events: BookingEvent[] = [...held.events, { type: 'booking-confirmed', bookingId, code, at: now }];
      return {
        decision: { ok: true, events },
        answer: () => this.viewOf(state.bookings.get(bookingId)!, now),
        after: () => this.notify('confirmed', bookingId),
      };
    });
  }

  cancelByCentre(cmd: { commandId: string; bookingId: string; reason: { vi: string; en: string } | null }, officerId: string, fp?: string): Promise<BookingResult<null>> {
    return this.run(`officer:${officerId}:${cmd.commandId}`, fp, (state, now) => ({
      decision: decideCancel(state, this.setup, now, { bookingId: cmd.bookingId, by: 'centre', reason: cmd.reason }),
      answer: () => null,
      after: () => this.notify('cancelled-centre', cmd.bookingId, cmd.reason),
    }));
  }

  /** Closes a field (or all) on a day: its bookings still to come are cancelled and told why. */
  closeDay(cmd: { commandId: string; day: string; serviceId: string | null; reason: { vi: string; en: string } }, officerId: string, fp?: string): Promise<BookingResult<{ closureId: string; cancelled: number }>> {
    const closureId = randomBytes(9).toString('base64url');
    return this.run(`officer:${officerId}:${cmd.commandId}`, fp, (state, now) => {
      if (cmd.serviceId !== null && !bookableServiceOf(this.setup, cmd.serviceId)) return { decision: { ok: false, error: 'UNKNOWN_SERVICE' } };
      const decision = decideClosure(state, now, this.clockOf, { closureId, day: cmd.day, serviceId: cmd.serviceId, reason: cmd.reason, by: officerId });
      const cancelled = decision.ok ? decision.events.filter((e) => e.type === 'booking-cancelled').map((e) => e.bookingId) : [];
      return {
        decision,
        answer: () => ({ closureId, cancelled: cancelled.length }),
        after: async () => {
          for (const id of cancelled) await this.notify('cancelled-centre', id, cmd.reason);
        },
      };
    });
  }

  reopenDay(cmd: { commandId: string; closureId: string }, officerId: string, fp?: string): Promise<BookingResult<null>> {
    return this.run(`officer:${officerId}:${cmd.commandId}`, fp, (state, now) => ({
      decision: state.closures.has(cmd.closureId)
        ? { ok: true, events: [{ type: 'closure-removed', closureId: cmd.closureId, by: officerId, at: now }] }
        : { ok: false, error: 'NOT_FOUND' },
      answer: () => null,
    }));
  }

  /**
   * The configuration changed (a new holiday, templates, hours): bookings left without a slot are
   * cancelled by the centre and their citizens told.
   */
  async configChanged(): Promise<number> {
    const now = this.deps.clock();
    const orphans = new Set(bookingsWithoutSlot(this.live, this.setup, this.clockOf, now).map((b) => b.id));
    if (orphans.size === 0) return 0;
    const reason = { vi: 'Trung tâm thay đổi lịch làm việc', en: 'The centre changed its working hours' };
    const result = await this.run(null, undefined, (state, at) => {
      const events = cancelAffected(state, at, (b) => orphans.has(b.id), reason);
      return {
        decision: { ok: true, events },
        answer: () => events.length,
        after: async () => {
          for (const e of events) if (e.type === 'booking-cancelled') await this.notify('cancelled-centre', e.bookingId, reason);
        },
      };
    });
    return result.ok ? (result.data as number) : 0;
  }

  // -------------------------------------------------------------------------------------------
  // Reminders

  /**
   * Queues the reminders now due: the evening before (at `reminders.eveningAt`) and shortly before
   * the slot. Each is keyed in the outbox, so a restart or a second sweep never sends one twice;
   * a reminder whose moment had passed when the booking was made is not sent (the confirmation
   * said it all), nor one after the slot has started.
   */
  async sendDueReminders(): Promise<number> {
    const messenger = this.deps.messenger;
    if (!messenger || !this.config.booking.enabled) return 0;
    const now = this.deps.clock();
    let queued = 0;
    for (const b of this.durable.bookings.values()) {
      // A booking made at the province is reminded by the province (one message, not two).
      if (this.durable.fromProvince.has(b.id)) continue;
      for (const kind of dueReminders(b, now, this.config.booking, this.clockOf)) {
        await messenger.notify(kind, b);
        queued += 1;
      }
    }
    return queued;
  }

  // -------------------------------------------------------------------------------------------
  // Inner workings

  private viewOf(booking: Booking, now: number): BookingView {
    const service = this.config.services.find((s) => s.id === booking.serviceId);
    const status = effectiveStatus(booking, now, this.config.booking);
    const code = booking.code ?? '';
    return {
      code: formatBookingCode(code),
      qr: `${this.deps.publicUrl()}/book/?b=${code}.${this.tagOf(code)}`,
      status: status === 'no-show' || status === 'cancelled' || status === 'checked-in' ? status : 'confirmed',
      serviceId: booking.serviceId,
      serviceName: service?.name ?? { vi: booking.serviceId, en: booking.serviceId },
      day: booking.day,
      slotStart: booking.slotStart,
      slotEnd: booking.slotEnd,
      time: this.timeOf(booking.slotStart),
      name: booking.name,
      phoneMasked: maskPhone(booking.phone),
      checkIn: checkInWindow(booking, this.config.booking),
      ticketNumber: booking.ticketNumber,
      cancelledBy: booking.cancelledBy,
      cancelReason: booking.cancelReason,
      canChange: status === 'confirmed' && now < booking.slotStart,
    };
  }

  private timeOf(at: number): string {
    const day = localDayOf(at, this.config.centre.timeZone);
    const minutes = Math.round((at - this.clockOf.instantOf(day, 0)) / MINUTE);
    return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  }

  private accessible(state: BookingState, codeInput: string, phoneInput: string): Booking | null {
    const code = normalizeBookingCode(codeInput);
    const phone = normalizePhone(phoneInput);
    const booking = code ? bookingByCode(state, code) : null;
    if (!booking || !phone || !this.sameText(booking.phone, phone)) return null;
    return booking;
  }

  private withAlternatives(decision: BookingDecision, serviceId: string | undefined, now: number, after = now): BookingDecision {
    if (decision.ok || !serviceId || !['SLOT_FULL', 'SLOT_CLOSED'].includes(decision.error)) return decision;
    const next = nextFreeSlots(this.live, this.setup, this.clockOf, now, serviceId, 3, after).map((s) => ({ day: s.day, start: s.start, time: s.time, left: s.left }));
    return { ...decision, details: { ...(decision.details ?? {}), nextSlots: next } };
  }

  /** A hold as the domain takes it, from what was typed (holdRequestOf: the phone normalised, the CCCD hashed). */
  private holdRequest(
    cmd: { serviceId: string; slotStart: number; phone: string; name: string; email: string | null; cccd: string | null },
    bookingId: string,
    by: string,
    otpHash: string | null,
  ): BookingResult<HoldRequest> {
    return holdRequestOf(cmd, { bookingId, by, otpHash, hashCccd: (cccd) => this.keyed('cccd', cccd) });
  }

  private keyed(purpose: string, value: string): string {
    return createHmac('sha256', this.deps.secret).update(`luot-booking:${purpose}:${value}`).digest('base64url');
  }

  private tagOf(code: string): string {
    return this.keyed('qr', code).slice(0, 10);
  }

  private sameHash(a: string, b: string): boolean {
    return this.sameText(a, b);
  }

  private sameText(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }

  private newCode(): string {
    for (;;) {
      const bytes = randomBytes(CODE_LENGTH);
      const code = [...bytes].map((b) => CODE_ALPHABET[b & 31]).join('');
      if (!this.live.byCode.has(code)) return code;
    }
  }

  private async sendCode(bookingId: string, otp: string, lang: 'vi' | 'en'): Promise<void> {
    const booking = this.durable.bookings.get(bookingId);
    if (!booking || !this.deps.messenger) return;
    try {
      await this.deps.messenger.code(booking, otp, lang);
    } catch (error) {
      this.deps.log.error('booking: the code could not be queued', { error: String(error) });
    }
  }

  private async notify(kind: BookingMessageKind, bookingId: string, reason?: { vi: string; en: string } | null): Promise<void> {
    const booking = this.durable.bookings.get(bookingId);
    if (!booking || !this.deps.messenger) return;
    // A booking made at the province: the province tells its citizen (one message, not two).
    if (this.durable.fromProvince.has(bookingId)) return;
    try {
      await this.deps.messenger.notify(kind, booking, { reason: reason ?? null });
    } catch (error) {
      this.deps.log.error('booking: a message could not be queued', { kind, error: String(error) });
    }
  }

  // -------------------------------------------------------------------------------------------
  // A linked centre (docs/province.md)

  /** The last province message applied (on disk): the link asks for what follows. */
  provinceSeq(): number {
    return this.durable.provinceSeq;
  }

  /** Who this centre is at the province and the keys of its booking tokens, as the province last said (stored when changed). */
  async knowProvince(centreId: string, keys: { id: string; publicKey: string }[]): Promise<void> {
    const known = this.durable.provinceLink;
    const same = known?.centreId === centreId && known.keys.size === keys.length && keys.every((k) => known.keys.get(k.id) === k.publicKey);
    if (same) return;
    const result = await this.run(null, undefined, (_state, now) => ({ decision: { ok: true, events: [{ type: 'province-linked', centreId, keys, at: now }] }, answer: () => null }));
    if (!result.ok) throw new Error(`the province's keys could not be stored: ${result.error}`);
  }

  /** The province's days off and make-up days (the same object until they change), or null. */
  provinceDays(): { holidays: readonly string[]; workdays: readonly string[] } | null {
    return this.durable.provinceSettings;
  }

  /** The province's notice for all its centres, if it set one (shown with the centre's own). */
  provinceNotice(): { vi: string; en: string } | null {
    return this.durable.provinceSettings?.notice ?? null;
  }

  /** This centre's id at the province, once a hello was answered (null: never linked). */
  provinceCentre(): string | null {
    return this.durable.provinceLink?.centreId ?? null;
  }

  /** Province bookings checked in here (on disk), for the link to report. */
  provinceCheckIns(): CheckInFact[] {
    const facts: CheckInFact[] = [];
    for (const id of this.durable.fromProvince) {
      const b = this.durable.bookings.get(id);
      if (b?.status === 'checked-in' && b.ticketId && b.ticketNumber)
        facts.push({ bookingId: b.id, ticketId: b.ticketId, ticketNumber: b.ticketNumber, at: b.checkedInAt ?? b.confirmedAt ?? b.createdAt });
    }
    return facts;
  }

  /** The centre's closures now (its days or fields closed to bookings), for the link to report. */
  closureFacts(): ClosureFact[] {
    return [...this.durable.closures.values()].map((c) => ({ closureId: c.id, day: c.day, serviceId: c.serviceId, reason: c.reason, by: c.by, at: c.at }));
  }

  /** Province bookings the centre cancelled here (on disk), for the link to report. */
  provinceCentreCancellations(): CentreCancelFact[] {
    const facts: CentreCancelFact[] = [];
    for (const id of this.durable.cancelledHere) {
      const b = this.durable.bookings.get(id);
      // Cancelled here, not an echo of the province's own cancellation.
      if (b && this.durable.fromProvince.has(id) && b.status === 'cancelled') facts.push({ bookingId: b.id, reason: b.cancelReason, at: b.cancelledAt ?? 0 });
    }
    return facts;
  }

  /** Province bookings of `day` nobody came for (still confirmed once the day is over). */
  provinceNoShows(day: string): string[] {
    const ids: string[] = [];
    for (const id of this.durable.fromProvince) {
      const b = this.durable.bookings.get(id);
      if (b?.day === day && b.status === 'confirmed') ids.push(b.id);
    }
    return ids;
  }

  /**
   * Applies message `seq` of the province's outbox, once: a repeat is passed over, a gap refused
   * (LINK_OUT_OF_ORDER). Answered after the message and its number are on disk together.
   */
  async applyProvinceMessage(message: { seq: number; kind: string; body: unknown }): Promise<BookingResult<{ applied: number; conflict: string | null }>> {
    const parsed = message.kind === 'booking' ? syncedBooking.safeParse(message.body) : null;
    if (parsed && !parsed.success) {
      this.deps.log.error('province: a booking message does not parse; passed over', { seq: message.seq });
    }
    const booking = parsed?.success ? parsed.data : null;
    const parsedSettings = message.kind === 'settings' ? provinceSettings.safeParse(message.body) : null;
    if (parsedSettings && !parsedSettings.success) this.deps.log.error('province: a settings message does not parse; passed over', { seq: message.seq });
    const settings = parsedSettings?.success ? parsedSettings.data : null;
    let conflict: string | null = null;
    const result = await this.run(null, undefined, (state, now) => {
      conflict = booking ? syncConflict(state.bookings.get(booking.id) ?? null, booking) : null;
      return { decision: decideProvinceMessage(state, now, message, booking, settings), answer: () => ({ applied: message.seq, conflict }) };
    });
    if (!result.ok) return result;
    if (conflict && booking) this.deps.log.warn('province: a booking checked in here was changed at the province; the check-in stands', { bookingId: booking.id, provinceStatus: booking.status, seq: message.seq });
    return { ok: true, data: { applied: Math.min(message.seq, this.durable.provinceSeq), conflict } };
  }

  /** Check-ins whose ticket was stored but whose booking record was not (a crash between the two). */
  private async reconcileCheckIns(): Promise<number> {
    let done = 0;
    for (const [bookingId, ticket] of this.deps.queue.bookedTickets()) {
      const booking = this.live.bookings.get(bookingId);
      if (!booking || booking.status !== 'confirmed') continue;
      const result = await this.run(null, undefined, (_state, now) => ({
        decision: { ok: true, events: [{ type: 'booking-checked-in', bookingId, ticketId: ticket.id, number: ticket.number, at: Math.min(now, ticket.takenAt) }] },
        answer: () => null,
      }));
      if (result.ok) done += 1;
    }
    return done;
  }

  private async run<T>(
    key: string | null,
    fp: string | undefined,
    decide: (
      state: BookingState,
      now: number,
    ) => { decision: BookingDecision; answer?: () => T; refusal?: { error: ErrorCode }; after?: (() => Promise<void>) | undefined },
  ): Promise<BookingResult<T>> {
    this.running += 1;
    try {
      while (this.barrier) await this.barrier;
      if (key) {
        const known = this.answers.get(key);
        if (known) {
          if (known.fp !== undefined && fp !== undefined && known.fp !== fp) return { ok: false, error: 'IDEMPOTENCY_CONFLICT' };
          return (await (known.pending ?? Promise.resolve(decodeAnswer(known.stored!)))) as BookingResult<T>;
        }
      }
      const now = this.deps.clock();
      const { decision, answer, refusal, after } = decide(this.live, now);
      if (!decision.ok) return { ok: false, error: decision.error, ...(decision.details ? { details: decision.details } : {}) };
      for (const event of decision.events) {
        const problem = applyBookingEvent(this.live, event);
        if (problem) {
          this.deps.log.error('a booking event did not apply', { event: event.type, problem });
          void this.rebuild();
          return { ok: false, error: 'INTERNAL' };
        }
      }
      const result: BookingResult<T> = refusal ? { ok: false, error: refusal.error } : { ok: true, data: (answer ? answer() : null) as T };
      if (decision.events.length === 0 && !key) return result;
      const stored = encodeAnswer(result);
      const record: BookingRecord = { seq: ++this.seq, at: now, key, ...(fp ? { fp } : {}), events: decision.events, ...stored };
      const outcome = this.deps.store.append(record).then(
        async (): Promise<BookingResult<T>> => {
          if (key) this.answers.set(key, { fp, stored });
          for (const event of record.events) applyBookingEvent(this.durable, event);
          if (record.events.length > 0) this.listeners.forEach((listener) => listener(record.events));
          if (after && result.ok) await after();
          return result;
        },
        (error: unknown): BookingResult<T> => {
          this.deps.log.error('booking journal write failed: the action was refused', { error: String(error) });
          if (key) this.answers.delete(key);
          void this.rebuild();
          return { ok: false, error: 'STORAGE_FAILED' };
        },
      );
      if (key) this.answers.set(key, { fp, pending: outcome });
      return await outcome;
    } finally {
      this.running -= 1;
      if (this.running === 0) this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  private async load(): Promise<void> {
    const { records, report } = await this.deps.store.open();
    const live = createBookingState();
    const durable = createBookingState();
    const answers = new Map<string, Kept>();
    let seq = 0;
    const skipped: string[] = [];
    for (const record of records) {
      for (const event of record.events) {
        const problem = applyBookingEvent(live, event);
        if (problem) skipped.push(`${record.seq}: ${problem}`);
        applyBookingEvent(durable, event);
      }
      seq = Math.max(seq, record.seq);
      if (record.key) answers.set(record.key, { fp: record.fp, stored: record.answerZ !== undefined ? { answerZ: record.answerZ } : { answer: record.answer } });
    }
    if (report.dropped.length > 0 || skipped.length > 0)
      this.deps.log.error('the booking journal was damaged: what is intact was kept', { dropped: report.dropped, skipped, keptCopy: report.keptCopy });
    this.live = live;
    this.durable = durable;
    this.answers = answers;
    this.seq = Math.max(this.seq, seq);
  }

  private rebuild(): Promise<void> {
    if (this.barrier) return this.barrier;
    this.barrier = this.load()
      .catch((error: unknown) => this.deps.log.error('could not rebuild bookings from the journal', { error: String(error) }))
      .finally(() => (this.barrier = null));
    return this.barrier;
  }
}

/** 0912345678 → 091****678. */
export function maskPhone(phone: string): string {
  return phone.length < 7 ? '****' : `${phone.slice(0, 3)}****${phone.slice(-3)}`;
}

