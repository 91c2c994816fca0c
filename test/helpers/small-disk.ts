import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real, tiny file system (a 1 MB tmpfs) for a data folder; needs root, as CI has. Null without. */
export function smallDisk(): { dir: string; release(): void } | null {
  const dir = mkdtempSync(join(tmpdir(), 'luot-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    return { dir, release: () => execFileSync('umount', ['-l', dir], { stdio: 'ignore' }) };
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

/** Whether this machine can mount one; in CI it must (a skipped full-disk test proves nothing). */
export function canMountSmallDisk(what: string): boolean {
  const probe = process.getuid?.() === 0 ? smallDisk() : null;
  probe?.release();
  if (!probe && process.env.CI === 'true') throw new Error(`${what} need root and tmpfs (mount) in CI`);
  return probe !== null;
}

/** Fills the disk, leaving less than one journal line; returns what frees the space again. */
export function fillDisk(dir: string): () => void {
  const { bavail, bsize } = statfsSync(dir);
  const filler = join(dir, 'filler');
  writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 64)));
  return () => rmSync(filler, { force: true });
}
