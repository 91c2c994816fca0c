import type { CentreConfig } from '../config/centre-config';

/**
 * The state of one service day. It is owned by the app layer and changed only by `applyEvent`
 * (queue-evolve.ts); deciding functions read it and never change it.
 */

export type TicketSource = 'kiosk' | 'api' | 'counter' | 'carry-over' | 'booking';

export interface TicketBooking {
  bookingId: string;
  slotStart: number;
  /** 'slot': called ahead of walk-ins from `slotStart`; 'remote': a number like a walk-in's. */
  policy: 'slot' | 'remote';
}

export type TicketStatus = 'waiting' | 'called' | 'serving' | 'done' | 'no-show' | 'cancelled';

export interface Ticket {
  id: string;
  /** What the visitor sees and hears: "A025" or "1015". Unique within the day. */
  number: string;
  serviceId: string;
  priorityGroup: string | null;
  status: TicketStatus;
  source: TicketSource;
  /** Set for a booking checked in at the kiosk (no personal data: the booking holds that). */
  booking: TicketBooking | null;
  /** The procedure the visitor came for (a catalog code), when chosen at the kiosk (absent in days archived before procedures). */
  procedureCode?: string | null;
  carriedFrom: string | null;
  cancelReason: 'closing' | 'carry-over' | null;
  takenAt: number;
  /** Order key in the waiting queue: the take time, or the time it was postponed. */
  queuedAt: number;
  /** Set by a transfer to one counter: only that counter calls it by "next". */
  targetCounterId: string | null;
  counterId: string | null;
  officerId: string | null;
  calledAt: number | null;
  servingAt: number | null;
  finishedAt: number | null;
  recalls: number;
  postponements: number;
  transfers: number;
  estimatedWaitMinutes: number | null;
  rating: { level: 1 | 2 | 3; reason: string | null } | null;
}

export interface CounterState {
  id: string;
  status: 'closed' | 'open' | 'paused';
  officerId: string | null;
  pauseReason: string | null;
  currentTicketId: string | null;
  /** Normal tickets called since the last priority ticket, and priority tickets called in a row. */
  sincePriority: number;
  priorityRun: number;
  /** Booked tickets (policy 'slot') called in a row while walk-ins waited. */
  bookedRun: number;
  served: number;
  changedAt: number | null;
}

export interface CallRecord {
  ticketId: string;
  number: string;
  serviceId: string;
  counterId: string;
  at: number;
  kind: 'call' | 'recall';
  booked: boolean;
}

export interface DayState {
  day: string;
  tickets: Map<string, Ticket>;
  byNumber: Map<string, string>;
  /** Waiting ticket ids per service, kept sorted by (queuedAt, take order). */
  waiting: Map<string, string[]>;
  /** Highest number index issued today per service (numbers are never reused). */
  issued: Map<string, number>;
  counters: Map<string, CounterState>;
  recentCalls: CallRecord[];
  /** Recent service durations (ms) per service, newest last. */
  serviceDurations: Map<string, number[]>;
  /** Today's figures per officer, kept as events apply (never recounted from all tickets). */
  officerStats: Map<string, OfficerDayStats>;
  /** Set when the supervisor closed the day: no more tickets are taken. */
  closed: { mode: 'serve' | 'cancel' | 'carry-over'; at: number; by: string } | null;
  /** Tickets carried over from the last working day (few), so views need not walk every ticket. */
  carried: Set<string>;
  /**
   * Waiting tickets of a priority group, per service, and waiting tickets sent to one counter (few):
   * kept as tickets join and leave the queues, so choosing and showing the next ticket does not walk
   * every waiting ticket.
   */
  priorityWaiting: Map<string, number>;
  targetedWaiting: Set<string>;
  /** Waiting booked tickets called by slot (policy 'slot'): few, so choosing the next walks them. */
  bookedWaiting: Set<string>;
}

export interface OfficerDayStats {
  served: number;
  noShows: number;
  transferred: number;
  /** Sum of service times (ms) of the tickets served, for the average. */
  serviceMs: number;
}

export const RECENT_CALLS_KEPT = 10;
export const SERVICE_DURATIONS_KEPT = 10;

export function createDayState(day: string, config: CentreConfig): DayState {
  const state: DayState = {
    day,
    tickets: new Map(),
    byNumber: new Map(),
    waiting: new Map(),
    issued: new Map(),
    counters: new Map(),
    recentCalls: [],
    serviceDurations: new Map(),
    officerStats: new Map(),
    closed: null,
    carried: new Set(),
    priorityWaiting: new Map(),
    targetedWaiting: new Set(),
    bookedWaiting: new Set(),
  };
  ensureConfigured(state, config);
  return state;
}

/** Gives the day room for every configured service and counter (new ones appear live). */
export function ensureConfigured(state: DayState, config: CentreConfig): void {
  for (const s of config.services) {
    if (!state.waiting.has(s.id)) state.waiting.set(s.id, []);
    if (!state.issued.has(s.id)) state.issued.set(s.id, 0);
  }
  for (const c of config.counters) counterStateOf(state, c.id);
}

/** A counter's state, made on first use (also for a counter removed from the configuration today). */
export function counterStateOf(state: DayState, counterId: string): CounterState {
  let counter = state.counters.get(counterId);
  if (!counter) {
    counter = {
      id: counterId,
      status: 'closed',
      officerId: null,
      pauseReason: null,
      currentTicketId: null,
      sincePriority: Number.MAX_SAFE_INTEGER,
      priorityRun: 0,
      bookedRun: 0,
      served: 0,
      changedAt: null,
    };
    state.counters.set(counterId, counter);
  }
  return counter;
}

/** The local calendar facts a decision needs; computed from the clock outside the domain. */
export interface DomainContext {
  now: number;
  /** Local date of the centre, YYYY-MM-DD. */
  day: string;
  /** ISO weekday, 1 = Monday ... 7 = Sunday. */
  weekday: number;
  minuteOfDay: number;
}
