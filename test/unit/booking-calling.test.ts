import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { domainContext } from '../../server/app/local-time';
import type { CentreConfig } from '../../server/config/centre-config';
import * as moves from '../../server/domain/queue-commands';
import { applyEvent } from '../../server/domain/queue-evolve';
import { createDayState, type DayState, type TicketBooking } from '../../server/domain/queue-state';
import { testCentre, vnTime } from '../helpers/test-centre';

/**
 * The two calling policies for bookings (server/domain/next-ticket.ts), proven over random days:
 * 'slot' calls a checked-in booking ahead of walk-ins from its slot's start, at most `bookedInARow`
 * in a row while a walk-in waits; 'remote' numbers are served in registration order with walk-ins.
 */

const MIN = 60_000;
const OPEN = vnTime('07:00');

function centre(counters: number, cap: number, priority: 'interleave' | 'fifo' | 'priority-first' = 'interleave'): CentreConfig {
  return testCentre((input) => {
    input.services = [{ id: 'ho-tich', name: { vi: 'Hộ tịch', en: 'Civil status' }, numbering: { kind: 'prefix', prefix: 'A', digits: 4 } }];
    input.counters = Array.from({ length: counters }, (_, i) => ({ id: `c${i + 1}`, number: i + 1, services: ['ho-tich'] }));
    input.officers = input.officers!.map((o) => ({ ...o, counters: undefined }));
    input.ordering = { priority, interleave: { normal: 2, priority: 1 }, acrossServices: 'oldest-first' };
    input.booking = { enabled: true, phoneCheck: 'off', bookedInARow: cap, services: [{ serviceId: 'ho-tich', slots: [{ days: [1, 2, 3, 4, 5], from: '07:00', to: '17:00', slotMinutes: 30, places: 5 }] }] };
  });
}

function apply(state: DayState, decision: moves.Decision): void {
  if (!decision.ok) throw new Error(decision.error);
  for (const event of decision.events) {
    const problem = applyEvent(state, event);
    if (problem) throw new Error(problem);
  }
}

function take(state: DayState, config: CentreConfig, at: number, opts: { booking?: TicketBooking; queuedAt?: number; priority?: boolean } = {}): string {
  const decision = moves.takeTicket(state, config, domainContext(at, config.centre.timeZone), {
    serviceId: 'ho-tich',
    priorityGroup: opts.priority ? 'elderly' : null,
    source: opts.booking ? 'booking' : 'kiosk',
    ...(opts.booking ? { booking: opts.booking } : {}),
    ...(opts.queuedAt !== undefined ? { queuedAt: opts.queuedAt } : {}),
  });
  apply(state, decision);
  const event = decision.ok ? decision.events[0] : undefined;
  return event && event.type === 'ticket-taken' ? event.ticketId : '';
}

/** Presses Next at a counter: the ticket called, or null. */
function next(state: DayState, config: CentreConfig, counterId: string, at: number): string | null {
  const decision = moves.callNext(state, config, domainContext(at, config.centre.timeZone), { counterId, officerId: `o-${counterId}` });
  if (!decision.ok) return null;
  apply(state, decision);
  return state.counters.get(counterId)!.currentTicketId;
}

function openAll(state: DayState, config: CentreConfig): void {
  for (const c of config.counters) apply(state, moves.openCounter(state, domainContext(OPEN, config.centre.timeZone), { counterId: c.id, officerId: `o-${c.id}`, force: false }));
}

describe('slot appointments', () => {
  it('a due booking goes ahead of walk-ins; one before its slot waits unless nobody else does', () => {
    const config = centre(1, 2);
    const state = createDayState('2026-11-26', config);
    openAll(state, config);
    const w1 = take(state, config, vnTime('08:00'));
    const w2 = take(state, config, vnTime('08:01'));
    const early = take(state, config, vnTime('08:05'), { booking: { bookingId: 'b-early', slotStart: vnTime('08:30'), policy: 'slot' } });
    const due = take(state, config, vnTime('08:06'), { booking: { bookingId: 'b-due', slotStart: vnTime('08:00'), policy: 'slot' } });
    expect(next(state, config, 'c1', vnTime('08:10'))).toBe(due);
    expect(next(state, config, 'c1', vnTime('08:15'))).toBe(w1);
    expect(next(state, config, 'c1', vnTime('08:20'))).toBe(w2);
    // Nobody else waits: the early booking is served before its slot rather than leaving the counter idle.
    expect(next(state, config, 'c1', vnTime('08:25'))).toBe(early);
  });

  it('a late check-in loses nothing: it is due, earliest slot first', () => {
    const config = centre(1, 5);
    const state = createDayState('2026-11-26', config);
    openAll(state, config);
    take(state, config, vnTime('08:00'));
    const nine = take(state, config, vnTime('09:00'), { booking: { bookingId: 'b9', slotStart: vnTime('09:00'), policy: 'slot' } });
    const half = take(state, config, vnTime('09:10'), { booking: { bookingId: 'b830', slotStart: vnTime('08:30'), policy: 'slot' } });
    expect(next(state, config, 'c1', vnTime('09:11'))).toBe(half);
    expect(next(state, config, 'c1', vnTime('09:12'))).toBe(nine);
  });

  it('property: no walk-in waits behind more than the cap of booked calls in a row', () => {
    const action = fc.record({
      kind: fc.constantFrom('walk-in', 'booked', 'booked', 'next', 'next'),
      priority: fc.boolean(),
      counter: fc.integer({ min: 0, max: 3 }),
      gap: fc.integer({ min: 0, max: 3 }),
      slotOffset: fc.integer({ min: -20, max: 30 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(action, { minLength: 5, maxLength: 150 }),
        fc.constantFrom('interleave' as const, 'fifo' as const, 'priority-first' as const),
        (counters, cap, actions, priority) => {
          const config = centre(counters, cap, priority);
          const state = createDayState('2026-11-26', config);
          openAll(state, config);
          let now = vnTime('08:00');
          // Per counter: booked tickets called in a row while a walk-in waited.
          const runs = new Map<string, number>();
          let booked = 0;
          for (const a of actions) {
            now += a.gap * MIN;
            if (a.kind === 'walk-in') take(state, config, now, { priority: a.priority });
            else if (a.kind === 'booked')
              take(state, config, now, { priority: a.priority, booking: { bookingId: `b${booked++}`, slotStart: now + a.slotOffset * MIN, policy: 'slot' } });
            else {
              const counter = `c${(a.counter % counters) + 1}`;
              const walkInWaiting = [...state.tickets.values()].some((t) => t.status === 'waiting' && !t.booking);
              const called = next(state, config, counter, now);
              if (!called) continue;
              const ticket = state.tickets.get(called)!;
              if (!ticket.booking) runs.set(counter, 0);
              else if (walkInWaiting) runs.set(counter, (runs.get(counter) ?? 0) + 1);
              expect(runs.get(counter) ?? 0).toBeLessThanOrEqual(cap);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: with places matching the counters, a booked visitor waits at most a slot and a service past the slot start', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(5, 10, 15),
        fc.constantFrom(1, 2, 3, 4),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: -30, max: 15 })), { minLength: 0, maxLength: 400 }),
        (counters, cap, serviceMinutes, slotFactor, fill) => {
          const config = centre(counters, cap);
          const slotMinutes = serviceMinutes * slotFactor * 2;
          // Places per slot the counters can serve while still giving walk-ins their turn.
          const places = Math.max(1, Math.floor(((counters * slotMinutes) / serviceMinutes) * (cap / (cap + 1))));
          const state = createDayState('2026-11-26', config);
          openAll(state, config);
          const start = vnTime('08:00');
          const slots = 8;
          // Bookings: each slot filled at random up to its places, each checking in at a random time in its window.
          const checkIns: { at: number; slotStart: number }[] = [];
          for (let s = 0; s < slots; s++) {
            const slotStart = start + s * slotMinutes * MIN;
            const taken = Math.min(places, fill.filter(([x], k) => k % slots === s && x < 0.9).length);
            for (let p = 0; p < taken; p++) {
              const offset = fill[(s * places + p) % Math.max(1, fill.length)]?.[1] ?? 0;
              checkIns.push({ at: slotStart + offset * MIN, slotStart });
            }
          }
          checkIns.sort((a, b) => a.at - b.at);
          // Walk-ins are always waiting (a busy morning): a long queue taken before the doors open.
          for (let w = 0; w < 400; w++) take(state, config, start - 60 * MIN + w);
          const freeAt = new Map(config.counters.map((c) => [c.id, start]));
          const booked = new Map<string, number>();
          let pending = 0;
          let worst = 0;
          for (let step = 0; step < 5000; step++) {
            const [counterId, at] = [...freeAt.entries()].sort((a, b) => a[1] - b[1])[0]!;
            while (pending < checkIns.length && checkIns[pending]!.at <= at) {
              const c = checkIns[pending++]!;
              const id = take(state, config, Math.max(c.at, start - 60 * MIN), { booking: { bookingId: `b${pending}`, slotStart: c.slotStart, policy: 'slot' } });
              booked.set(id, Math.max(c.slotStart, c.at));
            }
            const called = next(state, config, counterId, at);
            if (called && booked.has(called)) worst = Math.max(worst, at - booked.get(called)!);
            freeAt.set(counterId, at + serviceMinutes * MIN);
            if (pending >= checkIns.length && ![...state.bookedWaiting].length) break;
          }
          expect([...state.bookedWaiting]).toEqual([]);
          expect(worst).toBeLessThanOrEqual((slotMinutes + serviceMinutes) * MIN);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('remote numbers', () => {
  it('property: numbers are called in registration order, online and kiosk alike', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ online: fc.boolean(), registeredBefore: fc.integer({ min: 0, max: 600 }), gap: fc.integer({ min: 0, max: 5 }), call: fc.boolean() }), { minLength: 1, maxLength: 80 }),
        (arrivals) => {
          const config = centre(1, 2);
          const state = createDayState('2026-11-26', config);
          openAll(state, config);
          let now = vnTime('08:00');
          let i = 0;
          for (const a of arrivals) {
            now += a.gap * MIN + 1;
            if (a.online) {
              take(state, config, now, { booking: { bookingId: `r${i++}`, slotStart: vnTime('07:30'), policy: 'remote' }, queuedAt: now - a.registeredBefore * MIN });
            } else take(state, config, now);
            if (!a.call) continue;
            const waiting = [...state.tickets.values()].filter((t) => t.status === 'waiting');
            const called = next(state, config, 'c1', now);
            if (!called) continue;
            const ticket = state.tickets.get(called)!;
            // Nobody still waiting registered before the one called.
            for (const other of waiting) if (other.id !== called) expect(other.queuedAt).toBeGreaterThanOrEqual(ticket.queuedAt);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
