import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import type { Dossier, DossierChange } from '../domain/dossier-register';
import { DurableJsonFile } from './durable-json-file';
import { Journal, type ReplayReport } from './journal';

/**
 * Persistence of the dossier register: a lowdb snapshot of every dossier (dossiers/register.json)
 * and journals of the changes since (dossiers/changes-<first seq>.jsonl), appended with fsync
 * before a change is acknowledged. A change costs one journal line however large the register is;
 * the snapshot is rewritten only at start and once a night, and then the older journals go.
 */
const status = z.number().int().min(1).max(10);
const dossierFields = z.object({
  code: z.string(),
  lookupKey: z.string(),
  procedure: z.string(),
  field: z.string().nullable(),
  applicant: z.object({ name: z.string(), phone: z.string().nullable(), email: z.string().nullable(), lang: z.enum(['vi', 'en']) }),
  receivedAt: z.number(),
  dueAt: z.number(),
  status,
  delivery: z.enum(['centre', 'post', 'electronic']),
  collectAt: z.string().nullable(),
});
const changeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dossier-upserted'), dossier: dossierFields, note: z.string().nullable(), at: z.number() }),
  z.object({ type: z.literal('dossier-status'), code: z.string(), status, note: z.string().nullable(), at: z.number() }),
]);
export const dossierRecordSchema = z.object({ seq: z.number().int().positive(), changes: z.array(changeSchema) });
export type DossierRecord = { seq: number; changes: DossierChange[] };

interface Snapshot {
  seq: number;
  dossiers: Dossier[];
}

const JOURNAL = /^changes-(\d+)\.jsonl$/;

export class DossierStore {
  private journal: Journal<DossierRecord> | null = null;
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'dossiers');
  }

  /** Reads the snapshot and every journal after it. */
  async load(): Promise<{ snapshot: Snapshot; records: DossierRecord[]; reports: ReplayReport[] }> {
    await mkdir(this.dir, { recursive: true });
    const db = new Low<Snapshot>(new DurableJsonFile(join(this.dir, 'register.json')), { seq: 0, dossiers: [] });
    await db.read();
    const records: DossierRecord[] = [];
    const reports: ReplayReport[] = [];
    for (const name of await this.journalFiles()) {
      const opened = await Journal.open(join(this.dir, name), dossierRecordSchema);
      await opened.journal.close();
      reports.push(opened.report);
      for (const record of opened.records) if (record.seq > db.data.seq) records.push(record as DossierRecord);
    }
    return { snapshot: db.data, records, reports };
  }

  /**
   * Writes the whole register as the new snapshot, starts a new journal after `seq`, and removes
   * the journals the snapshot covers. Call it when nothing is being appended.
   */
  async compact(seq: number, dossiers: Dossier[]): Promise<void> {
    await this.journal?.close();
    this.journal = null;
    const db = new Low<Snapshot>(new DurableJsonFile(join(this.dir, 'register.json')), { seq, dossiers });
    db.data = { seq, dossiers };
    await db.write();
    const old = await this.journalFiles();
    const opened = await Journal.open(join(this.dir, `changes-${seq + 1}.jsonl`), dossierRecordSchema);
    this.journal = opened.journal as Journal<DossierRecord>;
    for (const name of old) if (name !== `changes-${seq + 1}.jsonl`) await rm(join(this.dir, name), { force: true });
  }

  append(record: DossierRecord): Promise<void> {
    if (!this.journal) return Promise.reject(new Error('the dossier journal is not open'));
    return this.journal.append(record);
  }

  async close(): Promise<void> {
    await this.journal?.close();
    this.journal = null;
  }

  private async journalFiles(): Promise<string[]> {
    const names = await readdir(this.dir);
    return names
      .filter((n) => JOURNAL.test(n))
      .sort((a, b) => Number(JOURNAL.exec(a)![1]) - Number(JOURNAL.exec(b)![1]));
  }
}
