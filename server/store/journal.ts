import { open, readFile, rename, writeFile, type FileHandle } from 'node:fs/promises';
import type { z } from 'zod';

/**
 * An append-only JSON-lines file: the hot path of the store. `append` resolves only after the record
 * is on disk (fdatasync). Appends that arrive while a write is under way are written together with
 * one fdatasync (group commit), so the cost per record stays flat however long the day gets.
 *
 * If a write fails (disk full, I/O error), the file is cut back to its last durable size and every
 * record not yet on disk is rejected: nothing is acknowledged that is not stored.
 */
export class Journal<T> {
  private handle: FileHandle | null = null;
  private pending: { line: string; resolve: () => void; reject: (error: Error) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private durableSize = 0;
  private closed = false;

  private constructor(readonly path: string) {}

  /**
   * Opens (or creates) the journal and reads back what it holds. A torn last line (the process died
   * mid-write) is dropped quietly; any other line that does not parse or validate is dropped and
   * reported, the original file is kept beside it, and the journal is rewritten with what is intact.
   */
  static async open<S extends z.ZodType>(
    path: string,
    schema: S,
  ): Promise<{ journal: Journal<z.infer<S>>; records: z.infer<S>[]; report: ReplayReport }> {
    const journal = new Journal<z.infer<S>>(path);
    const report: ReplayReport = { path, records: 0, tornTail: false, dropped: [], keptCopy: null };
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const records: z.infer<S>[] = [];
    const endsClean = text === '' || text.endsWith('\n');
    const lines = text.split('\n');
    if (endsClean) lines.pop();
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      // Only the last line can be cut off by a crash: each append writes whole lines.
      const isTail = !endsClean && index === lines.length - 1;
      const problem = (reason: string) => {
        if (isTail) report.tornTail = true;
        else report.dropped.push({ line: index + 1, reason });
      };
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return problem('not valid JSON');
      }
      const result = schema.safeParse(parsed);
      if (!result.success) return problem(result.error.issues[0]?.message ?? 'invalid record');
      records.push(result.data);
    });
    report.records = records.length;
    const clean = records.map((r) => JSON.stringify(r) + '\n').join('');
    if (report.dropped.length > 0) {
      report.keptCopy = `${path}.damaged-${Date.now()}`;
      await rename(path, report.keptCopy);
    }
    if (report.dropped.length > 0 || report.tornTail || (text !== '' && text !== clean)) {
      const temp = `${path}.tmp`;
      await writeFile(temp, clean, { flush: true });
      await rename(temp, path);
    }
    journal.handle = await open(path, 'a');
    journal.durableSize = Buffer.byteLength(clean);
    return { journal, records, report };
  }

  append(record: T): Promise<void> {
    if (this.closed) return Promise.reject(new Error('journal is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ line: JSON.stringify(record) + '\n', resolve, reject });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  /** Writes everything pending, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.handle?.close();
    this.handle = null;
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        const data = Buffer.from(batch.map((p) => p.line).join(''));
        try {
          if (!this.handle) throw new Error('journal is not open');
          await this.handle.write(data);
          await this.handle.datasync();
          this.durableSize += data.length;
          batch.forEach((p) => p.resolve());
        } catch (error) {
          const rest = this.pending;
          this.pending = [];
          await this.handle?.truncate(this.durableSize).catch(() => undefined);
          const failure = error instanceof Error ? error : new Error(String(error));
          [...batch, ...rest].forEach((p) => p.reject(failure));
        }
      }
    } finally {
      this.flushing = null;
    }
  }
}

export interface ReplayReport {
  path: string;
  records: number;
  /** The last line was cut off by a crash mid-write: expected, and dropped. */
  tornTail: boolean;
  /** Lines that were damaged: dropped and reported. */
  dropped: { line: number; reason: string }[];
  /** Where the damaged original was kept. */
  keptCopy: string | null;
}
