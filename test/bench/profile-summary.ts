/**
 * Summarises a V8 CPU profile (node --cpu-prof; `npm run bench -- --hub-prof <dir>`):
 *   node --import tsx test/bench/profile-summary.ts <file.cpuprofile> [top=25] [--from=<ms>] [--to=<ms>]
 *                                                  [--window=<fromUs>-<toUs>]
 * Prints self time by function and by package/file, and inclusive time of the hub's own functions,
 * so "where does the time of a take go" has an answer. --from/--to keep only samples in that window
 * (ms since the profile began); --window keeps samples between two CLOCK_MONOTONIC instants in µs, as
 * the benchmark prints them with --hub-prof (the probe's mark and measure).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The project's folder, with a trailing slash: file names are printed relative to it. */
const ROOT = join(import.meta.dirname, '..', '..') + '/';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [top] [--from=ms] [--to=ms]');
  process.exit(2);
}
const top = Number(args.find((a) => /^\d+$/.test(a)) ?? 25);
let from = Number(args.find((a) => a.startsWith('--from='))?.slice(7) ?? 0);
let to = Number(args.find((a) => a.startsWith('--to='))?.slice(5) ?? Infinity);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const windowArg = args.find((a) => a.startsWith('--window='))?.slice(9);
if (windowArg) {
  const [a, b] = windowArg.split('-').map(Number);
  from = (a! - profile.startTime) / 1000;
  to = (b! - profile.startTime) / 1000;
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<number, number>();
let t = 0;
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = (profile.timeDeltas[i] ?? 0) / 1000;
  t += dt;
  if (t < from || t > to) return;
  self.set(id, (self.get(id) ?? 0) + dt);
  total += dt;
});

const where = (n: Node) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  return url.startsWith(ROOT) ? url.slice(ROOT.length) : url || '(native)';
};
const name = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${where(n)}:${n.callFrame.lineNumber + 1}`;

const selfByFn = new Map<string, number>();
const selfByPlace = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, ms] of self) {
  const n = byId.get(id)!;
  selfByFn.set(name(n), (selfByFn.get(name(n)) ?? 0) + ms);
  selfByPlace.set(where(n), (selfByPlace.get(where(n)) ?? 0) + ms);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const c = byId.get(cur)!;
    const key = name(c);
    if (seen.has(key)) continue;
    seen.add(key);
    // The hub's own code: its sources (tsx) or the compiled bundle (dist/server/, as npm start runs it).
    if (where(c).startsWith('server/') || where(c).startsWith('dist/server/') || where(c).startsWith('socket.io') || where(c).startsWith('engine.io') || where(c) === 'zod' || where(c) === 'ws')
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
  }
}
const print = (title: string, map: Map<string, number>, n = top) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(`  ${v.toFixed(1).padStart(9)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
console.log(`${file}: ${total.toFixed(0)} ms sampled (window ${from}-${to === Infinity ? 'end' : to} ms)`);
print('self time by package / file', selfByPlace, 20);
print('self time by function', selfByFn);
print('inclusive time (hub code, socket.io, engine.io, ws, zod)', inclusive);
