import type { CentreConfig } from '../config/centre-config';
import type { DayState } from './queue-state';

/** Service minutes learned from past days for a service at the current hour, or null. */
export type LearnedServiceMinutes = (serviceId: string) => number | null;

/** Today's service times count alone once there are this many. */
const ENOUGH_TODAY = 3;

/**
 * The estimated wait: the people ahead times the service's service time, shared among the counters
 * open for it. The service time is today's recent average once a few visitors were served; before
 * that, what past days taught for this hour (learned); then the configured default. Null when no
 * counter serving it is open: then nobody can say.
 */
export function estimateWaitMinutes(
  state: DayState,
  config: CentreConfig,
  serviceId: string,
  peopleAhead: number,
  learned: LearnedServiceMinutes = () => null,
): number | null {
  const service = config.services.find((s) => s.id === serviceId);
  if (!service) return null;
  const openCounters = config.counters.filter(
    (c) => c.services.includes(serviceId) && state.counters.get(c.id)?.status !== 'closed',
  ).length;
  if (openCounters === 0) return null;
  const durations = state.serviceDurations.get(serviceId) ?? [];
  const today = durations.length > 0 ? durations.reduce((sum, ms) => sum + ms, 0) / durations.length / 60_000 : null;
  const fromPastDays = durations.length >= ENOUGH_TODAY ? null : learned(serviceId);
  const averageMinutes = (durations.length >= ENOUGH_TODAY ? today : null) ?? fromPastDays ?? today ?? service.defaultServiceMinutes;
  return Math.round((peopleAhead * averageMinutes) / openCounters);
}
