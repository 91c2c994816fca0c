import { describe, expect, it } from 'vitest';
import { SessionTokens } from '../../server/app/session-tokens';

describe('officer session tokens', () => {
  const secret = Buffer.alloc(32, 7);
  const HOUR = 3_600_000;

  it('a token used many times stays refused once logged out, and expires on time', () => {
    let now = Date.parse('2026-11-26T08:00:00+07:00');
    const tokens = new SessionTokens(secret, 8 * HOUR, () => now);
    const { token } = tokens.issue('o1');
    // Every press of the counter sends the token again: the answer stays the same.
    for (let i = 0; i < 3; i++) expect(tokens.check(token)).toMatchObject({ ok: true, officerId: 'o1' });
    now += 8 * HOUR;
    expect(tokens.check(token)).toEqual({ ok: false, error: 'SESSION_EXPIRED' });

    const second = tokens.issue('o2').token;
    expect(tokens.check(second)).toMatchObject({ ok: true, officerId: 'o2' });
    tokens.revoke(second);
    expect(tokens.check(second)).toEqual({ ok: false, error: 'NOT_LOGGED_IN' });
  });

  it('refuses a token changed by one character, or signed with another secret, even after the real one was seen', () => {
    const now = Date.parse('2026-11-26T08:00:00+07:00');
    const tokens = new SessionTokens(secret, HOUR, () => now);
    const { token } = tokens.issue('o1');
    expect(tokens.check(token).ok).toBe(true);
    const [body, signature] = token.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ sub: 'sup', exp: now + HOUR })).toString('base64url');
    expect(tokens.check(`${forgedBody}.${signature}`)).toEqual({ ok: false, error: 'NOT_LOGGED_IN' });
    expect(tokens.check(`${body}.${signature!.slice(0, -1)}${signature!.endsWith('A') ? 'B' : 'A'}`)).toEqual({ ok: false, error: 'NOT_LOGGED_IN' });
    const other = new SessionTokens(Buffer.alloc(32, 8), HOUR, () => now);
    expect(other.check(token)).toEqual({ ok: false, error: 'NOT_LOGGED_IN' });
  });
});
