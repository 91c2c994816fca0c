import type { DayClosedBody, HubMessageKind, LinkMessage } from '../protocol/link-protocol';

/**
 * The hub's outbox to the province (docs/province.md, "The link"), as pure rules. Messages are
 * numbered 1, 2, 3 ... and kept until the province says it applied them. What goes in is decided
 * from facts already on the hub's disk (a check-in in the booking journal, a day in the archive),
 * each under a key that is queued once: after a crash between the fact and its message, the next
 * look at the facts queues what is missing, and nothing twice.
 */

export type LinkOutRecord =
  | { type: 'queued'; key: string; message: LinkMessage }
  /** The province applied every message up to `upTo`: they need not be kept. */
  | { type: 'acked'; upTo: number }
  /** The first day the hub was linked: closed days from this one on are reported. */
  | { type: 'linked'; day: string; at: number }
  /** What a compacted file starts with: everything up to `seq` applied, and the keys queued by then. */
  | { type: 'snapshot'; seq: number; acked: number; keys: string[]; linkedSince: string | null; reportedThrough: string | null };

export interface LinkOutState {
  /** The last number given. */
  seq: number;
  /** The last number the province applied. */
  acked: number;
  /** Messages after `acked`, in order. */
  pending: LinkMessage[];
  /** Keys of every message ever queued ('check-in:<bookingId>', 'day:<day>'). */
  keys: Set<string>;
  /** The key of each pending message, by its number. */
  pendingKeys: Map<number, string>;
  linkedSince: string | null;
  /** The newest day reported closed. */
  reportedThrough: string | null;
}

export function createLinkOutState(): LinkOutState {
  return { seq: 0, acked: 0, pending: [], keys: new Set(), pendingKeys: new Map(), linkedSince: null, reportedThrough: null };
}

/**
 * The records a compacted file holds for `state`: a snapshot of what the province has applied
 * (its keys, so nothing is queued again), then each message still pending, as it was queued.
 * Replayed, they give the same state; the acknowledged messages themselves are gone.
 */
export function compactedRecords(state: LinkOutState): LinkOutRecord[] {
  const pendingKeys = new Set(state.pendingKeys.values());
  return [
    {
      type: 'snapshot',
      seq: state.acked,
      acked: state.acked,
      keys: [...state.keys].filter((k) => !pendingKeys.has(k)),
      linkedSince: state.linkedSince,
      reportedThrough: state.reportedThrough,
    },
    ...state.pending.map((message): LinkOutRecord => ({ type: 'queued', key: state.pendingKeys.get(message.seq)!, message })),
  ];
}

/** Applies one record in place; returns why it does not apply (a damaged file), or null. */
export function applyLinkOutRecord(state: LinkOutState, record: LinkOutRecord): string | null {
  if (record.type === 'snapshot') {
    if (state.seq !== 0) return 'a snapshot after other records';
    state.seq = record.seq;
    state.acked = record.acked;
    state.keys = new Set(record.keys);
    state.linkedSince = record.linkedSince;
    state.reportedThrough = record.reportedThrough;
    return null;
  }
  if (record.type === 'linked') {
    state.linkedSince ??= record.day;
    return null;
  }
  if (record.type === 'acked') {
    if (record.upTo > state.seq) return 'acknowledged beyond the last message';
    if (record.upTo <= state.acked) return null;
    state.acked = record.upTo;
    state.pending = state.pending.filter((m) => m.seq > record.upTo);
    for (const seq of state.pendingKeys.keys()) if (seq <= record.upTo) state.pendingKeys.delete(seq);
    return null;
  }
  if (record.message.seq !== state.seq + 1) return `message ${record.message.seq} after ${state.seq}`;
  if (state.keys.has(record.key)) return `key ${record.key} queued twice`;
  state.seq = record.message.seq;
  state.keys.add(record.key);
  state.pendingKeys.set(record.message.seq, record.key);
  state.pending.push(record.message);
  if (record.key.startsWith('day:')) {
    const day = record.key.slice('day:'.length);
    if (state.reportedThrough === null || day > state.reportedThrough) state.reportedThrough = day;
  }
  return null;
}

/** A day (or a field on a day) the centre closed to bookings. */
export interface ClosureFact {
  closureId: string;
  day: string;
  serviceId: string | null;
  reason: { vi: string; en: string };
  by: string;
  at: number;
}

/** A province booking the centre cancelled (a closure's, or one by one). */
export interface CentreCancelFact {
  bookingId: string;
  reason: { vi: string; en: string } | null;
  at: number;
}

/** A province booking checked in at the hub. */
export interface CheckInFact {
  bookingId: string;
  ticketId: string;
  ticketNumber: string;
  at: number;
}

/** The records that queue each fact not queued yet, numbered after `state.seq`, in the facts' order. */
export function messagesFor(
  state: LinkOutState,
  now: number,
  facts: {
    checkIns?: readonly CheckInFact[];
    closedDays?: readonly DayClosedBody[];
    /** Every closure the centre has now: new ones are sent, ones gone since are sent as removed. */
    closures?: readonly ClosureFact[];
    centreCancellations?: readonly CentreCancelFact[];
  },
): LinkOutRecord[] {
  const records: LinkOutRecord[] = [];
  const seen = new Set<string>();
  const queue = (key: string, kind: HubMessageKind, body: unknown) => {
    if (state.keys.has(key) || seen.has(key)) return;
    seen.add(key);
    records.push({ type: 'queued', key, message: { seq: state.seq + records.length + 1, kind, body, at: now } });
  };
  if (facts.closures) {
    const now = new Set(facts.closures.map((c) => c.closureId));
    for (const c of facts.closures) queue(`closure:${c.closureId}`, 'closure-added', c);
    // A closure sent before and gone now was reopened: said once.
    for (const key of state.keys)
      if (key.startsWith('closure:') && !now.has(key.slice('closure:'.length))) queue(`closure-removed:${key.slice('closure:'.length)}`, 'closure-removed', { closureId: key.slice('closure:'.length) });
  }
  for (const c of facts.centreCancellations ?? []) queue(`centre-cancel:${c.bookingId}`, 'centre-cancel', c);
  for (const c of facts.checkIns ?? []) queue(`check-in:${c.bookingId}`, 'check-in', c);
  // Days in order, and never one before the last reported (a day is reported once, when closed).
  for (const d of [...(facts.closedDays ?? [])].sort((a, b) => a.day.localeCompare(b.day))) {
    if (state.reportedThrough !== null && d.day <= state.reportedThrough) continue;
    queue(`day:${d.day}`, 'day-closed', d);
  }
  return records;
}

/** Closed days still to report, newest last: after the last reported, from the day the hub was linked, before today. */
export function daysToReport(state: LinkOutState, closedDays: readonly string[], today: string): string[] {
  const from = state.reportedThrough ?? state.linkedSince;
  if (from === null) return [];
  return closedDays
    .filter((d) => d < today && (state.reportedThrough === null ? d >= from : d > from))
    .sort();
}

/** The messages to send now: the first `limit` the province has not applied, from `after` (what it said it has). */
export function messagesToSend(state: LinkOutState, after: number, limit: number): LinkMessage[] {
  return state.pending.filter((m) => m.seq > after).slice(0, limit);
}
