import type { CentreConfig } from '../../server/config/centre-config';
import { domainContext } from '../../server/app/local-time';
import * as moves from '../../server/domain/queue-commands';
import type { Decision } from '../../server/domain/queue-commands';
import { applyEvent } from '../../server/domain/queue-evolve';
import { createDayState, type DayState } from '../../server/domain/queue-state';

/** One step of a scenario, in the words an officer or visitor would use. */
export type Step =
  | { take: string; priority?: string; at?: number }
  | { open: string; by: string; force?: boolean; at?: number }
  | {
      do: 'next' | 'recall' | 'start' | 'skip' | 'postpone' | 'done' | 'pause' | 'resume' | 'close';
      at: string;
      by: string;
      reason?: string;
      when?: number;
    }
  | { call: string; at: string; by: string; when?: number }
  | { transfer: { service?: string; counter?: string }; at: string; by: string; when?: number };

export function newDay(config: CentreConfig, day = '2026-11-26'): DayState {
  return createDayState(day, config);
}

/** Decides one step and, when accepted, applies its events (as the app layer does). */
export function exec(state: DayState, config: CentreConfig, step: Step, now: number): Decision {
  const at = ('at' in step && typeof step.at === 'number' ? step.at : undefined) ?? ('when' in step ? step.when : undefined) ?? now;
  const ctx = domainContext(at, config.centre.timeZone);
  let decision: Decision;
  if ('take' in step) {
    decision = moves.takeTicket(state, config, ctx, { serviceId: step.take, priorityGroup: step.priority ?? null, source: 'kiosk' });
  } else if ('open' in step) {
    decision = moves.openCounter(state, ctx, { counterId: step.open, officerId: step.by, force: step.force ?? false });
  } else if ('call' in step) {
    decision = moves.callNumber(state, config, ctx, { counterId: step.at, officerId: step.by, number: step.call });
  } else if ('transfer' in step) {
    decision = moves.transferCurrent(state, config, ctx, {
      counterId: step.at,
      officerId: step.by,
      toServiceId: step.transfer.service ?? null,
      toCounterId: step.transfer.counter ?? null,
    });
  } else {
    const base = { counterId: step.at, officerId: step.by };
    switch (step.do) {
      case 'next':
        decision = moves.callNext(state, config, ctx, base);
        break;
      case 'pause':
        decision = moves.pauseCounter(state, ctx, { ...base, reason: step.reason ?? 'break' });
        break;
      case 'resume':
        decision = moves.resumeCounter(state, ctx, base);
        break;
      case 'close':
        decision = moves.closeCounter(state, ctx, base);
        break;
      default: {
        const move = ({ recall: 'recall', start: 'start', skip: 'no-show', postpone: 'postpone', done: 'done' } as const)[step.do];
        decision = moves.moveCurrent(state, ctx, { ...base, move });
      }
    }
  }
  if (decision.ok) {
    for (const event of decision.events) {
      const problem = applyEvent(state, event);
      if (problem) throw new Error(`a decided event did not apply: ${event.type}: ${problem}`);
    }
  }
  return decision;
}

/** Runs steps that must all succeed; the clock moves one minute per step. */
export function scenario(config: CentreConfig, steps: Step[], start: number): { state: DayState; now: number } {
  const state = newDay(config);
  let now = start;
  for (const step of steps) {
    const decision = exec(state, config, step, now);
    if (!decision.ok) throw new Error(`setup step ${JSON.stringify(step)} failed: ${decision.error}`);
    now += 60_000;
  }
  return { state, now };
}

export function numberOf(state: DayState, ticketId: string | null | undefined): string | undefined {
  return ticketId ? state.tickets.get(ticketId)?.number : undefined;
}

export function currentNumber(state: DayState, counterId: string): string | undefined {
  return numberOf(state, state.counters.get(counterId)?.currentTicketId);
}
