import { describe, expect, it } from 'vitest';
import { applyLinkOutRecord, createLinkOutState, daysToReport, messagesFor, messagesToSend, type LinkOutRecord } from '../../server/domain/link-outbox';
import { dayClosedBody, type DayClosedBody } from '../../server/protocol/link-protocol';

/** The hub's outbox rules: each fact queued once, numbered without gaps, kept until acknowledged. */

const day = (d: string): DayClosedBody => {
  const figures = { key: 'all', tickets: 1, served: 1, noShows: 0, transfers: 0, cancelled: 0, waitAverageMinutes: 3, waitP90Minutes: 3, serviceAverageMinutes: 5, serviceP90Minutes: 5, estimateErrorMinutes: null, ratings: { veryGood: 0, good: 0, poor: 0 } };
  return { day: d, rows: [figures], total: figures, busiestHours: [8], noShows: [] };
};
const apply = (state: ReturnType<typeof createLinkOutState>, records: LinkOutRecord[]) => records.forEach((r) => expect(applyLinkOutRecord(state, r)).toBeNull());

describe('the link outbox', () => {
  it('queues each check-in and each closed day once, in order, however often the facts are read', () => {
    const state = createLinkOutState();
    apply(state, [{ type: 'linked', day: '2026-12-07', at: 1 }]);
    const checkIn = { bookingId: 'b1', ticketId: 't1', ticketNumber: 'A001', at: 5 };
    const first = messagesFor(state, 10, { checkIns: [checkIn, checkIn], closedDays: [day('2026-12-08'), day('2026-12-07')] });
    expect(first.map((r) => r.type === 'queued' && [r.message.seq, r.key])).toEqual([
      [1, 'check-in:b1'],
      [2, 'day:2026-12-07'],
      [3, 'day:2026-12-08'],
    ]);
    apply(state, first);
    expect(messagesFor(state, 11, { checkIns: [checkIn], closedDays: [day('2026-12-08')] })).toEqual([]);
    // A day before the last reported is not reported late (it was closed when its turn came).
    expect(messagesFor(state, 12, { closedDays: [day('2026-12-06')] })).toEqual([]);
    expect(state.reportedThrough).toBe('2026-12-08');
  });

  it('keeps what the province has not applied, and refuses a record out of order', () => {
    const state = createLinkOutState();
    apply(state, messagesFor(state, 1, { checkIns: ['a', 'b', 'c'].map((id) => ({ bookingId: id, ticketId: `t-${id}`, ticketNumber: 'A001', at: 1 })) }));
    expect(messagesToSend(state, 1, 10).map((m) => m.seq)).toEqual([2, 3]);
    apply(state, [{ type: 'acked', upTo: 2 }]);
    expect(state.pending.map((m) => m.seq)).toEqual([3]);
    expect(applyLinkOutRecord(state, { type: 'acked', upTo: 9 })).toMatch(/beyond/);
    expect(applyLinkOutRecord(state, { type: 'queued', key: 'x', message: { seq: 7, kind: 'check-in', body: {}, at: 1 } })).toMatch(/after 3/);
  });

  it('takes a busy day: the busiest hours are counts of tickets, not hours', () => {
    expect(dayClosedBody.safeParse({ ...day('2026-12-07'), busiestHours: Array.from({ length: 24 }, (_, h) => (h === 9 ? 140 : 3)) }).success).toBe(true);
  });

  it('sends a closure once, and its reopening once, when it is gone', () => {
    const state = createLinkOutState();
    const closure = { closureId: 'c1', day: '2026-12-08', serviceId: null, reason: { vi: 'Mất điện', en: 'Power cut' }, by: 'sup', at: 1 };
    apply(state, messagesFor(state, 1, { closures: [closure] }));
    expect(messagesFor(state, 2, { closures: [closure] })).toEqual([]);
    const reopened = messagesFor(state, 3, { closures: [] });
    expect(reopened.map((r) => r.type === 'queued' && [r.key, r.message.kind])).toEqual([['closure-removed:c1', 'closure-removed']]);
    apply(state, reopened);
    expect(messagesFor(state, 4, { closures: [] })).toEqual([]);
  });

  it('reports the days closed since the hub was linked, before today', () => {
    const state = createLinkOutState();
    expect(daysToReport(state, ['2026-12-05'], '2026-12-09')).toEqual([]);
    apply(state, [{ type: 'linked', day: '2026-12-07', at: 1 }]);
    expect(daysToReport(state, ['2026-12-09', '2026-12-05', '2026-12-08', '2026-12-07'], '2026-12-09')).toEqual(['2026-12-07', '2026-12-08']);
  });
});
