import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { localDayOf, localInstantOf } from '../../server/app/local-time';
import type { CentreConfigInput } from '../../server/config/centre-config';
import { applyBookingEvent, createBookingState, slotKey } from '../../server/domain/booking';
import { addDays } from '../../server/domain/working-calendar';
import { bookingRecordSchema } from '../../server/store/booking-store';
import { benchCentre } from './fixtures';
import { startBenchHub, type HubRuntime } from './hub-runner';
import { percentile, round, sleep } from './stats';

/**
 * Bookings under load. One hub with its real fsync'd booking journal; `clients` phones, each an
 * HTTP keep-alive connection with one request in flight at a time; every attempt is a hold on a
 * slot picked at random among the day's `slots` (`placesPerSlot` places each: `places` in all), by
 * a phone number of its own (so no per-person limit ever refuses), and a confirm when the hold got
 * a place.
 *
 * - The measured run: `attempts` holds spread evenly over `seconds` (an open load: attempt n is due
 *   at n * seconds / attempts and is sent by phone n % clients; 10,000 in 10 s is 1,000 a second,
 *   and about 2,000 requests a second while places are left, each hold that gets one being
 *   confirmed at once). The ack is the hold's answer: the capacity check and the durable append
 *   (the step that must never overbook), timed from when the attempt was due (a phone held up
 *   behind a slow answer counts that delay too) to the whole answer. Confirms are timed apart
 *   (from the hold's answer), not in the ack.
 * - The burst: the same number of attempts on another day's `places`, each phone sending its next
 *   attempt as soon as its last was answered (a closed loop): how long the hub needs for them at
 *   most, against the 10 s the issue gives; its latencies are queueing, 200 phones over the rate.
 * - Before both, the same open load on a third day's places as the hub's first work (`cold`):
 *   its code not yet compiled by V8, as when bookings open on a hub that has not taken one since it
 *   started. It warms the hub for the measured run, which is a hub in service.
 *
 * Afterwards the hub is killed (SIGKILL) and the journal read back with the domain's own rules,
 * independently of the hub's answers: `overbooked` counts confirmed bookings beyond a slot's places,
 * `confirmed_on_disk` must equal `succeeded`; then a new hub starts on the same folder and its
 * `/api/booking/days` must show the same places taken.
 */
export interface BookingBenchPlan {
  attempts: number;
  clients: number;
  /** The measured attempts are spread over this long. */
  seconds: number;
  slots: number;
  placesPerSlot: number;
}

const ZONE = 'Asia/Ho_Chi_Minh';
const SERVICE = 'ho-tich';
const FIRST_MINUTE = 8 * 60;
const UNLIMITED = { burst: 1_000_000, perMinute: 10_000_000 };

function bookingBenchCentre(plan: BookingBenchPlan): CentreConfigInput {
  const input = benchCentre();
  // Every day a working day: the bench may run on any day of the week.
  input.dossiers = { calendar: { weekend: [], holidays: [], workdays: [] } };
  const to = FIRST_MINUTE + plan.slots * 30;
  const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  input.booking = {
    enabled: true,
    phoneCheck: 'off',
    // All phones come from 127.0.0.1: the per-address (and per-phone) hold limits are lifted.
    limits: { perPhone: UNLIMITED, perAddress: UNLIMITED },
    services: [{ serviceId: SERVICE, slots: [{ days: [1, 2, 3, 4, 5, 6, 7], from: clock(FIRST_MINUTE), to: clock(to), slotMinutes: 30, places: plan.placesPerSlot }] }],
  };
  return input;
}

function get(agent: Agent, port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    })
      .on('error', reject)
      .end();
  });
}

function post(agent: Agent, port: number, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

interface AttemptsRun {
  holdMs: number[];
  confirmMs: number[];
  answers: Map<string, number>;
  confirmed: number;
  wallMs: number;
}

/**
 * `attempts` holds (each confirmed when it got a place) by `agents.length` phones on `slots`.
 * `spacingMs`: attempt n is due at n * spacingMs (open load); null: each phone goes on as soon as
 * it has its answer (closed loop). `run` keeps the phone numbers and command ids of runs apart.
 */
async function attemptsRun(options: { agents: Agent[]; port: number; slots: number[]; attempts: number; spacingMs: number | null; run: number }): Promise<AttemptsRun> {
  const { agents, port, slots, spacingMs } = options;
  const out: AttemptsRun = { holdMs: [], confirmMs: [], answers: new Map(), confirmed: 0, wallMs: 0 };
  const started = performance.now();
  await Promise.all(
    agents.map(async (agent, client) => {
      for (let attempt = client; attempt < options.attempts; attempt += agents.length) {
        let t0 = performance.now();
        if (spacingMs !== null) {
          const due = started + attempt * spacingMs;
          if (due - t0 > 1) await sleep(due - t0);
          t0 = Math.min(due, performance.now());
        }
        // 09 + the run + 7 digits: a mobile number of its own for every attempt of every run.
        const phone = `09${options.run}${String(attempt).padStart(7, '0')}`;
        const slotStart = slots[Math.floor(Math.random() * slots.length)]!;
        const hold = await post(agent, port, '/api/booking/holds', {
          commandId: `bench-${options.run}-hold-${attempt}`,
          serviceId: SERVICE,
          slotStart,
          phone,
          name: 'Nguyễn Văn An',
          email: null,
          cccd: null,
        });
        const t1 = performance.now();
        out.holdMs.push(t1 - t0);
        const answer = hold.status === 201 ? 'held' : ((JSON.parse(hold.text) as { error?: string }).error ?? String(hold.status));
        out.answers.set(answer, (out.answers.get(answer) ?? 0) + 1);
        if (hold.status !== 201) continue;
        const { holdId } = JSON.parse(hold.text) as { holdId: string };
        const confirm = await post(agent, port, '/api/booking/confirm', { commandId: `bench-${options.run}-confirm-${attempt}`, holdId });
        out.confirmMs.push(performance.now() - t1);
        if (confirm.status === 201) out.confirmed += 1;
        else {
          const error = (JSON.parse(confirm.text) as { error?: string }).error ?? String(confirm.status);
          out.answers.set(`confirm ${error}`, (out.answers.get(`confirm ${error}`) ?? 0) + 1);
        }
      }
    }),
  );
  out.wallMs = performance.now() - started;
  return out;
}

export async function bookingPhase(options: { plan: BookingBenchPlan; dataDir: string; runtime: HubRuntime; log: (...a: unknown[]) => void; cpuProfDir?: string | null }) {
  const { plan, dataDir, log } = options;
  const places = plan.slots * plan.placesPerSlot;
  log(
    `\n== bookings: ${plan.clients} phones at once, ${plan.attempts} attempts due over ${plan.seconds} s on ${places} places in ${plan.slots} slots (hold, then confirm),` +
      ` first on a cold hub, then measured; then as fast as they go; each on a day of its own; journal read back after SIGKILL`,
  );
  const config = bookingBenchCentre(plan);
  // With the real clock, days two to four ahead: no slot closes and no hold lapses during the run.
  const today = localDayOf(Date.now(), ZONE);
  const slotsOf = (day: string) => Array.from({ length: plan.slots }, (_, i) => localInstantOf(day, FIRST_MINUTE + i * 30, ZONE));
  const days = { measured: addDays(today, 2), burst: addDays(today, 3), cold: addDays(today, 4) };
  const hub = await startBenchHub({ dataDir, config, runtime: options.runtime, cpuProfDir: options.cpuProfDir ?? null });
  let hubRunning = true;
  try {
    // Each phone's connection is open before the clock starts (as a page that loaded).
    const agents = Array.from({ length: plan.clients }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    await Promise.all(agents.map((agent) => get(agent, hub.port, '/api/booking/options')));
    const spacingMs = (plan.seconds * 1000) / plan.attempts;
    await hub.probe.mark();
    const cold = await attemptsRun({ agents, port: hub.port, slots: slotsOf(days.cold), attempts: plan.attempts, spacingMs, run: 1 });
    const coldProbe = await hub.probe.measure();
    if (options.cpuProfDir) log(`  [profile] booking, cold: CPU.*.${coldProbe.window.pid}.*.cpuprofile --window=${coldProbe.window.fromUs}-${coldProbe.window.toUs}`);
    await Promise.all(agents.map((agent) => get(agent, hub.port, `/api/booking/days?serviceId=${SERVICE}`)));
    await sleep(500);

    await hub.probe.mark();
    const main = await attemptsRun({ agents, port: hub.port, slots: slotsOf(days.measured), attempts: plan.attempts, spacingMs, run: 2 });
    const probe = await hub.probe.measure();
    if (options.cpuProfDir)
      log(`  [profile] booking, measured: CPU.*.${probe.window.pid}.*.cpuprofile --window=${probe.window.fromUs}-${probe.window.toUs} (its first second: --window=${probe.window.fromUs}-${probe.window.fromUs + 1_000_000})`);
    await sleep(500);
    const burst = await attemptsRun({ agents, port: hub.port, slots: slotsOf(days.burst), attempts: plan.attempts, spacingMs: null, run: 3 });
    agents.forEach((agent) => agent.destroy());
    // Killed hard: nothing is flushed on the way out (profiling needs a gentle stop to write the profile).
    await (options.cpuProfDir ? hub.stop() : hub.kill());
    hubRunning = false;

    // The journal as the disk has it, replayed by the domain's own rules (which never refuse an
    // event for want of places: capacity is checked when deciding, so an overbooking would show).
    const state = createBookingState();
    for (const line of readFileSync(join(dataDir, 'bookings', 'journal.jsonl'), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const record = bookingRecordSchema.parse(JSON.parse(line));
      for (const event of record.events) applyBookingEvent(state, event);
    }
    const onDisk = (day: string) => {
      let confirmed = 0;
      let overbooked = 0;
      for (const start of slotsOf(day)) {
        let n = 0;
        for (const id of state.bySlot.get(slotKey(SERVICE, start)) ?? []) if (state.bookings.get(id)!.status === 'confirmed') n += 1;
        confirmed += n;
        overbooked += Math.max(0, n - plan.placesPerSlot);
      }
      return { confirmed, overbooked };
    };
    const disk = { measured: onDisk(days.measured), burst: onDisk(days.burst), cold: onDisk(days.cold) };

    // A new hub on the same folder: the places it shows taken (a slot's places less those left).
    const again = await startBenchHub({ dataDir, config, runtime: options.runtime });
    const takenAfterRestart: Record<string, number> = {};
    try {
      const answer = (await (await fetch(`${again.url}/api/booking/days?serviceId=${SERVICE}`)).json()) as { days: { day: string; slots: { places: number; left: number }[] }[] };
      for (const [name, day] of Object.entries(days)) takenAfterRestart[name] = answer.days.find((d) => d.day === day)!.slots.reduce((n, s) => n + s.places - s.left, 0);
    } finally {
      await again.stop();
    }

    const answers = (run: AttemptsRun) => Object.fromEntries([...run.answers].sort((a, b) => b[1] - a[1]));
    const result = {
      attempts: plan.attempts,
      clients: plan.clients,
      places,
      succeeded: main.confirmed,
      overbooked: disk.measured.overbooked,
      ack_p50_ms: round(percentile(main.holdMs, 50)),
      ack_p99_ms: round(percentile(main.holdMs, 99)),
      ack_max_ms: round(Math.max(...main.holdMs)),
      confirm_p50_ms: round(percentile(main.confirmMs, 50)),
      confirm_p99_ms: round(percentile(main.confirmMs, 99)),
      wall_ms: round(main.wallMs, 0),
      spread_over_s: plan.seconds,
      answers: answers(main),
      confirmed_on_disk: disk.measured.confirmed,
      acknowledged_on_disk: disk.measured.confirmed === main.confirmed,
      taken_after_restart: takenAfterRestart.measured!,
      fdatasyncs: probe.fs.datasyncs,
      fdatasync_p50_ms: probe.fs.datasyncP50 === null ? null : round(probe.fs.datasyncP50),
      fdatasync_p99_ms: probe.fs.datasyncP99 === null ? null : round(probe.fs.datasyncP99),
      hub_loop_delay_p99_ms: round(probe.loopDelay.p99),
      hub_loop_delay_max_ms: round(probe.loopDelay.max),
      hub_loop_utilization: round(probe.elu.utilization, 3),
      hub_cpu_ms: round(probe.cpu.userMs + probe.cpu.systemMs, 0),
      burst: {
        attempts: plan.attempts,
        succeeded: burst.confirmed,
        overbooked: disk.burst.overbooked,
        wall_ms: round(burst.wallMs, 0),
        attempts_per_s: round(plan.attempts / (burst.wallMs / 1000), 0),
        ack_p50_ms: round(percentile(burst.holdMs, 50)),
        ack_p99_ms: round(percentile(burst.holdMs, 99)),
        confirm_p50_ms: round(percentile(burst.confirmMs, 50)),
        answers: answers(burst),
        confirmed_on_disk: disk.burst.confirmed,
        taken_after_restart: takenAfterRestart.burst!,
      },
      cold: {
        attempts: plan.attempts,
        succeeded: cold.confirmed,
        overbooked: disk.cold.overbooked,
        ack_p50_ms: round(percentile(cold.holdMs, 50)),
        ack_p99_ms: round(percentile(cold.holdMs, 99)),
        ack_max_ms: round(Math.max(...cold.holdMs)),
        confirm_p50_ms: round(percentile(cold.confirmMs, 50)),
        confirm_p99_ms: round(percentile(cold.confirmMs, 99)),
        wall_ms: round(cold.wallMs, 0),
        answers: answers(cold),
        confirmed_on_disk: disk.cold.confirmed,
        taken_after_restart: takenAfterRestart.cold!,
        fdatasyncs: coldProbe.fs.datasyncs,
        fdatasync_p50_ms: coldProbe.fs.datasyncP50 === null ? null : round(coldProbe.fs.datasyncP50),
        fdatasync_p99_ms: coldProbe.fs.datasyncP99 === null ? null : round(coldProbe.fs.datasyncP99),
        hub_loop_delay_max_ms: round(coldProbe.loopDelay.max),
        hub_loop_utilization: round(coldProbe.elu.utilization, 3),
        hub_cpu_ms: round(coldProbe.cpu.userMs + coldProbe.cpu.systemMs, 0),
      },
    };
    log(
      `  ${result.succeeded}/${places} booked, ${result.overbooked} overbooked, ${result.confirmed_on_disk} on disk after SIGKILL, ${result.taken_after_restart} taken after a restart;` +
        ` hold ack p50 ${result.ack_p50_ms} p99 ${result.ack_p99_ms} max ${result.ack_max_ms} ms; confirm p50 ${result.confirm_p50_ms} p99 ${result.confirm_p99_ms} ms`,
    );
    log(
      `  ${result.attempts} attempts in ${result.wall_ms} ms; answers ${JSON.stringify(result.answers)}; ${result.fdatasyncs} durable writes (p50 ${result.fdatasync_p50_ms} p99 ${result.fdatasync_p99_ms} ms);` +
        ` hub loop ${Math.round(result.hub_loop_utilization * 100)}% busy, delay p99 ${result.hub_loop_delay_p99_ms} max ${result.hub_loop_delay_max_ms} ms, CPU ${result.hub_cpu_ms} ms`,
    );
    const c = result.cold;
    log(
      `  cold (the hub's first work, the same load on another day): ${c.succeeded}/${places} booked, ${c.overbooked} overbooked, ${c.confirmed_on_disk} on disk, ${c.taken_after_restart} after restart;` +
        ` hold ack p50 ${c.ack_p50_ms} p99 ${c.ack_p99_ms} max ${c.ack_max_ms} ms; confirm p50 ${c.confirm_p50_ms} p99 ${c.confirm_p99_ms} ms; ${c.fdatasyncs} durable writes (p50 ${c.fdatasync_p50_ms} p99 ${c.fdatasync_p99_ms} ms); hub CPU ${c.hub_cpu_ms} ms, loop delay max ${c.hub_loop_delay_max_ms} ms`,
    );
    const b = result.burst;
    log(
      `  burst: ${b.attempts} attempts as fast as ${plan.clients} phones go: ${b.wall_ms} ms (${b.attempts_per_s}/s), ${b.succeeded}/${places} booked, ${b.overbooked} overbooked,` +
        ` ${b.confirmed_on_disk} on disk, ${b.taken_after_restart} after restart; hold ack p50 ${b.ack_p50_ms} p99 ${b.ack_p99_ms} ms; answers ${JSON.stringify(b.answers)}`,
    );
    return result;
  } finally {
    if (hubRunning) await hub.kill();
  }
}
