import type { Db } from './db/database';

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

const FREE_FAILURES = 4;
const BASE_DELAY_MS = 60_000;
const MAX_DELAY_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;

export class PortalLimits {
  constructor(private readonly db: Db) {}

  /** Takes one token from each bucket, or none (the first that is empty says how long to wait). */
  async take(buckets: { key: string; rate: Rate }[], now: number): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
    const taken: { key: string }[] = [];
    for (const { key, rate } of buckets) {
      const perMs = rate.perMinute / 60_000;
      const { rows } = await this.db.query<{ tokens: number }>(
        `INSERT INTO portal_buckets (key, tokens, at) VALUES ($1, $2::double precision - 1, $3)
         ON CONFLICT (key) DO UPDATE SET tokens = LEAST($2::double precision, portal_buckets.tokens + ($3 - portal_buckets.at) * $4::double precision) - 1, at = $3
         WHERE LEAST($2::double precision, portal_buckets.tokens + ($3 - portal_buckets.at) * $4::double precision) >= 1
         RETURNING tokens`,
        [key, rate.burst, now, perMs],
      );
      if (rows.length === 0) {
        // Give back what this call took from the buckets before.
        for (const t of taken) await this.db.query('UPDATE portal_buckets SET tokens = tokens + 1 WHERE key = $1', [t.key]);
        const { rows: left } = await this.db.query<{ tokens: number; at: number }>('SELECT tokens, at FROM portal_buckets WHERE key = $1', [key]);
        const tokens = Math.min(rate.burst, (left[0]?.tokens ?? 0) + (now - (left[0]?.at ?? now)) * perMs);
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
      }
      taken.push({ key });
    }
    return { ok: true };
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
