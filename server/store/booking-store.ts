import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { bookingEventSchema } from '../domain/booking-events';
import { Journal, type ReplayReport } from './journal';

/**
 * Persistence of bookings, behind a small interface (the province tier stores them in PostgreSQL
 * instead). One journal, bookings/journal.jsonl: every accepted booking command in order, with its
 * first answer, appended with fdatasync before anyone is answered.
 */
export const bookingRecordSchema = z.object({
  seq: z.number().int().positive(),
  at: z.number().int().nonnegative(),
  /** Idempotency key (scope + commandId); null for records the hub made itself. */
  key: z.string().nullable(),
  fp: z.string().max(64).optional(),
  events: z.array(bookingEventSchema),
  answer: z.unknown().optional(),
  answerZ: z.string().optional(),
});
export type BookingRecord = z.infer<typeof bookingRecordSchema>;

export interface BookingStore {
  /** Opens the journal (again, after a failed write) and returns what it holds. */
  open(): Promise<{ records: BookingRecord[]; report: ReplayReport }>;
  append(record: BookingRecord): Promise<void>;
  close(): Promise<void>;
}

export class FileBookingStore implements BookingStore {
  private journal: Journal<BookingRecord> | null = null;
  private opening: Promise<unknown> | null = null;
  private closed = false;

  constructor(private readonly dataDir: string) {}

  async open() {
    if (this.closed) throw new Error('the booking store is closed');
    const run = (async () => {
      const dir = join(this.dataDir, 'bookings');
      await mkdir(dir, { recursive: true });
      const previous = this.journal;
      this.journal = null;
      await previous?.close();
      const opened = await Journal.open(join(dir, 'journal.jsonl'), bookingRecordSchema);
      this.journal = opened.journal;
      return { records: opened.records, report: opened.report };
    })();
    this.opening = run;
    try {
      return await run;
    } finally {
      if (this.opening === run) this.opening = null;
    }
  }

  append(record: BookingRecord): Promise<void> {
    if (!this.journal) return Promise.reject(new Error('the booking journal is not open'));
    return this.journal.append(record);
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.opening) await this.opening.catch(() => undefined);
    await this.journal?.close();
    this.journal = null;
  }
}
