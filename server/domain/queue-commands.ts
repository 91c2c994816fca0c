import { minutesOfClockTime, type CentreConfig, type ServiceConfig } from '../config/centre-config';
import type { ErrorCode } from '../protocol/error-codes';
import type { QueueEvent } from './queue-events';
import type { CounterState, DayState, DomainContext, Ticket, TicketBooking, TicketSource } from './queue-state';
import { selectNextTicket } from './next-ticket';
import { ticketNumber } from './numbering';

/**
 * The deciding half of the domain: each function reads the state and a command and returns the
 * events to apply, or an error code. It changes nothing and does no I/O; time comes in `ctx`.
 */
export type Decision = { ok: true; events: QueueEvent[] } | { ok: false; error: ErrorCode };

const fail = (error: ErrorCode): Decision => ({ ok: false, error });
const accept = (...events: QueueEvent[]): Decision => ({ ok: true, events });

export interface TakeTicket {
  serviceId: string;
  priorityGroup: string | null;
  source: TicketSource;
  estimatedWaitMinutes?: number | null;
  carriedFrom?: string | null;
  /** A checked-in booking: a place booked ahead, so the day's number limit does not refuse it. */
  booking?: TicketBooking | null;
  /** A remote number's registration time: its place in the queue. */
  queuedAt?: number;
  /** The procedure the visitor chose (its catalog code), checked against the catalog by the caller. */
  procedureCode?: string | null;
}

export function takeTicket(state: DayState, config: CentreConfig, ctx: DomainContext, cmd: TakeTicket): Decision {
  const service = config.services.find((s) => s.id === cmd.serviceId);
  if (!service) return fail('UNKNOWN_SERVICE');
  if (cmd.priorityGroup !== null && !config.priorityGroups.some((g) => g.id === cmd.priorityGroup))
    return fail('UNKNOWN_PRIORITY_GROUP');
  // A ticket carried over from yesterday is given whatever today's hours and limits say.
  const availability = cmd.source === 'carry-over' ? 'open' : serviceAvailability(state, service, ctx);
  // A checked-in booking holds a place booked ahead: the day's number limit does not refuse it, nor
  // the opening hours (its check-in window opens before its slot); a day the supervisor closed does.
  const bookedThrough = cmd.booking && !state.closed && (availability === 'DAILY_LIMIT_REACHED' || availability === 'SERVICE_CLOSED');
  if (availability !== 'open' && !bookedThrough) return fail(availability);
  const index = (state.issued.get(service.id) ?? 0) + 1;
  const number = ticketNumber(service.numbering, index);
  if (number === null) return fail('NUMBERS_EXHAUSTED');
  return accept({
    type: 'ticket-taken',
    ticketId: `${state.day}-${service.id}-${index}`,
    serviceId: service.id,
    index,
    number,
    priorityGroup: cmd.priorityGroup,
    source: cmd.source,
    estimatedWaitMinutes: cmd.estimatedWaitMinutes ?? null,
    carriedFrom: cmd.carriedFrom ?? null,
    ...(cmd.booking ? { booking: cmd.booking } : {}),
    ...(cmd.queuedAt !== undefined ? { queuedAt: cmd.queuedAt } : {}),
    ...(cmd.procedureCode ? { procedureCode: cmd.procedureCode } : {}),
    at: ctx.now,
  });
}

/**
 * Closing time: no more tickets today. The visitors still waiting are served as usual ('serve'),
 * sent home ('cancel': the display says so), or carried over to be served first on the next
 * working day ('carry-over').
 */
export function closeDay(state: DayState, ctx: DomainContext, cmd: { mode: 'serve' | 'cancel' | 'carry-over'; by: string }): Decision {
  if (state.closed) return fail('DAY_CLOSED');
  const events: QueueEvent[] = [{ type: 'day-closed', mode: cmd.mode, by: cmd.by, at: ctx.now }];
  if (cmd.mode !== 'serve') {
    const reason = cmd.mode === 'cancel' ? 'closing' : 'carry-over';
    for (const queue of state.waiting.values())
      for (const ticketId of queue) events.push({ type: 'ticket-cancelled', ticketId, reason, at: ctx.now });
  }
  return accept(...events);
}

/** One answer per served ticket: its visitor's satisfaction. */
export function rateTicket(
  state: DayState,
  ctx: DomainContext,
  cmd: { ticketId: string; level: 1 | 2 | 3; reason: string | null },
): Decision {
  const ticket = state.tickets.get(cmd.ticketId);
  if (!ticket) return fail('UNKNOWN_TICKET');
  if (ticket.status !== 'done') return fail('TICKET_NOT_DONE');
  if (ticket.rating) return fail('ALREADY_RATED');
  return accept({ type: 'ticket-rated', ticketId: ticket.id, level: cmd.level, reason: cmd.reason, at: ctx.now });
}

/** Whether a service takes tickets now: 'open', or the error a visitor would get. */
export function serviceAvailability(
  state: DayState,
  service: ServiceConfig,
  ctx: DomainContext,
): 'open' | 'SERVICE_CLOSED' | 'DAILY_LIMIT_REACHED' | 'NUMBERS_EXHAUSTED' {
  if (state.closed) return 'SERVICE_CLOSED';
  if (service.hours && !isWithinHours(service, ctx)) return 'SERVICE_CLOSED';
  const issued = state.issued.get(service.id) ?? 0;
  if (service.dailyLimit !== undefined && issued >= service.dailyLimit) return 'DAILY_LIMIT_REACHED';
  if (ticketNumber(service.numbering, issued + 1) === null) return 'NUMBERS_EXHAUSTED';
  return 'open';
}

function isWithinHours(service: ServiceConfig, ctx: DomainContext): boolean {
  return (service.hours ?? []).some(
    (w) =>
      w.days.includes(ctx.weekday) &&
      ctx.minuteOfDay >= minutesOfClockTime(w.from) &&
      ctx.minuteOfDay < minutesOfClockTime(w.to),
  );
}

export interface CounterCommandBase {
  counterId: string;
  officerId: string;
}

export function openCounter(
  state: DayState,
  ctx: DomainContext,
  cmd: CounterCommandBase & { force: boolean },
): Decision {
  const counter = state.counters.get(cmd.counterId);
  if (!counter) return fail('UNKNOWN_COUNTER');
  if (counter.status !== 'closed' && counter.officerId === cmd.officerId) return accept();
  if (counter.status !== 'closed' && !cmd.force) return fail('COUNTER_OCCUPIED');
  if (counter.currentTicketId) return fail('COUNTER_BUSY');
  const events: QueueEvent[] = [];
  // An officer works at one counter at a time: leaving another one closes it.
  for (const other of state.counters.values()) {
    if (other.id !== counter.id && other.officerId === cmd.officerId && other.status !== 'closed') {
      if (other.currentTicketId) return fail('COUNTER_BUSY');
      events.push({ type: 'counter-closed', counterId: other.id, at: ctx.now });
    }
  }
  if (counter.status !== 'closed') events.push({ type: 'counter-closed', counterId: counter.id, at: ctx.now });
  events.push({ type: 'counter-opened', counterId: counter.id, officerId: cmd.officerId, at: ctx.now });
  return accept(...events);
}

/** The counter, if the officer is working there; else why not. */
function workingCounter(state: DayState, cmd: CounterCommandBase): CounterState | ErrorCode {
  const counter = state.counters.get(cmd.counterId);
  if (!counter) return 'UNKNOWN_COUNTER';
  if (counter.status === 'closed') return 'COUNTER_NOT_OPEN';
  if (counter.officerId !== cmd.officerId) return 'COUNTER_OCCUPIED';
  return counter;
}

function currentTicket(state: DayState, counter: CounterState): Ticket | null {
  return counter.currentTicketId ? (state.tickets.get(counter.currentTicketId) ?? null) : null;
}

/** Finishes what the counter holds (pressing "next" means the visitor before is done). */
function finishCurrent(state: DayState, counter: CounterState, now: number): QueueEvent[] {
  const current = currentTicket(state, counter);
  return current ? [{ type: 'ticket-done', ticketId: current.id, at: now }] : [];
}

export function callNext(state: DayState, config: CentreConfig, ctx: DomainContext, cmd: CounterCommandBase): Decision {
  const counter = workingCounter(state, cmd);
  if (typeof counter === 'string') return fail(counter);
  if (counter.status === 'paused') return fail('COUNTER_PAUSED');
  const counterConfig = config.counters.find((c) => c.id === counter.id);
  if (!counterConfig) return fail('UNKNOWN_COUNTER');
  const finished = finishCurrent(state, counter, ctx.now);
  const next = selectNextTicket(state, config, counterConfig, counter, ctx.now);
  if (!next) return finished.length > 0 ? accept(...finished) : fail('NO_TICKET_WAITING');
  return accept(...finished, {
    type: 'ticket-called',
    ticketId: next.id,
    counterId: counter.id,
    officerId: cmd.officerId,
    outOfOrder: false,
    at: ctx.now,
  });
}

export function callNumber(
  state: DayState,
  config: CentreConfig,
  ctx: DomainContext,
  cmd: CounterCommandBase & { number: string },
): Decision {
  const counter = workingCounter(state, cmd);
  if (typeof counter === 'string') return fail(counter);
  if (counter.status === 'paused') return fail('COUNTER_PAUSED');
  const ticketId = state.byNumber.get(cmd.number.trim().toUpperCase());
  const ticket = ticketId ? state.tickets.get(ticketId) : undefined;
  if (!ticket) return fail('UNKNOWN_TICKET');
  if (ticket.status !== 'waiting') return fail('TICKET_NOT_WAITING');
  const counterConfig = config.counters.find((c) => c.id === counter.id);
  if (!counterConfig?.services.includes(ticket.serviceId)) return fail('SERVICE_NOT_AT_COUNTER');
  return accept(...finishCurrent(state, counter, ctx.now), {
    type: 'ticket-called',
    ticketId: ticket.id,
    counterId: counter.id,
    officerId: cmd.officerId,
    outOfOrder: true,
    at: ctx.now,
  });
}

type CurrentMove = 'recall' | 'start' | 'no-show' | 'postpone' | 'done';

/**
 * The officer says which procedure the visitor at the counter came for (the one chosen at the
 * kiosk was wrong, or none was): the ticket carries it from then on, reports count it there.
 * The caller says whether the code is in the catalog (checked after the counter's own checks).
 */
export function setProcedure(
  state: DayState,
  ctx: DomainContext,
  cmd: CounterCommandBase & { procedureCode: string | null; inCatalog: boolean },
): Decision {
  const counter = workingCounter(state, cmd);
  if (typeof counter === 'string') return fail(counter);
  if (cmd.procedureCode !== null && !cmd.inCatalog) return fail('UNKNOWN_PROCEDURE');
  const ticket = currentTicket(state, counter);
  if (!ticket) return fail('NO_CURRENT_TICKET');
  if ((ticket.procedureCode ?? null) === cmd.procedureCode) return accept();
  return accept({ type: 'ticket-procedure-set', ticketId: ticket.id, procedureCode: cmd.procedureCode, by: cmd.officerId, at: ctx.now });
}

/** Recall, start, no-show, postpone and done all act on the counter's current ticket. */
export function moveCurrent(
  state: DayState,
  ctx: DomainContext,
  cmd: CounterCommandBase & { move: CurrentMove },
): Decision {
  const counter = workingCounter(state, cmd);
  if (typeof counter === 'string') return fail(counter);
  const ticket = currentTicket(state, counter);
  if (!ticket) return fail('NO_CURRENT_TICKET');
  const at = ctx.now;
  switch (cmd.move) {
    case 'recall':
      return ticket.status === 'called'
        ? accept({ type: 'ticket-recalled', ticketId: ticket.id, counterId: counter.id, at })
        : fail('TICKET_NOT_CALLED');
    case 'start':
      return ticket.status === 'called'
        ? accept({ type: 'service-started', ticketId: ticket.id, at })
        : fail('TICKET_NOT_CALLED');
    case 'no-show':
      return ticket.status === 'called'
        ? accept({ type: 'ticket-no-show', ticketId: ticket.id, at })
        : fail('TICKET_NOT_CALLED');
    case 'postpone':
      return accept({ type: 'ticket-postponed', ticketId: ticket.id, at });
    case 'done':
      return accept({ type: 'ticket-done', ticketId: ticket.id, at });
  }
}

export function transferCurrent(
  state: DayState,
  config: CentreConfig,
  ctx: DomainContext,
  cmd: CounterCommandBase & { toServiceId: string | null; toCounterId: string | null },
): Decision {
  const counter = workingCounter(state, cmd);
  if (typeof counter === 'string') return fail(counter);
  // Where to is checked first: a target that does not exist is wrong whatever the counter holds.
  if (cmd.toServiceId !== null && !config.services.some((s) => s.id === cmd.toServiceId)) return fail('UNKNOWN_SERVICE');
  const target = cmd.toCounterId !== null ? config.counters.find((c) => c.id === cmd.toCounterId) : undefined;
  if (cmd.toCounterId !== null && !target) return fail('UNKNOWN_COUNTER');
  const ticket = currentTicket(state, counter);
  if (!ticket) return fail('NO_CURRENT_TICKET');
  const toServiceId = cmd.toServiceId ?? ticket.serviceId;
  if (target) {
    if (!target.services.includes(toServiceId) || target.id === counter.id) return fail('INVALID_TRANSFER');
  } else if (toServiceId === ticket.serviceId) {
    return fail('INVALID_TRANSFER');
  }
  return accept({
    type: 'ticket-transferred',
    ticketId: ticket.id,
    toServiceId,
    toCounterId: cmd.toCounterId,
    at: ctx.now,
  });
}

export function pauseCounter(
  state: DayState,
  ctx: DomainContext,
  cmd: CounterCommandBase & { reason: string },
): Decision {
  const counter = workingCounter(state, cmd);
  if (typeof counter === 'string') return fail(counter);
  if (counter.status === 'paused') return fail('COUNTER_PAUSED');
  if (counter.currentTicketId) return fail('COUNTER_BUSY');
  return accept({ type: 'counter-paused', counterId: counter.id, reason: cmd.reason, at: ctx.now });
}

export function resumeCounter(state: DayState, ctx: DomainContext, cmd: CounterCommandBase): Decision {
  const counter = workingCounter(state, cmd);
  if (typeof counter === 'string') return fail(counter);
  if (counter.status !== 'paused') return fail('COUNTER_NOT_PAUSED');
  return accept({ type: 'counter-resumed', counterId: counter.id, at: ctx.now });
}

export function closeCounter(state: DayState, ctx: DomainContext, cmd: CounterCommandBase): Decision {
  const counter = workingCounter(state, cmd);
  if (typeof counter === 'string') return fail(counter);
  if (counter.currentTicketId) return fail('COUNTER_BUSY');
  return accept({ type: 'counter-closed', counterId: counter.id, at: ctx.now });
}
