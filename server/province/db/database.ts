import pg from 'pg';

/**
 * The province's PostgreSQL: one pool per process, and transactions that retry when PostgreSQL
 * asks (a deadlock or a serialization failure is the database refusing an order, not a fault).
 */

// int8 (counts, sequence numbers, instants in milliseconds) as numbers: all stay below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export type Db = pg.Pool;
export type Tx = pg.PoolClient;

export function openDatabase(url: string, max = 10, settings: { synchronousCommit?: boolean } = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types,
    connectionTimeoutMillis: 10_000,
    application_name: 'luot-province',
    // Counters that may be lost in a crash (a limiter's tokens) need not wait for the disk.
    ...(settings.synchronousCommit === false ? { options: '-c synchronous_commit=off' } : {}),
  });
  // An idle client whose server went away must not crash the process: the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

const RETRY_CODES = new Set(['40001', '40P01']);

/** Runs `work` in one transaction; retried (a few times) on a deadlock or serialization failure. */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const tx = await db.connect();
    try {
      await tx.query('BEGIN');
      const result = await work(tx);
      await tx.query('COMMIT');
      return result;
    } catch (error) {
      await tx.query('ROLLBACK').catch(() => undefined);
      const code = (error as { code?: string }).code;
      if (!code || !RETRY_CODES.has(code) || attempt >= 5) throw error;
    } finally {
      tx.release();
    }
  }
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
