import { describe, expect, it } from 'vitest';
import { applyBookingEvent, createBookingState, decideProvinceMessage, placesTaken, syncConflict } from '../../server/domain/booking';
import type { SyncedBooking } from '../../server/domain/booking-events';

/** A linked hub applies the province's booking messages in order, each once; a check-in here stands. */

const booking = (over: Partial<SyncedBooking> = {}): SyncedBooking => ({
  id: 'b1', code: 'K7QM3XPA9D', serviceId: 'ho-tich', day: '2026-12-07', slotStart: 1_000_000, slotEnd: 2_800_000,
  phone: '0912000111', name: 'Trần Thị Bình', email: null, idHash: null, status: 'confirmed', by: 'citizen',
  createdAt: 1, confirmedAt: 2, cancelledAt: null, cancelledBy: null, cancelReason: null, moves: 0, ...over,
});

function apply(state = createBookingState(), seq: number, b: SyncedBooking | null, kind = 'booking') {
  const decision = decideProvinceMessage(state, 10, { seq, kind, body: b }, b);
  if (decision.ok) for (const e of decision.events) expect(applyBookingEvent(state, e)).toBeNull();
  return { state, decision };
}

describe('province messages at the hub', () => {
  it('applies the next message, passes a repeat, refuses a gap', () => {
    const { state } = apply(undefined, 1, booking());
    expect(state.provinceSeq).toBe(1);
    expect(placesTaken(state, 'ho-tich', 1_000_000, 10)).toBe(1);
    expect(apply(state, 1, booking()).decision).toEqual({ ok: true, events: [] });
    expect(placesTaken(state, 'ho-tich', 1_000_000, 10)).toBe(1);
    expect(apply(state, 3, booking()).decision).toEqual({ ok: false, error: 'LINK_OUT_OF_ORDER', details: { expected: 2 } });
    apply(state, 2, null, 'notice');
    expect(state.provinceSeq).toBe(2);
  });

  it('a move and a cancellation from the province change places and codes', () => {
    const { state } = apply(undefined, 1, booking());
    apply(state, 2, booking({ slotStart: 2_800_000, slotEnd: 4_600_000, moves: 1 }));
    expect([placesTaken(state, 'ho-tich', 1_000_000, 10), placesTaken(state, 'ho-tich', 2_800_000, 10)]).toEqual([0, 1]);
    apply(state, 3, booking({ slotStart: 2_800_000, status: 'cancelled', cancelledAt: 5, cancelledBy: 'citizen', moves: 1 }));
    expect(placesTaken(state, 'ho-tich', 2_800_000, 10)).toBe(0);
    expect(state.bookings.get('b1')?.status).toBe('cancelled');
    expect(state.byCode.get('K7QM3XPA9D')).toBe('b1');
  });

  it('a check-in made here wins over a cancellation made at the province while the link was down', () => {
    const { state } = apply(undefined, 1, booking());
    applyBookingEvent(state, { type: 'booking-checked-in', bookingId: 'b1', ticketId: 't1', number: 'A001', at: 5 });
    const cancelled = booking({ status: 'cancelled', cancelledAt: 4, cancelledBy: 'citizen' });
    expect(syncConflict(state.bookings.get('b1')!, cancelled)).toBe('check-in-kept');
    apply(state, 2, cancelled);
    expect(state.bookings.get('b1')).toMatchObject({ status: 'checked-in', ticketNumber: 'A001', cancelledAt: null });
    expect(placesTaken(state, 'ho-tich', 1_000_000, 10)).toBe(1);
  });
});
