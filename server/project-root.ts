import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The project's folder (where Lượt's package.json is), found by walking up from this module. The
 * hub runs from its sources (server/*.ts, through tsx: tests, `npm run dev:hub`) and as the compiled
 * bundle (dist/server/*.js: `npm start`), so files it reads at run time (the built screens, the demo
 * centre, the landing page, the voice clips) are named from here, never relative to a module.
 */
export const PROJECT_ROOT = findProjectRoot(import.meta.dirname);

export function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (isLuotPackage(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`Lượt's package.json was not found in ${from} or above it`);
  }
}

function isLuotPackage(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'luot';
  } catch {
    return false;
  }
}
