/**
 * Figures of the queue over a period, from the tickets of its days: per service, counter or
 * officer. Pure: the caller gives the tickets and the local hour of an instant.
 */
export interface ReportTicket {
  serviceId: string;
  counterId: string | null;
  officerId: string | null;
  status: 'waiting' | 'called' | 'serving' | 'done' | 'no-show' | 'cancelled';
  takenAt: number;
  calledAt: number | null;
  servingAt: number | null;
  finishedAt: number | null;
  transfers: number;
  estimatedWaitMinutes: number | null;
  rating: { level: 1 | 2 | 3 } | null;
  /** A booking checked in: its slot's start (the wait of a booked visitor counts from it). */
  booking?: { slotStart: number; policy: 'slot' | 'remote' } | null;
  /** The procedure chosen at the kiosk (a catalog code), if one was. */
  procedureCode?: string | null;
}

/** Per procedure: only the tickets taken for a procedure (at the kiosk's "Lấy số cho thủ tục này"). */
export type ReportGrouping = 'service' | 'counter' | 'officer' | 'procedure';

function keyOf(t: ReportTicket, groupBy: ReportGrouping): string | null {
  if (groupBy === 'service') return t.serviceId;
  if (groupBy === 'counter') return t.counterId;
  if (groupBy === 'officer') return t.officerId;
  return t.procedureCode ?? null;
}

export interface ReportFigures {
  key: string;
  /** Tickets taken (per service), or called (per counter or officer). */
  tickets: number;
  served: number;
  noShows: number;
  transfers: number;
  cancelled: number;
  waitAverageMinutes: number | null;
  waitP90Minutes: number | null;
  serviceAverageMinutes: number | null;
  serviceP90Minutes: number | null;
  /** Mean absolute difference between the wait the kiosk announced and the real one. */
  estimateErrorMinutes: number | null;
  ratings: { veryGood: number; good: number; poor: number };
}

export interface QueueReport {
  rows: ReportFigures[];
  total: ReportFigures;
  /** Tickets taken per local hour of the day, 0-23. */
  busiestHours: number[];
}

export function queueReport(tickets: ReportTicket[], groupBy: ReportGrouping, localHour: (ms: number) => number): QueueReport {
  const groups = new Map<string, ReportTicket[]>();
  const busiestHours = Array.from({ length: 24 }, () => 0);
  for (const t of tickets) {
    busiestHours[localHour(t.takenAt)]! += 1;
    const key = keyOf(t, groupBy);
    if (key === null) continue;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(t);
  }
  const rows = [...groups.entries()].map(([key, list]) => figures(key, list)).sort((a, b) => a.key.localeCompare(b.key));
  const total = figures('total', groupBy === 'service' ? tickets : tickets.filter((t) => keyOf(t, groupBy) !== null));
  return { rows, total, busiestHours };
}

function figures(key: string, list: ReportTicket[]): ReportFigures {
  const waits: number[] = [];
  const services: number[] = [];
  const estimateErrors: number[] = [];
  const ratings = { veryGood: 0, good: 0, poor: 0 };
  let served = 0;
  let noShows = 0;
  let transfers = 0;
  let cancelled = 0;
  for (const t of list) {
    transfers += t.transfers;
    if (t.status === 'cancelled') cancelled += 1;
    if (t.status === 'no-show') noShows += 1;
    if (t.calledAt !== null) {
      const wait = (t.calledAt - t.takenAt) / 60_000;
      waits.push(wait);
      if (t.estimatedWaitMinutes !== null) estimateErrors.push(Math.abs(t.estimatedWaitMinutes - wait));
    }
    if (t.status === 'done' && t.finishedAt !== null) {
      served += 1;
      services.push((t.finishedAt - (t.servingAt ?? t.calledAt ?? t.finishedAt)) / 60_000);
    }
    if (t.rating?.level === 3) ratings.veryGood += 1;
    else if (t.rating?.level === 2) ratings.good += 1;
    else if (t.rating?.level === 1) ratings.poor += 1;
  }
  return {
    key,
    tickets: list.length,
    served,
    noShows,
    transfers,
    cancelled,
    waitAverageMinutes: average(waits),
    waitP90Minutes: percentile(waits, 0.9),
    serviceAverageMinutes: average(services),
    serviceP90Minutes: percentile(services, 0.9),
    estimateErrorMinutes: average(estimateErrors),
    ratings,
  };
}

/** Booked and walk-in visitors side by side (docs/booking.md, "Reports"). */
export interface BookedVersusWalkIn {
  bookedTickets: number;
  walkInTickets: number;
  /** Booked visitors' wait from their slot's start (or their check-in, if later) to the call. */
  bookedWaitAverageMinutes: number | null;
  bookedWaitP90Minutes: number | null;
  walkInWaitAverageMinutes: number | null;
  walkInWaitP90Minutes: number | null;
}

/** What became of the bookings whose slot fell in the period. */
export interface BookingOutcomes {
  /** Bookings for the period not cancelled: those expected to come. */
  expected: number;
  checkedIn: number;
  noShows: number;
  cancelledByCitizen: number;
  cancelledByCentre: number;
  /** checkedIn / expected, and noShows / expected (null with nothing expected). */
  checkInRate: number | null;
  noShowRate: number | null;
}

export function bookedVersusWalkIn(tickets: ReportTicket[]): BookedVersusWalkIn {
  const booked: number[] = [];
  const walkIn: number[] = [];
  let bookedTickets = 0;
  let walkInTickets = 0;
  for (const t of tickets) {
    if (t.booking) bookedTickets += 1;
    else walkInTickets += 1;
    if (t.calledAt === null) continue;
    // A remote number is a walk-in's equal: its wait counts from when it was checked in.
    const from = t.booking?.policy === 'slot' ? Math.max(t.booking.slotStart, t.takenAt) : t.takenAt;
    (t.booking ? booked : walkIn).push(Math.max(0, t.calledAt - from) / 60_000);
  }
  return {
    bookedTickets,
    walkInTickets,
    bookedWaitAverageMinutes: average(booked),
    bookedWaitP90Minutes: percentile(booked, 0.9),
    walkInWaitAverageMinutes: average(walkIn),
    walkInWaitP90Minutes: percentile(walkIn, 0.9),
  };
}

export function bookingOutcomes(statuses: { status: string; cancelledBy: 'citizen' | 'centre' | null }[]): BookingOutcomes {
  let checkedIn = 0;
  let noShows = 0;
  let cancelledByCitizen = 0;
  let cancelledByCentre = 0;
  let expected = 0;
  for (const b of statuses) {
    if (b.status === 'cancelled') {
      if (b.cancelledBy === 'centre') cancelledByCentre += 1;
      else cancelledByCitizen += 1;
      continue;
    }
    if (b.status === 'checked-in') checkedIn += 1;
    else if (b.status === 'no-show') noShows += 1;
    else if (b.status !== 'confirmed') continue;
    expected += 1;
  }
  const rate = (n: number) => (expected === 0 ? null : Math.round((n / expected) * 1000) / 1000);
  return { expected, checkedIn, noShows, cancelledByCitizen, cancelledByCentre, checkInRate: rate(checkedIn), noShowRate: rate(noShows) };
}

function average(values: number[]): number | null {
  return values.length === 0 ? null : round1(values.reduce((a, b) => a + b, 0) / values.length);
}

/** Nearest-rank percentile: the smallest value with at least p of the values at or below it. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return round1(sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
