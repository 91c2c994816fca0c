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
 */
export function selectNextTicket(
  state: DayState,
  config: CentreConfig,
  counterConfig: CounterConfig,
  counter: CounterState,
): Ticket | null {
  const normal = oldestEligible(state, config, counterConfig, false);
  const priority = oldestEligible(state, config, counterConfig, true);
  if (!normal || !priority) return normal ?? priority;

  const policy = config.ordering;
  switch (policy.priority) {
    case 'fifo':
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
