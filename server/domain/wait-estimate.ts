import type { CentreConfig } from '../config/centre-config';
import type { DayState } from './queue-state';

/**
 * A first estimate of the wait: the people ahead times the recent average service time of the
 * service (its configured default until ten visitors have been served), shared among the counters
 * open for it. Null when no counter serving it is open: then nobody can say.
 */
export function estimateWaitMinutes(
  state: DayState,
  config: CentreConfig,
  serviceId: string,
  peopleAhead: number,
): number | null {
  const service = config.services.find((s) => s.id === serviceId);
  if (!service) return null;
  const openCounters = config.counters.filter(
    (c) => c.services.includes(serviceId) && state.counters.get(c.id)?.status !== 'closed',
  ).length;
  if (openCounters === 0) return null;
  const durations = state.serviceDurations.get(serviceId) ?? [];
  const averageMinutes =
    durations.length > 0
      ? durations.reduce((sum, ms) => sum + ms, 0) / durations.length / 60_000
      : service.defaultServiceMinutes;
  return Math.round((peopleAhead * averageMinutes) / openCounters);
}
