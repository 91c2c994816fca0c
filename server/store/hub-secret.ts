import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The key that signs officer sessions: made once per data folder, readable by the hub's user only. */
export function loadOrCreateSecret(dataDir: string): Buffer {
  const path = join(dataDir, 'secret.key');
  try {
    const secret = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    if (secret.length >= 32) return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  writeFileSync(path, secret.toString('base64'), { mode: 0o600, flush: true });
  return secret;
}
