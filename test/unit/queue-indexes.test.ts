import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterView } from '../../server/app/queue-views';
import type { DayState, Ticket } from '../../server/domain/queue-state';
import { exec, newDay, type Step } from '../helpers/domain-harness';
import { testCentre, vnTime } from '../helpers/test-centre';

/**
 * The day keeps counts beside its queues (priority tickets per service, tickets sent to one
 * counter) so that choosing and showing the next ticket need not walk every waiting ticket. These
 * properties check them against a plain recount after every step of random days, and the counter
 * view's list and total against sorting everything, as the first version did.
 */

const config = testCentre((input) => {
  // No limits or short number ranges: random days must be able to take as many as they like.
  for (const s of input.services ?? []) {
    delete (s as { dailyLimit?: number }).dailyLimit;
    delete (s as { hours?: unknown }).hours;
    if (s.numbering && s.numbering.kind === 'range') s.numbering = { kind: 'prefix', prefix: 'B', digits: 4 };
  }
});
const services = config.services.map((s) => s.id);
const counters = config.counters.map((c) => c.id);
const officerOf: Record<string, string> = { c1: 'o1', c2: 'o2', c3: 'sup' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ take: fc.constantFrom(...services), priority: fc.option(fc.constant('elderly'), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.constantFrom(...counters).map((c): Step => ({ open: c, by: officerOf[c]! })) },
  {
    weight: 5,
    arbitrary: fc
      .record({ c: fc.constantFrom(...counters), move: fc.constantFrom('next', 'next', 'postpone', 'skip', 'done', 'start') })
      .map(({ c, move }): Step => ({ do: move as 'next', at: c, by: officerOf[c]! })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ c: fc.constantFrom(...counters), to: fc.oneof(fc.record({ counter: fc.constantFrom(...counters) }), fc.record({ service: fc.constantFrom(...services) })) })
      .map(({ c, to }): Step => ({ transfer: to, at: c, by: officerOf[c]! })),
  },
);

function recount(state: DayState) {
  const priority = new Map<string, number>();
  const targeted = new Set<string>();
  for (const [serviceId, queue] of state.waiting) {
    for (const id of queue) {
      const t = state.tickets.get(id)!;
      if (t.priorityGroup !== null) priority.set(serviceId, (priority.get(serviceId) ?? 0) + 1);
      if (t.targetCounterId !== null) targeted.add(id);
    }
  }
  return { priority, targeted };
}

function sortedEligible(state: DayState, counterId: string): Ticket[] {
  const counter = config.counters.find((c) => c.id === counterId)!;
  return counter.services
    .flatMap((s) => state.waiting.get(s) ?? [])
    .map((id) => state.tickets.get(id)!)
    .filter((t) => t.targetCounterId === null || t.targetCounterId === counterId)
    .sort((a, b) => a.queuedAt - b.queuedAt || a.takenAt - b.takenAt);
}

describe('the counts kept beside the queues', () => {
  it('always equal a recount, and the counter views equal sorting every waiting ticket', () => {
    let accepted = 0;
    let steps = 0;
    let waitingSeen = 0;
    fc.assert(
      // Steps a millisecond or none apart too: ties in take time happen on a busy morning.
      fc.property(fc.array(fc.tuple(step, fc.constantFrom(0, 1, 1000, 60_000)), { minLength: 40, maxLength: 150, size: 'max' }), (day) => {
        const state = newDay(config);
        let now = vnTime('08:00');
        for (const [s, later] of day) {
          steps += 1;
          if (exec(state, config, s, now).ok) accepted += 1;
          now += later;
          const { priority, targeted } = recount(state);
          for (const serviceId of state.waiting.keys()) expect(state.priorityWaiting.get(serviceId) ?? 0).toBe(priority.get(serviceId) ?? 0);
          expect([...state.targetedWaiting].sort()).toEqual([...targeted].sort());
          for (const c of counters) {
            const view = counterView(state, config, c, 0)!;
            const all = sortedEligible(state, c);
            expect(view.waitingTotal).toBe(all.length);
            expect(view.waiting.map((t) => t.ticketId)).toEqual(all.slice(0, 200).map((t) => t.id));
            // The ticket Next would call is one the counter may call, and no older one of its kind waits.
            const next = view.nextTicketId ? state.tickets.get(view.nextTicketId)! : null;
            if (all.length === 0) expect(next).toBeNull();
            else expect(all.some((t) => t.id === next?.id)).toBe(true);
          }
        }
        waitingSeen = Math.max(waitingSeen, [...state.waiting.values()].reduce((n, q) => n + q.length, 0));
      }),
      { numRuns: 100 },
    );
    // The random days did something: about half the steps were accepted (the rest are moves a
    // counter cannot make then), and queues grew long.
    expect(accepted).toBeGreaterThan(steps * 0.4);
    expect(waitingSeen).toBeGreaterThan(30);
  });
});
