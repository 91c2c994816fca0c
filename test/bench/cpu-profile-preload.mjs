// Bench-only preload: a V8 CPU profile of a process that is not started by the benchmark's own
// fork (the province and hub processes of province-bench.ts, spawned by the test helpers), where
// `node --cpu-prof` cannot be added: NODE_OPTIONS does not allow --cpu-prof, but allows --import.
//   NODE_OPTIONS="--import /abs/test/bench/cpu-profile-preload.mjs" LUOT_BENCH_CPU_PROF_DIR=<dir>
// Written when the process exits (a gentle stop: SIGTERM), named as node --cpu-prof names its files
// (CPU.<date>.<time>.<pid>.0.001.cpuprofile), sampled every 1 ms as --cpu-prof does; its timestamps
// are V8's monotonic clock, as --cpu-prof's (profile-summary.ts --window works the same).
// Plain JavaScript: it loads before tsx's loader is registered.
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.LUOT_BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  let written = false;
  process.on('exit', () => {
    if (written) return;
    written = true;
    // An in-thread session answers synchronously: the profile is on disk before the process ends.
    session.post('Profiler.stop', (error, result) => {
      if (error || !result) return;
      const d = new Date();
      const pad = (n) => String(n).padStart(2, '0');
      const name = `CPU.${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}.${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}.${process.pid}.0.001.cpuprofile`;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, name), JSON.stringify(result.profile));
    });
  });
}
