import { createHash, randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from '../config/passwords';
import type { ProvinceAccountView, ProvinceRole } from '../protocol/province-protocol';
import { audit } from './centre-registry';
import { inTransaction, isUniqueViolation, type Db } from './db/database';

/**
 * Province staff accounts and their sessions (docs/province.md, "Province supervisor"). Passwords
 * are scrypt hashes (the hub's passwords.ts). A session is a random token given to the browser as
 * an HttpOnly cookie (or to a program as a bearer token); the database keeps its sha256 only, so
 * every process checks it on every request and none keeps sessions of its own. Every change is
 * audited with who made it.
 */

export interface ProvinceAccount extends ProvinceAccountView {}

export interface SignedIn {
  account: ProvinceAccount;
  /** sha256 of the token: names the session without being it (rooms, logout). */
  sessionId: string;
  expiresAt: number;
}

export type AccountError = 'ACCOUNT_EXISTS' | 'UNKNOWN_ACCOUNT' | 'UNKNOWN_CENTRE';

/** A working day and then some: a session ends 12 hours after sign-in, whatever happens. */
export const SESSION_MS = 12 * 3_600_000;
const TOKEN_PREFIX = 'luot-province.';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface AccountRow {
  id: string;
  name: string;
  role: ProvinceRole;
  centre_id: string | null;
  disabled: boolean;
}
const view = (r: AccountRow): ProvinceAccount => ({ id: r.id, name: r.name, role: r.role, centreId: r.centre_id, disabled: r.disabled });

/** Checked against when the user name is unknown, so that a wrong name takes as long as a wrong password. */
let dummyHash: Promise<string> | null = null;

export class ProvinceAccounts {
  constructor(private readonly db: Db) {}

  async list(): Promise<ProvinceAccount[]> {
    const { rows } = await this.db.query<AccountRow>('SELECT id, name, role, centre_id, disabled FROM province_accounts ORDER BY id');
    return rows.map(view);
  }

  async add(
    account: { id: string; name: string; role: ProvinceRole; centreId: string | null; password: string },
    by: string,
    now: number,
  ): Promise<{ ok: true } | { ok: false; error: AccountError }> {
    const hash = await hashPassword(account.password);
    try {
      return await inTransaction(this.db, async (tx) => {
        if (account.centreId !== null) {
          const known = await tx.query('SELECT 1 FROM centres WHERE id = $1', [account.centreId]);
          if (known.rowCount === 0) return { ok: false as const, error: 'UNKNOWN_CENTRE' as const };
        }
        await tx.query('INSERT INTO province_accounts (id, name, role, centre_id, password_hash) VALUES ($1, $2, $3, $4, $5)', [
          account.id,
          account.name,
          account.role,
          account.centreId,
          hash,
        ]);
        await audit(tx, { at: now, actor: by, action: 'account.added', centreId: account.centreId, details: { account: account.id, role: account.role } });
        return { ok: true as const };
      });
    } catch (error) {
      if (isUniqueViolation(error)) return { ok: false, error: 'ACCOUNT_EXISTS' };
      throw error;
    }
  }

  /** A new password; the account's sessions end (whoever knew the old one is out). */
  async setPassword(id: string, password: string, by: string, now: number): Promise<{ ok: true } | { ok: false; error: AccountError }> {
    const hash = await hashPassword(password);
    return inTransaction(this.db, async (tx) => {
      const { rowCount } = await tx.query('UPDATE province_accounts SET password_hash = $2 WHERE id = $1', [id, hash]);
      if (rowCount === 0) return { ok: false as const, error: 'UNKNOWN_ACCOUNT' as const };
      await tx.query('DELETE FROM province_sessions WHERE account_id = $1', [id]);
      await audit(tx, { at: now, actor: by, action: 'account.password-set', details: { account: id } });
      return { ok: true as const };
    });
  }

  /** Disables an account and ends its sessions. Disabling one already disabled changes nothing. */
  async disable(id: string, by: string, now: number): Promise<{ ok: true; changed: boolean } | { ok: false; error: AccountError }> {
    return inTransaction(this.db, async (tx) => {
      const { rows } = await tx.query<{ disabled: boolean; centre_id: string | null }>('SELECT disabled, centre_id FROM province_accounts WHERE id = $1 FOR UPDATE', [id]);
      const row = rows[0];
      if (!row) return { ok: false as const, error: 'UNKNOWN_ACCOUNT' as const };
      if (row.disabled) return { ok: true as const, changed: false };
      await tx.query('UPDATE province_accounts SET disabled = true WHERE id = $1', [id]);
      await tx.query('DELETE FROM province_sessions WHERE account_id = $1', [id]);
      await audit(tx, { at: now, actor: by, action: 'account.disabled', centreId: row.centre_id, details: { account: id } });
      return { ok: true as const, changed: true };
    });
  }

  /** The account if the password is its own and it is not disabled; null otherwise (same time either way). */
  async check(user: string, password: string): Promise<ProvinceAccount | null> {
    const { rows } = await this.db.query<AccountRow & { password_hash: string }>(
      'SELECT id, name, role, centre_id, disabled, password_hash FROM province_accounts WHERE id = $1',
      [user.trim().toLowerCase()],
    );
    const row = rows[0];
    dummyHash ??= hashPassword(randomBytes(12).toString('hex'));
    const matches = await verifyPassword(password, row?.password_hash ?? (await dummyHash));
    if (!row || !matches || row.disabled) return null;
    return view(row);
  }

  /** Opens a session for an account whose password was checked; returns its token (given once). */
  async openSession(account: ProvinceAccount, address: string, now: number): Promise<{ token: string; sessionId: string; expiresAt: number }> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const sessionId = sha256(token);
    const expiresAt = now + SESSION_MS;
    await inTransaction(this.db, async (tx) => {
      // Sessions that ended are forgotten as new ones begin: the table holds live ones only.
      await tx.query('DELETE FROM province_sessions WHERE expires_at <= $1', [now]);
      await tx.query('INSERT INTO province_sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [sessionId, account.id, now, expiresAt]);
      await audit(tx, { at: now, actor: actorOf(account), action: 'session.login', centreId: account.centreId, details: { address } });
    });
    return { token, sessionId, expiresAt };
  }

  /** Who a token belongs to now (a live session of an account not disabled), or why not. */
  async signedIn(token: string | undefined, now: number): Promise<{ ok: true; data: SignedIn } | { ok: false; error: 'NOT_LOGGED_IN' | 'SESSION_EXPIRED' }> {
    if (typeof token !== 'string' || !token.startsWith(TOKEN_PREFIX) || token.length > 200) return { ok: false, error: 'NOT_LOGGED_IN' };
    const sessionId = sha256(token);
    const { rows } = await this.db.query<AccountRow & { expires_at: number }>(
      `SELECT a.id, a.name, a.role, a.centre_id, a.disabled, s.expires_at
         FROM province_sessions s JOIN province_accounts a ON a.id = s.account_id WHERE s.token_hash = $1`,
      [sessionId],
    );
    const row = rows[0];
    if (!row || row.disabled) return { ok: false, error: 'NOT_LOGGED_IN' };
    if (row.expires_at <= now) return { ok: false, error: 'SESSION_EXPIRED' };
    return { ok: true, data: { account: view(row), sessionId, expiresAt: row.expires_at } };
  }

  /** Which of these sessions are still live (for the live namespace's periodic look). */
  async liveSessions(sessionIds: string[], now: number): Promise<Set<string>> {
    if (sessionIds.length === 0) return new Set();
    const { rows } = await this.db.query<{ token_hash: string }>(
      `SELECT s.token_hash FROM province_sessions s JOIN province_accounts a ON a.id = s.account_id
        WHERE s.token_hash = ANY($1) AND s.expires_at > $2 AND NOT a.disabled`,
      [sessionIds, now],
    );
    return new Set(rows.map((r) => r.token_hash));
  }

  async closeSession(signedIn: SignedIn, now: number): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      await tx.query('DELETE FROM province_sessions WHERE token_hash = $1', [signedIn.sessionId]);
      await audit(tx, { at: now, actor: actorOf(signedIn.account), action: 'session.logout', centreId: signedIn.account.centreId });
    });
  }
}

/** How a province account is named in the audit log. */
export const actorOf = (account: { id: string }) => `province:${account.id}`;
