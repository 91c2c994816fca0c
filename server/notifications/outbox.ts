import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logger';
import { replaceFileDurably } from '../store/durable-json-file';
import { Journal } from '../store/journal';
import type { RetryConfig } from './notification-config';
import { describeFailure, type EmailTransport, type SmsTransport } from './transports';

/**
 * A durable outbox: every message is on disk (journal, fdatasync) before it is sent, and its
 * outcome is on disk after.
 *
 * Guarantees:
 * - A message that `enqueue` resolved for is sent, or retried with capped exponential backoff
 *   until it is, or given up after `maxAttempts` (stored as failed, logged), also across restarts:
 *   pending messages are read back and sent by the next start.
 * - In normal operation (no crash) a message is sent at most once: it is marked sent in memory
 *   the moment the transport accepts it, and on disk right after.
 * - A crash after the gateway took a message but before "sent" reached the disk leaves it pending:
 *   the next start sends it again. That resend carries the same id (the {id} of the SMS request,
 *   the Message-ID of the e-mail), so a receiver that remembers ids can drop it. One that does not
 *   delivers it twice: at-least-once, not exactly-once, in that window.
 * - One message per dedupe key: enqueueing a key the outbox holds does nothing. Keys are
 *   remembered as long as their messages are kept (`keepDays` after they finished).
 *
 * The file grows by a few lines per message; at each open, messages that finished more than
 * `keepDays` ago are dropped and the file is rewritten with one line per message kept.
 */

export type Channel = 'sms' | 'email';
export type OutboxStatus = 'pending' | 'sent' | 'failed';

/** What a caller hands to the outbox. */
export interface NewOutboxMessage {
  /** One message per key, ever (while remembered): e.g. "code|result-ready|1712345678000|sms". */
  key: string;
  channel: Channel;
  /** For the log: what the message is about (never personal data). */
  kind: string;
  /** A phone number or an e-mail address. */
  to: string;
  /** E-mail only. */
  subject: string | null;
  text: string;
}

export interface OutboxMessage extends NewOutboxMessage {
  /** Stable id, derived from the key: the same on every attempt and after a restart. */
  id: string;
  createdAt: number;
  status: OutboxStatus;
  attempts: number;
  /** When the next attempt is due (pending messages). */
  nextAt: number;
  lastError: string | null;
  /** When it was sent or given up. */
  doneAt: number | null;
}

const messageSchema = z.object({
  id: z.string(),
  key: z.string(),
  channel: z.enum(['sms', 'email']),
  kind: z.string(),
  to: z.string(),
  subject: z.string().nullable(),
  text: z.string(),
  createdAt: z.number(),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int().min(0),
  nextAt: z.number(),
  lastError: z.string().nullable(),
  doneAt: z.number().nullable(),
});

const recordSchema = z.discriminatedUnion('t', [
  /** A new message (or, after compaction, a message as it stands). */
  z.object({ t: z.literal('message'), message: messageSchema }),
  z.object({ t: z.literal('retry'), id: z.string(), at: z.number(), attempts: z.number().int(), nextAt: z.number(), error: z.string() }),
  z.object({ t: z.literal('sent'), id: z.string(), at: z.number(), attempts: z.number().int() }),
  z.object({ t: z.literal('failed'), id: z.string(), at: z.number(), attempts: z.number().int(), error: z.string() }),
  /** When this outbox began: events before it were never its to send (see `since`). */
  z.object({ t: z.literal('began'), at: z.number() }),
]);
type OutboxRecord = z.infer<typeof recordSchema>;

export interface OutboxOptions {
  /** The journal file, e.g. <data>/notifications/outbox.jsonl. */
  path: string;
  transports: { sms?: SmsTransport | undefined; email?: EmailTransport | undefined };
  retry: RetryConfig;
  /** Finished messages older than this are dropped at open. */
  keepDays: number;
  log: Logger;
  /** Wall clock for due times and retries (default Date.now). */
  now?: () => number;
  /** Messages in flight at once (default 4). */
  concurrency?: number;
  /** The centre's clock, which dossier events are timed by: stamps when the outbox began (default `now`). */
  centreClock?: () => number;
}

export interface OutboxCounts {
  pending: number;
  sent: number;
  failed: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Longest single timer: wakes up now and then even if the clock jumps. */
const MAX_SLEEP_MS = 60_000;

/** The message id for a dedupe key: a UUID-shaped hash (version 8), the same on every run. */
export function messageIdFor(key: string): string {
  const hex = createHash('sha256').update(`luot-outbox:${key}`).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Wait after the n-th failed attempt (n >= 1): initialMs doubled per further failure, capped. */
export function retryDelay(failedAttempts: number, retry: RetryConfig): number {
  const exponent = Math.max(0, failedAttempts - 1);
  return Math.min(retry.maxMs, retry.initialMs * 2 ** Math.min(exponent, 40));
}

export class Outbox {
  private readonly messages = new Map<string, OutboxMessage>();
  private readonly byKey = new Map<string, string>();
  /** Keys being stored right now (an enqueue is awaiting the disk). */
  private readonly reserving = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private closed = false;
  private readonly now: () => number;
  private readonly concurrency: number;
  private readonly warnedChannels = new Set<Channel>();

  private constructor(
    private readonly journal: Journal<OutboxRecord>,
    private readonly options: OutboxOptions,
    /**
     * When the outbox began (its first open, stored). Events from before it are not caught up at a
     * start: switching notifications on does not message everyone the register changed last week.
     */
    readonly since: number,
  ) {
    this.now = options.now ?? Date.now;
    this.concurrency = options.concurrency ?? 4;
  }

  /** Opens the outbox file (creating it), reads it back and compacts it. Does not send yet. */
  static async open(options: OutboxOptions): Promise<Outbox> {
    const now = (options.now ?? Date.now)();
    await mkdir(dirname(options.path), { recursive: true });
    let opened = await Journal.open(options.path, recordSchema);
    const { report } = opened;
    if (report.dropped.length > 0)
      options.log.warn('notification outbox: damaged lines dropped', {
        dropped: report.dropped.length,
        keptCopy: report.keptCopy,
      });
    const state = new Map<string, OutboxMessage>();
    let began: number | null = null;
    for (const record of opened.records) {
      if (record.t === 'began') began = began === null ? record.at : Math.min(began, record.at);
      else applyRecord(state, record);
    }
    const since = began ?? (options.centreClock ?? options.now ?? Date.now)();
    const cutoff = now - options.keepDays * DAY_MS;
    const kept = [...state.values()].filter((m) => m.status === 'pending' || (m.doneAt ?? m.createdAt) >= cutoff);
    // Rewrite when that drops messages, or when the file holds many more lines than messages.
    if (kept.length < state.size || opened.records.length > 2 * kept.length + 100) {
      await opened.journal.close();
      await rewrite(options.path, [
        ...(began === null ? [] : [{ t: 'began' as const, at: began }]),
        ...kept.map((message) => ({ t: 'message' as const, message })),
      ]);
      opened = await Journal.open(options.path, recordSchema);
      options.log.info('notification outbox compacted', { dropped: state.size - kept.length, kept: kept.length });
    }
    const outbox = new Outbox(opened.journal, options, since);
    if (began === null) {
      try {
        await opened.journal.append({ t: 'began', at: since });
      } catch (error) {
        // Not fatal: this run catches up from now; the next open tries to store it again.
        options.log.warn('notification outbox: could not store when it began', { reason: describeFailure(error) });
      }
    }
    for (const message of kept) {
      outbox.messages.set(message.id, message);
      outbox.byKey.set(message.key, message.id);
    }
    return outbox;
  }

  /** Starts sending: pending messages first (those left by an earlier run included). */
  start(): void {
    if (this.closed) throw new Error('outbox is closed');
    this.running = true;
    this.schedule();
  }

  /** Stops sending, waits for the sends under way to finish and be recorded, closes the file. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
    if (!this.closed) {
      this.closed = true;
      await this.journal.close();
    }
  }

  /** Whether a message with this key is held (queued, sent or failed). */
  has(key: string): boolean {
    return this.byKey.has(key) || this.reserving.has(key);
  }

  /**
   * Stores new messages (one fdatasync for all), then lets the sender loop pick them up. Keys the
   * outbox already holds are skipped. Resolves with the messages stored.
   */
  async enqueue(items: readonly NewOutboxMessage[]): Promise<OutboxMessage[]> {
    if (this.closed) throw new Error('outbox is closed');
    const now = this.now();
    const fresh: OutboxMessage[] = [];
    for (const item of items) {
      if (this.has(item.key)) continue;
      this.reserving.add(item.key);
      fresh.push({
        ...item,
        id: messageIdFor(item.key),
        createdAt: now,
        status: 'pending',
        attempts: 0,
        nextAt: now,
        lastError: null,
        doneAt: null,
      });
    }
    if (fresh.length === 0) return [];
    try {
      await Promise.all(fresh.map((message) => this.journal.append({ t: 'message', message })));
      for (const message of fresh) {
        this.messages.set(message.id, message);
        this.byKey.set(message.key, message.id);
      }
    } finally {
      for (const message of fresh) this.reserving.delete(message.key);
    }
    for (const message of fresh)
      this.options.log.info('notification queued', { messageId: message.id, kind: message.kind, channel: message.channel });
    this.schedule();
    return fresh.map((m) => ({ ...m }));
  }

  /** A copy of a message, by id. */
  get(id: string): OutboxMessage | undefined {
    const m = this.messages.get(id);
    return m ? { ...m } : undefined;
  }

  /** Copies of every message held. */
  list(): OutboxMessage[] {
    return [...this.messages.values()].map((m) => ({ ...m }));
  }

  counts(): OutboxCounts {
    const counts: OutboxCounts = { pending: 0, sent: 0, failed: 0 };
    for (const m of this.messages.values()) counts[m.status] += 1;
    return counts;
  }

  private schedule(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const now = this.now();
    let nextWake = Infinity;
    for (const message of this.messages.values()) {
      if (message.status !== 'pending' || this.inFlight.has(message.id)) continue;
      // A due message waiting for a free slot is picked up when a send in flight ends.
      if (message.nextAt <= now) {
        if (this.inFlight.size < this.concurrency) this.dispatch(message);
      } else nextWake = Math.min(nextWake, message.nextAt);
    }
    if (nextWake === Infinity) return;
    const delay = Math.min(MAX_SLEEP_MS, Math.max(0, nextWake - now));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.schedule();
    }, delay);
    this.timer.unref?.();
  }

  private dispatch(message: OutboxMessage): void {
    const work = this.attempt(message).finally(() => {
      this.inFlight.delete(message.id);
      this.schedule();
    });
    this.inFlight.set(message.id, work);
  }

  private async attempt(message: OutboxMessage): Promise<void> {
    const log = this.options.log;
    const context = { messageId: message.id, kind: message.kind, channel: message.channel };
    const transport = message.channel === 'sms' ? this.options.transports.sms : this.options.transports.email;
    message.attempts += 1;
    if (!transport) {
      if (!this.warnedChannels.has(message.channel)) {
        this.warnedChannels.add(message.channel);
        log.warn('notification channel is not configured: its pending messages are given up', { channel: message.channel });
      }
      await this.finish(message, 'failed', 'channel not configured');
      return;
    }
    try {
      if (message.channel === 'sms') await (transport as SmsTransport).send({ id: message.id, to: message.to, text: message.text });
      else
        await (transport as EmailTransport).send({
          id: message.id,
          to: message.to,
          subject: message.subject ?? '',
          text: message.text,
        });
    } catch (error) {
      const reason = describeFailure(error);
      if (message.attempts >= this.options.retry.maxAttempts) {
        log.error('notification given up', { ...context, attempts: message.attempts, reason });
        await this.finish(message, 'failed', reason);
        return;
      }
      const at = this.now();
      message.nextAt = at + retryDelay(message.attempts, this.options.retry);
      message.lastError = reason;
      log.warn('notification failed, will retry', { ...context, attempts: message.attempts, reason });
      await this.record({ t: 'retry', id: message.id, at, attempts: message.attempts, nextAt: message.nextAt, error: reason });
      return;
    }
    log.info('notification sent', { ...context, attempts: message.attempts });
    await this.finish(message, 'sent', null);
  }

  private async finish(message: OutboxMessage, status: 'sent' | 'failed', error: string | null): Promise<void> {
    const at = this.now();
    message.status = status;
    message.doneAt = at;
    message.lastError = error;
    await this.record(
      status === 'sent'
        ? { t: 'sent', id: message.id, at, attempts: message.attempts }
        : { t: 'failed', id: message.id, at, attempts: message.attempts, error: error ?? 'failed' },
    );
  }

  /** Appends an outcome. If the disk refuses it, the state in memory still holds for this run. */
  private async record(record: OutboxRecord): Promise<void> {
    try {
      await this.journal.append(record);
    } catch (error) {
      this.options.log.error('notification outbox: could not store an outcome', {
        messageId: record.t === 'message' ? record.message.id : record.t === 'began' ? null : record.id,
        record: record.t,
        reason: describeFailure(error),
      });
    }
  }
}

function applyRecord(state: Map<string, OutboxMessage>, record: Exclude<OutboxRecord, { t: 'began' }>): void {
  if (record.t === 'message') {
    state.set(record.message.id, { ...record.message });
    return;
  }
  const message = state.get(record.id);
  if (!message) return;
  message.attempts = Math.max(message.attempts, record.attempts);
  if (record.t === 'retry') {
    message.nextAt = record.nextAt;
    message.lastError = record.error;
  } else if (record.t === 'sent') {
    message.status = 'sent';
    message.doneAt = record.at;
    message.lastError = null;
  } else {
    message.status = 'failed';
    message.doneAt = record.at;
    message.lastError = record.error;
  }
}

/** Replaces a file atomically and durably: temp file, fsync, rename, fsync the folder. */
function rewrite(path: string, records: OutboxRecord[]): Promise<void> {
  return replaceFileDurably(path, records.map((r) => JSON.stringify(r) + '\n').join(''));
}
