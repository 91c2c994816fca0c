import { join } from 'node:path';
import type { Dossier, DossierStatus } from '../domain/dossier-register';
import type { Logger } from '../logger';
import { notificationsEnabled, type NotificationConfig, type NotificationKind } from './notification-config';
import { Outbox, type NewOutboxMessage, type OutboxCounts, type OutboxMessage } from './outbox';
import { emailText, kindForStatus, smsText, type TemplateContext } from './templates';
import {
  createHttpSmsTransport,
  createSmtpTransport,
  describeFailure,
  type EmailTransport,
  type SmsTransport,
} from './transports';

/**
 * Tells applicants by SMS and e-mail when their dossier is received (status 2), needs more
 * documents (5), needs payment (6), has its result ready (9), or is late (an apology with the new
 * due date, or saying one will follow).
 *
 * Fed by the register: every change (after it is on disk) and, every minute, the list of overdue
 * dossiers. Messages go through the durable outbox (see outbox.ts). One message per dossier,
 * event and channel:
 * - a status event is keyed by the history entry that brought the status (code, kind, its time),
 *   so pushing the same dossier again notifies nobody a second time;
 * - a late notice is keyed by the due date that was missed (once per due date); when the one-stop
 *   software then moves the due date of a dossier still being handled (status 2 or 4) to a later
 *   one, a notice with the new date follows (keyed by the old and the new date).
 * Dossiers waiting for the applicant (5, 6), finished (9, 10) or closed (3, 7, 8) get no late
 * notice. Events older than `staleAfterHours` are not notified.
 *
 * Logs carry the message id, kind and channel only: never a number, an address, a name or a key.
 */

/** What the register reports after a change is on disk. */
export interface DossierChangeNotice {
  before: Dossier | null;
  after: Dossier;
  at: number;
  /** Set for bulk loads (e.g. a first CSV import): the change is not notified. */
  quiet?: boolean;
}

/** The part of the dossier register this service uses. */
export interface DossierSource {
  onChange(listener: (notice: DossierChangeNotice) => void): () => void;
  /** Unfinished dossiers past their due moment. */
  overdue(now: number): Dossier[];
  /** Every dossier held: read once at start to catch up on changes whose messages were not stored. */
  all(): Iterable<Dossier>;
}

export interface NotificationServiceOptions {
  config: NotificationConfig;
  /** From the centre configuration: its name (per language) and time zone. */
  centre: { name: string | { vi: string; en: string }; timeZone: string };
  /** The hub's data folder; the outbox lives in <dataDir>/notifications/. */
  dataDir: string;
  /** The centre's clock: decides what is late and what is stale. */
  clock: () => number;
  log: Logger;
  dossiers: DossierSource;
  /** Replace the transports made from the configuration (a channel is used only if configured). */
  transports?: { email?: EmailTransport; sms?: SmsTransport };
  /** How often overdue dossiers are checked (default every minute). */
  lateCheckEveryMs?: number;
  /** The wall clock the outbox times its retries with (default Date.now). */
  wallClock?: () => number;
}

export interface NotificationService {
  /** False when no channel is configured: start() then does nothing. */
  readonly enabled: boolean;
  start(): Promise<void>;
  /** Stops listening and checking, waits for changes already received to be stored, and for sends under way. */
  stop(): Promise<void>;
  /** Runs the late check now; resolves with the number of messages it queued. */
  checkLate(): Promise<number>;
  /** Resolves once every change received so far is stored in the outbox. */
  settled(): Promise<void>;
  counts(): OutboxCounts;
  /** The outbox's messages (for status pages and tests: they hold numbers and addresses). */
  messages(): OutboxMessage[];
  /**
   * Stores other messages (bookings: codes, confirmations, reminders) in the same outbox, once per
   * key (a key the outbox holds is skipped). Resolves with how many were stored; a disk that refuses
   * them is tried again later.
   */
  queue(items: NewOutboxMessage[]): Promise<number>;
  /** Which channels are configured. */
  readonly channels: { sms: boolean; email: boolean };
}

/** Statuses in which the centre is handling the dossier: a missed due date is the centre's. */
const HANDLING: ReadonlySet<DossierStatus> = new Set<DossierStatus>([2, 4]);
const HOUR_MS = 60 * 60 * 1000;
/** How soon messages the disk refused are tried again. */
const UNSTORED_RETRY_MS = 30_000;

export function outboxPath(dataDir: string): string {
  return join(dataDir, 'notifications', 'outbox.jsonl');
}

export function createNotificationService(options: NotificationServiceOptions): NotificationService {
  const { config, dossiers } = options;
  const log = options.log.child({ component: 'notifications' });
  const enabled = notificationsEnabled(config);
  const templateContext: TemplateContext = { centreName: options.centre.name, timeZone: options.centre.timeZone };
  const kinds = new Set<NotificationKind>(config.kinds);
  const staleMs = config.staleAfterHours * HOUR_MS;

  let outbox: Outbox | null = null;
  let ownTransports: { close?(): Promise<void> | void }[] = [];
  let unsubscribe: (() => void) | null = null;
  let lateTimer: NodeJS.Timeout | null = null;
  /** Messages the disk refused to store: tried again after a while. */
  let unstored: NewOutboxMessage[] = [];
  let unstoredTimer: NodeJS.Timeout | null = null;
  let lateRun: Promise<number> | null = null;
  let buffer: NewOutboxMessage[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let flushScheduled = false;

  /** The messages for one event, one per configured channel the applicant has. */
  function compose(kind: NotificationKind, d: Dossier, key: string, dueAt: number | null): NewOutboxMessage[] {
    if (!kinds.has(kind)) return [];
    const facts = {
      code: d.code,
      procedure: d.procedure,
      lang: d.applicant.lang,
      delivery: d.delivery,
      collectAt: d.collectAt,
      dueAt,
    };
    const out: NewOutboxMessage[] = [];
    if (config.sms && d.applicant.phone && !outbox?.has(`${key}|sms`))
      out.push({
        key: `${key}|sms`,
        channel: 'sms',
        kind,
        to: d.applicant.phone,
        subject: null,
        text: smsText(kind, facts, templateContext, { withoutDiacritics: config.smsWithoutDiacritics }),
      });
    if (config.email && d.applicant.email && !outbox?.has(`${key}|email`)) {
      const mail = emailText(kind, facts, templateContext);
      out.push({ key: `${key}|email`, channel: 'email', kind, to: d.applicant.email, subject: mail.subject, text: mail.text });
    }
    return out;
  }

  /**
   * The message for the status a dossier has now, keyed by the history entry that brought it; none
   * when that entry came with a bulk load, or is older than `notBefore` or than the stale limit.
   */
  function statusMessages(d: Dossier, now: number, notBefore: number): NewOutboxMessage[] {
    const kind = kindForStatus(d.status);
    if (!kind) return [];
    let entry: Dossier['history'][number] | undefined;
    for (let i = d.history.length - 1; i >= 0 && !entry; i--) if (d.history[i]!.status === d.status) entry = d.history[i];
    if (entry?.quiet) return [];
    const entryAt = entry?.at ?? d.updatedAt;
    const from = Math.max(notBefore, now - staleMs);
    const fresh = entryAt >= from && (kind !== 'received' || d.receivedAt >= from);
    return fresh ? compose(kind, d, `${d.code}|${kind}|${entryAt}`, kind === 'received' ? d.dueAt : null) : [];
  }

  function messagesForChange(notice: DossierChangeNotice, now: number): NewOutboxMessage[] {
    if (notice.quiet) return [];
    const d = notice.after;
    const out = statusMessages(d, now, -Infinity);
    const b = notice.before;
    if (b && b.dueAt < d.dueAt && HANDLING.has(b.status) && HANDLING.has(d.status) && b.dueAt >= now - staleMs)
      out.push(...compose('late', d, `${d.code}|late|${b.dueAt}|${d.dueAt}`, d.dueAt > now ? d.dueAt : null));
    return out;
  }

  /**
   * At start: the message of every dossier's current status that is not in the outbox yet. A change
   * is stored in the register before its messages are stored in the outbox; a crash, or a full disk
   * followed by a restart, between the two would otherwise lose them. Keys keep this from sending
   * anything twice. (A due date moved later while the outbox could not store is not caught up: the
   * late check still covers the missed date.)
   */
  function catchUp(since: number): Promise<number> {
    const now = options.clock();
    const items: NewOutboxMessage[] = [];
    for (const d of dossiers.all()) items.push(...statusMessages(d, now, since));
    return store(items);
  }

  function onChange(notice: DossierChangeNotice): void {
    // Called by the register: must never throw into it.
    try {
      const items = messagesForChange(notice, options.clock());
      if (items.length === 0) return;
      buffer.push(...items);
      if (!flushScheduled) {
        flushScheduled = true;
        // Changes arriving in one turn (a bulk push) are stored together.
        flushing = flushing.then(
          () =>
            new Promise<void>((resolve) =>
              setImmediate(() => {
                flushScheduled = false;
                const batch = buffer;
                buffer = [];
                store(batch).finally(resolve);
              }),
            ),
        );
      }
    } catch (error) {
      log.error('notification: could not handle a dossier change', { reason: describeFailure(error) });
    }
  }

  async function store(items: NewOutboxMessage[]): Promise<number> {
    if (!outbox || items.length === 0) return 0;
    try {
      return (await outbox.enqueue(items)).length;
    } catch (error) {
      // Nothing of it is in the outbox (it stores first, then holds): keep the messages here and try
      // again, so a full disk delays them instead of losing them (their keys keep them single).
      log.error('notification: could not store messages; will try again', { count: items.length, reason: describeFailure(error) });
      unstored.push(...items);
      if (!unstoredTimer) {
        unstoredTimer = setTimeout(() => {
          unstoredTimer = null;
          const again = unstored;
          unstored = [];
          void store(again);
        }, UNSTORED_RETRY_MS);
        unstoredTimer.unref?.();
      }
      return 0;
    }
  }

  async function runLateCheck(): Promise<number> {
    const now = options.clock();
    const graceMs = config.lateGraceMinutes * 60_000;
    const items: NewOutboxMessage[] = [];
    for (const d of dossiers.overdue(now)) {
      if (!HANDLING.has(d.status) || d.dueAt + graceMs > now || d.dueAt < now - staleMs) continue;
      items.push(...compose('late', d, `${d.code}|late|${d.dueAt}|-`, d.dueAt > now ? d.dueAt : null));
    }
    return store(items);
  }

  function checkLate(): Promise<number> {
    if (!outbox) return Promise.resolve(0);
    // One check at a time: a slow disk must not stack them up.
    if (!lateRun)
      lateRun = runLateCheck()
        .catch((error: unknown) => {
          log.error('notification: late check failed', { reason: describeFailure(error) });
          return 0;
        })
        .finally(() => {
          lateRun = null;
        });
    return lateRun;
  }

  return {
    enabled,

    async start() {
      if (!enabled) {
        log.info('notifications are off (no e-mail or SMS configured)');
        return;
      }
      if (outbox) return;
      const transports: { sms?: SmsTransport; email?: EmailTransport } = {};
      ownTransports = [];
      if (config.sms) {
        transports.sms = options.transports?.sms ?? createHttpSmsTransport(config.sms);
        if (!options.transports?.sms) ownTransports.push(transports.sms);
      }
      if (config.email) {
        transports.email = options.transports?.email ?? createSmtpTransport(config.email);
        if (!options.transports?.email) ownTransports.push(transports.email);
      }
      outbox = await Outbox.open({
        path: outboxPath(options.dataDir),
        transports,
        retry: config.retry,
        keepDays: config.keepDays,
        log,
        centreClock: options.clock,
        ...(options.wallClock ? { now: options.wallClock } : {}),
      });
      const counts = outbox.counts();
      log.info('notifications started', { sms: config.sms !== null, email: config.email !== null, pending: counts.pending });
      unsubscribe = dossiers.onChange(onChange);
      outbox.start();
      const caughtUp = await catchUp(outbox.since);
      if (caughtUp > 0) log.info('notifications caught up at start', { queued: caughtUp });
      await checkLate();
      lateTimer = setInterval(() => void checkLate(), options.lateCheckEveryMs ?? 60_000);
      lateTimer.unref?.();
    },

    async stop() {
      unsubscribe?.();
      unsubscribe = null;
      if (lateTimer) clearInterval(lateTimer);
      lateTimer = null;
      if (unstoredTimer) clearTimeout(unstoredTimer);
      unstoredTimer = null;
      await flushing;
      if (lateRun) await lateRun;
      const box = outbox;
      outbox = null;
      await box?.stop();
      for (const t of ownTransports) await t.close?.();
      ownTransports = [];
    },

    checkLate,

    async settled() {
      // A flush may schedule behind another: wait until none is left.
      let current: Promise<void>;
      do {
        current = flushing;
        await current;
      } while (current !== flushing || flushScheduled);
    },

    counts() {
      return outbox?.counts() ?? { pending: 0, sent: 0, failed: 0 };
    },

    messages() {
      return outbox?.list() ?? [];
    },

    queue(items) {
      return store(items.filter((item) => !outbox?.has(item.key)));
    },

    channels: { sms: config.sms !== null, email: config.email !== null },
  };
}
