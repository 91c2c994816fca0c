/**
 * Where the hub's start time goes (a diagnostic beside `npm run bench`, not part of it):
 *   node --import tsx test/bench/startup-compare.ts [--runs 3] [--variants tsx,bundle,bundle-no-maps]
 *
 * 1. The same server/main.ts started in several ways, alternately, with an empty data folder and
 *    with a year of history: `bundle` is the compiled hub as `npm start` runs it
 *    (`node --enable-source-maps dist/server/main.js`, built first if missing or stale: see
 *    server/tools/build-hub.ts); `bundle-no-maps` the same without source maps; `tsx` the sources
 *    through tsx (`npm run start:tsx`, and how the tests start it).
 * 2. The parts of a year start that do not depend on how the code is loaded, timed with the hub's
 *    own adapter: reading the dossier register, and rewriting it (what DossierService.start did at
 *    every start until it learnt to skip it, and what the compaction after a start with journal
 *    records still does, once the hub has started).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DurableJsonFile } from '../../server/store/durable-json-file';
import { ensureHubBuilt, HUB_MAIN } from '../../server/tools/build-hub';
import { benchCentre, writeYear } from './fixtures';
import { ROOT } from './hub-runner';
import { median, round } from './stats';

const option = (name: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const runs = Number(option('--runs') || 3) || 3;
const wanted = (option('--variants') ?? 'tsx,bundle').split(',');
const work = mkdtempSync(join(tmpdir(), 'luot-startup-'));
if (await ensureHubBuilt()) console.log(`built the hub into ${HUB_MAIN}`);
const configFile = join(work, 'centre.json');
writeFileSync(configFile, JSON.stringify(benchCentre()));
const year = join(work, 'year');
writeYear(year, { archivedDays: 250, archivedTickets: 37_000, todayTickets: 148, dossiers: 37_000 });

function start(args: string[], dataDir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LUOT_DATA_DIR: dataDir, LUOT_CONFIG: configFile, LUOT_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let done = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!done && out.includes('"msg":"hub started"')) {
        done = true;
        const ms = performance.now() - t0;
        child.once('exit', () => resolve(ms));
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      if (!done) reject(new Error(`hub exited (${code}):\n${out}`));
    });
  });
}

const allVariants: Record<string, string[]> = {
  tsx: ['--import', 'tsx', join(ROOT, 'server', 'main.ts')],
  bundle: ['--enable-source-maps', HUB_MAIN],
  'bundle-no-maps': [HUB_MAIN],
};
const unknown = wanted.filter((name) => !allVariants[name]);
if (unknown.length > 0) throw new Error(`unknown variant ${unknown.join(', ')} (known: ${Object.keys(allVariants).join(', ')})`);
const variants = Object.fromEntries(wanted.map((name) => [name, allVariants[name]!]));
const times: Record<string, number[]> = {};
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(variants)) {
    const empty = join(work, `empty-${name}-${i}`);
    (times[`${name} empty`] ??= []).push(await start(args, empty));
    (times[`${name} year`] ??= []).push(await start(args, year));
  }
}
for (const [name, values] of Object.entries(times)) console.log(`${name.padEnd(19)} spawn -> "hub started": median ${round(median(values), 0)} ms (${values.map((v) => round(v, 0)).join(', ')})`);

// The register, through the hub's own adapter.
const register = new DurableJsonFile<{ seq: number; dossiers: unknown[] }>(join(year, 'dossiers', 'register.json'));
const reads: number[] = [];
const writes: number[] = [];
for (let i = 0; i < runs; i++) {
  let t0 = performance.now();
  const data = await register.read();
  reads.push(performance.now() - t0);
  t0 = performance.now();
  await new DurableJsonFile(join(work, `register-copy-${i}.json`)).write(data!);
  writes.push(performance.now() - t0);
}
console.log(`dossier register (37,000): read + JSON.parse median ${round(median(reads), 0)} ms; rewrite (stringify, write, fsync, rename) median ${round(median(writes), 0)} ms`);
rmSync(work, { recursive: true, force: true });
