import type { QueueEvent } from './queue-events';
import {
  counterStateOf,
  RECENT_CALLS_KEPT,
  SERVICE_DURATIONS_KEPT,
  type CounterState,
  type DayState,
  type Ticket,
} from './queue-state';

/**
 * Applies one event to the day's state, in place: the state of a busy day holds tens of thousands
 * of tickets, and copying it per event would make every action cost more as the day grows.
 * Events produced by the deciding functions always apply. An event read back from a damaged journal
 * may not (its ticket was in a dropped record): then nothing changes and the reason is returned.
 */
export function applyEvent(state: DayState, event: QueueEvent): string | null {
  switch (event.type) {
    case 'ticket-taken': {
      if (state.tickets.has(event.ticketId) || state.byNumber.has(event.number)) return 'ticket already exists';
      // A service removed from the configuration later today still has its tickets replayed.
      if (!state.waiting.has(event.serviceId)) state.waiting.set(event.serviceId, []);
      const ticket: Ticket = {
        id: event.ticketId,
        number: event.number,
        serviceId: event.serviceId,
        priorityGroup: event.priorityGroup,
        status: 'waiting',
        source: event.source,
        booking: event.booking ?? null,
        procedureCode: event.procedureCode ?? null,
        takenAt: event.at,
        queuedAt: event.queuedAt ?? event.at,
        targetCounterId: null,
        counterId: null,
        officerId: null,
        calledAt: null,
        servingAt: null,
        finishedAt: null,
        recalls: 0,
        postponements: 0,
        transfers: 0,
        estimatedWaitMinutes: event.estimatedWaitMinutes ?? null,
        rating: null,
        carriedFrom: event.carriedFrom ?? null,
        cancelReason: null,
      };
      state.tickets.set(ticket.id, ticket);
      state.byNumber.set(ticket.number, ticket.id);
      if (ticket.carriedFrom) state.carried.add(ticket.id);
      state.issued.set(event.serviceId, Math.max(state.issued.get(event.serviceId) ?? 0, event.index));
      enqueue(state, ticket);
      return null;
    }
    case 'ticket-called': {
      const ticket = state.tickets.get(event.ticketId);
      if (!ticket || ticket.status !== 'waiting') return 'ticket is not waiting';
      const counter = counterStateOf(state, event.counterId);
      if (counter.currentTicketId) return 'counter cannot call';
      dequeue(state, ticket);
      ticket.status = 'called';
      ticket.counterId = counter.id;
      ticket.officerId = event.officerId;
      ticket.calledAt = event.at;
      ticket.servingAt = null;
      ticket.targetCounterId = null;
      counter.currentTicketId = ticket.id;
      counter.changedAt = event.at;
      if (!event.outOfOrder) {
        if (ticket.booking?.policy === 'slot') counter.bookedRun += 1;
        else counter.bookedRun = 0;
        if (ticket.priorityGroup) counter.priorityRun += 1;
        else {
          counter.sincePriority += 1;
          counter.priorityRun = 0;
        }
        if (ticket.priorityGroup) counter.sincePriority = 0;
      }
      pushCall(state, ticket, counter.id, event.at, 'call');
      return null;
    }
    case 'ticket-recalled': {
      const ticket = state.tickets.get(event.ticketId);
      if (!ticket || ticket.status !== 'called') return 'ticket is not called';
      ticket.recalls += 1;
      pushCall(state, ticket, event.counterId, event.at, 'recall');
      return null;
    }
    case 'ticket-procedure-set': {
      const ticket = state.tickets.get(event.ticketId);
      if (!ticket) return 'no such ticket';
      ticket.procedureCode = event.procedureCode;
      return null;
    }
    case 'service-started': {
      const ticket = state.tickets.get(event.ticketId);
      if (!ticket || ticket.status !== 'called') return 'ticket is not called';
      ticket.status = 'serving';
      ticket.servingAt = event.at;
      return null;
    }
    case 'ticket-done':
    case 'ticket-no-show': {
      const ticket = state.tickets.get(event.ticketId);
      if (!ticket || (ticket.status !== 'called' && ticket.status !== 'serving')) return 'ticket is not at a counter';
      const counter = releaseCounter(state, ticket, event.at);
      ticket.finishedAt = event.at;
      const stats = officerStats(state, ticket.officerId);
      if (event.type === 'ticket-done') {
        ticket.status = 'done';
        if (counter) counter.served += 1;
        const started = ticket.servingAt ?? ticket.calledAt ?? event.at;
        const durations = state.serviceDurations.get(ticket.serviceId) ?? [];
        durations.push(event.at - started);
        if (durations.length > SERVICE_DURATIONS_KEPT) durations.shift();
        state.serviceDurations.set(ticket.serviceId, durations);
        if (stats) {
          stats.served += 1;
          stats.serviceMs += event.at - started;
        }
      } else {
        ticket.status = 'no-show';
        if (stats) stats.noShows += 1;
      }
      return null;
    }
    case 'ticket-postponed': {
      const ticket = state.tickets.get(event.ticketId);
      if (!ticket || (ticket.status !== 'called' && ticket.status !== 'serving')) return 'ticket is not at a counter';
      releaseCounter(state, ticket, event.at);
      backToWaiting(ticket);
      ticket.postponements += 1;
      ticket.queuedAt = event.at;
      enqueue(state, ticket);
      return null;
    }
    case 'ticket-transferred': {
      const ticket = state.tickets.get(event.ticketId);
      if (!ticket || (ticket.status !== 'called' && ticket.status !== 'serving')) return 'ticket is not at a counter';
      if (!state.waiting.has(event.toServiceId)) state.waiting.set(event.toServiceId, []);
      const stats = officerStats(state, ticket.officerId);
      if (stats) stats.transferred += 1;
      releaseCounter(state, ticket, event.at);
      backToWaiting(ticket);
      ticket.transfers += 1;
      ticket.serviceId = event.toServiceId;
      ticket.targetCounterId = event.toCounterId;
      // queuedAt stays: a visitor who already waited is not sent to the back of the new queue.
      enqueue(state, ticket);
      return null;
    }
    case 'ticket-cancelled': {
      const ticket = state.tickets.get(event.ticketId);
      if (!ticket || ticket.status !== 'waiting') return 'ticket is not waiting';
      dequeue(state, ticket);
      ticket.status = 'cancelled';
      ticket.cancelReason = event.reason ?? null;
      ticket.finishedAt = event.at;
      return null;
    }
    case 'day-closed': {
      if (state.closed) return 'the day is closed already';
      state.closed = { mode: event.mode, at: event.at, by: event.by };
      return null;
    }
    case 'ticket-rated': {
      const ticket = state.tickets.get(event.ticketId);
      if (!ticket || ticket.status !== 'done' || ticket.rating) return 'ticket cannot be rated';
      ticket.rating = { level: event.level, reason: event.reason };
      return null;
    }
    case 'counter-opened': {
      const counter = counterStateOf(state, event.counterId);
      counter.status = 'open';
      counter.officerId = event.officerId;
      counter.pauseReason = null;
      counter.changedAt = event.at;
      return null;
    }
    case 'counter-paused':
    case 'counter-resumed':
    case 'counter-closed': {
      const counter = counterStateOf(state, event.counterId);
      if (counter.currentTicketId) return 'counter is serving';
      counter.changedAt = event.at;
      if (event.type === 'counter-paused') {
        counter.status = 'paused';
        counter.pauseReason = event.reason;
      } else if (event.type === 'counter-resumed') {
        counter.status = 'open';
        counter.pauseReason = null;
      } else {
        counter.status = 'closed';
        counter.officerId = null;
        counter.pauseReason = null;
      }
      return null;
    }
  }
}

function officerStats(state: DayState, officerId: string | null) {
  if (!officerId) return undefined;
  let stats = state.officerStats.get(officerId);
  if (!stats) {
    stats = { served: 0, noShows: 0, transferred: 0, serviceMs: 0 };
    state.officerStats.set(officerId, stats);
  }
  return stats;
}

function releaseCounter(state: DayState, ticket: Ticket, at: number): CounterState | undefined {
  const counter = ticket.counterId ? state.counters.get(ticket.counterId) : undefined;
  if (counter && counter.currentTicketId === ticket.id) {
    counter.currentTicketId = null;
    counter.changedAt = at;
  }
  return counter;
}

function backToWaiting(ticket: Ticket): void {
  ticket.status = 'waiting';
  ticket.counterId = null;
  ticket.officerId = null;
  ticket.calledAt = null;
  ticket.servingAt = null;
}

function pushCall(state: DayState, ticket: Ticket, counterId: string, at: number, kind: 'call' | 'recall'): void {
  state.recentCalls.push({ ticketId: ticket.id, number: ticket.number, serviceId: ticket.serviceId, counterId, at, kind, booked: ticket.booking !== null });
  if (state.recentCalls.length > RECENT_CALLS_KEPT) state.recentCalls.shift();
}

/** Queue order: queuedAt, then take order. Binary search keeps insertion cheap on long queues. */
function enqueue(state: DayState, ticket: Ticket): void {
  const queue = state.waiting.get(ticket.serviceId);
  if (!queue) return;
  queue.splice(queuePosition(state, queue, ticket), 0, ticket.id);
  if (ticket.priorityGroup !== null) state.priorityWaiting.set(ticket.serviceId, (state.priorityWaiting.get(ticket.serviceId) ?? 0) + 1);
  if (ticket.targetCounterId !== null) state.targetedWaiting.add(ticket.id);
  if (ticket.booking?.policy === 'slot') state.bookedWaiting.add(ticket.id);
}

function dequeue(state: DayState, ticket: Ticket): void {
  const queue = state.waiting.get(ticket.serviceId);
  if (!queue) return;
  // The ticket's order key has not changed while it waited: search from where it would be inserted.
  let index = queuePosition(state, queue, ticket, true);
  while (index < queue.length && queue[index] !== ticket.id) index += 1;
  if (index >= queue.length) index = queue.indexOf(ticket.id);
  if (index < 0) return;
  queue.splice(index, 1);
  if (ticket.priorityGroup !== null) state.priorityWaiting.set(ticket.serviceId, Math.max(0, (state.priorityWaiting.get(ticket.serviceId) ?? 0) - 1));
  state.targetedWaiting.delete(ticket.id);
  state.bookedWaiting.delete(ticket.id);
}

/** The first index whose ticket comes after `ticket` (or, with `before`, not before it). */
function queuePosition(state: DayState, queue: string[], ticket: Ticket, before = false): number {
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const other = state.tickets.get(queue[mid]!)!;
    const precedes = other.queuedAt < ticket.queuedAt || (other.queuedAt === ticket.queuedAt && (before ? other.takenAt < ticket.takenAt : other.takenAt <= ticket.takenAt));
    if (precedes) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
