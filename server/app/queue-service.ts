import type { CentreConfig, ConfigSource } from '../config/centre-config';
import * as moves from '../domain/queue-commands';
import type { Decision } from '../domain/queue-commands';
import { applyEvent } from '../domain/queue-evolve';
import { createDayState, ensureConfigured, type DayState, type DomainContext, type Ticket } from '../domain/queue-state';
import { estimateWaitMinutes, type LearnedServiceMinutes } from '../domain/wait-estimate';
import type { ErrorCode } from '../protocol/error-codes';
import type { CounterCommandName, ParsedCounterCommand } from '../protocol/commands';
import type { CounterView, DayTicket, PublicCall, PublicView, StaffView, TicketFollowView, TicketIssued } from '../protocol/views';
import type { Logger } from '../logger';
import type { JournalRecord, QueueStore } from '../store/queue-store';
import type { ReplayReport } from '../store/journal';
import { decodeAnswer, encodeAnswer, type StoredAnswer } from '../store/answer-codec';
import type { AnswerLedger } from './idempotency';
import { domainContext } from './local-time';
import type { ServiceTimeProfile } from './service-time-profile';
import { counterView, publicView, staffCounters, type BookingDetails } from './queue-views';

export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorCode };

/** What changed, told to the transport after the change is on disk. */
export interface ChangeNotice {
  seq: number;
  /** Counters whose view changed (all of them after a resynchronisation). */
  counters: string[] | 'all';
  calls: PublicCall[];
  /** A ticket taken by this change (not a repeated command), and the kiosk it was taken at. */
  issued: { ticket: TicketIssued; kioskId: string | null } | null;
  /** Tickets this change finished at a counter (served): the visitor may rate the visit. */
  served: { ticketId: string; counterId: string }[];
}

export interface StartReport {
  day: string;
  replayed: number;
  journal: ReplayReport;
  archivedDays: string[];
}

export interface QueueServiceDeps {
  config: ConfigSource;
  store: QueueStore;
  clock: () => number;
  log: Logger;
  /** Service times learned from past days (none in tests that do not care). */
  learned?: ServiceTimeProfile;
}

type TakeCommand = { commandId: string; serviceId: string; priorityGroup: string | null; procedureCode?: string | null };
/** A commandId's answer: the write under way, or the answer as stored. */
type KeptAnswer = { fp: string | undefined; pending?: Promise<Result<unknown>>; stored?: StoredAnswer };
type Officer = { id: string; role: 'officer' | 'supervisor' };

/**
 * The queue's use cases. A command is decided against the day's state, its events are applied at
 * once (so the next command, even one arriving in the same millisecond, sees them), appended to the
 * journal, and answered only when the journal has it on disk. Listeners are told afterwards.
 */
export class QueueService implements AnswerLedger {
  /**
   * Two copies of the day. Commands are decided on `live`, which has every decided change applied
   * at once (two Next presses in the same millisecond see each other and call different tickets).
   * `durable` is advanced only when a change is on disk, in journal order: every view, snapshot and
   * REST read is built from it, so nothing is shown before it is stored, and a change the disk
   * refused is never seen by anyone.
   */
  private live: DayState;
  private durable: DayState;
  /** The seq of the last journal record decided. */
  private seq = 0;
  /** The version of what screens are shown: grows with every change that reaches `durable`. */
  private shownSeq = 0;
  /** Answers by idempotency key, for the current day: in flight, or as the journal keeps them. */
  private answers = new Map<string, KeptAnswer>();
  /** Commands under way (deciding or writing): a graceful stop waits for them. */
  private running = 0;
  private idle: (() => void)[] = [];
  /** Set while the day rolls over or the state is rebuilt after a failed write. */
  private barrier: Promise<void> | null = null;
  /** The state could not be rebuilt from disk after a failed write: refuse everything until it can. */
  private unsure = false;
  private listeners = new Set<(change: ChangeNotice) => void>();
  /** Who booked a booked ticket, for the officer's view (set by the composition root). */
  bookingDetails: BookingDetails = () => null;
  /** Whether a code is in the centre's procedure catalog (set by the composition root; none: no catalog). */
  procedureKnown: ((code: string) => boolean) | null = null;
  private get config(): CentreConfig {
    return this.deps.config.current;
  }

  constructor(private readonly deps: QueueServiceDeps) {
    this.live = createDayState(this.context().day, this.config);
    this.durable = createDayState(this.live.day, this.config);
  }

  onChange(listener: (change: ChangeNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The version of the views: what `Versioned.seq` carries. */
  get version(): number {
    return this.shownSeq;
  }

  get day(): string {
    return this.durable.day;
  }

  answered(key: string): boolean {
    return this.answers.has(key);
  }

  /** Resolves when no command is being decided or written (a graceful stop's last step). */
  drained(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async start(): Promise<StartReport> {
    const today = this.context().day;
    const archivedDays = await this.archiveLeftoverDays(today);
    const { replayed, report } = await this.load(today);
    const previous = await this.deps.store.lastArchivedDayBefore(today);
    const archive = previous ? await this.deps.store.readArchivedDay(previous) : null;
    if (archive) await this.carryOver(archive.day, archive.tickets as Ticket[]);
    return { day: today, replayed, journal: report, archivedDays };
  }

  /** Closing time (supervisors): see domain closeDay. */
  closeDay(mode: 'serve' | 'cancel' | 'carry-over', by: string, commandId: string, fp?: string): Promise<Result<null>> {
    return this.run(`officer:${by}:${commandId}`, fp, (state, ctx) => ({
      decision: moves.closeDay(state, ctx, { mode, by }),
      counterId: undefined,
      answer: () => null,
    }));
  }

  /**
   * The first thing of a new working day: visitors carried over from the last working day (at most
   * a week ago) get tickets before anyone else, in their old order, with their old number noted.
   * Keyed by the old ticket, so a restart never issues them twice.
   */
  private async carryOver(fromDay: string, tickets: Ticket[]): Promise<void> {
    if (Date.parse(this.live.day) - Date.parse(fromDay) > 7 * 86_400_000) return;
    const carried = tickets.filter((t) => t.status === 'cancelled' && t.cancelReason === 'carry-over').sort((a, b) => a.queuedAt - b.queuedAt);
    for (const old of carried) {
      const result = await this.run(`carry:${fromDay}:${old.id}`, undefined, (state, ctx) => ({
        decision: moves.takeTicket(state, this.config, ctx, {
          serviceId: old.serviceId,
          priorityGroup: old.priorityGroup,
          source: 'carry-over',
          carriedFrom: old.number,
        }),
        answer: () => null,
      }));
      if (!result.ok) this.deps.log.warn('a visitor could not be carried over', { from: fromDay, ticket: old.number, error: result.error });
    }
  }

  /** Rolls the day over if local midnight has passed; the composition root calls this on a timer. */
  async checkDay(): Promise<void> {
    await this.ready();
  }

  takeTicket(cmd: TakeCommand, source: 'kiosk' | 'api', kioskId: string | null = null, fp?: string): Promise<Result<TicketIssued>> {
    return this.run(`public:${cmd.commandId}`, fp, (state, ctx) => {
      const peopleAhead = state.waiting.get(cmd.serviceId)?.length ?? 0;
      const estimate = estimateWaitMinutes(state, this.config, cmd.serviceId, peopleAhead, this.learnedNow(ctx));
      const decision = moves.takeTicket(state, this.config, ctx, {
        serviceId: cmd.serviceId,
        priorityGroup: cmd.priorityGroup,
        source,
        estimatedWaitMinutes: estimate,
        procedureCode: cmd.procedureCode ?? null,
      });
      if (!decision.ok) return { decision };
      const event = decision.events[0]!;
      const issued: TicketIssued = {
        ticketId: event.type === 'ticket-taken' ? event.ticketId : '',
        number: event.type === 'ticket-taken' ? event.number : '',
        serviceId: cmd.serviceId,
        priorityGroup: cmd.priorityGroup,
        ...(cmd.procedureCode ? { procedureCode: cmd.procedureCode } : {}),
        peopleAhead,
        estimatedWaitMinutes: estimate,
        takenAt: ctx.now,
        day: state.day,
      };
      return { decision, issued, kioskId, answer: () => issued };
    });
  }

  /**
   * A booking checked in at the kiosk becomes a ticket, once: keyed by the booking, so a repeat (a
   * second kiosk, a retry after a crash) gets the same ticket. A remote number queues from when it
   * was registered; a slot booking is called by its slot (domain next-ticket.ts).
   */
  takeBookedTicket(
    booking: { bookingId: string; serviceId: string; slotStart: number; policy: 'slot' | 'remote'; registeredAt: number },
    kioskId: string | null,
  ): Promise<Result<TicketIssued>> {
    return this.run(`booking:${booking.bookingId}`, undefined, (state, ctx) => {
      const queuedAt = booking.policy === 'remote' ? Math.min(booking.registeredAt, ctx.now) : undefined;
      const queue = state.waiting.get(booking.serviceId) ?? [];
      const ahead = (id: string) => {
        const t = state.tickets.get(id);
        if (!t) return false;
        if (booking.policy === 'remote') return t.queuedAt <= (queuedAt ?? ctx.now);
        return t.booking?.policy === 'slot' && t.booking.slotStart <= booking.slotStart;
      };
      const peopleAhead = queue.filter(ahead).length;
      const estimate = estimateWaitMinutes(state, this.config, booking.serviceId, peopleAhead, this.learnedNow(ctx));
      const decision = moves.takeTicket(state, this.config, ctx, {
        serviceId: booking.serviceId,
        priorityGroup: null,
        source: 'booking',
        estimatedWaitMinutes: estimate,
        booking: { bookingId: booking.bookingId, slotStart: booking.slotStart, policy: booking.policy },
        ...(queuedAt !== undefined ? { queuedAt } : {}),
      });
      if (!decision.ok) return { decision };
      const event = decision.events[0]!;
      const issued: TicketIssued = {
        ticketId: event.type === 'ticket-taken' ? event.ticketId : '',
        number: event.type === 'ticket-taken' ? event.number : '',
        serviceId: booking.serviceId,
        priorityGroup: null,
        peopleAhead,
        estimatedWaitMinutes: estimate,
        takenAt: ctx.now,
        day: state.day,
        booked: { slotStart: booking.slotStart },
      };
      return { decision, issued, kioskId, answer: () => issued };
    });
  }

  /**
   * A booked ticket's slot started since the last look: what Next calls at the counters of its
   * service changed without any command, so their views are sent again. Called on a timer.
   */
  slotsStarted(): void {
    const now = this.deps.clock();
    const since = this.lastSlotLook ?? now;
    this.lastSlotLook = now;
    const services = new Set<string>();
    for (const id of this.durable.bookedWaiting) {
      const ticket = this.durable.tickets.get(id);
      if (ticket?.booking && ticket.booking.slotStart > since && ticket.booking.slotStart <= now) services.add(ticket.serviceId);
    }
    if (services.size === 0) return;
    const counters = this.config.counters.filter((c) => c.services.some((s) => services.has(s))).map((c) => c.id);
    this.notify({ seq: ++this.shownSeq, counters, calls: [], issued: null, served: [] });
  }
  private lastSlotLook: number | null = null;

  /** Today's stored tickets that came from bookings, by booking id (to reconcile check-ins). */
  bookedTickets(): Map<string, Ticket> {
    const found = new Map<string, Ticket>();
    for (const ticket of this.durable.tickets.values()) if (ticket.booking) found.set(ticket.booking.bookingId, ticket);
    return found;
  }

  /** A visitor's satisfaction with a served ticket; once per ticket. */
  rate(ticketId: string, level: 1 | 2 | 3, reason: string | null): Promise<Result<null>> {
    return this.run(`rating:${ticketId}`, undefined, (state, ctx) => ({
      decision: moves.rateTicket(state, ctx, { ticketId, level, reason }),
      answer: () => null,
    }));
  }

  counterCommand<N extends CounterCommandName>(
    name: N,
    cmd: ParsedCounterCommand<N>,
    officer: Officer,
    fp?: string,
  ): Promise<Result<CounterView>> {
    const base = { counterId: cmd.counterId, officerId: officer.id };
    return this.run(`officer:${officer.id}:${cmd.commandId}`, fp, (state, ctx) => {
      const decision = this.decideCounterCommand(name, cmd, base, officer, state, ctx);
      return { decision, counterId: cmd.counterId, answer: () => this.liveCounterView(cmd.counterId) };
    });
  }

  private decideCounterCommand<N extends CounterCommandName>(
    name: N,
    cmd: ParsedCounterCommand<N>,
    base: moves.CounterCommandBase,
    officer: Officer,
    state: DayState,
    ctx: DomainContext,
  ): Decision {
    const c = cmd as ParsedCounterCommand<CounterCommandName>;
    switch (name) {
      case 'counter:open':
        return moves.openCounter(state, ctx, {
          ...base,
          force: officer.role === 'supervisor' && 'force' in c && c.force === true,
        });
      case 'counter:call-next':
        return moves.callNext(state, this.config, ctx, base);
      case 'counter:call-number':
        return moves.callNumber(state, this.config, ctx, { ...base, number: 'number' in c ? c.number : '' });
      case 'counter:recall':
        return moves.moveCurrent(state, ctx, { ...base, move: 'recall' });
      case 'counter:start':
        return moves.moveCurrent(state, ctx, { ...base, move: 'start' });
      case 'counter:skip':
        return moves.moveCurrent(state, ctx, { ...base, move: 'no-show' });
      case 'counter:postpone':
        return moves.moveCurrent(state, ctx, { ...base, move: 'postpone' });
      case 'counter:done':
        return moves.moveCurrent(state, ctx, { ...base, move: 'done' });
      case 'counter:transfer':
        return moves.transferCurrent(state, this.config, ctx, {
          ...base,
          toServiceId: 'toServiceId' in c ? c.toServiceId : null,
          toCounterId: 'toCounterId' in c ? c.toCounterId : null,
        });
      case 'counter:pause':
        return moves.pauseCounter(state, ctx, { ...base, reason: 'reason' in c ? c.reason : '' });
      case 'counter:resume':
        return moves.resumeCounter(state, ctx, base);
      case 'counter:close':
        return moves.closeCounter(state, ctx, base);
      case 'counter:set-procedure': {
        const code = 'procedureCode' in c ? c.procedureCode : null;
        return moves.setProcedure(state, ctx, { ...base, procedureCode: code, inCatalog: code !== null && (this.procedureKnown?.(code) ?? false) });
      }
    }
    return { ok: false, error: 'INVALID_PAYLOAD' };
  }

  /**
   * Why a new configuration cannot be applied to the running day, or null. A service with people
   * waiting cannot go, an open counter cannot go, and a service that has given out numbers today
   * keeps its numbering until tomorrow (a number must never come twice in a day).
   */
  configProblem(next: CentreConfig): string | null {
    for (const [serviceId, queue] of this.live.waiting) {
      if (queue.length > 0 && !next.services.some((s) => s.id === serviceId))
        return `service "${serviceId}" has ${queue.length} people waiting: serve or transfer them first`;
    }
    for (const counter of this.live.counters.values()) {
      if (counter.status !== 'closed' && !next.counters.some((c) => c.id === counter.id))
        return `counter "${counter.id}" is open: close it first`;
    }
    for (const service of next.services) {
      const before = this.config.services.find((s) => s.id === service.id);
      if (before && (this.live.issued.get(service.id) ?? 0) > 0 && JSON.stringify(before.numbering) !== JSON.stringify(service.numbering))
        return `service "${service.id}" has given out numbers today: change its numbering after closing time`;
    }
    return null;
  }

  /** The configuration changed: the day gets room for new services and counters, screens the new views. */
  configChanged(): void {
    ensureConfigured(this.live, this.config);
    ensureConfigured(this.durable, this.config);
    this.notify({ seq: ++this.shownSeq, counters: 'all', calls: [], issued: null, served: [] });
  }

  /** Every stored ticket of the current day, for reports (read-only use). */
  todayTickets(): readonly Ticket[] {
    return [...this.durable.tickets.values()];
  }

  /** The day's stored tickets in the order they were taken, for other systems. */
  dayTickets(): DayTicket[] {
    return [...this.durable.tickets.values()].map((t) => ({
      ticketId: t.id,
      number: t.number,
      serviceId: t.serviceId,
      priorityGroup: t.priorityGroup,
      status: t.status,
      source: t.source,
      carriedFrom: t.carriedFrom,
      takenAt: t.takenAt,
      calledAt: t.calledAt,
      servingAt: t.servingAt,
      finishedAt: t.finishedAt,
      counterId: t.counterId,
      officerId: t.officerId,
      recalls: t.recalls,
      postponements: t.postponements,
      transfers: t.transfers,
      estimatedWaitMinutes: t.estimatedWaitMinutes,
    }));
  }

  /** Whether and how the supervisor closed the day, as stored. */
  get closing(): DayState['closed'] {
    return this.durable.closed;
  }

  /** Who works at a counter now, for a keypad's press (a decision: the live state). */
  officerAt(counterId: string): string | null {
    return this.live.counters.get(counterId)?.officerId ?? null;
  }

  /** A stored ticket of today by id or by number, as it would be printed now; null if there is none. */
  ticket(idOrNumber: string): (TicketIssued & { status: string }) | null {
    const state = this.durable;
    const id = state.tickets.has(idOrNumber) ? idOrNumber : state.byNumber.get(idOrNumber.trim().toUpperCase());
    const ticket = id ? state.tickets.get(id) : undefined;
    if (!ticket) return null;
    const queue = state.waiting.get(ticket.serviceId) ?? [];
    const position = queue.indexOf(ticket.id);
    const peopleAhead = position >= 0 ? position : 0;
    return {
      ticketId: ticket.id,
      number: ticket.number,
      serviceId: ticket.serviceId,
      priorityGroup: ticket.priorityGroup,
      peopleAhead,
      estimatedWaitMinutes:
        position >= 0 ? estimateWaitMinutes(state, this.config, ticket.serviceId, peopleAhead, this.learnedNow(this.context())) : null,
      takenAt: ticket.takenAt,
      day: state.day,
      status: ticket.status,
      // A reprinted booked ticket keeps its "Đặt lịch" mark.
      ...(ticket.booking ? { booked: { slotStart: ticket.booking.slotStart } } : {}),
    };
  }

  /** Where a ticket stands, for the follow-your-turn page. */
  follow(ticketId: string): TicketFollowView | null {
    const ticket = this.ticket(ticketId);
    const full = this.durable.tickets.get(ticketId);
    if (!ticket || !full) return null;
    const waiting = full.status === 'waiting';
    const atCounter = full.status === 'called' || full.status === 'serving';
    return {
      ticketId,
      number: ticket.number,
      serviceId: ticket.serviceId,
      status: full.status,
      peopleAhead: waiting ? ticket.peopleAhead : null,
      estimatedWaitMinutes: waiting ? ticket.estimatedWaitMinutes : null,
      counterNumber: atCounter ? (this.config.counters.find((c) => c.id === full.counterId)?.number ?? null) : null,
      day: this.durable.day,
    };
  }

  /**
   * Every ticket of the day still to be served, as its follow page sees it (one walk of the queues,
   * not one per ticket): what the province needs to answer a phone following a ticket here.
   */
  followAll(): TicketFollowView[] {
    const state = this.durable;
    const learned = this.learnedNow(this.context());
    const views: TicketFollowView[] = [];
    for (const [serviceId, queue] of state.waiting) {
      queue.forEach((id, peopleAhead) => {
        const ticket = state.tickets.get(id);
        if (!ticket || ticket.status !== 'waiting') return;
        views.push({
          ticketId: id,
          number: ticket.number,
          serviceId,
          status: 'waiting',
          peopleAhead,
          estimatedWaitMinutes: estimateWaitMinutes(state, this.config, serviceId, peopleAhead, learned),
          counterNumber: null,
          day: state.day,
        });
      });
    }
    // Finished in the last half hour too, so a phone that follows sees how it ended.
    const recent = this.deps.clock() - 30 * 60_000;
    for (const ticket of state.tickets.values()) {
      const finished = ticket.status === 'done' || ticket.status === 'no-show' || ticket.status === 'cancelled';
      if (finished && (ticket.finishedAt ?? 0) >= recent)
        views.push({ ticketId: ticket.id, number: ticket.number, serviceId: ticket.serviceId, status: ticket.status, peopleAhead: null, estimatedWaitMinutes: null, counterNumber: null, day: state.day });
      if (ticket.status !== 'called' && ticket.status !== 'serving') continue;
      views.push({
        ticketId: ticket.id,
        number: ticket.number,
        serviceId: ticket.serviceId,
        status: ticket.status,
        peopleAhead: null,
        estimatedWaitMinutes: null,
        counterNumber: this.config.counters.find((c) => c.id === ticket.counterId)?.number ?? null,
        day: state.day,
      });
    }
    return views;
  }

  /** The queue's part of the public view (the hub adds the dossier board), as stored. */
  publicView(): Omit<PublicView, 'dossiers'> {
    const ctx = this.context();
    return publicView(this.durable, this.config, ctx, this.learnedNow(ctx));
  }

  /** The counters part of the staff view (the device service adds the devices), as stored. */
  staffCounters(): Omit<StaffView, 'devices'> {
    return staffCounters(this.durable, this.config, this.deps.clock());
  }

  /** A counter's view, as stored. */
  counterView(counterId: string): CounterView | null {
    return counterView(this.durable, this.config, counterId, this.deps.clock(), this.bookingDetails);
  }

  /** The answer of a counter command: the counter as this command left it (sent once it is stored). */
  private liveCounterView(counterId: string): CounterView {
    const view = counterView(this.live, this.config, counterId, this.deps.clock(), this.bookingDetails);
    if (!view) throw new Error(`no view for counter ${counterId}`);
    return view;
  }

  /** What past days say of each service at this hour. */
  private learnedNow(ctx: DomainContext): LearnedServiceMinutes {
    const hour = Math.floor(ctx.minuteOfDay / 60);
    return (serviceId) => this.deps.learned?.minutes(serviceId, hour) ?? null;
  }

  private context(): DomainContext {
    return domainContext(this.deps.clock(), this.config.centre.timeZone);
  }

  /** Waits for a rollover or a rebuild under way, and starts a rollover if the day has changed. */
  private async ready(): Promise<void> {
    for (;;) {
      if (this.barrier) {
        await this.barrier;
        continue;
      }
      if (this.unsure) {
        await this.rebuild();
        if (this.unsure) return;
        continue;
      }
      const day = this.context().day;
      if (day === this.live.day) return;
      this.barrier = this.rollOver(day).finally(() => (this.barrier = null));
    }
  }

  private async run<T>(
    key: string,
    fp: string | undefined,
    decide: (
      state: DayState,
      ctx: DomainContext,
    ) => { decision: Decision; issued?: TicketIssued; kioskId?: string | null; counterId?: string; answer?: () => T },
  ): Promise<Result<T>> {
    this.running += 1;
    try {
      return await this.runNow(key, fp, decide);
    } finally {
      this.running -= 1;
      if (this.running === 0) this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  private async runNow<T>(
    key: string,
    fp: string | undefined,
    decide: (
      state: DayState,
      ctx: DomainContext,
    ) => { decision: Decision; issued?: TicketIssued; kioskId?: string | null; counterId?: string; answer?: () => T },
  ): Promise<Result<T>> {
    await this.ready();
    if (this.unsure) return { ok: false, error: 'STORAGE_FAILED' };
    const known = this.answers.get(key);
    if (known) {
      // The same id for another command is not a retry: refuse it, and change nothing.
      if (known.fp !== undefined && fp !== undefined && known.fp !== fp) return { ok: false, error: 'IDEMPOTENCY_CONFLICT' };
      return (known.pending ?? Promise.resolve({ ok: true, data: decodeAnswer(known.stored!) })) as Promise<Result<T>>;
    }

    const ctx = this.context();
    const { decision, issued, kioskId, counterId, answer } = decide(this.live, ctx);
    if (!decision.ok) return { ok: false, error: decision.error };

    for (const event of decision.events) {
      const problem = applyEvent(this.live, event);
      if (problem) {
        // A decided event always applies; if one does not, the domain has a bug. Rebuild from disk.
        this.deps.log.error('event did not apply', { event: event.type, problem });
        void this.rebuild();
        return { ok: false, error: 'INTERNAL' };
      }
    }
    // The answer is what this command did, taken now: by the time the write is on disk, later
    // commands in the same group commit may have changed the counter again. It is stored with the
    // record, so a repeat gets it byte for byte, also after a restart; even a command that changed
    // nothing (opening a counter one already holds) is recorded for that.
    const data = (answer ? answer() : null) as T;
    const stored = encodeAnswer(data);
    const seq = ++this.seq;
    const record: JournalRecord = { seq, at: ctx.now, key, ...(fp ? { fp } : {}), events: decision.events, ...stored };
    const outcome = this.deps.store.append(record).then(
      (): Result<T> => {
        this.answers.set(key, { fp, stored });
        this.advanceDurable(record, {
          counterId,
          issued: issued ? { ticket: issued, kioskId: kioskId ?? null } : null,
        });
        return { ok: true, data };
      },
      (error: unknown): Result<T> => {
        this.deps.log.error('journal write failed: the action was refused', { error: String(error), seq });
        this.answers.delete(key);
        void this.rebuild();
        return { ok: false, error: 'STORAGE_FAILED' };
      },
    );
    this.answers.set(key, { fp, pending: outcome });
    return outcome;
  }

  /**
   * A record is on disk: the durable state takes it (records land in journal order), and the
   * screens and listeners are told, calls first.
   */
  private advanceDurable(record: JournalRecord, origin: { counterId: string | undefined; issued: ChangeNotice['issued'] }): void {
    if (record.events.length === 0) return;
    for (const event of record.events) {
      const problem = applyEvent(this.durable, event);
      if (problem) this.deps.log.error('a stored event did not apply to the shown state', { event: event.type, problem, seq: record.seq });
    }
    this.notify({
      seq: ++this.shownSeq,
      counters: this.countersTouched(record, origin.counterId),
      calls: this.callsOf(record),
      issued: origin.issued,
      served: origin.counterId
        ? record.events.filter((e) => e.type === 'ticket-done').map((e) => ({ ticketId: e.ticketId, counterId: origin.counterId! }))
        : [],
    });
  }

  /** Counters whose view a record changed: its own, and every counter serving a service it touched. */
  private countersTouched(record: JournalRecord, commandCounterId: string | undefined): string[] {
    const counters = new Set<string>(commandCounterId ? [commandCounterId] : []);
    const services = new Set<string>();
    for (const event of record.events) {
      if ('counterId' in event) counters.add(event.counterId);
      if (!('ticketId' in event)) continue;
      const ticket = this.durable.tickets.get(event.ticketId);
      if (ticket) services.add(ticket.serviceId);
    }
    for (const counter of this.config.counters)
      if (counter.services.some((s) => services.has(s))) counters.add(counter.id);
    return [...counters];
  }

  private callsOf(record: JournalRecord): PublicCall[] {
    const calls: PublicCall[] = [];
    for (const event of record.events) {
      if (event.type !== 'ticket-called' && event.type !== 'ticket-recalled') continue;
      const ticket = this.durable.tickets.get(event.ticketId);
      const counter = this.config.counters.find((c) => c.id === event.counterId);
      if (!ticket || !counter) continue;
      calls.push({
        number: ticket.number,
        serviceId: ticket.serviceId,
        counterId: counter.id,
        counterNumber: counter.number,
        at: event.at,
        kind: event.type === 'ticket-called' ? 'call' : 'recall',
        ...(ticket.booking ? { booked: true } : {}),
      });
    }
    return calls;
  }

  private notify(change: ChangeNotice): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.deps.log.error('change listener failed', { error: String(error) });
      }
    }
  }

  /** Replays a day's journal into fresh states (live and durable: both are what is on disk). */
  private async load(day: string): Promise<{ replayed: number; report: ReplayReport }> {
    const { records, report } = await this.deps.store.openDay(day);
    const live = createDayState(day, this.config);
    const durable = createDayState(day, this.config);
    const answers = new Map<string, KeptAnswer>();
    const skipped: { seq: number; problem: string }[] = [];
    let seq = 0;
    for (const record of records) {
      for (const event of record.events) {
        const problem = applyEvent(live, event);
        if (problem) skipped.push({ seq: record.seq, problem });
        applyEvent(durable, event);
      }
      seq = Math.max(seq, record.seq);
      if (record.key) answers.set(record.key, this.replayedAnswer(record));
    }
    if (report.dropped.length > 0 || skipped.length > 0) {
      this.deps.log.error('the journal was damaged: what is intact was kept', {
        journal: report.path,
        kept: records.length,
        dropped: report.dropped,
        skippedEvents: skipped,
        keptCopy: report.keptCopy,
      });
    } else if (report.tornTail) {
      this.deps.log.warn('the last journal line was cut off by a crash and was dropped', { journal: report.path });
    }
    this.live = live;
    this.durable = durable;
    this.answers = answers;
    this.seq = Math.max(this.seq, seq);
    // Never go back: screens ignore versions older than what they have seen from this boot.
    this.shownSeq = Math.max(this.shownSeq + 1, seq);
    return { replayed: records.length, report };
  }

  private replayedAnswer(record: JournalRecord): KeptAnswer {
    if ('answerZ' in record && record.answerZ !== undefined) return { fp: record.fp, stored: { answerZ: record.answerZ } };
    if ('answer' in record) return { fp: record.fp, stored: { answer: record.answer } };
    // A journal from before answers were kept: a take's answer, or the counter as it is now.
    if (record.issued) return { fp: record.fp, stored: { answer: record.issued } };
    const counterId = record.key?.startsWith('officer:')
      ? record.events.find((e): e is Extract<typeof e, { counterId: string }> => 'counterId' in e)?.counterId
      : undefined;
    const view = counterId ? this.counterView(counterId) : null;
    return { fp: record.fp, pending: Promise.resolve(view ? { ok: true, data: view } : { ok: false, error: 'INTERNAL' as const }) };
  }

  /** After a failed write: drop what is not on disk by rebuilding the state from the journal. */
  private rebuild(): Promise<void> {
    if (this.barrier) return this.barrier;
    this.barrier = (async () => {
      try {
        await this.load(this.live.day);
        this.unsure = false;
        this.notify({ seq: this.shownSeq, counters: 'all', calls: [], issued: null, served: [] });
      } catch (error) {
        // What is in memory may hold refused changes: answer nothing from it until a rebuild works.
        this.unsure = true;
        this.deps.log.error('could not rebuild the state from the journal', { error: String(error) });
      }
    })().finally(() => (this.barrier = null));
    return this.barrier;
  }

  private async rollOver(day: string): Promise<void> {
    // The barrier is up and every write of the day has settled (commands wait for the barrier):
    // the durable state is the whole finished day.
    const finished = this.durable;
    const lastSeq = this.seq;
    this.seq = 0;
    await this.load(day);
    this.deps.log.info('a new service day started', { day, previous: finished.day });
    this.notify({ seq: this.shownSeq, counters: 'all', calls: [], issued: null, served: [] });
    await this.archive(finished, lastSeq);
    // Outside the barrier: carrying over runs commands, which wait for it.
    setImmediate(() => void this.carryOver(finished.day, [...finished.tickets.values()]));
  }

  private async archive(state: DayState, lastSeq: number): Promise<void> {
    try {
      await this.deps.store.archiveDay({
        day: state.day,
        lastSeq,
        records: lastSeq,
        tickets: [...state.tickets.values()],
      });
      await this.deps.learned?.learn(state.day, [...state.tickets.values()], this.config.centre.timeZone);
    } catch (error) {
      // The journal stays; the next start archives it.
      this.deps.log.error('could not archive a finished day', { day: state.day, error: String(error) });
    }
  }

  /** Journals of earlier days that were never archived (the hub was down at midnight). */
  private async archiveLeftoverDays(today: string): Promise<string[]> {
    const days = await this.deps.store.unarchivedDays(today);
    for (const day of days) {
      const { records } = await this.deps.store.readDayJournal(day);
      const state = createDayState(day, this.config);
      let lastSeq = 0;
      for (const record of records) {
        record.events.forEach((event) => applyEvent(state, event));
        lastSeq = Math.max(lastSeq, record.seq);
      }
      await this.archive(state, lastSeq);
    }
    return days;
  }
}
