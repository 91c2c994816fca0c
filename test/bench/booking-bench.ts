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
import { percentile, round } from './stats';

/**
 * Bookings under load: `clients` phones at once, `attempts` holds in all on slots with `places`
 * places in all, spread evenly over `seconds` (attempt n is due at n * seconds / attempts, sent by
 * phone n % clients, which has one request in flight at a time), each hold that gets a place
 * confirmed at once. The ack measured is the hold's answer (the capacity check and the durable
 * append: the step that must never overbook), from when the attempt was due (so a phone held up
 * behind a slow answer counts that delay too) to the whole answer; confirms are measured apart. Afterwards the hub is killed (SIGKILL)
 * and the journal read back with the domain's own rules, independently of the hub's answers:
 * `overbooked` counts confirmed bookings beyond a slot's places; a new hub then starts on the same
 * folder and must show the places that are left.
 */
export interface BookingBenchPlan {
  attempts: number;
  clients: number;
  /** The attempts are spread over this long (an open load: 10,000 in 10 s is 1,000 a second). */
  seconds: number;
  slots: number;
  placesPerSlot: number;
}

const ZONE = 'Asia/Ho_Chi_Minh';
const UNLIMITED = { burst: 1_000_000, perMinute: 10_000_000 };

function bookingBenchCentre(plan: BookingBenchPlan): CentreConfigInput {
  const input = benchCentre();
  input.dossiers = { calendar: { weekend: [], holidays: [], workdays: [] } };
  const from = 8 * 60;
  const to = from + plan.slots * 30;
  const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  input.booking = {
    enabled: true,
    phoneCheck: 'off',
    limits: { perPhone: UNLIMITED, perAddress: UNLIMITED },
    services: [{ serviceId: 'ho-tich', slots: [{ days: [1, 2, 3, 4, 5, 6, 7], from: clock(from), to: clock(to), slotMinutes: 30, places: plan.placesPerSlot }] }],
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

export async function bookingPhase(options: { plan: BookingBenchPlan; dataDir: string; runtime: HubRuntime; log: (...a: unknown[]) => void; cpuProfDir?: string | null }) {
  const { plan, dataDir, log } = options;
  const places = plan.slots * plan.placesPerSlot;
  log(`\n== bookings: ${plan.clients} phones at once, ${plan.attempts} attempts, ${places} places in ${plan.slots} slots (hold, then confirm; journal read back after SIGKILL)`);
  const config = bookingBenchCentre(plan);
  // Two days ahead with the real clock: no slot closes during the run.
  const day = addDays(localDayOf(Date.now(), ZONE), 2);
  const slots = Array.from({ length: plan.slots }, (_, i) => localInstantOf(day, 8 * 60 + i * 30, ZONE));
  const hub = await startBenchHub({ dataDir, config, runtime: options.runtime, cpuProfDir: options.cpuProfDir ?? null });
  let hubRunning = true;
  try {
    const holdMs: number[] = [];
    const confirmMs: number[] = [];
    const statuses = new Map<string, number>();
    let confirmed = 0;
    const spacingMs = (plan.seconds * 1000) / plan.attempts;
    // Each phone's connection is open before the clock starts (as a page that loaded), and the hub
    // has answered a few requests of each kind (its code compiled).
    const agents = Array.from({ length: plan.clients }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    await Promise.all(agents.map((agent) => get(agent, hub.port, '/api/booking/options')));
    for (let i = 0; i < 50; i++) {
      await post(agents[0]!, hub.port, '/api/booking/holds', { commandId: `bench-warm-${i}`, serviceId: 'ho-tich', slotStart: 1, phone: '0912345678', name: 'Nguyễn Văn An', email: null, cccd: null });
      await get(agents[0]!, hub.port, '/api/booking/days?serviceId=ho-tich');
    }
    await hub.probe.mark();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: plan.clients }, async (_, client) => {
        const agent = agents[client]!;
        try {
          for (let attempt = client; attempt < plan.attempts; attempt += plan.clients) {
            const due = started + attempt * spacingMs;
            const wait = due - performance.now();
            if (wait > 1) await new Promise((r) => setTimeout(r, wait));
            const phone = `09${String(10_000_000 + attempt).slice(-8)}`;
            const slotStart = slots[Math.floor(Math.random() * slots.length)]!;
            const t0 = Math.min(due, performance.now());
            const hold = await post(agent, hub.port, '/api/booking/holds', {
              commandId: `bench-hold-${attempt}-${client}`,
              serviceId: 'ho-tich',
              slotStart,
              phone,
              name: 'Nguyễn Văn An',
              email: null,
              cccd: null,
            });
            holdMs.push(performance.now() - t0);
            const error = hold.status === 201 ? 'held' : ((JSON.parse(hold.text) as { error?: string }).error ?? String(hold.status));
            statuses.set(error, (statuses.get(error) ?? 0) + 1);
            if (hold.status !== 201) continue;
            const { holdId } = JSON.parse(hold.text) as { holdId: string };
            const t1 = performance.now();
            const answer = await post(agent, hub.port, '/api/booking/confirm', { commandId: `bench-confirm-${attempt}`, holdId });
            confirmMs.push(performance.now() - t1);
            if (answer.status === 201) confirmed += 1;
          }
        } finally {
          agent.destroy();
        }
      }),
    );
    const wallMs = performance.now() - started;
    const probe = await hub.probe.measure();
    // Killed hard: nothing is flushed on the way out (profiling needs a gentle stop to write the profile).
    await (options.cpuProfDir ? hub.stop() : hub.kill());
    hubRunning = false;

    // The journal as the disk has it, replayed by the domain's own rules.
    const state = createBookingState();
    for (const line of readFileSync(join(dataDir, 'bookings', 'journal.jsonl'), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const record = bookingRecordSchema.parse(JSON.parse(line));
      for (const event of record.events) applyBookingEvent(state, event);
    }
    let overbooked = 0;
    let onDisk = 0;
    for (const start of slots) {
      let n = 0;
      for (const id of state.bySlot.get(slotKey('ho-tich', start)) ?? []) if (state.bookings.get(id)!.status === 'confirmed') n += 1;
      onDisk += n;
      overbooked += Math.max(0, n - plan.placesPerSlot);
    }

    // A new hub on the same folder shows what is left.
    const again = await startBenchHub({ dataDir, config, runtime: options.runtime });
    let leftAfterRestart = -1;
    try {
      const days = (await (await fetch(`${again.url}/api/booking/days?serviceId=ho-tich`)).json()) as { days: { day: string; slots: { left: number }[] }[] };
      leftAfterRestart = days.days.find((d) => d.day === day)!.slots.reduce((n, s) => n + s.left, 0);
    } finally {
      await again.stop();
    }

    const result = {
      attempts: plan.attempts,
      clients: plan.clients,
      places,
      succeeded: confirmed,
      overbooked,
      ack_p50_ms: round(percentile(holdMs, 50)),
      ack_p99_ms: round(percentile(holdMs, 99)),
      ack_max_ms: round(Math.max(...holdMs)),
      confirm_p50_ms: round(percentile(confirmMs, 50)),
      confirm_p99_ms: round(percentile(confirmMs, 99)),
      wall_ms: round(wallMs, 0),
      spread_over_s: plan.seconds,
      attempts_per_s: round(plan.attempts / (wallMs / 1000), 0),
      answers: Object.fromEntries(statuses),
      confirmed_on_disk: onDisk,
      acknowledged_on_disk: onDisk === confirmed,
      left_after_restart: leftAfterRestart,
      fdatasyncs: probe.fs.datasyncs,
      fdatasync_p50_ms: probe.fs.datasyncP50 === null ? null : round(probe.fs.datasyncP50),
      fdatasync_p99_ms: probe.fs.datasyncP99 === null ? null : round(probe.fs.datasyncP99),
      hub_loop_delay_p99_ms: round(probe.loopDelay.p99),
      hub_loop_delay_max_ms: round(probe.loopDelay.max),
      hub_cpu_ms: round(probe.cpu.userMs + probe.cpu.systemMs, 0),
    };
    log(
      `  ${result.succeeded}/${places} booked, ${result.overbooked} overbooked, ${result.confirmed_on_disk} on disk; hold ack p50 ${result.ack_p50_ms} p99 ${result.ack_p99_ms} ms; ` +
        `confirm p50 ${result.confirm_p50_ms} p99 ${result.confirm_p99_ms} ms; ${result.attempts} attempts in ${result.wall_ms} ms; answers ${JSON.stringify(result.answers)}; left after restart ${leftAfterRestart}`,
    );
    return result;
  } finally {
    if (hubRunning) await hub.kill();
  }
}
