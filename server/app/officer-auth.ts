import type { ConfigSource, OfficerConfig } from '../config/centre-config';
import { verifyPassword } from '../config/passwords';
import type { ErrorCode } from '../protocol/error-codes';
import type { SessionInfo } from '../protocol/views';
import { LoginThrottle } from './login-throttle';
import type { Sessions } from './sessions';

export type AuthResult<T> = { ok: true; data: T } | { ok: false; error: ErrorCode; retryAfterSeconds?: number };

// A hash of a password nobody has: checked for unknown user names so that they take as long.
const DUMMY_HASH =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** Logs officers in and says, for a token, who it is and where they may work. */
export class OfficerAuth {
  readonly throttle: LoginThrottle;

  constructor(
    private readonly configSource: ConfigSource,
    readonly sessions: Sessions,
    clock: () => number,
  ) {
    this.throttle = new LoginThrottle(clock);
  }

  async login(username: string, password: string, where: { address: string; app: string }): Promise<AuthResult<SessionInfo>> {
    const user = username.toLowerCase();
    const wait = this.throttle.retryAfterSeconds(user, where.address);
    if (wait > 0) return { ok: false, error: 'RATE_LIMITED', retryAfterSeconds: wait };
    const officer = this.configSource.current.officers.find((o) => o.id === user);
    const valid = await verifyPassword(password, officer?.passwordHash ?? DUMMY_HASH);
    if (!officer || !valid || officer.disabled) {
      this.throttle.failed(user, where.address);
      return { ok: false, error: 'BAD_CREDENTIALS' };
    }
    const opened = await this.sessions.open(officer.id, where);
    if (!opened.ok) return { ok: false, error: opened.error };
    this.throttle.succeeded(user, where.address);
    return {
      ok: true,
      data: {
        token: opened.data.token,
        expiresAt: opened.data.expiresAt,
        officer: { id: officer.id, name: officer.name, role: officer.role },
        counters: this.allowedCounters(officer),
      },
    };
  }

  /** The officer behind a token, if the session is open and the officer still enabled. */
  officerFor(token: unknown): AuthResult<OfficerConfig> {
    const check = this.sessions.check(token);
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
