/**
 * Medians of the headline figures over several benchmark runs (this machine is shared and noisy: a
 * single run says little):
 *   node --import tsx test/bench/aggregate.ts run1.json run2.json run3.json
 */
import { readFileSync } from 'node:fs';
import { median, round } from './stats';

type Json = Record<string, unknown>;
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: aggregate.ts <bench-results.json>...');
  process.exit(2);
}
const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Json);

const figures = new Map<string, number[]>();
const add = (name: string, value: unknown) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) return;
  let list = figures.get(name);
  if (!list) figures.set(name, (list = []));
  list.push(value);
};

for (const run of runs) {
  for (const f of (run.fanout as Json[] | undefined) ?? []) {
    for (const key of ['hub_p50_ms', 'hub_p99_ms', 'ws_p50_ms', 'ws_p99_ms', 'ws_fsync_p50_ms', 'ws_fsync_view_p50_ms', 'hub_over_ws_p50', 'hub_over_ws_fsync_view_p50', 'hub_mono_p50_ms', 'ws_mono_p50_ms', 'hub_ack_p50_ms', 'hub_inbound_p50_ms', 'hub_disk_p50_ms', 'hub_outbound_p50_ms', 'hub_emit_called_p50_ms', 'hub_spread_in_worker_p50_ms', 'ws_spread_in_worker_p50_ms', 'ws_fsync_view_spread_in_worker_p50_ms', 'hub_cpu_ms_per_call'])
      add(`fanout ${f.clients} ${key}`, f[key]);
  }
  const t = run.take as Json | undefined;
  if (t) for (const key of ['per_s', 'ack_p50_ms', 'ack_p99_ms', 'floor_per_s_before', 'floor_per_s_after', 'floor_ack_p50_ms', 'floor_ack_p99_ms', 'hub_cpu_ms_per_op', 'hub_loop_active_ms_per_op', 'hub_loop_utilization', 'ops_per_fdatasync', 'fdatasync_p50_ms']) add(`take ${key}`, t[key]);
  for (const h of (run.history as Json[] | undefined) ?? [])
    for (const key of ['take_p50_ms', 'take_p99_ms', 'loop_block_p99_ms', 'loop_block_max_ms', 'hub_cpu_ms_per_op', 'idle_loop_delay_p99_ms', 'hub_start_ms']) add(`history ${h.scenario} ${h.day_tickets} ${key}`, h[key]);
  const s = run.startup as Json | undefined;
  if (s) for (const key of ['ms', 'in_process_ms', 'empty_ms', 'empty_in_process_ms', 'history_cost_ms', 'first_snapshot_ms', 'first_snapshot_loop_block_ms']) add(`startup ${key}`, s[key]);
  const m = run.memory as Json | undefined;
  if (m) for (const key of ['rss_mb', 'rss_idle_mb']) add(`memory ${key}`, m[key]);
  const pv = run.province as Record<string, Json> | undefined;
  if (pv?.booking) for (const key of ['succeeded', 'overbooked', 'ack_p50_ms', 'ack_p99_ms', 'wall_ms', 'confirm_p50_ms']) add(`province booking ${key}`, pv.booking[key]);
  if (pv?.follow) for (const key of ['phones', 'call_to_phone_p50_ms', 'call_to_phone_p99_ms', 'call_to_first_phone_p50_ms', 'updates_missing', 'floor_p50_ms', 'floor_p99_ms']) add(`province follow ${key}`, pv.follow[key]);
  if (pv?.catchup) for (const key of ['seconds', 'link_up_after_s', 'lost', 'duplicated']) add(`province catchup ${key}`, pv.catchup[key]);
  const b = run.bundles_gzip_kb as Json | undefined;
  if (b) for (const key of ['kiosk', 'display', 'counter']) add(`bundle gzip kB ${key}`, b[key]);
}

console.log(`${runs.length} runs: ${runs.map((r) => `${(r.meta as Json).date} (load ${JSON.stringify((r.meta as Json).loadavg_at_start)}, server ${(r.meta as Json).server_sha256_16})`).join('; ')}`);
for (const [name, values] of figures)
  console.log(`${name.padEnd(58)} median ${String(round(median(values), 2)).padStart(9)}   (${values.map((v) => round(v, 2)).join(', ')})`);
