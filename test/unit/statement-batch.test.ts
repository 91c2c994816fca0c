import { describe, expect, it } from 'vitest';
import { StatementBatch } from '../../server/province/db/statement-batch';

/** Group commit for small writes: what gathers while a batch runs goes as one, rows never twice in one. */
describe('StatementBatch', () => {
  it('sends the first item at once and what gathers meanwhile as one batch, each caller getting its own result', async () => {
    const batches: string[][] = [];
    const batch = new StatementBatch<string, string>(
      async (items) => {
        batches.push(items);
        await new Promise((r) => setTimeout(r, 5));
        return items.map((i) => i.toUpperCase());
      },
      (item) => [item],
    );
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((i) => batch.submit(i)));
    expect(results).toEqual(['A', 'B', 'C', 'D']);
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('never puts two items on the same row in one batch, and keeps their order', async () => {
    const batches: string[][] = [];
    const batch = new StatementBatch<{ id: string; row: string }, string>(
      async (items) => {
        batches.push(items.map((i) => i.id));
        return items.map((i) => i.id);
      },
      (item) => [item.row],
    );
    await Promise.all([
      batch.submit({ id: '1', row: 'x' }),
      batch.submit({ id: '2', row: 'x' }),
      batch.submit({ id: '3', row: 'y' }),
      batch.submit({ id: '4', row: 'x' }),
    ]);
    expect(batches).toEqual([['1'], ['2', '3'], ['4']]);
  });

  it('gives a failed batch\'s error to each of its callers and goes on with the next', async () => {
    let calls = 0;
    const batch = new StatementBatch<number, number>(
      async (items) => {
        calls++;
        if (calls === 2) throw new Error('connection lost');
        return items;
      },
      (item) => [String(item)],
    );
    const results = await Promise.allSettled([1, 2, 3].map((i) => batch.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(await batch.submit(4)).toBe(4);
  });
});
