import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConfigChange } from '../protocol/config-types';
import { credentialKey, type AdminResult, type AdminStore, type Credential, type CredentialKind } from '../store/admin-store';
import type { CommandIdentity } from './config-service';

/** What an API key may be used for. */
export const API_KEY_SCOPES = ['dossiers', 'tickets'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * The secrets the supervisor issues, one per owner and kind: API keys for other systems (with the
 * scopes they may use), bridge tokens, and the pairings of kiosks and rating screens. A secret is
 * shown once, when issued; the store keeps its SHA-256 (and, for a repeat of the command within a
 * day, the answer sealed with the hub's key). Issuing again replaces the old secret at once.
 */
export class Credentials {
  constructor(private readonly store: AdminStore) {}

  /** The owner a secret belongs to, for that kind, or null. */
  ownerOf(kind: CredentialKind, secret: unknown): string | null {
    const credential = this.credentialOf(kind, secret);
    return credential?.ownerId ?? null;
  }

  /** The credential a secret is, for that kind, or null. */
  credentialOf(kind: CredentialKind, secret: unknown): Credential | null {
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > 200) return null;
    const hash = Buffer.from(sha256(secret), 'hex');
    for (const credential of this.store.state.credentials.values()) {
      if (credential.kind === kind && timingSafeEqual(hash, Buffer.from(credential.sha256, 'hex'))) return credential;
    }
    return null;
  }

  issued(kind: CredentialKind): Credential[] {
    return [...this.store.state.credentials.values()].filter((c) => c.kind === kind);
  }

  /**
   * Issues a new secret for an owner (replacing any earlier one), with its audit entry; the answer
   * is made by `answer` from the secret, whose field `secretField` is kept sealed.
   */
  issue<T extends Record<string, unknown>>(options: {
    kind: CredentialKind;
    ownerId: string;
    by: string;
    scopes?: ApiKeyScope[];
    audit: { action: string; path: string };
    command: CommandIdentity;
    answer: (secret: string) => T;
    secretField: keyof T & string;
  }): Promise<AdminResult<T>> {
    const secret = `${options.ownerId}.${randomBytes(24).toString('base64url')}`;
    return this.store.commit<T>({
      ...options.command,
      decide: (_state, now) => {
        const before = this.store.state.credentials.has(credentialKey(options.kind, options.ownerId));
        const changes: ConfigChange[] = [
          { path: options.audit.path, before: before ? '(issued)' : null, after: options.scopes ? `(issued: ${options.scopes.join(', ')})` : '(issued)' },
        ];
        return {
          effects: [
            {
              t: 'credential-issued',
              credential: {
                kind: options.kind,
                ownerId: options.ownerId,
                sha256: sha256(secret),
                issuedAt: now,
                issuedBy: options.by,
                ...(options.scopes ? { scopes: options.scopes } : {}),
              },
            },
          ],
          audit: { by: options.by, action: options.audit.action, changes },
          answer: options.answer(secret),
          sealed: [options.secretField],
        };
      },
    });
  }

  /** Revokes an owner's secret; the answer says whether there was one. */
  revoke<T>(options: {
    kind: CredentialKind;
    ownerId: string;
    by: string;
    audit: { action: string; path: string };
    command: CommandIdentity;
    answer: (revoked: boolean) => T;
  }): Promise<AdminResult<T>> {
    return this.store.commit<T>({
      ...options.command,
      decide: (state) => {
        const revoked = state.credentials.has(credentialKey(options.kind, options.ownerId));
        if (!revoked) return { effects: [], answer: options.answer(false) };
        return {
          effects: [{ t: 'credential-revoked', kind: options.kind, ownerId: options.ownerId }],
          audit: { by: options.by, action: options.audit.action, changes: [{ path: options.audit.path, before: '(issued)', after: null }] },
          answer: options.answer(true),
        };
      },
    });
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
