import type { CentreConfig } from '../config/centre-config';
import { serviceAvailability } from '../domain/queue-commands';
import { selectNextTicket } from '../domain/next-ticket';
import type { DayState, DomainContext, Ticket } from '../domain/queue-state';
import { estimateWaitMinutes, type LearnedServiceMinutes } from '../domain/wait-estimate';
import type { CounterTicket, CounterView, PublicView, StaffAlert, StaffView } from '../protocol/views';

/** Projections of the day's state into what each kind of screen may see. */

export const COUNTER_WAITING_SHOWN = 200;

export function publicView(
  state: DayState,
  config: CentreConfig,
  ctx: DomainContext,
  learned: LearnedServiceMinutes = () => null,
): Omit<PublicView, 'dossiers'> {
  const counterNumber = new Map(config.counters.map((c) => [c.id, c.number]));
  return {
    day: state.day,
    centre: { name: config.centre.name, authority: config.centre.authority ?? null, timeZone: config.centre.timeZone },
    services: config.services.map((service) => {
      const waiting = state.waiting.get(service.id)?.length ?? 0;
      return {
        id: service.id,
        name: service.name,
        icon: service.icon ?? null,
        waiting,
        availability: serviceAvailability(state, service, ctx),
        estimatedWaitMinutes: estimateWaitMinutes(state, config, service.id, waiting, learned),
      };
    }),
    counters: config.counters.map((c) => {
      const counter = state.counters.get(c.id);
      const current = counter?.currentTicketId ? state.tickets.get(counter.currentTicketId) : undefined;
      return {
        id: c.id,
        number: c.number,
        status: counter?.status ?? 'closed',
        serving:
          current && (current.status === 'called' || current.status === 'serving')
            ? { number: current.number, serviceId: current.serviceId, status: current.status, ...(current.booking ? { booked: true } : {}) }
            : null,
      };
    }),
    recentCalls: [...state.recentCalls].reverse().map((call) => ({
      number: call.number,
      serviceId: call.serviceId,
      counterId: call.counterId,
      counterNumber: counterNumber.get(call.counterId) ?? 0,
      at: call.at,
      kind: call.kind,
      ...(call.booked ? { booked: true } : {}),
    })),
    priorityGroups: config.priorityGroups.map((g) => ({ id: g.id, name: g.name, icon: g.icon ?? null })),
    display: { notice: config.display.notice ?? null, voice: config.display.voice },
    // Who closed it is for the audit trail, not for public screens.
    closing: state.closed && { mode: state.closed.mode, at: state.closed.at },
    carriedOver: [...state.carried]
      .map((id) => state.tickets.get(id))
      .filter((t) => t !== undefined && t.status === 'waiting' && t.carriedFrom !== null)
      .sort((a, b) => a!.queuedAt - b!.queuedAt || a!.takenAt - b!.takenAt)
      .map((t) => ({ from: t!.carriedFrom!, to: t!.number, serviceId: t!.serviceId })),
  };
}

export function staffCounters(state: DayState, config: CentreConfig, now: number): Omit<StaffView, 'devices'> {
  const alerts: StaffAlert[] = [];
  const services = config.services.map((s) => {
    const queue = state.waiting.get(s.id) ?? [];
    // The queue is in order: its head has been in line longest (a postponed visitor rejoins at the end).
    const head = queue.length > 0 ? state.tickets.get(queue[0]!) : undefined;
    const longestWaitSince = head ? head.queuedAt : null;
    const minutes = longestWaitSince === null ? 0 : Math.floor((now - longestWaitSince) / 60_000);
    if (minutes >= config.alerts.longWaitMinutes) alerts.push({ kind: 'long-wait', serviceId: s.id, minutes });
    return { id: s.id, waiting: queue.length, longestWaitSince };
  });
  const waitingAt = (c: (typeof config.counters)[number]) => c.services.reduce((n, id) => n + (state.waiting.get(id)?.length ?? 0), 0);
  const counters = config.counters.map((c) => {
    const counter = state.counters.get(c.id);
    const current = counter?.currentTicketId ? state.tickets.get(counter.currentTicketId) : undefined;
    const since = counter?.changedAt ?? null;
    if (counter?.status === 'open' && !current && since !== null) {
      const minutes = Math.floor((now - since) / 60_000);
      const waiting = waitingAt(c);
      if (waiting > 0 && minutes >= config.alerts.idleCounterMinutes) alerts.push({ kind: 'idle-counter', counterId: c.id, minutes, waiting });
    }
    return {
      id: c.id,
      number: c.number,
      services: c.services,
      status: counter?.status ?? 'closed',
      officer: officerRef(config, counter?.officerId ?? null),
      pauseReason: counter?.pauseReason ?? null,
      since,
      current:
        current && (current.status === 'called' || current.status === 'serving')
          ? { number: current.number, serviceId: current.serviceId, status: current.status, since: current.servingAt ?? current.calledAt ?? since ?? now }
          : null,
    };
  });
  return { counters, services, alerts };
}

export function counterView(state: DayState, config: CentreConfig, counterId: string, now: number, bookings: BookingDetails = () => null): CounterView | null {
  const counterConfig = config.counters.find((c) => c.id === counterId);
  const counter = state.counters.get(counterId);
  if (!counterConfig || !counter) return null;
  const { shown, total } = waitingFor(state, counterConfig.services, counterId, COUNTER_WAITING_SHOWN);
  const current = counter.currentTicketId ? state.tickets.get(counter.currentTicketId) : undefined;
  return {
    counterId,
    number: counterConfig.number,
    services: counterConfig.services,
    status: counter.status,
    officer: officerRef(config, counter.officerId),
    pauseReason: counter.pauseReason,
    current: current ? counterTicket(current, bookings) : null,
    waiting: shown.map((t) => counterTicket(t, bookings)),
    waitingTotal: total,
    nextTicketId: selectNextTicket(state, config, counterConfig, counter, now)?.id ?? null,
    servedToday: counter.served,
    officerToday: officerToday(state, counter.officerId),
  };
}

/**
 * The first `limit` tickets a counter may call, in queue order, and how many it may call in all. The
 * services' queues are each sorted: they are merged from their heads, and the merge stops at `limit`,
 * so a long day costs no more than a short one. Only tickets sent to another counter (few) are
 * looked at one by one for the total.
 */
function waitingFor(state: DayState, services: readonly string[], counterId: string, limit: number): { shown: Ticket[]; total: number } {
  const queues = services.map((id) => state.waiting.get(id) ?? []);
  let total = queues.reduce((n, q) => n + q.length, 0);
  for (const id of state.targetedWaiting) {
    const t = state.tickets.get(id);
    if (t && t.targetCounterId !== counterId && services.includes(t.serviceId)) total -= 1;
  }
  const next = queues.map(() => 0);
  const shown: Ticket[] = [];
  while (shown.length < limit) {
    let best = -1;
    let bestTicket: Ticket | undefined;
    for (let q = 0; q < queues.length; q++) {
      const queue = queues[q]!;
      // Skip, at each head, what this counter may not call.
      let ticket: Ticket | undefined;
      while (next[q]! < queue.length) {
        ticket = state.tickets.get(queue[next[q]!]!);
        if (ticket && (ticket.targetCounterId === null || ticket.targetCounterId === counterId)) break;
        ticket = undefined;
        next[q]! += 1;
      }
      if (ticket && (!bestTicket || ticket.queuedAt < bestTicket.queuedAt || (ticket.queuedAt === bestTicket.queuedAt && ticket.takenAt < bestTicket.takenAt))) {
        best = q;
        bestTicket = ticket;
      }
    }
    if (!bestTicket) break;
    shown.push(bestTicket);
    next[best]! += 1;
  }
  return { shown, total };
}

function officerToday(state: DayState, officerId: string | null): CounterView['officerToday'] {
  if (!officerId) return null;
  const stats = state.officerStats.get(officerId) ?? { served: 0, noShows: 0, transferred: 0, serviceMs: 0 };
  return {
    served: stats.served,
    noShows: stats.noShows,
    transferred: stats.transferred,
    averageServiceMinutes: stats.served > 0 ? Math.round((stats.serviceMs / stats.served / 60_000) * 10) / 10 : null,
  };
}

/** A booking's details for the officer, by booking id (the booking service knows them). */
export type BookingDetails = (bookingId: string) => { name: string; phone: string; time: string; code: string } | null;

function counterTicket(t: Ticket, bookings: BookingDetails): CounterTicket {
  return {
    ticketId: t.id,
    number: t.number,
    serviceId: t.serviceId,
    priorityGroup: t.priorityGroup,
    status: t.status,
    takenAt: t.takenAt,
    queuedAt: t.queuedAt,
    calledAt: t.calledAt,
    servingAt: t.servingAt,
    recalls: t.recalls,
    postponements: t.postponements,
    transfers: t.transfers,
    targetCounterId: t.targetCounterId,
    booking: t.booking ? { slotStart: t.booking.slotStart, policy: t.booking.policy, details: bookings(t.booking.bookingId) } : null,
    procedureCode: t.procedureCode ?? null,
  };
}

function officerRef(config: CentreConfig, officerId: string | null) {
  const officer = officerId ? config.officers.find((o) => o.id === officerId) : undefined;
  return officer ? { id: officer.id, name: officer.name } : null;
}
