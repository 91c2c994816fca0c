import type { ConfigSource, OfficerConfig } from '../config/centre-config';
import { verifyPassword } from '../config/passwords';
import type { ErrorCode } from '../protocol/error-codes';
import type { SessionInfo } from '../protocol/views';
import { GuessThrottle } from './guess-throttle';
import { SessionTokens } from './session-tokens';

export type AuthResult<T> = { ok: true; data: T } | { ok: false; error: ErrorCode; retryAfterSeconds?: number };

// A hash of a password nobody has: checked for unknown user names so that they take as long.
const DUMMY_HASH =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** Logs officers in and says, for a token, who it is and where they may work. */
export class OfficerAuth {
  private readonly throttle: GuessThrottle;
  readonly tokens: SessionTokens;

  constructor(
    private readonly configSource: ConfigSource,
    secret: Buffer,
    clock: () => number,
    sessionHours = 12,
  ) {
    this.throttle = new GuessThrottle(clock);
    this.tokens = new SessionTokens(secret, sessionHours * 3_600_000, clock);
  }

  async login(username: string, password: string, address: string): Promise<AuthResult<SessionInfo>> {
    const keys = [`user:${username.toLowerCase()}`, `address:${address}`];
    const wait = this.throttle.retryAfterSeconds(keys);
    if (wait > 0) return { ok: false, error: 'RATE_LIMITED', retryAfterSeconds: wait };
    const officer = this.configSource.current.officers.find((o) => o.id === username.toLowerCase());
    const valid = await verifyPassword(password, officer?.passwordHash ?? DUMMY_HASH);
    if (!officer || !valid || officer.disabled) {
      this.throttle.failed(keys);
      return { ok: false, error: 'BAD_CREDENTIALS' };
    }
    this.throttle.succeeded(keys[0]!);
    const { token, expiresAt } = this.tokens.issue(officer.id);
    return {
      ok: true,
      data: {
        token,
        expiresAt,
        officer: { id: officer.id, name: officer.name, role: officer.role },
        counters: this.allowedCounters(officer),
      },
    };
  }

  /** The officer behind a token, if the token is valid and the officer still enabled. */
  officerFor(token: unknown): AuthResult<OfficerConfig> {
    const check = this.tokens.check(token);
    if (!check.ok) return check;
    const officer = this.configSource.current.officers.find((o) => o.id === check.officerId);
    if (!officer || officer.disabled) return { ok: false, error: 'NOT_LOGGED_IN' };
    return { ok: true, data: officer };
  }

  allowedCounters(officer: OfficerConfig): string[] {
    if (officer.role === 'supervisor' || !officer.counters) return this.configSource.current.counters.map((c) => c.id);
    return officer.counters;
  }

  mayWorkAt(officer: OfficerConfig, counterId: string): boolean {
    return this.allowedCounters(officer).includes(counterId);
  }
}
