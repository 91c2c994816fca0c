import { mkdir, open, readdir, rm } from 'node:fs/promises';
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
 * the snapshot is rewritten only when there are changes to fold in (once a night, and after a start
 * that found some), and then the older journals go.
 *
 * Durability at every step: a journal is removed only after a snapshot that holds all its records
 * is on disk (fsync'd, renamed, folder fsync'd); a new journal's name is made durable (folder
 * fsync) before anything is appended to it. A crash at any point leaves a snapshot and journals
 * that together hold every acknowledged change; `load` skips the records a snapshot already holds.
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
  z.object({ type: z.literal('dossier-upserted'), dossier: dossierFields, note: z.string().nullable(), at: z.number(), quiet: z.literal(true).optional() }),
  z.object({ type: z.literal('dossier-status'), code: z.string(), status, note: z.string().nullable(), at: z.number(), quiet: z.literal(true).optional() }),
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
  private journalName: string | null = null;
  private compacting: Promise<void> | null = null;
  private closed = false;
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'dossiers');
  }

  private get registerPath(): string {
    return join(this.dir, 'register.json');
  }

  /** Reads the snapshot and every journal after it. */
  async load(): Promise<{ snapshot: Snapshot; records: DossierRecord[]; reports: ReplayReport[] }> {
    await mkdir(this.dir, { recursive: true });
    const db = new Low<Snapshot>(new DurableJsonFile(this.registerPath), { seq: 0, dossiers: [] });
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
   * Starts appending after `seq` without rewriting the snapshot: for a start that found nothing to
   * fold in (the snapshot already holds every record `load` read), or that leaves the folding to a
   * later `compact`. With `snapshotCoversAll`, the journals other than the new one are removed, once
   * the snapshot is known to be on disk: they hold nothing it does not.
   */
  async resume(seq: number, options: { snapshotCoversAll: boolean }): Promise<void> {
    if (this.closed) throw new Error('the dossier store is closed');
    await this.openJournal(seq);
    if (!options.snapshotCoversAll) return;
    const covered = (await this.journalFiles()).filter((name) => name !== this.journalName);
    if (covered.length === 0) return;
    // The snapshot may have been renamed in by a process that died before it fsync'd the folder:
    // make sure it is durable before the journals it covers go.
    await syncPath(this.registerPath).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
    await syncPath(this.dir);
    for (const name of covered) await rm(join(this.dir, name), { force: true });
  }

  /**
   * Writes the whole register as the new snapshot, starts a new journal after `seq`, and removes
   * the journals the snapshot covers. Call it when nothing is being appended.
   */
  compact(seq: number, dossiers: Dossier[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the dossier store is closed'));
    const run = (async () => {
      await this.closeJournal();
      try {
        await this.writeSnapshot(seq, dossiers);
      } catch (error) {
        // The old snapshot and every journal are still there: keep taking changes, in a journal
        // after `seq`, and let the next compaction try again.
        await this.openJournal(seq);
        throw error;
      }
      await this.openJournal(seq);
      // Only now, with the snapshot fsync'd and renamed in, may the journals it holds go.
      for (const name of await this.journalFiles()) if (name !== this.journalName) await rm(join(this.dir, name), { force: true });
    })();
    this.compacting = run.finally(() => (this.compacting = null)).catch(() => undefined);
    return run;
  }

  append(record: DossierRecord): Promise<void> {
    if (!this.journal) return Promise.reject(new Error('the dossier journal is not open'));
    return this.journal.append(record);
  }

  /** Waits for a compaction under way (it is never cut short), then closes the journal. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.compacting) await this.compacting;
    await this.closeJournal();
  }

  /** The whole register through the fsyncing adapter: temp file, fsync, rename, folder fsync. */
  private async writeSnapshot(seq: number, dossiers: Dossier[]): Promise<void> {
    const db = new Low<Snapshot>(new DurableJsonFile(this.registerPath), { seq, dossiers });
    db.data = { seq, dossiers };
    await db.write();
  }

  /** Opens (or creates) changes-<seq + 1>.jsonl for the next changes. */
  private async openJournal(seq: number): Promise<void> {
    await this.closeJournal();
    const name = `changes-${seq + 1}.jsonl`;
    const existed = (await this.journalFiles()).includes(name);
    const opened = await Journal.open(join(this.dir, name), dossierRecordSchema);
    // A new file's name must be on disk before a change appended to it is acknowledged.
    if (!existed)
      await syncPath(this.dir).catch(async (error: unknown) => {
        await opened.journal.close();
        throw error;
      });
    this.journal = opened.journal as Journal<DossierRecord>;
    this.journalName = name;
  }

  private async closeJournal(): Promise<void> {
    const journal = this.journal;
    this.journal = null;
    this.journalName = null;
    await journal?.close();
  }

  private async journalFiles(): Promise<string[]> {
    const names = await readdir(this.dir);
    return names
      .filter((n) => JOURNAL.test(n))
      .sort((a, b) => Number(JOURNAL.exec(a)![1]) - Number(JOURNAL.exec(b)![1]));
  }
}

/** fsync of a file or a folder (a folder's fsync makes the names in it durable). */
async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
