import { buildProcedureIndex, searchProcedures } from '../../server/domain/procedure-search';

/**
 * The timing loop of the catalog benchmark (catalog-bench.ts), the same code in Node and in
 * Chromium: catalog-bench.ts imports it, and bundles it with the search module into the page
 * (catalog-page-entry.ts). Browser-safe: nothing but the search and `performance.now()`.
 */
export interface MeasuredQuery {
  q: string;
}

export interface CatalogMeasurement {
  buildMs: number[];
  /** The first three codes found for every query. */
  tops: string[][];
  /** Every fixed query, `repetitions` times, after a warm-up pass. */
  searchMs: number[];
  /** Every keystroke of every fixed query (its prefixes), once. */
  keystrokeMs: number[];
}

export function measureProcedureSearch(
  procedures: Parameters<typeof buildProcedureIndex>[0],
  queries: readonly MeasuredQuery[],
  typed: readonly string[],
  repetitions: number,
): CatalogMeasurement {
  const buildMs: number[] = [];
  let index = buildProcedureIndex([]);
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    index = buildProcedureIndex(procedures);
    buildMs.push(performance.now() - t0);
  }
  const tops = queries.map((q) => searchProcedures(index, q.q, { limit: 3 }).map((h) => h.code));
  for (const q of queries) searchProcedures(index, q.q, { limit: 10 });
  const searchMs: number[] = [];
  for (let r = 0; r < repetitions; r++)
    for (const q of queries) {
      const t0 = performance.now();
      searchProcedures(index, q.q, { limit: 10 });
      searchMs.push(performance.now() - t0);
    }
  const keystrokeMs: number[] = [];
  for (const q of typed) {
    const t0 = performance.now();
    searchProcedures(index, q, { limit: 10 });
    keystrokeMs.push(performance.now() - t0);
  }
  return { buildMs, tops, searchMs, keystrokeMs };
}
