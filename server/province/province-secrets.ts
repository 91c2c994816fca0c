import { randomBytes } from 'node:crypto';
import type { Db } from './db/database';

/** A secret the province makes once and every process reads (the first insert wins). */
export async function provinceSecret(db: Db, name: string, now: number): Promise<Buffer> {
  await db.query('INSERT INTO province_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING', [name, randomBytes(32).toString('base64url'), now]);
  const { rows } = await db.query<{ value: string }>('SELECT value FROM province_secrets WHERE name = $1', [name]);
  return Buffer.from(rows[0]!.value, 'base64url');
}
