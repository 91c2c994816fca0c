import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DurableJsonFile } from './durable-json-file';

interface TokenRecord {
  bridgeId: string;
  /** SHA-256 of the token: the token itself is shown once, when issued, and never stored. */
  sha256: string;
  issuedAt: number;
  issuedBy: string;
}

interface TokenFile {
  tokens: TokenRecord[];
}

/** Bridge tokens the supervisor issued, in a small lowdb file in the data folder. */
export class BridgeTokenStore {
  private constructor(private readonly db: Low<TokenFile>) {}

  static async open(dataDir: string): Promise<BridgeTokenStore> {
    const db = new Low<TokenFile>(new DurableJsonFile(join(dataDir, 'bridge-tokens.json')), { tokens: [] });
    await db.read();
    return new BridgeTokenStore(db);
  }

  /** Issues a new token for a bridge, replacing any earlier one. */
  async issue(bridgeId: string, issuedBy: string, now: number): Promise<string> {
    const token = `${bridgeId}.${randomBytes(24).toString('base64url')}`;
    this.db.data.tokens = [
      ...this.db.data.tokens.filter((t) => t.bridgeId !== bridgeId),
      { bridgeId, sha256: sha256(token), issuedAt: now, issuedBy },
    ];
    await this.db.write();
    return token;
  }

  async revoke(bridgeId: string): Promise<boolean> {
    const before = this.db.data.tokens.length;
    this.db.data.tokens = this.db.data.tokens.filter((t) => t.bridgeId !== bridgeId);
    if (this.db.data.tokens.length === before) return false;
    await this.db.write();
    return true;
  }

  /** The bridge a token belongs to, or null. */
  bridgeFor(token: string): string | null {
    const hash = Buffer.from(sha256(token), 'hex');
    for (const record of this.db.data.tokens) {
      if (timingSafeEqual(hash, Buffer.from(record.sha256, 'hex'))) return record.bridgeId;
    }
    return null;
  }

  issued(): { bridgeId: string; issuedAt: number; issuedBy: string }[] {
    return this.db.data.tokens.map(({ bridgeId, issuedAt, issuedBy }) => ({ bridgeId, issuedAt, issuedBy }));
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
