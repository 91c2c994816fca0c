import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { LinkOutRecord } from '../domain/link-outbox';
import { linkMessage } from '../protocol/link-protocol';
import { replaceFileDurably } from './durable-json-file';
import { Journal, type ReplayReport } from './journal';

/**
 * The hub's outbox to the province on disk: link/outbox.jsonl, one record per line, appended with
 * fdatasync before the message may be sent (server/domain/link-outbox.ts has the rules).
 */
const linkOutRecordSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('queued'), key: z.string().min(1).max(120), message: linkMessage }),
  z.object({ type: z.literal('acked'), upTo: z.number().int().nonnegative() }),
  z.object({ type: z.literal('linked'), day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), at: z.number().int().nonnegative() }),
  z.object({
    type: z.literal('snapshot'),
    seq: z.number().int().nonnegative(),
    acked: z.number().int().nonnegative(),
    keys: z.array(z.string().min(1).max(120)),
    linkedSince: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
    reportedThrough: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
  }),
]);

export interface LinkOutboxStore {
  open(): Promise<{ records: LinkOutRecord[]; report: ReplayReport }>;
  append(records: LinkOutRecord[]): Promise<void>;
  /** Replaces the whole file with `records` (written beside it, synced, renamed over it). */
  replace(records: LinkOutRecord[]): Promise<void>;
  close(): Promise<void>;
}

export class FileLinkOutboxStore implements LinkOutboxStore {
  private journal: Journal<LinkOutRecord> | null = null;

  constructor(private readonly dataDir: string) {}

  async open() {
    const dir = join(this.dataDir, 'link');
    await mkdir(dir, { recursive: true });
    await this.journal?.close();
    const opened = await Journal.open(join(dir, 'outbox.jsonl'), linkOutRecordSchema);
    this.journal = opened.journal as Journal<LinkOutRecord>;
    return { records: opened.records as LinkOutRecord[], report: opened.report };
  }

  async append(records: LinkOutRecord[]): Promise<void> {
    if (!this.journal) throw new Error('the link outbox is not open');
    const journal = this.journal;
    // One group commit: the records of one decision are written together.
    await Promise.all(records.map((r) => journal.append(r)));
  }

  async replace(records: LinkOutRecord[]): Promise<void> {
    const path = join(this.dataDir, 'link', 'outbox.jsonl');
    await this.journal?.close();
    this.journal = null;
    try {
      await replaceFileDurably(path, records.map((r) => JSON.stringify(r) + '\n').join(''));
    } finally {
      // The new file, or the old one if it could not be written: appends go on either way.
      this.journal = (await Journal.open(path, linkOutRecordSchema)).journal as Journal<LinkOutRecord>;
    }
  }

  async close(): Promise<void> {
    await this.journal?.close();
    this.journal = null;
  }
}
