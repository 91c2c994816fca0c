import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { queueEventSchema } from '../domain/queue-events';
import { DurableJsonFile } from './durable-json-file';
import { Journal, type ReplayReport } from './journal';

/**
 * Persistence of the queue, behind a small interface. Each service day has its own journal
 * (journal/YYYY-MM-DD.jsonl), the record of every accepted command in order. When a day is over
 * its tickets are compacted into a lowdb document (days/YYYY-MM-DD.json) and the journal is
 * removed, so a start only ever replays the current day, however long the centre has run.
 */

export const journalRecordSchema = z.object({
  seq: z.number().int().positive(),
  at: z.number().int().nonnegative(),
  /** Idempotency key (scope + commandId); null for records the hub made itself. */
  key: z.string().nullable(),
  events: z.array(queueEventSchema),
  /** The fingerprint of the command (server/app/idempotency.ts): the same key for another command is refused. */
  fp: z.string().max(64).optional(),
  /** The command's first answer (answer-codec.ts), so a repeat gets it byte for byte after a restart. */
  answer: z.unknown().optional(),
  answerZ: z.string().optional(),
  /** Journals written before answers were kept: the answer to a take. */
  issued: z
    .object({
      ticketId: z.string(),
      number: z.string(),
      serviceId: z.string(),
      priorityGroup: z.string().nullable(),
      peopleAhead: z.number().int().nonnegative(),
      estimatedWaitMinutes: z.number().nullable(),
      takenAt: z.number(),
      day: z.string(),
    })
    .optional(),
});
export type JournalRecord = z.infer<typeof journalRecordSchema>;

export interface ArchivedDay {
  day: string;
  lastSeq: number;
  tickets: unknown[];
  records: number;
}

export interface QueueStore {
  /** Opens the day's journal and returns what it holds. Closes the previous day's journal. */
  openDay(day: string): Promise<{ records: JournalRecord[]; report: ReplayReport }>;
  append(record: JournalRecord): Promise<void>;
  /** Days whose journal is still there, oldest first, except `today`. */
  unarchivedDays(today: string): Promise<string[]>;
  readDayJournal(day: string): Promise<{ records: JournalRecord[]; report: ReplayReport }>;
  /** The newest archived day before `day`, or null. */
  lastArchivedDayBefore(day: string): Promise<string | null>;
  /** A finished day's document, or null when there is none. */
  readArchivedDay(day: string): Promise<ArchivedDay | null>;
  /** Stores a finished day as a lowdb document, then removes its journal. */
  archiveDay(archive: ArchivedDay): Promise<void>;
  close(): Promise<void>;
}

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;

export class FileQueueStore implements QueueStore {
  private journal: Journal<JournalRecord> | null = null;
  /**
   * A day being opened (at start, a rebuild after a failed write, a new day): close() waits for it,
   * then closes the journal it opened (the hub stopping during a rebuild leaves no file open).
   */
  private opening: Promise<unknown> | null = null;
  private closed = false;

  constructor(private readonly dataDir: string) {}

  private get journalDir() {
    return join(this.dataDir, 'journal');
  }
  private get daysDir() {
    return join(this.dataDir, 'days');
  }

  async openDay(day: string) {
    if (this.closed) throw new Error('the queue store is closed');
    const run = (async () => {
      await mkdir(this.journalDir, { recursive: true });
      await mkdir(this.daysDir, { recursive: true });
      const previous = this.journal;
      const opened = await Journal.open(join(this.journalDir, `${day}.jsonl`), journalRecordSchema);
      this.journal = opened.journal;
      await previous?.close();
      return { records: opened.records, report: opened.report };
    })();
    this.opening = run;
    try {
      return await run;
    } finally {
      if (this.opening === run) this.opening = null;
    }
  }

  append(record: JournalRecord): Promise<void> {
    if (!this.journal) return Promise.reject(new Error('no day is open'));
    return this.journal.append(record);
  }

  async unarchivedDays(today: string): Promise<string[]> {
    await mkdir(this.journalDir, { recursive: true });
    const names = await readdir(this.journalDir);
    return names
      .map((name) => DAY_FILE.exec(name)?.[1])
      .filter((day): day is string => day !== undefined && day !== today)
      .sort();
  }

  async readDayJournal(day: string) {
    const opened = await Journal.open(join(this.journalDir, `${day}.jsonl`), journalRecordSchema);
    await opened.journal.close();
    return { records: opened.records, report: opened.report };
  }

  async lastArchivedDayBefore(day: string): Promise<string | null> {
    await mkdir(this.daysDir, { recursive: true });
    const days = (await readdir(this.daysDir))
      .map((name) => /^(\d{4}-\d{2}-\d{2})\.json$/.exec(name)?.[1])
      .filter((d): d is string => d !== undefined && d < day)
      .sort();
    return days.at(-1) ?? null;
  }

  async readArchivedDay(day: string): Promise<ArchivedDay | null> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
    const db = new Low<ArchivedDay | null>(new DurableJsonFile(join(this.daysDir, `${day}.json`)), null);
    await db.read();
    return db.data;
  }

  async archiveDay(archive: ArchivedDay): Promise<void> {
    await mkdir(this.daysDir, { recursive: true });
    const db = new Low<ArchivedDay>(new DurableJsonFile(join(this.daysDir, `${archive.day}.json`)), archive);
    db.data = archive;
    await db.write();
    await rm(join(this.journalDir, `${archive.day}.jsonl`), { force: true });
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.opening) await this.opening.catch(() => undefined);
    await this.journal?.close();
    this.journal = null;
  }
}
