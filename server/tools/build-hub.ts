/**
 * npm run build:hub  (node --import tsx server/tools/build-hub.ts [--if-stale])
 *
 * Compiles the hub for `npm start`: server/main.ts and everything it imports, bundled by esbuild
 * into dist/server/main.js (ESM for Node 20, source maps beside it). Packages stay external (read
 * from node_modules at run time), and dynamic imports stay lazy in chunks of their own
 * (dist/server/chunks/), so the device host, serialport and the canvas load only on a hub with
 * devices. Plain node then starts the hub in about half the time tsx needs: no TypeScript
 * transform and no loader hooks (docs/performance.md).
 *
 * The bundle is written to a fresh folder and swapped in, so a build never leaves a half-written
 * dist/server/. dist/server/build-info.json lists the sources it was built from and when the build
 * began: `hubBuildIsStale()` compares their times with it (the benchmark rebuilds when they changed).
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../project-root';

export const HUB_OUT_DIR = join(PROJECT_ROOT, 'dist', 'server');
export const HUB_MAIN = join(HUB_OUT_DIR, 'main.js');
const BUILD_INFO = join(HUB_OUT_DIR, 'build-info.json');

interface BuildInfo {
  /** Date.now() when the build began: a source changed after that may not be in it. */
  startedAt: number;
  /** The bundled sources, relative to the project's folder. */
  inputs: string[];
}

export async function buildHub(): Promise<{ outDir: string; main: string; ms: number }> {
  const t0 = performance.now();
  const startedAt = Date.now();
  const temp = `${HUB_OUT_DIR}.build-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  try {
    const result = await build({
      absWorkingDir: PROJECT_ROOT,
      entryPoints: [join(PROJECT_ROOT, 'server', 'main.ts')],
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outdir: temp,
      chunkNames: 'chunks/[name]-[hash]',
      // Maps for stack traces (node --enable-source-maps); the sources themselves are in the project.
      sourcemap: 'linked',
      sourcesContent: false,
      metafile: true,
      logLevel: 'warning',
    });
    const info: BuildInfo = { startedAt, inputs: Object.keys(result.metafile.inputs) };
    writeFileSync(join(temp, 'build-info.json'), JSON.stringify(info, null, 1));
    const old = `${HUB_OUT_DIR}.old-${process.pid}`;
    if (existsSync(HUB_OUT_DIR)) renameSync(HUB_OUT_DIR, old);
    renameSync(temp, HUB_OUT_DIR);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return { outDir: HUB_OUT_DIR, main: HUB_MAIN, ms: performance.now() - t0 };
}

/**
 * Whether dist/server/ is missing or older than a source it was built from (or than this script).
 * A new source file is always imported from a changed one, so its importer's time shows it.
 */
export function hubBuildIsStale(): boolean {
  if (!existsSync(HUB_MAIN) || !existsSync(BUILD_INFO)) return true;
  let info: BuildInfo;
  try {
    info = JSON.parse(readFileSync(BUILD_INFO, 'utf8')) as BuildInfo;
  } catch {
    return true;
  }
  const sources = [...info.inputs.map((input) => join(PROJECT_ROOT, input)), join(PROJECT_ROOT, 'server', 'tools', 'build-hub.ts')];
  return sources.some((file) => !existsSync(file) || statSync(file).mtimeMs >= info.startedAt);
}

/** Builds when stale; returns whether it did. */
export async function ensureHubBuilt(): Promise<boolean> {
  if (!hubBuildIsStale()) return false;
  await buildHub();
  return true;
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && resolve(invokedPath) === import.meta.filename) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !hubBuildIsStale()) console.log('dist/server is up to date');
  else {
    const { ms } = await buildHub();
    console.log(`built the hub into ${HUB_OUT_DIR} in ${Math.round(ms)} ms`);
  }
}
