import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One hub per data folder: a lock file holding the owner's pid. A lock left by a hub that died
 * (kill -9, power cut) is taken over; one held by a live process, or by another hub in this
 * process, is refused.
 */
const heldHere = new Set<string>();

export class DataFolderLockedError extends Error {
  constructor(readonly lockPath: string, readonly ownerPid: number) {
    super(`the data folder is in use by another hub (pid ${ownerPid}; lock file ${lockPath})`);
  }
}

export function acquireDataLock(dataDir: string): () => void {
  const path = join(dataDir, 'hub.lock');
  if (heldHere.has(path)) throw new DataFolderLockedError(path, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(path);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        heldHere.delete(path);
        try {
          unlinkSync(path);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner))
        throw new DataFolderLockedError(path, owner);
      unlinkSync(path); // stale: its hub is gone
    }
  }
  throw new DataFolderLockedError(path, -1);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
