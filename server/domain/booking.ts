import type { BookableService, BookingConfig, SlotTemplate } from '../config/booking-config';
import type { ErrorCode } from '../protocol/error-codes';
import type { BookingEvent, SyncedBooking } from './booking-events';
import type { BookingTokenClaims } from './booking-token';
import type { ProvinceSettings } from '../protocol/link-protocol';
import { addDays, isoWeekday, isWorkingDay, type WorkingCalendar } from './working-calendar';

/**
 * Online booking, the rules: which slots exist, how many places are left, who may book, move,
 * cancel and check in. Pure: time comes in as `now`, local dates and instants through `BookingClock`,
 * random codes from the caller. The hub and the province tier share it (docs/booking.md).
 */

export type BookingStatus = 'held' | 'confirmed' | 'cancelled' | 'checked-in';
/** What a booking is at an instant: a lapsed hold is 'expired', a missed booking a 'no-show'. */
export type EffectiveStatus = BookingStatus | 'expired' | 'released' | 'no-show';

export interface Booking {
  id: string;
  /** The citizen's code: random, given at confirmation (null while held). */
  code: string | null;
  serviceId: string;
  day: string;
  slotStart: number;
  slotEnd: number;
  phone: string;
  name: string;
  email: string | null;
  idHash: string | null;
  status: BookingStatus;
  /** A hold given up after wrong codes. */
  released: boolean;
  heldUntil: number;
  otpHash: string | null;
  otpFailures: number;
  codesSent: number;
  by: string;
  createdAt: number;
  confirmedAt: number | null;
  cancelledAt: number | null;
  cancelledBy: 'citizen' | 'centre' | null;
  cancelReason: { vi: string; en: string } | null;
  checkedInAt: number | null;
  ticketId: string | null;
  ticketNumber: string | null;
  moves: number;
}

export interface Closure {
  id: string;
  day: string;
  serviceId: string | null;
  reason: { vi: string; en: string };
  by: string;
  at: number;
}

export interface BookingState {
  bookings: Map<string, Booking>;
  byCode: Map<string, string>;
  /** Booking ids per slot key (`serviceId|slotStart`): every status, filtered when counted. */
  bySlot: Map<string, Set<string>>;
  /** Per slot key: bookings confirmed or checked in (they hold a place whatever the time). */
  bookedBySlot: Map<string, number>;
  /** Per slot key: holds not confirmed nor given up (a live one holds a place until `heldUntil`). */
  holdsBySlot: Map<string, Set<string>>;
  /** Booking ids per person key (`phone:<n>`, `id:<hash>`). */
  byPerson: Map<string, Set<string>>;
  closures: Map<string, Closure>;
  /** A linked centre: the last message of the province's outbox applied (0: none). */
  provinceSeq: number;
  /** Bookings the province sent (made on its portal): their check-ins are reported back to it. */
  fromProvince: Set<string>;
  /** A linked centre: its id at the province and the keys that sign its bookings' QR tokens. */
  provinceLink: { centreId: string; keys: Map<string, string> } | null;
  /** A linked centre: what the province set for all its centres (days off, a notice). */
  provinceSettings: ProvinceSettings | null;
  /** Bookings this centre cancelled itself (not those the province's messages said were cancelled). */
  cancelledHere: Set<string>;
}

/** Local calendar facts from outside the domain: the centre's zone. */
export interface BookingClock {
  /** The local date of an instant. */
  dayOf(at: number): string;
  /** The instant a local date's minute begins. */
  instantOf(day: string, minuteOfDay: number): number;
}

/** What the rules need from the centre's configuration. */
export interface BookingSetup {
  rules: BookingConfig;
  calendar: WorkingCalendar;
  /** Opening hours per service (absent: no limit beyond the templates). */
  hours: (serviceId: string) => { days: number[]; from: string; to: string }[] | undefined;
}

export interface Slot {
  serviceId: string;
  day: string;
  start: number;
  end: number;
  /** Local start time, HH:MM. */
  time: string;
  places: number;
}

export type Refusal = { ok: false; error: ErrorCode; details?: Record<string, unknown> };
export type BookingDecision = { ok: true; events: BookingEvent[] } | Refusal;

const MINUTE = 60_000;
const DAY_MS = 86_400_000;

export function createBookingState(): BookingState {
  return { bookings: new Map(), byCode: new Map(), bySlot: new Map(), bookedBySlot: new Map(), holdsBySlot: new Map(), byPerson: new Map(), closures: new Map(), provinceSeq: 0, fromProvince: new Set(), provinceLink: null, provinceSettings: null, cancelledHere: new Set() };
}

export const slotKey = (serviceId: string, slotStart: number) => `${serviceId}|${slotStart}`;

function personKeys(phone: string, idHash: string | null): string[] {
  return idHash ? [`phone:${phone}`, `id:${idHash}`] : [`phone:${phone}`];
}

function count(state: BookingState, key: string, by: number): void {
  state.bookedBySlot.set(key, (state.bookedBySlot.get(key) ?? 0) + by);
}

function index(map: Map<string, Set<string>>, key: string, id: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}

// ---------------------------------------------------------------------------------------------
// Evolve

/** Applies one event in place; returns why it does not apply (a damaged journal), or null. */
export function applyBookingEvent(state: BookingState, event: BookingEvent): string | null {
  if (event.type === 'closure-added') {
    state.closures.set(event.closureId, { id: event.closureId, day: event.day, serviceId: event.serviceId, reason: event.reason, by: event.by, at: event.at });
    return null;
  }
  if (event.type === 'closure-removed') {
    return state.closures.delete(event.closureId) ? null : 'unknown closure';
  }
  if (event.type === 'province-seq-passed') {
    state.provinceSeq = event.seq;
    return null;
  }
  if (event.type === 'province-settings') {
    if (!state.provinceSettings || event.settings.version >= state.provinceSettings.version) state.provinceSettings = event.settings;
    state.provinceSeq = event.seq;
    return null;
  }
  if (event.type === 'province-linked') {
    state.provinceLink = { centreId: event.centreId, keys: new Map(event.keys.map((k) => [k.id, k.publicKey])) };
    return null;
  }
  if (event.type === 'booking-vouched') {
    if (state.bookings.has(event.booking.id)) return null;
    const booking = mergeSynced(null, event.booking);
    state.bookings.set(booking.id, booking);
    indexBooking(state, booking);
    state.fromProvince.add(booking.id);
    return null;
  }
  if (event.type === 'booking-synced') {
    const local = state.bookings.get(event.booking.id);
    if (local) unindexBooking(state, local);
    const merged = mergeSynced(local ?? null, event.booking);
    state.bookings.set(merged.id, merged);
    indexBooking(state, merged);
    state.fromProvince.add(merged.id);
    state.provinceSeq = event.seq;
    return null;
  }
  if (event.type === 'booking-held') {
    if (state.bookings.has(event.bookingId)) return 'booking exists';
    const booking: Booking = {
      id: event.bookingId,
      code: null,
      serviceId: event.serviceId,
      day: event.day,
      slotStart: event.slotStart,
      slotEnd: event.slotEnd,
      phone: event.phone,
      name: event.name,
      email: event.email,
      idHash: event.idHash,
      status: 'held',
      released: false,
      heldUntil: event.heldUntil,
      otpHash: event.otpHash,
      otpFailures: 0,
      codesSent: event.otpHash ? 1 : 0,
      by: event.by,
      createdAt: event.at,
      confirmedAt: null,
      cancelledAt: null,
      cancelledBy: null,
      cancelReason: null,
      checkedInAt: null,
      ticketId: null,
      ticketNumber: null,
      moves: 0,
    };
    state.bookings.set(booking.id, booking);
    index(state.bySlot, slotKey(booking.serviceId, booking.slotStart), booking.id);
    index(state.holdsBySlot, slotKey(booking.serviceId, booking.slotStart), booking.id);
    for (const key of personKeys(booking.phone, booking.idHash)) index(state.byPerson, key, booking.id);
    return null;
  }
  const booking = state.bookings.get(event.bookingId);
  if (!booking) return 'unknown booking';
  switch (event.type) {
    case 'booking-code-sent':
      if (booking.status !== 'held') return 'not held';
      booking.otpHash = event.otpHash;
      booking.otpFailures = 0;
      booking.codesSent += 1;
      return null;
    case 'booking-code-failed':
      booking.otpFailures += 1;
      return null;
    case 'booking-released':
      if (booking.status !== 'held') return 'not held';
      booking.released = true;
      state.holdsBySlot.get(slotKey(booking.serviceId, booking.slotStart))?.delete(booking.id);
      return null;
    case 'booking-confirmed':
      if (booking.status !== 'held' || state.byCode.has(event.code)) return 'cannot confirm';
      booking.status = 'confirmed';
      booking.code = event.code;
      booking.confirmedAt = event.at;
      booking.otpHash = null;
      state.byCode.set(event.code, booking.id);
      state.holdsBySlot.get(slotKey(booking.serviceId, booking.slotStart))?.delete(booking.id);
      count(state, slotKey(booking.serviceId, booking.slotStart), 1);
      return null;
    case 'booking-cancelled':
      if (booking.status !== 'confirmed') return 'not confirmed';
      booking.status = 'cancelled';
      booking.cancelledAt = event.at;
      booking.cancelledBy = event.by;
      booking.cancelReason = event.reason;
      count(state, slotKey(booking.serviceId, booking.slotStart), -1);
      if (event.by === 'centre') state.cancelledHere.add(booking.id);
      return null;
    case 'booking-moved': {
      if (booking.status !== 'confirmed') return 'not confirmed';
      state.bySlot.get(slotKey(booking.serviceId, booking.slotStart))?.delete(booking.id);
      count(state, slotKey(booking.serviceId, booking.slotStart), -1);
      booking.day = event.day;
      booking.slotStart = event.slotStart;
      booking.slotEnd = event.slotEnd;
      booking.moves += 1;
      index(state.bySlot, slotKey(booking.serviceId, booking.slotStart), booking.id);
      count(state, slotKey(booking.serviceId, booking.slotStart), 1);
      return null;
    }
    case 'booking-checked-in':
      if (booking.status !== 'confirmed') return 'not confirmed';
      booking.status = 'checked-in';
      booking.checkedInAt = event.at;
      booking.ticketId = event.ticketId;
      booking.ticketNumber = event.number;
      return null;
  }
}

function indexBooking(state: BookingState, booking: Booking): void {
  const key = slotKey(booking.serviceId, booking.slotStart);
  index(state.bySlot, key, booking.id);
  // A vouched booking has no phone until the province's message comes: it is nobody's yet.
  if (booking.phone !== '') for (const person of personKeys(booking.phone, booking.idHash)) index(state.byPerson, person, booking.id);
  if (booking.code) state.byCode.set(booking.code, booking.id);
  if (booking.status === 'confirmed' || booking.status === 'checked-in') count(state, key, 1);
  if (booking.status === 'held' && !booking.released) index(state.holdsBySlot, key, booking.id);
}

function unindexBooking(state: BookingState, booking: Booking): void {
  const key = slotKey(booking.serviceId, booking.slotStart);
  state.bySlot.get(key)?.delete(booking.id);
  if (booking.phone !== '') for (const person of personKeys(booking.phone, booking.idHash)) state.byPerson.get(person)?.delete(booking.id);
  if (booking.code) state.byCode.delete(booking.code);
  if (booking.status === 'confirmed' || booking.status === 'checked-in') count(state, key, -1);
  state.holdsBySlot.get(key)?.delete(booking.id);
}

/**
 * A booking the province sent, over what the hub has. The province's state wins, except that a
 * check-in made here stands: a visitor who was given a ticket keeps it, even if the booking was
 * cancelled at the province while the link was down (the conflict is logged and reported).
 */
export function mergeSynced(local: Booking | null, incoming: SyncedBooking): Booking {
  const checkedInHere = local?.status === 'checked-in';
  return {
    id: incoming.id,
    code: incoming.code,
    serviceId: incoming.serviceId,
    day: checkedInHere ? local.day : incoming.day,
    slotStart: checkedInHere ? local.slotStart : incoming.slotStart,
    slotEnd: checkedInHere ? local.slotEnd : incoming.slotEnd,
    phone: incoming.phone,
    name: incoming.name,
    email: incoming.email,
    idHash: incoming.idHash,
    status: checkedInHere ? 'checked-in' : incoming.status,
    released: false,
    heldUntil: incoming.confirmedAt ?? incoming.createdAt,
    otpHash: null,
    otpFailures: 0,
    codesSent: 0,
    by: incoming.by,
    createdAt: incoming.createdAt,
    confirmedAt: incoming.confirmedAt,
    cancelledAt: checkedInHere ? null : incoming.cancelledAt,
    cancelledBy: checkedInHere ? null : incoming.cancelledBy,
    cancelReason: checkedInHere ? null : incoming.cancelReason,
    checkedInAt: local?.checkedInAt ?? null,
    ticketId: local?.ticketId ?? null,
    ticketNumber: local?.ticketNumber ?? null,
    moves: incoming.moves,
  };
}

/** What a synced booking means at the hub: a check-in here that the province's change did not undo. */
export function syncConflict(local: Booking | null, incoming: SyncedBooking): 'check-in-kept' | null {
  return local?.status === 'checked-in' && incoming.status !== 'checked-in' ? 'check-in-kept' : null;
}

/**
 * Message `seq` of the province's outbox: applied when it is the next one, passed over when it was
 * applied already (a repeat after a cut), refused when one is missing (the hub asks again from
 * where it is).
 */
export function decideProvinceMessage(
  state: BookingState,
  now: number,
  message: { seq: number; kind: string; body: unknown },
  booking: SyncedBooking | null,
  settings: ProvinceSettings | null = null,
): BookingDecision {
  if (message.seq <= state.provinceSeq) return { ok: true, events: [] };
  if (message.seq !== state.provinceSeq + 1) return refuse('LINK_OUT_OF_ORDER', { expected: state.provinceSeq + 1 });
  if (message.kind === 'booking' && booking) return { ok: true, events: [{ type: 'booking-synced', seq: message.seq, booking, at: now }] };
  if (message.kind === 'settings' && settings) return { ok: true, events: [{ type: 'province-settings', seq: message.seq, settings, at: now }] };
  return { ok: true, events: [{ type: 'province-seq-passed', seq: message.seq, kind: message.kind.slice(0, 40), at: now }] };
}

// ---------------------------------------------------------------------------------------------
// Reading

export function effectiveStatus(booking: Booking, now: number, rules: BookingConfig): EffectiveStatus {
  if (booking.status === 'held') return booking.released ? 'released' : booking.heldUntil <= now ? 'expired' : 'held';
  if (booking.status === 'confirmed' && now > checkInWindow(booking, rules).closesAt) return 'no-show';
  return booking.status;
}

/** Whether a booking takes a place now: a live hold, a confirmed booking, a checked-in one. */
function occupies(booking: Booking, now: number): boolean {
  if (booking.status === 'held') return !booking.released && booking.heldUntil > now;
  return booking.status === 'confirmed' || booking.status === 'checked-in';
}

/** Whether a booking counts against a person's limits: as above, but a no-show no longer does. */
function active(booking: Booking, now: number, rules: BookingConfig): boolean {
  const status = effectiveStatus(booking, now, rules);
  return status === 'held' || status === 'confirmed' || status === 'checked-in';
}

export function checkInWindow(booking: Pick<Booking, 'slotStart'>, rules: BookingConfig): { opensAt: number; closesAt: number } {
  return {
    opensAt: booking.slotStart - rules.checkIn.earlyMinutes * MINUTE,
    closesAt: booking.slotStart + rules.checkIn.lateMinutes * MINUTE,
  };
}

/** Places taken in a slot now: bookings confirmed or checked in, and live holds (not `except`). */
export function placesTaken(state: BookingState, serviceId: string, slotStart: number, now: number, except?: string): number {
  const key = slotKey(serviceId, slotStart);
  let taken = state.bookedBySlot.get(key) ?? 0;
  const excepted = except ? state.bookings.get(except) : undefined;
  if (excepted && excepted.serviceId === serviceId && excepted.slotStart === slotStart && excepted.status !== 'held' && occupies(excepted, now)) taken -= 1;
  for (const id of state.holdsBySlot.get(key) ?? []) {
    const hold = state.bookings.get(id);
    if (hold && id !== except && occupies(hold, now)) taken += 1;
  }
  return taken;
}

export function bookingByCode(state: BookingState, code: string): Booking | null {
  const id = state.byCode.get(code);
  return id ? (state.bookings.get(id) ?? null) : null;
}

/**
 * A phone's no-show ban: with `limit` no-shows within `windowDays`, no booking until `banDays`
 * after the one that reached the limit. Null when the phone may book.
 */
export function banOf(state: BookingState, phone: string, now: number, rules: BookingConfig): { until: number; noShows: number } | null {
  const { limit, windowDays, banDays } = rules.noShow;
  if (banDays === 0) return null;
  const times: number[] = [];
  for (const id of state.byPerson.get(`phone:${phone}`) ?? []) {
    const booking = state.bookings.get(id)!;
    if (effectiveStatus(booking, now, rules) === 'no-show') times.push(checkInWindow(booking, rules).closesAt);
  }
  times.sort((a, b) => a - b);
  let until = 0;
  for (let i = limit - 1; i < times.length; i++) {
    if (times[i]! - times[i - limit + 1]! <= windowDays * DAY_MS) until = Math.max(until, times[i]! + banDays * DAY_MS);
  }
  if (until <= now) return null;
  const recent = times.filter((t) => t > now - windowDays * DAY_MS).length;
  return { until, noShows: recent };
}

// ---------------------------------------------------------------------------------------------
// Slots

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function clockOf(minute: number): string {
  const h = Math.floor(minute / 60);
  const m = minute % 60;
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}

export function bookableServiceOf(setup: BookingSetup, serviceId: string): BookableService | null {
  return setup.rules.services.find((s) => s.serviceId === serviceId) ?? null;
}

/** Whether a closure (or the working calendar) shuts a field on a day. */
export function closureOn(state: BookingState, serviceId: string, day: string): Closure | null {
  for (const closure of state.closures.values())
    if (closure.day === day && (closure.serviceId === null || closure.serviceId === serviceId)) return closure;
  return null;
}

/**
 * The slots a service offers on a day by its templates: none on a day off or a closure, none
 * outside the service's opening hours. Two templates giving the same start add their places.
 */
export function slotsOfDay(state: BookingState, setup: BookingSetup, clock: BookingClock, serviceId: string, day: string): Slot[] {
  if (closureOn(state, serviceId, day)) return [];
  // The templates give the same slots for a setup and day every time: made once (a full field is
  // asked for its next free slots on every refused attempt).
  let cache = templateSlots.get(setup);
  if (!cache || cache.clock !== clock) templateSlots.set(setup, (cache = { clock, slots: new Map() }));
  const key = `${serviceId}|${day}`;
  let slots = cache.slots.get(key);
  if (!slots) {
    if (cache.slots.size > 10_000) cache.slots.clear();
    cache.slots.set(key, (slots = templateSlotsOfDay(setup, clock, serviceId, day)));
  }
  return slots;
}

const templateSlots = new WeakMap<BookingSetup, { clock: BookingClock; slots: Map<string, Slot[]> }>();

function templateSlotsOfDay(setup: BookingSetup, clock: BookingClock, serviceId: string, day: string): Slot[] {
  const service = bookableServiceOf(setup, serviceId);
  if (!service || !isWorkingDay(day, setup.calendar)) return [];
  const weekday = isoWeekday(day);
  const hours = setup.hours(serviceId);
  const byStart = new Map<number, { minute: number; length: number; places: number }>();
  for (const template of service.slots) {
    if (!template.days.includes(weekday)) continue;
    for (const minute of templateStarts(template)) {
      const end = minute + template.slotMinutes;
      if (hours && !hours.some((w) => w.days.includes(weekday) && minute >= minutesOf(w.from) && end <= minutesOf(w.to))) continue;
      const known = byStart.get(minute);
      if (known) known.places += template.places;
      else byStart.set(minute, { minute, length: template.slotMinutes, places: template.places });
    }
  }
  return [...byStart.values()]
    .sort((a, b) => a.minute - b.minute)
    .map((s) => ({
      serviceId,
      day,
      start: clock.instantOf(day, s.minute),
      end: clock.instantOf(day, s.minute + s.length),
      time: clockOf(s.minute),
      places: s.places,
    }));
}

function templateStarts(template: SlotTemplate): number[] {
  const starts: number[] = [];
  for (let m = minutesOf(template.from); m + template.slotMinutes <= minutesOf(template.to); m += template.slotMinutes) starts.push(m);
  return starts;
}

/** The days a citizen may book now: today and the next `horizonDays`. */
export function bookingDays(now: number, setup: BookingSetup, clock: BookingClock): string[] {
  const today = clock.dayOf(now);
  return Array.from({ length: setup.rules.horizonDays + 1 }, (_, i) => addDays(today, i));
}

/** The first and last day a citizen may book now (local dates, compared as strings). */
function horizonOf(now: number, setup: BookingSetup, clock: BookingClock): { first: string; last: string } {
  const first = clock.dayOf(now);
  return { first, last: addDays(first, setup.rules.horizonDays) };
}

/** Why a slot cannot be booked now (ignoring places), or null. */
function slotClosedReason(slot: Slot, now: number, setup: BookingSetup, horizon: { first: string; last: string }): ErrorCode | null {
  if (slot.day < horizon.first || slot.day > horizon.last) return 'SLOT_NOT_OFFERED';
  if (slot.start - setup.rules.closeBeforeMinutes * MINUTE <= now) return 'SLOT_CLOSED';
  return null;
}

export interface SlotAvailability extends Slot {
  left: number;
  /** Open to booking now (not past, not too close, places left). */
  open: boolean;
}

export function availability(state: BookingState, setup: BookingSetup, clock: BookingClock, now: number, serviceId: string, day: string): SlotAvailability[] {
  const horizon = horizonOf(now, setup, clock);
  return slotsOfDay(state, setup, clock, serviceId, day).map((slot) => {
    const left = Math.max(0, slot.places - placesTaken(state, serviceId, slot.start, now));
    return { ...slot, left, open: left > 0 && slotClosedReason(slot, now, setup, horizon) === null };
  });
}

/**
 * The next open slots of a service after `after` (what to offer when a slot is full). Every hold
 * refused as full asks it (in a rush on a full day, most of them), so it does no more than it must:
 * days one at a time up to the `count`th slot found, none of a day whose slots all start by `after`,
 * places counted only in slots after `after` that are not closed.
 */
export function nextFreeSlots(state: BookingState, setup: BookingSetup, clock: BookingClock, now: number, serviceId: string, count: number, after = now): SlotAvailability[] {
  const found: SlotAvailability[] = [];
  const horizon = horizonOf(now, setup, clock);
  for (let i = 0; i <= setup.rules.horizonDays; i++) {
    const slots = slotsOfDay(state, setup, clock, serviceId, addDays(horizon.first, i));
    // Sorted by start: when the last starts by `after`, they all do.
    if (slots.length === 0 || slots[slots.length - 1]!.start <= after) continue;
    for (const slot of slots) {
      if (slot.start <= after || slotClosedReason(slot, now, setup, horizon) !== null) continue;
      const left = slot.places - placesTaken(state, serviceId, slot.start, now);
      if (left <= 0) continue;
      found.push({ ...slot, left, open: true });
      if (found.length >= count) return found;
    }
  }
  return found;
}

function findSlot(state: BookingState, setup: BookingSetup, clock: BookingClock, serviceId: string, slotStart: number): Slot | null {
  const day = clock.dayOf(slotStart);
  return slotsOfDay(state, setup, clock, serviceId, day).find((s) => s.start === slotStart) ?? null;
}

// ---------------------------------------------------------------------------------------------
// Deciding

export interface HoldRequest {
  bookingId: string;
  serviceId: string;
  slotStart: number;
  phone: string;
  name: string;
  email: string | null;
  idHash: string | null;
  otpHash: string | null;
  by: string;
}

const refuse = (error: ErrorCode, details?: Record<string, unknown>): Refusal => (details ? { ok: false, error, details } : { ok: false, error });

/** Checks a slot and the person's limits for a new or moved booking (`except`: the one moved). */
function checkBookable(
  state: BookingState,
  setup: BookingSetup,
  clock: BookingClock,
  now: number,
  req: { serviceId: string; slotStart: number; phone: string; idHash: string | null; except?: string; staff?: boolean },
): { ok: true; slot: Slot } | Refusal {
  if (!setup.rules.enabled) return refuse('BOOKING_OFF');
  if (!bookableServiceOf(setup, req.serviceId)) return refuse('UNKNOWN_SERVICE');
  const ban = req.staff ? null : banOf(state, req.phone, now, setup.rules);
  if (ban) return refuse('BOOKING_BANNED', { until: ban.until, noShows: ban.noShows });
  const slot = findSlot(state, setup, clock, req.serviceId, req.slotStart);
  if (!slot) return refuse('SLOT_NOT_OFFERED');
  const closed = slotClosedReason(slot, now, setup, horizonOf(now, setup, clock));
  if (closed) return refuse(closed);
  let sameDay = 0;
  let sameService = 0;
  const seen = new Set<string>();
  for (const key of personKeys(req.phone, req.idHash)) {
    for (const id of state.byPerson.get(key) ?? []) {
      if (id === req.except || seen.has(id)) continue;
      seen.add(id);
      const other = state.bookings.get(id)!;
      if (other.day !== slot.day || !active(other, now, setup.rules)) continue;
      sameDay += 1;
      if (other.serviceId === req.serviceId) sameService += 1;
    }
  }
  if (sameService >= setup.rules.perServicePerDay) return refuse('BOOKING_LIMIT_SERVICE', { limit: setup.rules.perServicePerDay });
  if (sameDay >= setup.rules.perPhonePerDay) return refuse('BOOKING_LIMIT_DAY', { limit: setup.rules.perPhonePerDay });
  if (placesTaken(state, req.serviceId, slot.start, now, req.except) >= slot.places) return refuse('SLOT_FULL');
  return { ok: true, slot };
}

/** Holds a place while the citizen confirms. Capacity and limits are checked here. */
export function decideHold(state: BookingState, setup: BookingSetup, clock: BookingClock, now: number, req: HoldRequest & { staff?: boolean }): BookingDecision {
  const check = checkBookable(state, setup, clock, now, req);
  if (!check.ok) return check;
  return {
    ok: true,
    events: [
      {
        type: 'booking-held',
        bookingId: req.bookingId,
        serviceId: req.serviceId,
        day: check.slot.day,
        slotStart: check.slot.start,
        slotEnd: check.slot.end,
        phone: req.phone,
        name: req.name,
        email: req.email,
        idHash: req.idHash,
        heldUntil: now + setup.rules.holdMinutes * MINUTE,
        otpHash: req.otpHash,
        by: req.by,
        at: now,
      },
    ],
  };
}

/** Wrong codes allowed for one code sent. */
export const OTP_TRIES = 5;
/** Codes sent for one hold. */
export const OTP_SENDS = 3;

/**
 * Confirms a hold. `otpMatches` is the caller's comparison of the code typed with the one sent
 * (null when no code is asked). A hold that lapsed is confirmed if its slot still has room: the
 * slot and the limits are checked again, so a lapsed hold never overbooks.
 */
export function decideConfirm(
  state: BookingState,
  setup: BookingSetup,
  clock: BookingClock,
  now: number,
  req: { bookingId: string; otpMatches: boolean | null; code: string },
): BookingDecision {
  const booking = state.bookings.get(req.bookingId);
  if (!booking || booking.status !== 'held' || booking.released) return refuse('HOLD_NOT_FOUND');
  if (booking.otpHash !== null) {
    if (booking.otpFailures >= OTP_TRIES) return refuse('OTP_TRIES_EXCEEDED');
    if (req.otpMatches !== true) {
      const events: BookingEvent[] = [{ type: 'booking-code-failed', bookingId: booking.id, at: now }];
      const left = OTP_TRIES - booking.otpFailures - 1;
      if (left === 0 && booking.codesSent >= OTP_SENDS) events.push({ type: 'booking-released', bookingId: booking.id, at: now });
      // A wrong code is stored (it counts against the tries) and still refused.
      return { ok: true, events };
    }
  }
  if (booking.heldUntil <= now) {
    const again = checkBookable(state, setup, clock, now, { ...booking, except: booking.id, staff: booking.by !== 'citizen' });
    if (!again.ok) return again;
  }
  if (state.byCode.has(req.code)) return refuse('INTERNAL');
  return { ok: true, events: [{ type: 'booking-confirmed', bookingId: booking.id, code: req.code, at: now }] };
}

/** Whether a confirm decision was a refused code (stored, but a refusal to the citizen). */
export function isWrongCode(decision: BookingDecision): boolean {
  return decision.ok && decision.events[0]?.type === 'booking-code-failed';
}

export function decideResendCode(state: BookingState, now: number, req: { bookingId: string; otpHash: string }): BookingDecision {
  const booking = state.bookings.get(req.bookingId);
  if (!booking || booking.status !== 'held' || booking.released || booking.otpHash === null) return refuse('HOLD_NOT_FOUND');
  if (booking.codesSent >= OTP_SENDS) return refuse('OTP_TRIES_EXCEEDED');
  return { ok: true, events: [{ type: 'booking-code-sent', bookingId: booking.id, otpHash: req.otpHash, at: now }] };
}

export function decideCancel(
  state: BookingState,
  setup: BookingSetup,
  now: number,
  req: { bookingId: string; by: 'citizen' | 'centre'; reason: { vi: string; en: string } | null },
): BookingDecision {
  const booking = state.bookings.get(req.bookingId);
  if (!booking) return refuse('BOOKING_NOT_FOUND');
  const status = effectiveStatus(booking, now, setup.rules);
  if (status === 'cancelled') return refuse('BOOKING_CANCELLED');
  if (status === 'checked-in') return refuse('BOOKING_CHECKED_IN');
  if (status !== 'confirmed') return refuse('BOOKING_NOT_FOUND');
  // A citizen cancels up to the slot's start; the centre also within the check-in window.
  if (req.by === 'citizen' && now >= booking.slotStart) return refuse('BOOKING_STARTED');
  return { ok: true, events: [{ type: 'booking-cancelled', bookingId: booking.id, by: req.by, reason: req.reason, at: now }] };
}

export function decideMove(
  state: BookingState,
  setup: BookingSetup,
  clock: BookingClock,
  now: number,
  req: { bookingId: string; slotStart: number },
): BookingDecision {
  const booking = state.bookings.get(req.bookingId);
  if (!booking) return refuse('BOOKING_NOT_FOUND');
  const status = effectiveStatus(booking, now, setup.rules);
  if (status === 'cancelled') return refuse('BOOKING_CANCELLED');
  if (status === 'checked-in') return refuse('BOOKING_CHECKED_IN');
  if (status !== 'confirmed') return refuse('BOOKING_NOT_FOUND');
  if (now >= booking.slotStart) return refuse('BOOKING_STARTED');
  if (req.slotStart === booking.slotStart) return refuse('SLOT_NOT_OFFERED');
  const check = checkBookable(state, setup, clock, now, {
    serviceId: booking.serviceId,
    slotStart: req.slotStart,
    phone: booking.phone,
    idHash: booking.idHash,
    except: booking.id,
  });
  if (!check.ok) return check;
  return {
    ok: true,
    events: [{ type: 'booking-moved', bookingId: booking.id, day: check.slot.day, slotStart: check.slot.start, slotEnd: check.slot.end, at: now }],
  };
}

/**
 * Check-in at the kiosk: inside the window a ticket is issued (by the caller, then recorded here);
 * too early says when the window opens; too late says so (the kiosk offers a walk-in number).
 */
export function checkInProblem(booking: Booking | null, now: number, rules: BookingConfig): Refusal | null {
  if (!booking || booking.status === 'held') return refuse('BOOKING_NOT_FOUND');
  if (booking.status === 'cancelled') return refuse('BOOKING_CANCELLED');
  if (booking.status === 'checked-in') return refuse('BOOKING_CHECKED_IN', { number: booking.ticketNumber });
  const window = checkInWindow(booking, rules);
  if (now < window.opensAt) return refuse('CHECK_IN_TOO_EARLY', { opensAt: window.opensAt, slotStart: booking.slotStart });
  if (now > window.closesAt) return refuse('CHECK_IN_TOO_LATE', { closedAt: window.closesAt, slotStart: booking.slotStart });
  return null;
}

/**
 * A booking the hub has not heard of, from a QR token the province signed (already checked by the
 * caller): taken as confirmed for this centre, so its visitor can check in while the link is down.
 * The token must be for this centre, a field the hub books, and a code no other booking has.
 */
export function decideVouch(state: BookingState, setup: BookingSetup, clock: BookingClock, now: number, claims: BookingTokenClaims): BookingDecision {
  if (!state.provinceLink || claims.centreId !== state.provinceLink.centreId) return refuse('BOOKING_NOT_FOUND');
  if (state.bookings.has(claims.bookingId)) return { ok: true, events: [] };
  if (state.byCode.has(claims.code) || !bookableServiceOf(setup, claims.serviceId)) return refuse('BOOKING_NOT_FOUND');
  const booking: SyncedBooking = {
    id: claims.bookingId,
    code: claims.code,
    serviceId: claims.serviceId,
    day: clock.dayOf(claims.slotStart),
    slotStart: claims.slotStart,
    slotEnd: claims.slotEnd,
    phone: '',
    name: '',
    email: null,
    idHash: null,
    status: 'confirmed',
    by: 'citizen',
    createdAt: now,
    confirmedAt: now,
    cancelledAt: null,
    cancelledBy: null,
    cancelReason: null,
    moves: 0,
  };
  return { ok: true, events: [{ type: 'booking-vouched', booking, at: now }] };
}

/**
 * The reminders due now for a booking: the evening before (at `reminders.eveningAt`) for one made
 * before that evening, up to noon of its day and not after the second; and `beforeMinutes` before
 * the slot for one made before then, until the slot starts. The hub and the province send them by
 * this one rule, each keyed so it goes once (the caller's outbox).
 */
export function dueReminders(
  b: Pick<Booking, 'status' | 'slotStart' | 'day' | 'confirmedAt' | 'createdAt'>,
  now: number,
  rules: BookingConfig,
  clock: BookingClock,
): ('remind-evening' | 'remind-soon')[] {
  if (b.status !== 'confirmed' || b.slotStart <= now) return [];
  const evening = Number(rules.reminders.eveningAt.slice(0, 2)) * 60 + Number(rules.reminders.eveningAt.slice(3, 5));
  const eveningAt = clock.instantOf(addDays(b.day, -1), evening);
  const soonAt = b.slotStart - rules.reminders.beforeMinutes * MINUTE;
  const confirmedAt = b.confirmedAt ?? b.createdAt;
  const due: ('remind-evening' | 'remind-soon')[] = [];
  if (now >= eveningAt && confirmedAt < eveningAt && now < clock.instantOf(b.day, 0) + 12 * 60 * MINUTE && now < soonAt) due.push('remind-evening');
  if (now >= soonAt && confirmedAt < soonAt) due.push('remind-soon');
  return due;
}

/**
 * A hold as the rules take it, from what the citizen typed: the phone normalised, the CCCD checked
 * and given as its keyed hash (`hashCccd`, never the number). The hub and the province make them alike.
 */
export function holdRequestOf(
  cmd: { serviceId: string; slotStart: number; phone: string; name: string; email: string | null; cccd: string | null },
  made: { bookingId: string; by: string; otpHash: string | null; hashCccd: (cccd: string) => string },
): { ok: true; data: HoldRequest } | { ok: false; error: 'INVALID_PAYLOAD'; details: { field: 'phone' | 'cccd' } } {
  const phone = normalizePhone(cmd.phone);
  if (!phone) return { ok: false, error: 'INVALID_PAYLOAD', details: { field: 'phone' } };
  if (cmd.cccd !== null && !isCccd(cmd.cccd)) return { ok: false, error: 'INVALID_PAYLOAD', details: { field: 'cccd' } };
  return {
    ok: true,
    data: {
      bookingId: made.bookingId,
      serviceId: cmd.serviceId,
      slotStart: cmd.slotStart,
      phone,
      name: cmd.name.trim(),
      email: cmd.email,
      idHash: cmd.cccd ? made.hashCccd(cmd.cccd) : null,
      otpHash: made.otpHash,
      by: made.by,
    },
  };
}

export function decideCheckIn(state: BookingState, rules: BookingConfig, now: number, req: { bookingId: string; ticketId: string; number: string }): BookingDecision {
  const problem = checkInProblem(state.bookings.get(req.bookingId) ?? null, now, rules);
  if (problem) return problem;
  return { ok: true, events: [{ type: 'booking-checked-in', bookingId: req.bookingId, ticketId: req.ticketId, number: req.number, at: now }] };
}

/**
 * The centre closes a field (or every field) on a day: no new bookings, and every booking there
 * still to come is cancelled by the centre with the reason (the citizens are told).
 */
export function decideClosure(
  state: BookingState,
  now: number,
  clock: BookingClock,
  req: { closureId: string; day: string; serviceId: string | null; reason: { vi: string; en: string }; by: string },
): BookingDecision {
  if (req.day < clock.dayOf(now)) return refuse('SLOT_NOT_OFFERED');
  for (const closure of state.closures.values())
    if (closure.day === req.day && (closure.serviceId === null || closure.serviceId === req.serviceId)) return refuse('ALREADY_CLOSED');
  const events: BookingEvent[] = [
    { type: 'closure-added', closureId: req.closureId, day: req.day, serviceId: req.serviceId, reason: req.reason, by: req.by, at: now },
  ];
  events.push(...cancelAffected(state, now, (b) => b.day === req.day && (req.serviceId === null || b.serviceId === req.serviceId), req.reason));
  return { ok: true, events };
}

/** Cancels (by the centre) the confirmed bookings still to come that `affected` picks. */
export function cancelAffected(state: BookingState, now: number, affected: (b: Booking) => boolean, reason: { vi: string; en: string }): BookingEvent[] {
  const events: BookingEvent[] = [];
  for (const booking of state.bookings.values()) {
    if (booking.status === 'confirmed' && booking.slotStart > now && affected(booking))
      events.push({ type: 'booking-cancelled', bookingId: booking.id, by: 'centre', reason, at: now });
  }
  return events;
}

/** Bookings a new working calendar or template change leaves without a slot: to cancel by the centre. */
export function bookingsWithoutSlot(state: BookingState, setup: BookingSetup, clock: BookingClock, now: number): Booking[] {
  const slotsByDay = new Map<string, Set<number>>();
  const orphans: Booking[] = [];
  for (const booking of state.bookings.values()) {
    if (booking.status !== 'confirmed' || booking.slotStart <= now) continue;
    const key = `${booking.serviceId}|${booking.day}`;
    let starts = slotsByDay.get(key);
    if (!starts) {
      starts = new Set(slotsOfDay(state, setup, clock, booking.serviceId, booking.day).map((s) => s.start));
      slotsByDay.set(key, starts);
    }
    if (!starts.has(booking.slotStart)) orphans.push(booking);
  }
  return orphans;
}

// ---------------------------------------------------------------------------------------------
// Citizens' input

/**
 * A Vietnamese mobile number in its national form (0 and 9 digits), from what people type:
 * spaces, dots and dashes, +84 or 84 in front. Null when it is not a mobile number.
 */
export function normalizePhone(input: string): string | null {
  let digits = input.replace(/[\s.\-()]/g, '');
  if (digits.startsWith('+84')) digits = `0${digits.slice(3)}`;
  else if (/^84\d{9}$/.test(digits)) digits = `0${digits.slice(2)}`;
  return /^0[35789]\d{8}$/.test(digits) ? digits : null;
}

/**
 * A CCCD (citizen identity card) number: 12 digits, the first three a province code (001-096),
 * the fourth the century and sex (0-9), the next two the birth year's last digits.
 */
export function isCccd(input: string): boolean {
  if (!/^\d{12}$/.test(input)) return false;
  const province = Number(input.slice(0, 3));
  return province >= 1 && province <= 96;
}

/** Booking codes: Crockford's base32 (no I, L, O, U), 10 characters = 50 random bits. */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 10;

/** A code as typed or scanned (spaces, dashes, lower case, O for 0, I and L for 1), or null. */
export function normalizeBookingCode(input: string): string | null {
  const match = /(?:code=|^)([0-9A-Za-z-\s]{10,16})$/.exec(input.trim());
  if (!match) return null;
  const code = match[1]!
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (code.length !== CODE_LENGTH || [...code].some((c) => !CODE_ALPHABET.includes(c))) return null;
  return code;
}

/** "K7QM3-XPA9D": how a code is printed and shown. */
export function formatBookingCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}
