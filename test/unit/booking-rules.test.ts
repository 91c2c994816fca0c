import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookingClock } from '../../server/app/local-time';
import type { CentreConfig } from '../../server/config/centre-config';
import {
  applyBookingEvent,
  availability,
  banOf,
  checkInProblem,
  createBookingState,
  decideCancel,
  decideClosure,
  decideConfirm,
  decideHold,
  decideMove,
  effectiveStatus,
  isCccd,
  normalizeBookingCode,
  normalizePhone,
  placesTaken,
  slotsOfDay,
  type BookingDecision,
  type BookingSetup,
  type BookingState,
} from '../../server/domain/booking';
import { testCentre, vnTime } from '../helpers/test-centre';

const MIN = 60_000;
const clock = bookingClock('Asia/Ho_Chi_Minh');

function centre(patch?: (c: CentreConfig['booking']) => void): BookingSetup {
  const config = testCentre((input) => {
    input.dossiers = { calendar: { weekend: [6, 7], holidays: ['2026-12-01'], workdays: ['2026-11-28'] } };
    input.booking = {
      enabled: true,
      phoneCheck: 'off',
      services: [
        { serviceId: 'ho-tich', slots: [{ days: [1, 2, 3, 4, 5, 6], from: '08:00', to: '11:00', slotMinutes: 30, places: 2 }] },
        { serviceId: 'dat-dai', slots: [{ days: [1, 2, 3, 4, 5], from: '07:00', to: '12:00', slotMinutes: 60, places: 3 }] },
        { serviceId: 'chung-thuc', slots: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '09:00', slotMinutes: 30, places: 1 }] },
      ],
    };
  });
  patch?.(config.booking);
  return setupOf(config);
}

function setupOf(config: CentreConfig): BookingSetup {
  return {
    rules: config.booking,
    calendar: { weekend: config.dossiers.calendar.weekend, holidays: new Set(config.dossiers.calendar.holidays), workdays: new Set(config.dossiers.calendar.workdays) },
    hours: (id) => config.services.find((s) => s.id === id)?.hours,
  };
}

function apply(state: BookingState, decision: BookingDecision): BookingDecision {
  if (decision.ok) for (const e of decision.events) expect(applyBookingEvent(state, e)).toBeNull();
  return decision;
}

let n = 0;
function hold(state: BookingState, setup: BookingSetup, now: number, req: { serviceId?: string; slot: number; phone?: string; idHash?: string | null }): BookingDecision {
  return apply(
    state,
    decideHold(state, setup, clock, now, {
      bookingId: `b${++n}`,
      serviceId: req.serviceId ?? 'ho-tich',
      slotStart: req.slot,
      phone: req.phone ?? '0912345678',
      name: 'Nguyễn Văn A',
      email: null,
      idHash: req.idHash ?? null,
      otpHash: null,
      by: 'citizen',
    }),
  );
}

function book(state: BookingState, setup: BookingSetup, now: number, req: Parameters<typeof hold>[3]): string | BookingDecision {
  const held = hold(state, setup, now, req);
  if (!held.ok) return held;
  const id = held.events[0]!.type === 'booking-held' ? held.events[0]!.bookingId : '';
  const confirmed = apply(state, decideConfirm(state, setup, clock, now, { bookingId: id, otpMatches: null, code: `CODE${String(n).padStart(6, '0')}` }));
  return confirmed.ok ? id : confirmed;
}

const THU = '2026-11-26';
const NOW = vnTime('07:00', THU);

describe('slots', () => {
  it('come from the templates, not on holidays or weekends, on make-up days, not outside the opening hours', () => {
    const setup = centre();
    const state = createBookingState();
    expect(slotsOfDay(state, setup, clock, 'ho-tich', THU).map((s) => s.time)).toEqual(['08:00', '08:30', '09:00', '09:30', '10:00', '10:30']);
    expect(slotsOfDay(state, setup, clock, 'ho-tich', '2026-12-01')).toEqual([]); // holiday
    expect(slotsOfDay(state, setup, clock, 'ho-tich', '2026-11-29')).toEqual([]); // Sunday
    expect(slotsOfDay(state, setup, clock, 'ho-tich', '2026-11-28').length).toBe(6); // a Saturday worked
    // Đất đai opens 07:30-11:30: the 07:00 and 11:00 slots fall outside.
    expect(slotsOfDay(state, setup, clock, 'dat-dai', THU).map((s) => s.time)).toEqual(['08:00', '09:00', '10:00']);
    expect(slotsOfDay(state, setup, clock, 'ho-tich', THU)[0]!.start).toBe(vnTime('08:00', THU));
  });

  it('a slot closes 30 minutes before it starts; the horizon is today and 7 days', () => {
    const setup = centre();
    const state = createBookingState();
    expect(hold(state, setup, vnTime('07:30', THU), { slot: vnTime('08:00', THU) })).toMatchObject({ ok: false, error: 'SLOT_CLOSED' });
    expect(hold(state, setup, vnTime('07:29', THU), { slot: vnTime('08:00', THU) }).ok).toBe(true);
    expect(hold(state, setup, NOW, { slot: vnTime('08:00', '2026-12-03'), phone: '0987654321' }).ok).toBe(true);
    expect(hold(state, setup, NOW, { slot: vnTime('08:00', '2026-12-04') })).toMatchObject({ ok: false, error: 'SLOT_NOT_OFFERED' });
    expect(hold(state, setup, NOW, { slot: vnTime('08:10', THU) })).toMatchObject({ ok: false, error: 'SLOT_NOT_OFFERED' });
    expect(hold(state, setup, NOW, { slot: vnTime('08:00', '2026-12-01') })).toMatchObject({ ok: false, error: 'SLOT_NOT_OFFERED' });
  });
});

describe('limits', () => {
  it('one per field and two per day per phone, and per CCCD across phones', () => {
    const setup = centre();
    const state = createBookingState();
    expect(typeof book(state, setup, NOW, { slot: vnTime('08:00', THU) })).toBe('string');
    expect(book(state, setup, NOW, { slot: vnTime('09:00', THU) })).toMatchObject({ error: 'BOOKING_LIMIT_SERVICE' });
    expect(typeof book(state, setup, NOW, { serviceId: 'dat-dai', slot: vnTime('09:00', THU) })).toBe('string');
    expect(book(state, setup, NOW, { serviceId: 'chung-thuc', slot: vnTime('08:30', THU) })).toMatchObject({ error: 'BOOKING_LIMIT_DAY', details: { limit: 2 } });
    // Another day is another count.
    expect(typeof book(state, setup, NOW, { slot: vnTime('08:00', '2026-11-27') })).toBe('string');
    // The same person with another phone: the CCCD counts.
    expect(typeof book(state, setup, NOW, { slot: vnTime('10:00', '2026-11-30'), phone: '0911111111', idHash: 'h1' })).toBe('string');
    expect(book(state, setup, NOW, { slot: vnTime('10:30', '2026-11-30'), phone: '0922222222', idHash: 'h1' })).toMatchObject({ error: 'BOOKING_LIMIT_SERVICE' });
  });

  it('a cancelled booking frees its place and its count; a lapsed hold frees its place', () => {
    const setup = centre();
    const state = createBookingState();
    const slot = vnTime('08:00', '2026-11-27');
    const a = book(state, setup, NOW, { slot, phone: '0911111111' }) as string;
    book(state, setup, NOW, { slot, phone: '0922222222' });
    expect(hold(state, setup, NOW, { slot, phone: '0933333333' })).toMatchObject({ ok: false, error: 'SLOT_FULL' });
    apply(state, decideCancel(state, setup, NOW, { bookingId: a, by: 'citizen', reason: null }));
    expect(hold(state, setup, NOW, { slot, phone: '0933333333' }).ok).toBe(true);
    expect(hold(state, setup, NOW, { slot, phone: '0944444444' })).toMatchObject({ ok: false, error: 'SLOT_FULL' });
    expect(hold(state, setup, NOW + 5 * MIN, { slot, phone: '0944444444' }).ok).toBe(true);
    expect(typeof book(state, setup, NOW, { slot: vnTime('09:00', '2026-11-27'), phone: '0911111111' })).toBe('string');
  });

  it('a lapsed hold is confirmed only if its slot still has room', () => {
    const setup = centre();
    const state = createBookingState();
    const slot = vnTime('08:00', '2026-11-27');
    const first = hold(state, setup, NOW, { slot, phone: '0911111111' });
    const firstId = first.ok && first.events[0]!.type === 'booking-held' ? first.events[0]!.bookingId : '';
    book(state, setup, NOW + 6 * MIN, { slot, phone: '0922222222' });
    book(state, setup, NOW + 6 * MIN, { slot, phone: '0933333333' });
    expect(decideConfirm(state, setup, clock, NOW + 7 * MIN, { bookingId: firstId, otpMatches: null, code: 'X' })).toMatchObject({ ok: false, error: 'SLOT_FULL' });
  });

  it('property: no slot ever has more bookings than places, nor a phone more than its limits', () => {
    const setup = centre((b) => (b.holdMinutes = 5));
    const phones = ['0911111111', '0922222222', '0933333333', '0944444444'];
    const slots = [vnTime('08:00', '2026-11-27'), vnTime('08:30', '2026-11-27'), vnTime('08:00', '2026-11-30')];
    const op = fc.record({
      kind: fc.constantFrom('hold', 'hold', 'confirm', 'cancel', 'move'),
      phone: fc.constantFrom(...phones),
      service: fc.constantFrom('ho-tich', 'chung-thuc'),
      slot: fc.constantFrom(...slots),
      pick: fc.nat(),
      minutes: fc.integer({ min: 0, max: 4 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const state = createBookingState();
        let now = NOW;
        for (const o of ops) {
          now += o.minutes * MIN;
          const ids = [...state.bookings.keys()];
          const id = ids.length ? ids[o.pick % ids.length]! : 'none';
          if (o.kind === 'hold') hold(state, setup, now, { serviceId: o.service, slot: o.slot, phone: o.phone });
          else if (o.kind === 'confirm') apply(state, decideConfirm(state, setup, clock, now, { bookingId: id, otpMatches: null, code: `C${state.byCode.size}-${id}` }));
          else if (o.kind === 'cancel') apply(state, decideCancel(state, setup, now, { bookingId: id, by: 'citizen', reason: null }));
          else apply(state, decideMove(state, setup, clock, now, { bookingId: id, slotStart: o.slot }));
          for (const service of ['ho-tich', 'chung-thuc'])
            for (const s of slots) {
              const places = slotsOfDay(state, setup, clock, service, clock.dayOf(s)).find((x) => x.start === s)?.places ?? 0;
              expect(placesTaken(state, service, s, now)).toBeLessThanOrEqual(places);
              // The kept counts agree with a count of every booking from scratch.
              const recount = [...state.bookings.values()].filter(
                (b) => b.serviceId === service && b.slotStart === s && (b.status === 'confirmed' || b.status === 'checked-in' || (b.status === 'held' && !b.released && b.heldUntil > now)),
              ).length;
              expect(placesTaken(state, service, s, now)).toBe(recount);
            }
          for (const phone of phones)
            for (const day of ['2026-11-27', '2026-11-30']) {
              const mine = [...state.bookings.values()].filter((b) => b.phone === phone && b.day === day && ['held', 'confirmed', 'checked-in'].includes(effectiveStatus(b, now, setup.rules)));
              expect(mine.length).toBeLessThanOrEqual(2);
              for (const service of ['ho-tich', 'chung-thuc']) expect(mine.filter((b) => b.serviceId === service).length).toBeLessThanOrEqual(1);
            }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('check-in, no-shows and closures', () => {
  it('the window is 30 minutes before to 15 after the slot start, once', () => {
    const setup = centre();
    const state = createBookingState();
    const slot = vnTime('09:00', THU);
    const id = book(state, setup, NOW, { slot }) as string;
    const b = state.bookings.get(id)!;
    expect(checkInProblem(b, vnTime('08:29', THU), setup.rules)).toMatchObject({ error: 'CHECK_IN_TOO_EARLY', details: { opensAt: vnTime('08:30', THU) } });
    expect(checkInProblem(b, vnTime('08:30', THU), setup.rules)).toBeNull();
    expect(checkInProblem(b, vnTime('09:15', THU), setup.rules)).toBeNull();
    expect(checkInProblem(b, vnTime('09:15', THU) + 1, setup.rules)).toMatchObject({ error: 'CHECK_IN_TOO_LATE' });
    expect(effectiveStatus(b, vnTime('09:16', THU), setup.rules)).toBe('no-show');
    applyBookingEvent(state, { type: 'booking-checked-in', bookingId: id, ticketId: 't', number: 'A001', at: vnTime('08:40', THU) });
    expect(checkInProblem(state.bookings.get(id)!, vnTime('08:41', THU), setup.rules)).toMatchObject({ error: 'BOOKING_CHECKED_IN', details: { number: 'A001' } });
  });

  it('three no-shows in 30 days bar the phone for 14 days after the third', () => {
    const setup = centre();
    const state = createBookingState();
    const days = ['2026-11-26', '2026-11-27', '2026-11-30'];
    for (const day of days) book(state, setup, vnTime('07:00', day), { slot: vnTime('08:00', day) });
    const third = vnTime('08:15', '2026-11-30');
    expect(banOf(state, '0912345678', third, setup.rules)).toBeNull();
    expect(banOf(state, '0912345678', third + 1, setup.rules)).toEqual({ until: third + 14 * 86_400_000, noShows: 3 });
    expect(hold(state, setup, vnTime('09:00', '2026-11-30'), { slot: vnTime('10:00', '2026-12-02') })).toMatchObject({ ok: false, error: 'BOOKING_BANNED', details: { until: third + 14 * 86_400_000 } });
    expect(banOf(state, '0912345678', third + 14 * 86_400_000, setup.rules)).toBeNull();
  });

  it('a closure cancels the bookings still to come on that day and takes no more', () => {
    const setup = centre();
    const state = createBookingState();
    const a = book(state, setup, NOW, { slot: vnTime('08:00', '2026-11-27') }) as string;
    const other = book(state, setup, NOW, { slot: vnTime('08:00', '2026-11-27'), serviceId: 'dat-dai' }) as string;
    const reason = { vi: 'Mất điện', en: 'Power cut' };
    const closed = apply(state, decideClosure(state, NOW, clock, { closureId: 'k1', day: '2026-11-27', serviceId: 'ho-tich', reason, by: 'sup' }));
    expect(closed.ok && closed.events.map((e) => e.type)).toEqual(['closure-added', 'booking-cancelled']);
    expect(state.bookings.get(a)!.status).toBe('cancelled');
    expect(state.bookings.get(other)!.status).toBe('confirmed');
    expect(availability(state, setup, clock, NOW, 'ho-tich', '2026-11-27')).toEqual([]);
  });
});

describe('what citizens type', () => {
  it('phones, CCCD numbers and codes', () => {
    expect(normalizePhone('0912 345 678')).toBe('0912345678');
    expect(normalizePhone('+84 912.345.678')).toBe('0912345678');
    expect(normalizePhone('84912345678')).toBe('0912345678');
    expect(normalizePhone('0212345678')).toBeNull();
    expect(normalizePhone('091234567')).toBeNull();
    expect(isCccd('001203012345')).toBe(true);
    expect(isCccd('000203012345')).toBe(false);
    expect(isCccd('12345678901')).toBe(false);
    expect(normalizeBookingCode('k7qm3-xpa9d')).toBe('K7QM3XPA9D');
    expect(normalizeBookingCode('http://hub/book/?code=K7QM3-XPA9D')).toBe('K7QM3XPA9D');
    expect(normalizeBookingCode('K7QM3-XPA9O')).toBe('K7QM3XPA90');
    expect(normalizeBookingCode('K7QM3-XPA9U')).toBeNull();
    expect(normalizeBookingCode('short')).toBeNull();
  });
});
