import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DurableJsonFile } from './durable-json-file';

interface TokenRecord {
  /** Who holds the token: a bridge id, or an integration's id for an API key. */
  ownerId: string;
  /** SHA-256 of the token: the token itself is shown once, when issued, and never stored. */
  sha256: string;
  issuedAt: number;
  issuedBy: string;
}

interface TokenFile {
  tokens: TokenRecord[];
}

/**
 * Secret tokens the supervisor issues (bridge tokens, API keys for other systems), one per owner,
 * in a small lowdb file in the data folder. A token is shown once, when issued; only its SHA-256 is
 * kept.
 */
export class TokenStore {
  private constructor(private readonly db: Low<TokenFile>) {}

  static async open(dataDir: string, fileName: string): Promise<TokenStore> {
    const db = new Low<TokenFile>(new DurableJsonFile(join(dataDir, fileName)), { tokens: [] });
    await db.read();
    return new TokenStore(db);
  }

  /** Issues a new token for an owner, replacing any earlier one. */
  async issue(ownerId: string, issuedBy: string, now: number): Promise<string> {
    const token = `${ownerId}.${randomBytes(24).toString('base64url')}`;
    this.db.data.tokens = [
      ...this.db.data.tokens.filter((t) => t.ownerId !== ownerId),
      { ownerId, sha256: sha256(token), issuedAt: now, issuedBy },
    ];
    await this.db.write();
    return token;
  }

  async revoke(ownerId: string): Promise<boolean> {
    const before = this.db.data.tokens.length;
    this.db.data.tokens = this.db.data.tokens.filter((t) => t.ownerId !== ownerId);
    if (this.db.data.tokens.length === before) return false;
    await this.db.write();
    return true;
  }

  /** The owner a token belongs to, or null. */
  ownerOf(token: string): string | null {
    if (token.length > 200) return null;
    const hash = Buffer.from(sha256(token), 'hex');
    for (const record of this.db.data.tokens) {
      if (timingSafeEqual(hash, Buffer.from(record.sha256, 'hex'))) return record.ownerId;
    }
    return null;
  }

  issued(): { ownerId: string; issuedAt: number; issuedBy: string }[] {
    return this.db.data.tokens.map(({ ownerId, issuedAt, issuedBy }) => ({ ownerId, issuedAt, issuedBy }));
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
