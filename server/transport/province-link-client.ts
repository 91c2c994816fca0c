import { io, type Socket } from 'socket.io-client';
import { applyLinkOutRecord, compactedRecords, createLinkOutState, daysToReport, messagesFor, messagesToSend, type LinkOutRecord, type LinkOutState } from '../domain/link-outbox';
import type { BookingService } from '../app/booking-service';
import { addDays } from '../domain/working-calendar';
import type { Logger } from '../logger';
import type { CentreProfile } from '../protocol/centre-profile';
import { LINK_NAMESPACE, type CentreLiveState, type DayClosedBody, type LinkClientEvents, type LinkServerEvents } from '../protocol/link-protocol';
import type { LinkOutboxStore } from '../store/link-outbox-store';
import type { ProvinceLinkView } from '../protocol/views';

/**
 * The hub's end of the link to the province (docs/province.md, "The link"). The hub calls out
 * (websocket, its centre token), says hello with its profile, then keeps both directions whole:
 *
 * - province to hub: it pulls the province's numbered messages after the last it applied (on
 *   connecting, when nudged, and every `pullEveryMs` in case a nudge was lost), applies each to the
 *   booking journal in order, once, and acknowledges the last on disk;
 * - hub to province: facts on the hub's disk (province bookings checked in, closed days) are put in
 *   its own numbered outbox, pushed from the number the province says it applied, and dropped once
 *   acknowledged;
 * - its live public state, a snapshot, sent when the queue changes (at most every `stateEveryMs`).
 *
 * The queue never waits for the link: a centre with no WAN works as if it had none.
 */

export interface ProvinceLinkOptions {
  url: string;
  token: string;
  profile: () => CentreProfile;
  bookings: BookingService;
  store: LinkOutboxStore;
  /** The live state without the link's own numbers. */
  liveState: () => Omit<CentreLiveState, 'outSeq' | 'provinceSeq'>;
  /** Today at the centre. */
  today: () => string;
  /** Days closed and archived after `after` (exclusive), before `today`. */
  closedDays: (after: string, today: string) => Promise<string[]>;
  /** A closed day's report for the province (the no-shows are added here). */
  dayReport: (day: string) => Promise<Omit<DayClosedBody, 'noShows'>>;
  clock: () => number;
  log: Logger;
  pullEveryMs?: number;
  /** How long the outbox file grows, mostly applied messages, before it is rewritten without them (1,000). */
  compactAfterRecords?: number;
  stateEveryMs?: number;
  answerTimeoutMs?: number;
}

export type ProvinceLinkStatus = ProvinceLinkView;

type LinkSocket = Socket<LinkServerEvents, LinkClientEvents>;

/** An outbox file this long, mostly applied messages, is rewritten without them. */
const COMPACT_AFTER_RECORDS = 1_000;

export class ProvinceLinkClient {
  private state: LinkOutState = createLinkOutState();
  private socket: LinkSocket | null = null;
  private stopped = false;
  private centreId: string | null = null;
  private lastContactAt: number | null = null;
  private provinceLast = 0;
  private lastError: string | null = null;
  private helloDone = false;
  /** One collection, one push, one pull at a time; a request during one runs it again after. */
  private readonly runs = new Map<string, { running: Promise<void>; again: boolean }>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private stateTimer: ReturnType<typeof setTimeout> | null = null;
  private lastStateAt = -Infinity;
  /** The tickets as last sent on this connection (key -> entry text); null: send them all next. */
  private sentTickets: Map<string, string> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Records in the outbox file: the last compaction's and those appended since. */
  private recordsInFile = 0;
  private writes: Promise<unknown> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: ProvinceLinkOptions) {}

  async start(): Promise<void> {
    const { records, report } = await this.options.store.open();
    if (report.dropped.length > 0) this.options.log.error('link outbox: damaged lines dropped', { dropped: report.dropped.length, keptCopy: report.keptCopy });
    for (const record of records) {
      const problem = applyLinkOutRecord(this.state, record);
      if (problem) this.options.log.error('link outbox: a record does not apply', { problem });
    }
    this.recordsInFile = records.length;
    await this.compactIfWorth();
    this.unsubscribe = this.options.bookings.onChange((events) => {
      if (events.some((e) => e.type === 'booking-checked-in' || e.type === 'closure-added' || e.type === 'closure-removed' || (e.type === 'booking-cancelled' && e.by === 'centre')))
        this.run('collect');
    });
    const socket: LinkSocket = io(`${this.options.url.replace(/\/$/, '')}${LINK_NAMESPACE}`, {
      transports: ['websocket'],
      auth: { token: this.options.token },
      reconnectionDelay: 1_000,
      // The back-off's ceiling is how long a centre back from a long outage may wait to link again
      // (the delay is capped after its jitter: once there, tries are exactly this far apart). At
      // 30 s a centre waited 15 s on average, up to 30 (docs/performance.md, "After issue 13");
      // at 5 s a province that is down hears from each of its few hundred hubs every 5 s.
      reconnectionDelayMax: 5_000,
      randomizationFactor: 0.5,
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.lastError = null;
      this.run('session');
    });
    socket.on('disconnect', (reason) => {
      this.helloDone = false;
      this.options.log.info('province link: down', { reason });
    });
    socket.on('connect_error', (error) => {
      this.lastError = error.message;
      this.options.log.warn('province link: cannot connect', { error: error.message });
      // Refused by the province (a bad or revoked token): Socket.IO does not retry by itself.
      if (!socket.active && !this.stopped) {
        this.retryTimer = setTimeout(() => socket.connect(), 30_000);
        this.retryTimer.unref();
      }
    });
    socket.on('link:nudge', () => this.run('pull'));
    this.timer = setInterval(() => {
      this.run('collect');
      this.run('pull');
      // Also the province's sign that the centre is there, when nothing changes; all the tickets.
      this.sentTickets = null;
      this.sendState();
    }, this.options.pullEveryMs ?? 30_000);
    this.timer.unref();
    this.run('collect');
  }

  /** The queue changed: the province hears the new state soon (calls at once after a quiet spell). */
  stateChanged(): void {
    if (this.stopped || this.stateTimer) return;
    const wait = Math.max(0, this.lastStateAt + (this.options.stateEveryMs ?? 100) - performance.now());
    if (wait === 0) return this.sendState();
    this.stateTimer = setTimeout(() => {
      this.stateTimer = null;
      this.sendState();
    }, wait);
  }

  status(): ProvinceLinkStatus {
    return {
      connected: this.helloDone && (this.socket?.connected ?? false),
      centreId: this.centreId,
      lastContactAt: this.lastContactAt,
      provinceSeq: this.options.bookings.provinceSeq(),
      provinceLast: Math.max(this.provinceLast, this.options.bookings.provinceSeq()),
      outSeq: this.state.seq,
      outAcked: this.state.acked,
      lastError: this.lastError,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.stateTimer) clearTimeout(this.stateTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.unsubscribe?.();
    this.socket?.close();
    await Promise.all([...this.runs.values()].map((r) => r.running.catch(() => undefined)));
    await this.options.store.close();
  }

  // -------------------------------------------------------------------------------------------

  private run(what: 'session' | 'collect' | 'push' | 'pull'): void {
    if (this.stopped) return;
    const current = this.runs.get(what);
    if (current) {
      current.again = true;
      return;
    }
    const entry = { running: Promise.resolve(), again: false };
    entry.running = (async () => {
      do {
        entry.again = false;
        try {
          await this[what]();
        } catch (error) {
          this.lastError = String(error instanceof Error ? error.message : error);
          this.options.log.warn(`province link: ${what} failed`, { error: this.lastError });
        }
      } while (entry.again && !this.stopped);
      this.runs.delete(what);
    })();
    this.runs.set(what, entry);
  }

  private async session(): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected) return;
    const hello = await this.ask(socket, 'link:hello', { profile: this.options.profile() });
    if (!hello.ok) {
      this.lastError = hello.error;
      this.options.log.warn('province link: hello refused', { error: hello.error });
      return;
    }
    this.lastContactAt = this.options.clock();
    this.centreId = hello.data.centreId;
    this.provinceLast = hello.data.outSeq;
    await this.options.bookings.knowProvince(hello.data.centreId, hello.data.signingKeys);
    this.helloDone = true;
    this.options.log.info('province link: up', { centreId: hello.data.centreId, provinceLast: hello.data.outSeq, applied: this.options.bookings.provinceSeq(), provinceApplied: hello.data.inSeq, outSeq: this.state.seq });
    if (this.state.linkedSince === null) await this.write([{ type: 'linked', day: this.options.today(), at: this.options.clock() }]);
    // What the province applied of ours may be past what we recorded (an answer lost in a cut).
    if (hello.data.inSeq > this.state.acked && hello.data.inSeq <= this.state.seq) await this.write([{ type: 'acked', upTo: hello.data.inSeq }]);
    // A new connection: the province has none of our tickets on it yet.
    this.sentTickets = null;
    this.sendState();
    this.run('pull');
    this.run('collect');
  }

  /** Puts the facts on disk that the province has not been told into the outbox, then pushes. */
  private async collect(): Promise<void> {
    const today = this.options.today();
    const closedDays: DayClosedBody[] = [];
    const from = this.state.reportedThrough ?? (this.state.linkedSince ? addDays(this.state.linkedSince, -1) : null);
    if (from !== null) {
      const days = daysToReport(this.state, await this.options.closedDays(from, today), today);
      for (const day of days) closedDays.push({ ...(await this.options.dayReport(day)), noShows: this.options.bookings.provinceNoShows(day) });
    }
    const bookings = this.options.bookings;
    const records = messagesFor(this.state, this.options.clock(), {
      checkIns: bookings.provinceCheckIns(),
      closedDays,
      closures: bookings.closureFacts(),
      centreCancellations: bookings.provinceCentreCancellations(),
    });
    if (records.length > 0) {
      await this.write(records);
      // The live state carries the outbox's last number (the province's view of the lag).
      this.stateChanged();
    }
    if (this.state.pending.length > 0) this.run('push');
  }

  private async push(): Promise<void> {
    let after = this.state.acked;
    while (!this.stopped && this.helloDone && this.socket?.connected) {
      const messages = messagesToSend(this.state, after, 200);
      if (messages.length === 0) return;
      const answer = await this.ask(this.socket, 'link:push', { messages });
      if (!answer.ok) throw new Error(`push refused: ${answer.error}`);
      this.lastContactAt = this.options.clock();
      const applied = answer.data.applied;
      if (applied > this.state.acked && applied <= this.state.seq) await this.write([{ type: 'acked', upTo: applied }]);
      if (applied < messages[0]!.seq - 1) {
        // The province has less than it once acknowledged (its database restored from a backup?).
        this.options.log.error('province link: the province lacks messages it acknowledged', { applied, next: messages[0]!.seq });
        return;
      }
      if (applied <= after) return;
      after = applied;
    }
  }

  private async pull(): Promise<void> {
    const bookings = this.options.bookings;
    while (!this.stopped && this.helloDone && this.socket?.connected) {
      const from = bookings.provinceSeq();
      const answer = await this.ask(this.socket, 'link:pull', { after: from, limit: 200 });
      if (!answer.ok) throw new Error(`pull refused: ${answer.error}`);
      this.lastContactAt = this.options.clock();
      this.provinceLast = answer.data.last;
      for (const message of answer.data.messages) {
        const applied = await bookings.applyProvinceMessage(message);
        if (!applied.ok) {
          if (applied.error === 'LINK_OUT_OF_ORDER') break;
          throw new Error(`a province message could not be applied: ${applied.error}`);
        }
      }
      const now = bookings.provinceSeq();
      if (now > from) {
        await this.ask(this.socket, 'link:ack', { applied: now });
        // And the last province message applied: without a new state the province's copy says a
        // hub that caught up is still behind, until the queue changes or the 30 s timer.
        this.stateChanged();
      }
      if (now >= answer.data.last || now === from) return;
    }
  }

  private sendState(): void {
    const socket = this.socket;
    if (this.stateTimer) {
      clearTimeout(this.stateTimer);
      this.stateTimer = null;
    }
    if (!socket?.connected || !this.helloDone) return;
    this.lastStateAt = performance.now();
    const state = { ...this.options.liveState(), outSeq: this.state.seq, provinceSeq: this.options.bookings.provinceSeq() };
    // The tickets that changed since the last state on this connection, when that is fewer.
    const now = new Map(state.tickets.map((t) => [t.key, JSON.stringify(t)]));
    const before = this.sentTickets;
    this.sentTickets = now;
    if (before) {
      const changed = state.tickets.filter((t) => before.get(t.key) !== now.get(t.key));
      const gone = [...before.keys()].filter((key) => !now.has(key));
      if (changed.length + gone.length < state.tickets.length / 2)
        return void socket.emit('link:state', { state: { ...state, tickets: [] }, ticketsDelta: { changed, gone } });
    }
    socket.emit('link:state', { state });
  }

  /** Writes one after another (a compaction replaces the file between two writes, never during one). */
  private write(records: LinkOutRecord[]): Promise<void> {
    const run = this.writes.then(async () => {
      await this.options.store.append(records);
      for (const record of records) {
        const problem = applyLinkOutRecord(this.state, record);
        if (problem) throw new Error(`link outbox: ${problem}`);
      }
      this.recordsInFile += records.length;
      await this.compactIfWorth();
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  /**
   * Rewrites the outbox without the messages the province has applied (a snapshot of their keys,
   * then what is pending) once they are most of a long file: a centre linked for years keeps a
   * file the size of what is on its way, not of everything it ever sent.
   */
  private async compactIfWorth(): Promise<void> {
    if (this.recordsInFile < (this.options.compactAfterRecords ?? COMPACT_AFTER_RECORDS) || this.state.pending.length * 4 > this.recordsInFile) return;
    const records = compactedRecords(this.state);
    try {
      await this.options.store.replace(records);
      this.recordsInFile = records.length;
    } catch (error) {
      this.options.log.warn('link outbox: could not be compacted; kept as it was', { error: String(error) });
    }
  }

  private ask<E extends 'link:hello' | 'link:pull' | 'link:push' | 'link:ack'>(
    socket: LinkSocket,
    event: E,
    payload: Parameters<LinkClientEvents[E]>[0],
  ): Promise<Parameters<Parameters<LinkClientEvents[E]>[1]>[0]> {
    const timed = socket.timeout(this.options.answerTimeoutMs ?? 10_000) as unknown as { emitWithAck(event: string, payload: unknown): Promise<unknown> };
    return timed.emitWithAck(event, payload) as Promise<Parameters<Parameters<LinkClientEvents[E]>[1]>[0]>;
  }
}
