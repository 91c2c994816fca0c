import type { CentreConfig, CounterConfig } from '../config/centre-config';
import type { CounterState, DayState, Ticket } from './queue-state';

/**
 * Which waiting ticket a counter calls on "next".
 *
 * Within a service the queue is first come, first served (queue-evolve keeps it sorted). Across the
 * counter's services the policy is 'oldest-first' (the ticket that has queued longest) or
 * 'counter-order' (the first listed service with anyone waiting). Priority groups are mixed in by
 * the configured policy; with 'interleave' a counter calls `priority` priority tickets after every
 * `normal` normal ones whenever both kinds wait, so neither kind starves.
 *
 * Bookings (docs/booking.md): a checked-in booking of a 'slot' service goes ahead of the walk-ins
 * of its kind (priority or not) once its slot has started, earliest slot first, but a counter calls
 * at most `booking.bookedInARow` of them in a row while a walk-in waits, so walk-ins are never
 * starved. Before its slot a booking is called only when no walk-in waits. A 'remote' number is a
 * walk-in's equal: its place in the queue is when it was registered.
 */
export function selectNextTicket(
  state: DayState,
  config: CentreConfig,
  counterConfig: CounterConfig,
  counter: CounterState,
  now: number,
): Ticket | null {
  const normalWalkIn = oldestEligible(state, config, counterConfig, false);
  const priorityWalkIn = oldestEligible(state, config, counterConfig, true);
  // The cap counts booked calls of either kind: past it, any walk-in waiting goes first.
  const capped = counter.bookedRun >= config.booking.bookedInARow && (normalWalkIn !== null || priorityWalkIn !== null);
  const booked = state.bookedWaiting.size > 0 && !capped ? bookedEligible(state, counterConfig, now) : NO_BOOKED;
  const normal = booked.normal ?? normalWalkIn;
  const priority = booked.priority ?? priorityWalkIn;
  if (!normal || !priority) return normal ?? priority ?? (capped ? null : booked.early);

  const policy = config.ordering;
  switch (policy.priority) {
    case 'fifo':
      // A booking whose turn it is (within the cap) keeps it: fifo orders the walk-ins only.
      if (normal === booked.normal) return normal;
      if (priority === booked.priority) return priority;
      return earlier(normal, priority, config, counterConfig);
    case 'priority-first':
      return priority;
    case 'interleave': {
      const { normal: n, priority: p } = policy.interleave;
      const continueRun = counter.priorityRun > 0 && counter.priorityRun < p;
      const startRun = counter.priorityRun === 0 && counter.sincePriority >= n;
      return continueRun || startRun ? priority : normal;
    }
  }
}

const NO_BOOKED = { normal: null, priority: null, early: null } as const;

/**
 * The booked tickets this counter may call: the earliest due one of each kind (slot started), and
 * the earliest not yet due (called only when nobody else waits).
 */
function bookedEligible(
  state: DayState,
  counterConfig: CounterConfig,
  now: number,
): { normal: Ticket | null; priority: Ticket | null; early: Ticket | null } {
  let normal: Ticket | null = null;
  let priority: Ticket | null = null;
  let early: Ticket | null = null;
  for (const id of state.bookedWaiting) {
    const ticket = state.tickets.get(id);
    if (!ticket?.booking || ticket.status !== 'waiting' || !counterConfig.services.includes(ticket.serviceId)) continue;
    if (ticket.targetCounterId !== null && ticket.targetCounterId !== counterConfig.id) continue;
    if (ticket.booking.slotStart > now) {
      if (!early || bookedBefore(ticket, early)) early = ticket;
    } else if (ticket.priorityGroup !== null) {
      if (!priority || bookedBefore(ticket, priority)) priority = ticket;
    } else if (!normal || bookedBefore(ticket, normal)) normal = ticket;
  }
  return { normal, priority, early };
}

function bookedBefore(a: Ticket, b: Ticket): boolean {
  const sa = a.booking!.slotStart;
  const sb = b.booking!.slotStart;
  if (sa !== sb) return sa < sb;
  if (a.queuedAt !== b.queuedAt) return a.queuedAt < b.queuedAt;
  return a.takenAt < b.takenAt;
}

function oldestEligible(state: DayState, config: CentreConfig, counterConfig: CounterConfig, priority: boolean): Ticket | null {
  let best: Ticket | null = null;
  for (const serviceId of counterConfig.services) {
    const queue = state.waiting.get(serviceId) ?? [];
    // The counts say whether this kind waits at all: no walk through a queue that has none of it.
    const priorityCount = state.priorityWaiting.get(serviceId) ?? 0;
    if (priority ? priorityCount === 0 : priorityCount >= queue.length) continue;
    for (const id of queue) {
      const ticket = state.tickets.get(id);
      if (!ticket || (ticket.priorityGroup !== null) !== priority) continue;
      if (state.bookedWaiting.has(id)) continue; // booked by slot: chosen above
      if (ticket.targetCounterId !== null && ticket.targetCounterId !== counterConfig.id) continue;
      if (!best) best = ticket;
      else best = earlier(best, ticket, config, counterConfig);
      break; // queues are sorted: the first eligible one is this service's oldest
    }
    if (best && config.ordering.acrossServices === 'counter-order') return best;
  }
  return best;
}

function earlier(a: Ticket, b: Ticket, config: CentreConfig, counterConfig: CounterConfig): Ticket {
  if (config.ordering.acrossServices === 'counter-order' && a.serviceId !== b.serviceId) {
    return counterConfig.services.indexOf(a.serviceId) <= counterConfig.services.indexOf(b.serviceId) ? a : b;
  }
  if (a.queuedAt !== b.queuedAt) return a.queuedAt < b.queuedAt ? a : b;
  return a.takenAt <= b.takenAt ? a : b;
}
