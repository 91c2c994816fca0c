import { randomBytes } from 'node:crypto';
import type { AdminResult, AdminStore, SessionEndReason, SessionRecord } from '../store/admin-store';
import { sha256 } from './credentials';

export type SessionCheck =
  | { ok: true; officerId: string; expiresAt: number; sessionId: string }
  | { ok: false; error: 'NOT_LOGGED_IN' | 'SESSION_EXPIRED' };

/**
 * Officers' sessions. A login gets a random token (shown to that screen only; the store keeps its
 * SHA-256) and a session record in the administration journal, so a restart keeps counters logged
 * in and a logout, a password change or an officer removed ends the session for good. A token is
 * checked at every use: a hash and a lookup.
 */
export class Sessions {
  private readonly listeners = new Set<(ended: { ids: string[]; reason: SessionEndReason }) => void>();

  constructor(
    private readonly store: AdminStore,
    private readonly deps: { clock: () => number; hours: () => number },
  ) {
    store.onApplied((record) => {
      for (const effect of record.effects) if (effect.t === 'session-ended') this.tell({ ids: effect.ids, reason: effect.reason });
    });
  }

  /** Told when sessions end (their sockets are told and leave the staff rooms). */
  onEnded(listener: (ended: { ids: string[]; reason: SessionEndReason }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async open(officerId: string, where: { address: string; app: string }): Promise<AdminResult<{ token: string; expiresAt: number; sessionId: string }>> {
    const token = randomBytes(32).toString('base64url');
    const id = randomBytes(12).toString('base64url');
    const result = await this.store.commit({
      decide: (_state, now) => {
        const session: SessionRecord = {
          id,
          sha256: sha256(token),
          officerId,
          issuedAt: now,
          expiresAt: now + this.deps.hours() * 3_600_000,
          address: where.address,
          app: where.app,
        };
        return { effects: [{ t: 'session-opened', session }], answer: { token, expiresAt: session.expiresAt, sessionId: id } };
      },
    });
    return result;
  }

  check(token: unknown): SessionCheck {
    if (typeof token !== 'string' || token.length === 0 || token.length > 512) return { ok: false, error: 'NOT_LOGGED_IN' };
    const session = this.store.state.sessions.get(sha256(token));
    if (!session) return { ok: false, error: 'NOT_LOGGED_IN' };
    if (session.expiresAt <= this.deps.clock()) return { ok: false, error: 'SESSION_EXPIRED' };
    return { ok: true, officerId: session.officerId, expiresAt: session.expiresAt, sessionId: session.id };
  }

  /** The session a token opened, if it is still there (also when lapsed). */
  sessionOf(token: string): SessionRecord | null {
    return this.store.state.sessions.get(sha256(token)) ?? null;
  }

  /** Sessions not lapsed, oldest first. */
  active(): SessionRecord[] {
    const now = this.deps.clock();
    return [...this.store.state.sessions.values()].filter((s) => s.expiresAt > now).sort((a, b) => a.issuedAt - b.issuedAt);
  }

  /** Logging out: the token's session ends, on every screen that uses it. */
  logout(token: string): Promise<AdminResult<null>> {
    return this.store.commit({
      decide: (state) => {
        const session = state.sessions.get(sha256(token));
        if (!session) return { effects: [], answer: null };
        return { effects: [{ t: 'session-ended', ids: [session.id], reason: 'logout' }], answer: null };
      },
    });
  }

  /** A supervisor ends someone's session (audited). */
  end(sessionId: string, by: string, command: { key: string; fp: string }): Promise<AdminResult<{ sessionId: string; ended: true }>> {
    return this.store.commit<{ sessionId: string; ended: true }>({
      ...command,
      decide: (state) => {
        const session = [...state.sessions.values()].find((s) => s.id === sessionId);
        if (!session) return { refused: 'UNKNOWN_SESSION' };
        return {
          effects: [{ t: 'session-ended', ids: [session.id], reason: 'ended-by-supervisor' }],
          audit: { by, action: 'session.ended', changes: [{ path: `sessions[${session.officerId}]`, before: session.id, after: null }] },
          answer: { sessionId, ended: true },
        };
      },
    });
  }

  private tell(ended: { ids: string[]; reason: SessionEndReason }): void {
    for (const listener of this.listeners) listener(ended);
  }
}
