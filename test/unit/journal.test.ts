import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { Journal } from '../../server/store/journal';

const recordSchema = z.object({ n: z.number() });
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'luot-journal-')), 'day.jsonl');

describe('journal', () => {
  it('stores every appended record, one JSON line each, and reads them back', async () => {
    const path = tempFile();
    const { journal } = await Journal.open(path, recordSchema);
    await Promise.all(Array.from({ length: 100 }, (_, n) => journal.append({ n })));
    await journal.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(100);
    const reopened = await Journal.open(path, recordSchema);
    expect(reopened.records.map((r) => r.n)).toEqual(Array.from({ length: 100 }, (_, n) => n));
    expect(reopened.report).toMatchObject({ tornTail: false, dropped: [] });
    await reopened.journal.close();
  });

  it('drops a line cut off by a crash and keeps the rest', async () => {
    const path = tempFile();
    writeFileSync(path, '{"n":1}\n{"n":2}\n{"n":');
    const { journal, records, report } = await Journal.open(path, recordSchema);
    expect(records).toEqual([{ n: 1 }, { n: 2 }]);
    expect(report.tornTail).toBe(true);
    expect(report.dropped).toEqual([]);
    await journal.append({ n: 3 });
    await journal.close();
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
  });

  it('reports damaged lines in the middle, keeps what is intact and a copy of the original', async () => {
    const path = tempFile();
    writeFileSync(path, '{"n":1}\ngarbage\n{"n":"x"}\n{"n":4}\n');
    const { journal, records, report } = await Journal.open(path, recordSchema);
    await journal.close();
    expect(records).toEqual([{ n: 1 }, { n: 4 }]);
    expect(report.dropped.map((d) => d.line)).toEqual([2, 3]);
    expect(report.keptCopy).not.toBeNull();
    expect(readFileSync(report.keptCopy!, 'utf8')).toContain('garbage');
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":4}\n');
  });

  it('refuses what it could not store and cuts the file back to what was stored', async () => {
    const path = tempFile();
    const { journal } = await Journal.open(path, recordSchema);
    await journal.append({ n: 1 });
    // Simulate a failing disk: the handle is closed under the journal.
    await (journal as unknown as { handle: { close(): Promise<void> } }).handle.close();
    await expect(journal.append({ n: 2 })).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n');
    expect(existsSync(path)).toBe(true);
  });
});
