import { describe, expect, it } from 'vitest';
import type { QueueEventType } from '../../server/domain/queue-events';
import type { ErrorCode } from '../../server/protocol/error-codes';
import { estimateWaitMinutes } from '../../server/domain/wait-estimate';
import { applyEvent } from '../../server/domain/queue-evolve';
import { rateTicket, serviceAvailability } from '../../server/domain/queue-commands';
import { MAX_TICKET_NUMBER, ticketNumber } from '../../server/domain/numbering';
import { domainContext } from '../../server/app/local-time';
import { MAX_READABLE_NUMBER } from '../../display/voice/number-reading';
import { createDayState } from '../../server/domain/queue-state';
import type { QueueEvent } from '../../server/domain/queue-events';
import { currentNumber, exec, newDay, scenario, type Step } from '../helpers/domain-harness';
import { testCentre, vnTime } from '../helpers/test-centre';

const config = testCentre();
const NINE = vnTime('09:00');

const open1: Step = { open: 'c1', by: 'o1' };
const takeA: Step = { take: 'ho-tich' };
const next1: Step = { do: 'next', at: 'c1', by: 'o1' };

interface Row {
  name: string;
  setup: Step[];
  step: Step;
  /** Event types in order, or the error code. */
  expect: QueueEventType[] | ErrorCode;
  at?: number;
}

const rows: Row[] = [
  // Taking a number
  { name: 'take a number', setup: [], step: takeA, expect: ['ticket-taken'] },
  { name: 'take a number in a priority group', setup: [], step: { take: 'ho-tich', priority: 'elderly' }, expect: ['ticket-taken'] },
  { name: 'take for an unknown service', setup: [], step: { take: 'nope' }, expect: 'UNKNOWN_SERVICE' },
  { name: 'take with an unknown priority group', setup: [], step: { take: 'ho-tich', priority: 'vip' }, expect: 'UNKNOWN_PRIORITY_GROUP' },
  { name: 'take inside opening hours', setup: [], step: { take: 'dat-dai' }, expect: ['ticket-taken'], at: vnTime('07:30') },
  { name: 'take before opening', setup: [], step: { take: 'dat-dai' }, expect: 'SERVICE_CLOSED', at: vnTime('07:29') },
  { name: 'take at closing time', setup: [], step: { take: 'dat-dai' }, expect: 'SERVICE_CLOSED', at: vnTime('11:30') },
  { name: 'take on a Saturday', setup: [], step: { take: 'dat-dai' }, expect: 'SERVICE_CLOSED', at: vnTime('09:00', '2026-11-28') },
  { name: 'take over the daily limit', setup: [{ take: 'tu-phap' }, { take: 'tu-phap' }], step: { take: 'tu-phap' }, expect: 'DAILY_LIMIT_REACHED' },
  {
    name: 'take past the end of the number range',
    setup: [{ take: 'chung-thuc' }, { take: 'chung-thuc' }, { take: 'chung-thuc' }],
    step: { take: 'chung-thuc' },
    expect: 'NUMBERS_EXHAUSTED',
  },
  // Opening a counter
  { name: 'open a counter', setup: [], step: open1, expect: ['counter-opened'] },
  { name: 'open the same counter again', setup: [open1], step: open1, expect: [] },
  { name: 'open a counter another officer holds', setup: [open1], step: { open: 'c1', by: 'o2' }, expect: 'COUNTER_OCCUPIED' },
  { name: 'take over a counter (supervisor force)', setup: [open1], step: { open: 'c1', by: 'sup', force: true }, expect: ['counter-closed', 'counter-opened'] },
  { name: 'open an unknown counter', setup: [], step: { open: 'c9', by: 'o1' }, expect: 'UNKNOWN_COUNTER' },
  { name: 'move to another counter', setup: [open1], step: { open: 'c2', by: 'o1' }, expect: ['counter-closed', 'counter-opened'] },
  { name: 'move to another counter while serving', setup: [open1, takeA, next1], step: { open: 'c2', by: 'o1' }, expect: 'COUNTER_BUSY' },
  // Next
  { name: 'next at a closed counter', setup: [takeA], step: next1, expect: 'COUNTER_NOT_OPEN' },
  { name: 'next at a counter another officer holds', setup: [open1, takeA], step: { do: 'next', at: 'c1', by: 'o2' }, expect: 'COUNTER_OCCUPIED' },
  { name: 'next with nobody waiting', setup: [open1], step: next1, expect: 'NO_TICKET_WAITING' },
  { name: 'next calls a waiting ticket', setup: [open1, takeA], step: next1, expect: ['ticket-called'] },
  { name: 'next finishes the current ticket first', setup: [open1, takeA, takeA, next1], step: next1, expect: ['ticket-done', 'ticket-called'] },
  { name: 'next with a current ticket and nobody else', setup: [open1, takeA, next1], step: next1, expect: ['ticket-done'] },
  { name: 'next while paused', setup: [open1, { do: 'pause', at: 'c1', by: 'o1' }, takeA], step: next1, expect: 'COUNTER_PAUSED' },
  { name: 'next does not call other services', setup: [{ open: 'c3', by: 'o3' }, takeA], step: { do: 'next', at: 'c3', by: 'o3' }, expect: 'NO_TICKET_WAITING' },
  { name: 'next on an unknown counter', setup: [], step: { do: 'next', at: 'c9', by: 'o1' }, expect: 'UNKNOWN_COUNTER' },
  // Moves on the current ticket
  ...(['recall', 'start', 'skip', 'postpone', 'done'] as const).map(
    (move): Row => ({ name: `${move} without a current ticket`, setup: [open1], step: { do: move, at: 'c1', by: 'o1' }, expect: 'NO_CURRENT_TICKET' }),
  ),
  ...(['recall', 'start', 'skip', 'postpone', 'done'] as const).map(
    (move): Row => ({ name: `${move} at a closed counter`, setup: [], step: { do: move, at: 'c1', by: 'o1' }, expect: 'COUNTER_NOT_OPEN' }),
  ),
  { name: 'recall a called ticket', setup: [open1, takeA, next1], step: { do: 'recall', at: 'c1', by: 'o1' }, expect: ['ticket-recalled'] },
  { name: 'recall a ticket being served', setup: [open1, takeA, next1, { do: 'start', at: 'c1', by: 'o1' }], step: { do: 'recall', at: 'c1', by: 'o1' }, expect: 'TICKET_NOT_CALLED' },
  { name: 'start serving a called ticket', setup: [open1, takeA, next1], step: { do: 'start', at: 'c1', by: 'o1' }, expect: ['service-started'] },
  { name: 'start twice', setup: [open1, takeA, next1, { do: 'start', at: 'c1', by: 'o1' }], step: { do: 'start', at: 'c1', by: 'o1' }, expect: 'TICKET_NOT_CALLED' },
  { name: 'no-show of a called ticket', setup: [open1, takeA, next1], step: { do: 'skip', at: 'c1', by: 'o1' }, expect: ['ticket-no-show'] },
  { name: 'no-show of a ticket being served', setup: [open1, takeA, next1, { do: 'start', at: 'c1', by: 'o1' }], step: { do: 'skip', at: 'c1', by: 'o1' }, expect: 'TICKET_NOT_CALLED' },
  { name: 'postpone the current ticket', setup: [open1, takeA, next1], step: { do: 'postpone', at: 'c1', by: 'o1' }, expect: ['ticket-postponed'] },
  { name: 'done with a called ticket', setup: [open1, takeA, next1], step: { do: 'done', at: 'c1', by: 'o1' }, expect: ['ticket-done'] },
  { name: 'done with a ticket being served', setup: [open1, takeA, next1, { do: 'start', at: 'c1', by: 'o1' }], step: { do: 'done', at: 'c1', by: 'o1' }, expect: ['ticket-done'] },
  // Transfer
  { name: 'transfer to another service', setup: [open1, takeA, next1], step: { transfer: { service: 'chung-thuc' }, at: 'c1', by: 'o1' }, expect: ['ticket-transferred'] },
  { name: 'transfer to another counter', setup: [open1, takeA, next1], step: { transfer: { counter: 'c2' }, at: 'c1', by: 'o1' }, expect: ['ticket-transferred'] },
  { name: 'transfer to a service the centre lacks', setup: [open1, takeA, next1], step: { transfer: { service: 'xay-dung' }, at: 'c1', by: 'o1' }, expect: 'UNKNOWN_SERVICE' },
  { name: 'transfer to an unknown counter', setup: [open1, takeA, next1], step: { transfer: { counter: 'c9' }, at: 'c1', by: 'o1' }, expect: 'UNKNOWN_COUNTER' },
  { name: 'transfer to the same service', setup: [open1, takeA, next1], step: { transfer: { service: 'ho-tich' }, at: 'c1', by: 'o1' }, expect: 'INVALID_TRANSFER' },
  { name: 'transfer to a counter that does not serve it', setup: [open1, takeA, next1], step: { transfer: { counter: 'c3' }, at: 'c1', by: 'o1' }, expect: 'INVALID_TRANSFER' },
  { name: 'transfer to its own counter', setup: [open1, takeA, next1], step: { transfer: { counter: 'c1' }, at: 'c1', by: 'o1' }, expect: 'INVALID_TRANSFER' },
  { name: 'transfer without a current ticket', setup: [open1], step: { transfer: { service: 'chung-thuc' }, at: 'c1', by: 'o1' }, expect: 'NO_CURRENT_TICKET' },
  { name: 'transfer to an unknown service without a current ticket', setup: [open1], step: { transfer: { service: 'xay-dung' }, at: 'c1', by: 'o1' }, expect: 'UNKNOWN_SERVICE' },
  // Call a specific number
  { name: 'call a specific number', setup: [open1, takeA, takeA], step: { call: 'A002', at: 'c1', by: 'o1' }, expect: ['ticket-called'] },
  { name: 'call a number typed in lower case', setup: [open1, takeA, takeA], step: { call: 'a002', at: 'c1', by: 'o1' }, expect: ['ticket-called'] },
  { name: 'call a number finishes the current one', setup: [open1, takeA, takeA, next1], step: { call: 'A002', at: 'c1', by: 'o1' }, expect: ['ticket-done', 'ticket-called'] },
  { name: 'call a number nobody has', setup: [open1, takeA], step: { call: 'A099', at: 'c1', by: 'o1' }, expect: 'UNKNOWN_TICKET' },
  { name: 'call a number already called', setup: [open1, takeA, next1, { open: 'c2', by: 'o2' }], step: { call: 'A001', at: 'c2', by: 'o2' }, expect: 'TICKET_NOT_WAITING' },
  { name: 'call a number of a service the counter lacks', setup: [{ open: 'c3', by: 'o3' }, takeA], step: { call: 'A001', at: 'c3', by: 'o3' }, expect: 'SERVICE_NOT_AT_COUNTER' },
  { name: 'call a number while paused', setup: [open1, takeA, { do: 'pause', at: 'c1', by: 'o1' }], step: { call: 'A001', at: 'c1', by: 'o1' }, expect: 'COUNTER_PAUSED' },
  // Pause, resume, close
  { name: 'pause an idle counter', setup: [open1], step: { do: 'pause', at: 'c1', by: 'o1' }, expect: ['counter-paused'] },
  { name: 'pause while serving', setup: [open1, takeA, next1], step: { do: 'pause', at: 'c1', by: 'o1' }, expect: 'COUNTER_BUSY' },
  { name: 'pause twice', setup: [open1, { do: 'pause', at: 'c1', by: 'o1' }], step: { do: 'pause', at: 'c1', by: 'o1' }, expect: 'COUNTER_PAUSED' },
  { name: 'resume a paused counter', setup: [open1, { do: 'pause', at: 'c1', by: 'o1' }], step: { do: 'resume', at: 'c1', by: 'o1' }, expect: ['counter-resumed'] },
  { name: 'resume a counter that is not paused', setup: [open1], step: { do: 'resume', at: 'c1', by: 'o1' }, expect: 'COUNTER_NOT_PAUSED' },
  { name: 'close an idle counter', setup: [open1], step: { do: 'close', at: 'c1', by: 'o1' }, expect: ['counter-closed'] },
  { name: 'close a paused counter', setup: [open1, { do: 'pause', at: 'c1', by: 'o1' }], step: { do: 'close', at: 'c1', by: 'o1' }, expect: ['counter-closed'] },
  { name: 'close while serving', setup: [open1, takeA, next1], step: { do: 'close', at: 'c1', by: 'o1' }, expect: 'COUNTER_BUSY' },
  { name: 'close a closed counter', setup: [], step: { do: 'close', at: 'c1', by: 'o1' }, expect: 'COUNTER_NOT_OPEN' },
];

describe('queue moves', () => {
  it.each(rows)('$name', ({ setup, step, expect: expected, at }) => {
    const { state, now } = scenario(config, setup, NINE - 60 * 60_000);
    const before = JSON.stringify(snapshotOf(state));
    const decision = exec(state, config, step, at ?? now);
    if (typeof expected === 'string') {
      expect(decision).toEqual({ ok: false, error: expected });
      expect(JSON.stringify(snapshotOf(state)), 'a refused command changes nothing').toBe(before);
    } else {
      expect(decision.ok ? decision.events.map((e) => e.type) : decision.error).toEqual(expected);
    }
  });
});

function snapshotOf(state: ReturnType<typeof newDay>) {
  return {
    tickets: [...state.tickets.values()],
    waiting: [...state.waiting.entries()],
    counters: [...state.counters.values()],
    issued: [...state.issued.entries()],
  };
}

describe('numbering', () => {
  it('gives prefix numbers with padding and range numbers in order, never twice in a day', () => {
    const { state } = scenario(
      config,
      [takeA, takeA, { take: 'chung-thuc' }, { take: 'chung-thuc' }, open1, next1, { do: 'skip', at: 'c1', by: 'o1' }, takeA],
      NINE,
    );
    const numbers = [...state.tickets.values()].map((t) => t.number);
    expect(numbers).toEqual(['A001', 'A002', '1001', '1002', 'A003']);
  });

  it('stops prefix numbering at A99999, the highest number the voice reads', () => {
    expect(MAX_TICKET_NUMBER).toBe(MAX_READABLE_NUMBER);
    const prefix = { kind: 'prefix', prefix: 'A', digits: 3 } as const;
    expect(ticketNumber(prefix, 999)).toBe('A999');
    expect(ticketNumber(prefix, 1000)).toBe('A1000');
    expect(ticketNumber(prefix, 99_999)).toBe('A99999');
    expect(ticketNumber(prefix, 100_000)).toBeNull();
    expect(ticketNumber({ ...prefix, digits: 4 }, 10_000)).toBe('A10000');
    expect(ticketNumber({ ...prefix, digits: 4 }, 100_000)).toBeNull();
    const range = { kind: 'range', from: 99_990, to: 99_999 } as const;
    expect(ticketNumber(range, 10)).toBe('99999');
    expect(ticketNumber(range, 11)).toBeNull();
    expect(ticketNumber({ kind: 'range', from: 10_000, to: 10_010 }, 6)).toBe('10005');
  });

  it('answers NUMBERS_EXHAUSTED after A99999', () => {
    const cfg = testCentre((c) => {
      delete c.services[0]!.dailyLimit;
    });
    const state = newDay(cfg);
    state.issued.set('ho-tich', 99_998);
    const service = cfg.services.find((s) => s.id === 'ho-tich')!;
    expect(serviceAvailability(state, service, domainContext(NINE, cfg.centre.timeZone))).toBe('open');
    const last = exec(state, cfg, takeA, NINE);
    expect(last.ok && last.events[0]?.type === 'ticket-taken' && last.events[0].number).toBe('A99999');
    expect(state.issued.get('ho-tich')).toBe(99_999);
    expect(exec(state, cfg, takeA, NINE + 60_000)).toEqual({ ok: false, error: 'NUMBERS_EXHAUSTED' });
    expect(serviceAvailability(state, service, domainContext(NINE, cfg.centre.timeZone))).toBe('NUMBERS_EXHAUSTED');
  });

  it('keeps the number when a ticket is postponed or transferred', () => {
    const { state } = scenario(config, [takeA, takeA, open1, next1, { do: 'postpone', at: 'c1', by: 'o1' }, next1, { transfer: { service: 'chung-thuc' }, at: 'c1', by: 'o1' }], NINE);
    expect([...state.tickets.values()].map((t) => [t.number, t.status, t.serviceId])).toEqual([
      ['A001', 'waiting', 'ho-tich'],
      ['A002', 'waiting', 'chung-thuc'],
    ]);
  });
});

describe('ordering', () => {
  /** Takes tickets (N = normal, P = priority) and calls them all at c1; returns the call order. */
  function callOrder(pattern: string, patch?: Parameters<typeof testCentre>[0]): string[] {
    const cfg = testCentre(patch);
    const steps: Step[] = [...pattern].map((k) => (k === 'P' ? { take: 'ho-tich', priority: 'elderly' } : takeA));
    const { state, now } = scenario(cfg, [open1, ...steps], NINE);
    const order: string[] = [];
    let t = now;
    for (;;) {
      const decision = exec(state, cfg, { do: 'done', at: 'c1', by: 'o1' }, t);
      void decision;
      const next = exec(state, cfg, next1, (t += 60_000));
      if (!next.ok) break;
      const number = currentNumber(state, 'c1')!;
      order.push(state.tickets.get(state.byNumber.get(number)!)!.priorityGroup ? `${number}*` : number);
    }
    return order;
  }

  it('interleaves 2 normal : 1 priority, starting with priority, so nobody starves', () => {
    expect(callOrder('NNNNNNPPP')).toEqual(['A007*', 'A001', 'A002', 'A008*', 'A003', 'A004', 'A009*', 'A005', 'A006']);
  });

  it('interleaves 1 normal : 2 priority when so configured', () => {
    const order = callOrder('NNNPPPP', (c) => {
      c.ordering = { priority: 'interleave', interleave: { normal: 1, priority: 2 } };
    });
    expect(order).toEqual(['A004*', 'A005*', 'A001', 'A006*', 'A007*', 'A002', 'A003']);
  });

  it('serves priority tickets first under priority-first', () => {
    const order = callOrder('NNPNP', (c) => {
      c.ordering = { priority: 'priority-first' };
    });
    expect(order).toEqual(['A003*', 'A005*', 'A001', 'A002', 'A004']);
  });

  it('ignores priority groups under fifo', () => {
    const order = callOrder('NPNP', (c) => {
      c.ordering = { priority: 'fifo' };
    });
    expect(order).toEqual(['A001', 'A002*', 'A003', 'A004*']);
  });

  it('takes the oldest ticket across the counter services', () => {
    const { state, now } = scenario(config, [{ take: 'chung-thuc' }, takeA, { take: 'chung-thuc' }, open1], NINE);
    exec(state, config, next1, now);
    expect(currentNumber(state, 'c1')).toBe('1001');
    exec(state, config, next1, now + 60_000);
    expect(currentNumber(state, 'c1')).toBe('A001');
  });

  it('follows the counter list under counter-order', () => {
    const cfg = testCentre((c) => {
      c.ordering = { acrossServices: 'counter-order' };
    });
    const { state, now } = scenario(cfg, [{ take: 'chung-thuc' }, takeA, { open: 'c2', by: 'o2' }, open1], NINE);
    exec(state, cfg, next1, now);
    expect(currentNumber(state, 'c1')).toBe('A001'); // c1 lists ho-tich first
    exec(state, cfg, { do: 'next', at: 'c2', by: 'o2' }, now);
    expect(currentNumber(state, 'c2')).toBe('1001'); // c2 lists chung-thuc first
  });

  it('sends a postponed ticket to the back and keeps a transferred ticket in its place', () => {
    const { state, now } = scenario(config, [takeA, takeA, takeA, open1, next1, { do: 'postpone', at: 'c1', by: 'o1' }], NINE);
    expect(state.waiting.get('ho-tich')!.map((id) => state.tickets.get(id)!.number)).toEqual(['A002', 'A003', 'A001']);
    exec(state, config, next1, now); // A002
    exec(state, config, { transfer: { service: 'chung-thuc' }, at: 'c1', by: 'o1' }, now + 1);
    exec(state, config, { take: 'chung-thuc' }, now + 2);
    expect(state.waiting.get('chung-thuc')!.map((id) => state.tickets.get(id)!.number)).toEqual(['A002', '1001']);
  });

  it('lets only the target counter call a ticket transferred to it', () => {
    const { state, now } = scenario(config, [takeA, open1, { open: 'c2', by: 'o2' }, next1, { transfer: { counter: 'c2' }, at: 'c1', by: 'o1' }], NINE);
    expect(exec(state, config, next1, now)).toEqual({ ok: false, error: 'NO_TICKET_WAITING' });
    exec(state, config, { do: 'next', at: 'c2', by: 'o2' }, now);
    expect(currentNumber(state, 'c2')).toBe('A001');
  });
});

describe('wait estimate', () => {
  it('is unknown while no counter for the service is open', () => {
    const { state } = scenario(config, [takeA], NINE);
    expect(estimateWaitMinutes(state, config, 'ho-tich', 1)).toBeNull();
  });

  it('uses the default service time shared by the open counters, then real service times', () => {
    const { state, now } = scenario(config, [takeA, takeA, takeA, takeA, open1], NINE);
    expect(estimateWaitMinutes(state, config, 'ho-tich', 4)).toBe(40); // 4 x 10 min, 1 counter
    exec(state, config, { open: 'c2', by: 'o2' }, now);
    expect(estimateWaitMinutes(state, config, 'ho-tich', 4)).toBe(20); // 2 counters
    exec(state, config, next1, now);
    exec(state, config, { do: 'done', at: 'c1', by: 'o1' }, now + 4 * 60_000); // served in 4 min
    expect(estimateWaitMinutes(state, config, 'ho-tich', 4)).toBe(8);
  });
});

describe('replay', () => {
  it('rebuilds exactly the same state from the events', () => {
    const events: QueueEvent[] = [];
    const state = newDay(config);
    let now = NINE;
    const steps: Step[] = [
      takeA, { take: 'ho-tich', priority: 'elderly' }, { take: 'chung-thuc' }, open1, { open: 'c2', by: 'o2' },
      next1, { do: 'recall', at: 'c1', by: 'o1' }, { do: 'start', at: 'c1', by: 'o1' }, next1,
      { do: 'next', at: 'c2', by: 'o2' }, { do: 'postpone', at: 'c2', by: 'o2' }, { do: 'next', at: 'c2', by: 'o2' },
      { transfer: { service: 'chung-thuc', counter: 'c2' }, at: 'c1', by: 'o1' }, { do: 'pause', at: 'c1', by: 'o1' },
    ];
    for (const step of steps) {
      const decision = exec(state, config, step, (now += 60_000));
      if (decision.ok) events.push(...decision.events);
    }
    const rebuilt = createDayState('2026-11-26', config);
    for (const event of events) expect(applyEvent(rebuilt, event)).toBeNull();
    expect(snapshotOf(rebuilt)).toEqual(snapshotOf(state));
  });

  it('refuses an event whose ticket is missing instead of corrupting the state', () => {
    const state = newDay(config);
    expect(applyEvent(state, { type: 'ticket-called', ticketId: 'ghost', counterId: 'c1', officerId: 'o1', outOfOrder: false, at: NINE })).toMatch(/not waiting/);
    expect(state.counters.get('c1')!.currentTicketId).toBeNull();
  });
});

describe('ratings', () => {
  it('a served ticket is rated once; a waiting one cannot be', () => {
    const { state, now } = scenario(config, [takeA, takeA, open1, next1, { do: 'done', at: 'c1', by: 'o1' }], NINE);
    const done = state.byNumber.get('A001')!;
    const ctx = { now, day: '2026-11-26', weekday: 4, minuteOfDay: 600 };
    const first = rateTicket(state, ctx, { ticketId: done, level: 3, reason: null });
    expect(first.ok && first.events.map((e) => e.type)).toEqual(['ticket-rated']);
    if (first.ok) first.events.forEach((e) => applyEvent(state, e));
    expect(rateTicket(state, ctx, { ticketId: done, level: 1, reason: 'x' })).toEqual({ ok: false, error: 'ALREADY_RATED' });
    expect(rateTicket(state, ctx, { ticketId: state.byNumber.get('A002')!, level: 2, reason: null })).toEqual({ ok: false, error: 'TICKET_NOT_DONE' });
    expect(rateTicket(state, ctx, { ticketId: 'nope', level: 2, reason: null })).toEqual({ ok: false, error: 'UNKNOWN_TICKET' });
    expect(state.tickets.get(done)!.rating).toEqual({ level: 3, reason: null });
  });
});

describe("an officer's figures for today", () => {
  it('count served, no-shows and transfers with the average service time, wherever the officer worked', () => {
    const { state, now } = scenario(
      config,
      [takeA, takeA, takeA, takeA, open1, next1, { do: 'start', at: 'c1', by: 'o1' }],
      NINE,
    );
    exec(state, config, { do: 'done', at: 'c1', by: 'o1' }, now + 6 * 60_000); // served in ~7 min
    exec(state, config, next1, now + 7 * 60_000);
    exec(state, config, { do: 'skip', at: 'c1', by: 'o1' }, now + 8 * 60_000);
    exec(state, config, next1, now + 9 * 60_000);
    exec(state, config, { transfer: { service: 'chung-thuc' }, at: 'c1', by: 'o1' }, now + 10 * 60_000);
    exec(state, config, { open: 'c2', by: 'o1' }, now + 11 * 60_000);
    exec(state, config, { do: 'next', at: 'c2', by: 'o1' }, now + 11 * 60_000);
    exec(state, config, { do: 'done', at: 'c2', by: 'o1' }, now + 14 * 60_000); // 3 min
    expect(state.officerStats.get('o1')).toEqual({ served: 2, noShows: 1, transferred: 1, serviceMs: 10 * 60_000 });
  });
});
