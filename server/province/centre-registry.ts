import { createHash, randomBytes } from 'node:crypto';
import { centreProfile, type CentreProfile } from '../protocol/centre-profile';
import { inTransaction, isUniqueViolation, type Db, type Tx } from './db/database';

/**
 * The province's centres and the tokens their hubs link with. A token is 32 random bytes shown
 * once when a province admin issues it; the database keeps its sha256 only, so a stolen backup
 * links no hub. Every change is audited.
 */

export interface CentreRow {
  id: string;
  name: { vi: string; en: string };
  area: string;
  profile: CentreProfile | null;
  createdAt: number;
}

export type RegistryError = 'CENTRE_EXISTS' | 'UNKNOWN_CENTRE';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function audit(tx: Tx | Db, entry: { at: number; actor: string; action: string; centreId?: string | null; details?: Record<string, unknown> }): Promise<void> {
  await tx.query('INSERT INTO audit (at, actor, action, centre_id, details) VALUES ($1, $2, $3, $4, $5)', [
    entry.at,
    entry.actor,
    entry.action,
    entry.centreId ?? null,
    JSON.stringify(entry.details ?? {}),
  ]);
}

/** Profiles parsed, by centre and the profile's text: a profile changes at a hub's hello, and is read on every booking. */
const parsedProfiles = new Map<string, { text: string; profile: CentreProfile | null }>();

function rowOf(r: { id: string; name: { vi: string; en: string }; area: string; profile: string | null; created_at: number }): CentreRow {
  let profile: CentreProfile | null = null;
  if (r.profile !== null) {
    const known = parsedProfiles.get(r.id);
    if (known?.text === r.profile) profile = known.profile;
    else {
      const parsed = centreProfile.safeParse(JSON.parse(r.profile));
      profile = parsed.success ? parsed.data : null;
      if (parsedProfiles.size > 10_000) parsedProfiles.clear();
      parsedProfiles.set(r.id, { text: r.profile, profile });
    }
  }
  return { id: r.id, name: r.name, area: r.area, profile, createdAt: r.created_at };
}

export class CentreRegistry {
  constructor(private readonly db: Db) {}

  async add(centre: { id: string; name: { vi: string; en: string }; area: string }, by: string, now: number): Promise<{ ok: true } | { ok: false; error: RegistryError }> {
    try {
      await inTransaction(this.db, async (tx) => {
        await tx.query('INSERT INTO centres (id, name, area, created_at) VALUES ($1, $2, $3, $4)', [centre.id, JSON.stringify(centre.name), centre.area, now]);
        await tx.query('INSERT INTO link_sequences (centre_id) VALUES ($1)', [centre.id]);
        await audit(tx, { at: now, actor: by, action: 'centre.added', centreId: centre.id, details: { name: centre.name, area: centre.area } });
      });
      return { ok: true };
    } catch (error) {
      if (isUniqueViolation(error)) return { ok: false, error: 'CENTRE_EXISTS' };
      throw error;
    }
  }

  async list(): Promise<CentreRow[]> {
    const { rows } = await this.db.query('SELECT id, name, area, profile::text AS profile, created_at FROM centres ORDER BY id');
    return rows.map(rowOf);
  }

  async get(id: string): Promise<CentreRow | null> {
    const { rows } = await this.db.query('SELECT id, name, area, profile::text AS profile, created_at FROM centres WHERE id = $1', [id]);
    return rows[0] ? rowOf(rows[0]) : null;
  }

  /** Issues a new token for a centre's hub; returns it (the only time it is readable). */
  async issueToken(centreId: string, by: string, now: number): Promise<{ ok: true; tokenId: string; token: string } | { ok: false; error: RegistryError }> {
    const tokenId = randomBytes(6).toString('hex');
    const token = `luot-centre.${centreId}.${randomBytes(32).toString('base64url')}`;
    return inTransaction(this.db, async (tx) => {
      const known = await tx.query('SELECT 1 FROM centres WHERE id = $1', [centreId]);
      if (known.rowCount === 0) return { ok: false as const, error: 'UNKNOWN_CENTRE' as const };
      await tx.query('INSERT INTO centre_tokens (id, centre_id, token_hash, issued_by, issued_at) VALUES ($1, $2, $3, $4, $5)', [tokenId, centreId, hashToken(token), by, now]);
      await audit(tx, { at: now, actor: by, action: 'centre.token-issued', centreId, details: { tokenId } });
      return { ok: true as const, tokenId, token };
    });
  }

  async revokeToken(tokenId: string, by: string, now: number): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const { rows } = await tx.query<{ centre_id: string }>('UPDATE centre_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING centre_id', [tokenId, now]);
      if (!rows[0]) return false;
      await audit(tx, { at: now, actor: by, action: 'centre.token-revoked', centreId: rows[0].centre_id, details: { tokenId } });
      return true;
    });
  }

  /** The centre a hub's token belongs to, or null (unknown or revoked). Checked on every link. */
  async centreOfToken(token: string): Promise<string | null> {
    if (typeof token !== 'string' || token.length > 200) return null;
    const { rows } = await this.db.query<{ centre_id: string }>('SELECT centre_id FROM centre_tokens WHERE token_hash = $1 AND revoked_at IS NULL', [hashToken(token)]);
    return rows[0]?.centre_id ?? null;
  }

  /** Stores what the hub told about itself (validated by the caller's edge). */
  async setProfile(centreId: string, profile: CentreProfile): Promise<void> {
    await this.db.query('UPDATE centres SET profile = $2 WHERE id = $1', [centreId, JSON.stringify(profile)]);
  }
}
