import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Officer sessions as signed tokens (HMAC-SHA256 with the hub's secret from the data folder), so a
 * hub restart does not log the counters out. A token says who and until when; whether that officer
 * still exists, is enabled and may use a counter is checked against the configuration at every use.
 */
export type TokenCheck =
  | { ok: true; officerId: string; expiresAt: number }
  | { ok: false; error: 'NOT_LOGGED_IN' | 'SESSION_EXPIRED' };

export class SessionTokens {
  private readonly revoked = new Map<string, number>();
  /** Tokens whose signature was checked already (a counter sends its token with every press). */
  private readonly verified = new Map<string, { officerId: string; expiresAt: number }>();

  constructor(
    private readonly secret: Buffer,
    private readonly ttlMs: number,
    private readonly clock: () => number,
  ) {}

  issue(officerId: string): { token: string; expiresAt: number } {
    const expiresAt = this.clock() + this.ttlMs;
    const body = Buffer.from(JSON.stringify({ sub: officerId, exp: expiresAt })).toString('base64url');
    return { token: `${body}.${this.sign(body)}`, expiresAt };
  }

  check(token: unknown): TokenCheck {
    if (typeof token !== 'string' || token.length > 512) return { ok: false, error: 'NOT_LOGGED_IN' };
    const known = this.verified.get(token);
    if (known) return this.current(token, known.officerId, known.expiresAt);
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return { ok: false, error: 'NOT_LOGGED_IN' };
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, error: 'NOT_LOGGED_IN' };
    let claims: { sub?: unknown; exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, error: 'NOT_LOGGED_IN' };
    }
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return { ok: false, error: 'NOT_LOGGED_IN' };
    if (this.verified.size >= 1_000) this.verified.clear();
    this.verified.set(token, { officerId: claims.sub, expiresAt: claims.exp });
    return this.current(token, claims.sub, claims.exp);
  }

  /** A token with a good signature: still valid unless logged out or expired. */
  private current(token: string, officerId: string, expiresAt: number): TokenCheck {
    if (this.revoked.has(token)) return { ok: false, error: 'NOT_LOGGED_IN' };
    if (expiresAt <= this.clock()) return { ok: false, error: 'SESSION_EXPIRED' };
    return { ok: true, officerId, expiresAt };
  }

  /** Logging out revokes the token until it would have expired (kept in memory only). */
  revoke(token: string): void {
    const check = this.check(token);
    if (!check.ok) return;
    this.revoked.set(token, check.expiresAt);
    const now = this.clock();
    for (const [t, exp] of this.revoked) if (exp <= now) this.revoked.delete(t);
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
