import type { StaffAlert } from '../protocol/views';
import { GuessThrottle } from './guess-throttle';

/**
 * Slows down password guessing without letting a stranger lock an officer out:
 * - per user at one address: 4 wrong passwords are free, then each try waits (5 s, doubling);
 * - per address, whatever the user: 20 free, then each try waits (a machine trying many names);
 * - per user over all addresses: more than 10 wrong passwords in an hour is guessing spread over
 *   many machines. From then on, tries for that user from addresses where they have not logged in
 *   lately wait too (30 s, doubling per further failure), and the supervisor sees an alert. The
 *   officer's own machines (a login there in the last 30 days) are never held up by it.
 */
const USER_BUDGET = 10;
const USER_WINDOW_MS = 60 * 60_000;
const SPREAD_BASE_DELAY_MS = 30_000;
const SPREAD_MAX_DELAY_MS = 15 * 60_000;
const KNOWN_ADDRESS_MS = 30 * 24 * 3_600_000;

interface UserFailures {
  /** Times of wrong passwords within the window, oldest first. */
  at: number[];
  addresses: Set<string>;
  /** Failures since the budget ran out: each doubles the wait for unknown addresses. */
  over: number;
  blockedUntil: number;
  since: number;
}

export class LoginThrottle {
  private readonly pairs: GuessThrottle;
  private readonly addresses: GuessThrottle;
  private readonly users = new Map<string, UserFailures>();
  /** Where each user logged in, and when last. */
  private readonly known = new Map<string, Map<string, number>>();

  constructor(private readonly clock: () => number) {
    this.pairs = new GuessThrottle(clock, { freeFailures: 4, baseDelayMs: 5_000 });
    this.addresses = new GuessThrottle(clock, { freeFailures: 20, baseDelayMs: 5_000 });
  }

  /** Seconds to wait before this try, or 0. */
  retryAfterSeconds(user: string, address: string): number {
    const now = this.clock();
    let wait = this.pairs.retryAfterSeconds([pairKey(user, address)]);
    wait = Math.max(wait, this.addresses.retryAfterSeconds([address]));
    const spread = this.current(user, now);
    if (spread && spread.blockedUntil > now && !this.isKnown(user, address, now)) wait = Math.max(wait, Math.ceil((spread.blockedUntil - now) / 1000));
    return wait;
  }

  failed(user: string, address: string): void {
    const now = this.clock();
    this.pairs.failed([pairKey(user, address)]);
    this.addresses.failed([address]);
    const entry = this.current(user, now) ?? { at: [], addresses: new Set<string>(), over: 0, blockedUntil: 0, since: now };
    entry.at.push(now);
    entry.addresses.add(address);
    if (entry.at.length > USER_BUDGET) {
      entry.over += 1;
      entry.blockedUntil = now + Math.min(SPREAD_MAX_DELAY_MS, SPREAD_BASE_DELAY_MS * 2 ** Math.min(entry.over - 1, 20));
    }
    this.users.set(user, entry);
    if (this.users.size > 10_000) this.forgetOld(now);
  }

  succeeded(user: string, address: string): void {
    this.pairs.succeeded(pairKey(user, address));
    let places = this.known.get(user);
    if (!places) this.known.set(user, (places = new Map()));
    places.set(address, this.clock());
    if (places.size > 50) places.delete(places.keys().next().value!);
  }

  /** Users whose password is being guessed from many places now: for the supervisor. */
  alerts(): StaffAlert[] {
    const now = this.clock();
    const alerts: StaffAlert[] = [];
    for (const [user] of this.users) {
      const entry = this.current(user, now);
      if (entry && entry.at.length > USER_BUDGET)
        alerts.push({ kind: 'login-guessing', username: user, failures: entry.at.length, addresses: entry.addresses.size, since: entry.since });
    }
    return alerts;
  }

  /** The user's failures within the window (older ones forgotten), or null. */
  private current(user: string, now: number): UserFailures | null {
    const entry = this.users.get(user);
    if (!entry) return null;
    while (entry.at.length > 0 && now - entry.at[0]! > USER_WINDOW_MS) entry.at.shift();
    if (entry.at.length === 0 && entry.blockedUntil <= now) {
      this.users.delete(user);
      return null;
    }
    return entry;
  }

  private isKnown(user: string, address: string, now: number): boolean {
    const last = this.known.get(user)?.get(address);
    return last !== undefined && now - last < KNOWN_ADDRESS_MS;
  }

  private forgetOld(now: number): void {
    for (const user of [...this.users.keys()]) this.current(user, now);
  }
}

function pairKey(user: string, address: string): string {
  return `${user}\u0000${address}`;
}
