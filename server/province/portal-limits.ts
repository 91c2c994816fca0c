import type { Db } from './db/database';
import { StatementBatch } from './db/statement-batch';

/**
 * The citizens' portal's limits, kept in PostgreSQL so that every province process counts
 * together (a guesser spread over processes meets one limit, not one per process):
 * token buckets for holds (per phone, per address) and doubling delays after wrong
 * code-and-phone pairs (per address, per booking code), as the hub's TakeLimiter and GuessThrottle.
 */
export interface Rate {
  burst: number;
  perMinute: number;
}

type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

const FREE_FAILURES = 4;
const BASE_DELAY_MS = 60_000;
const MAX_DELAY_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;

export class PortalLimits {
  constructor(private readonly db: Db) {}

  /**
   * Takes one token from each bucket, or none (the emptiest says how long to wait). The takes of
   * concurrent requests go to PostgreSQL together (StatementBatch): one statement for all their
   * buckets, each row carrying its rate, so the refill is worked out in the update.
   */
  take(buckets: { key: string; rate: Rate }[], now: number): Promise<TakeResult> {
    return this.takes.submit({ buckets, now });
  }

  private readonly takes = new StatementBatch<{ buckets: { key: string; rate: Rate }[]; now: number }, TakeResult>(
    (items) => this.takeAll(items),
    (item) => item.buckets.map((b) => b.key),
  );

  private async takeAll(items: { buckets: { key: string; rate: Rate }[]; now: number }[]): Promise<TakeResult[]> {
    const all = items.flatMap((item) => item.buckets.map((b) => ({ ...b, now: item.now })));
    const { rows } = await this.db.query<{ key: string }>(
      `INSERT INTO portal_buckets (key, tokens, at, burst, per_ms)
         SELECT k, b - 1, n, b, p FROM unnest($1::text[], $2::float8[], $3::float8[], $4::int8[]) AS t(k, b, p, n)
       ON CONFLICT (key) DO UPDATE SET
         tokens = LEAST(EXCLUDED.burst, portal_buckets.tokens + (EXCLUDED.at - portal_buckets.at) * EXCLUDED.per_ms) - 1,
         at = EXCLUDED.at, burst = EXCLUDED.burst, per_ms = EXCLUDED.per_ms
       WHERE LEAST(EXCLUDED.burst, portal_buckets.tokens + (EXCLUDED.at - portal_buckets.at) * EXCLUDED.per_ms) >= 1
       RETURNING key`,
      [all.map((b) => b.key), all.map((b) => b.rate.burst), all.map((b) => b.rate.perMinute / 60_000), all.map((b) => b.now)],
    );
    const taken = new Set(rows.map((r) => r.key));
    const results: TakeResult[] = [];
    for (const item of items) {
      if (item.buckets.every((b) => taken.has(b.key))) results.push({ ok: true });
      else results.push(await this.refused(item.buckets, taken, item.now));
    }
    return results;
  }

  /** Some bucket was empty: give back what this request took from the others, and say how long. */
  private async refused(buckets: { key: string; rate: Rate }[], taken: Set<string>, now: number): Promise<TakeResult> {
    const back = buckets.filter((b) => taken.has(b.key)).map((b) => b.key);
    if (back.length > 0) await this.db.query('UPDATE portal_buckets SET tokens = tokens + 1 WHERE key = ANY($1)', [back]);
    const empty = buckets.filter((b) => !taken.has(b.key));
    const { rows: left } = await this.db.query<{ key: string; tokens: number; at: number }>('SELECT key, tokens, at FROM portal_buckets WHERE key = ANY($1)', [empty.map((b) => b.key)]);
    let wait = 1;
    for (const b of empty) {
      const row = left.find((r) => r.key === b.key);
      const per = b.rate.perMinute / 60_000;
      const tokens = Math.min(b.rate.burst, (row?.tokens ?? 0) + (now - (row?.at ?? now)) * per);
      wait = Math.max(wait, Math.ceil((1 - tokens) / per / 1000));
    }
    return { ok: false, retryAfterSeconds: wait };
  }

  /** Seconds before another try with these keys, or 0. */
  async guessWait(keys: string[], now: number): Promise<number> {
    const { rows } = await this.db.query<{ until: number | null }>('SELECT max(blocked_until) AS until FROM portal_guesses WHERE key = ANY($1)', [keys]);
    const until = rows[0]?.until ?? 0;
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** A wrong pair: counted for each key; past the free tries, a delay that doubles each time. */
  async guessFailed(keys: string[], now: number): Promise<void> {
    for (const key of keys)
      await this.db.query(
        `INSERT INTO portal_guesses (key, failures, blocked_until, last_failure) VALUES ($1, 1, 0, $2)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN portal_guesses.last_failure < $2 - $3 THEN 1 ELSE portal_guesses.failures + 1 END,
           last_failure = $2,
           blocked_until = CASE
             WHEN portal_guesses.last_failure < $2 - $3 OR portal_guesses.failures + 1 <= $4 THEN 0
             ELSE $2 + LEAST($6::bigint, $5::bigint * (2 ^ LEAST(portal_guesses.failures + 1 - $4 - 1, 10))::bigint)
           END`,
        [key, now, FORGET_AFTER_MS, FREE_FAILURES, BASE_DELAY_MS, MAX_DELAY_MS],
      );
  }
}
