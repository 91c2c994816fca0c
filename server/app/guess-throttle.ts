/**
 * Slows down guessing (passwords, dossier lookup keys): after a few wrong tries for a key (a user
 * at an address, an address), further tries are refused for a delay that doubles with every
 * failure, up to 15 minutes. A right answer clears the count of that key.
 */
const MAX_DELAY_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;

export interface ThrottleOptions {
  /** Wrong tries allowed before the first delay. */
  freeFailures: number;
  /** The first delay; each further failure doubles it. */
  baseDelayMs: number;
}

interface Entry {
  failures: number;
  blockedUntil: number;
  lastFailure: number;
}

export class GuessThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: () => number,
    private readonly options: ThrottleOptions = { freeFailures: 3, baseDelayMs: 5_000 },
  ) {}

  /** Seconds to wait before another attempt, or 0. */
  retryAfterSeconds(keys: string[]): number {
    const now = this.clock();
    let until = 0;
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry) until = Math.max(until, entry.blockedUntil);
    }
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  failed(keys: string[]): void {
    const now = this.clock();
    for (const key of keys) {
      const previous = this.entries.get(key);
      const entry =
        previous && now - previous.lastFailure < FORGET_AFTER_MS
          ? previous
          : { failures: 0, blockedUntil: 0, lastFailure: now };
      entry.failures += 1;
      entry.lastFailure = now;
      if (entry.failures > this.options.freeFailures) {
        const delay = Math.min(MAX_DELAY_MS, this.options.baseDelayMs * 2 ** (entry.failures - this.options.freeFailures - 1));
        entry.blockedUntil = now + delay;
      }
      this.entries.set(key, entry);
    }
    if (this.entries.size > 10_000) this.forgetOld(now);
  }

  succeeded(key: string): void {
    this.entries.delete(key);
  }

  private forgetOld(now: number): void {
    for (const [key, entry] of this.entries)
      if (now - entry.lastFailure > FORGET_AFTER_MS && entry.blockedUntil < now) this.entries.delete(key);
  }
}
