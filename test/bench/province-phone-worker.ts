/**
 * A worker process holding citizens' phones for the province benchmark (province-bench.ts):
 *
 * - booking phones: one HTTP keep-alive connection each (one request in flight at a time) to one of
 *   the province processes, booking over the portal API (`/api/portal/centres/<id>/booking/holds`,
 *   then `/confirm` at once when the hold got a place), each attempt by a phone number of its own,
 *   each phone from an address of its own (`X-Forwarded-For`, as nginx in front would pass it);
 * - following phones: a Socket.IO client each (websocket, the `/portal` namespace) on one of the
 *   province processes, following one ticket (`follow:ticket`) and recording every `follow:update`.
 *
 * Times are CLOCK_MONOTONIC milliseconds (process.hrtime.bigint()), one clock for every process on
 * the machine: the driver's "attempt due" and "call sent" instants are compared with them directly.
 */
import { Agent, request } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { serveRpc } from './ipc';

const monoMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- booking phones

interface BookingPhone {
  /** Global phone number (0 .. total-1): decides its attempts and its province process. */
  index: number;
  agent: Agent;
  port: number;
  address: string;
}
let bookingPhones: BookingPhone[] = [];

function call(phone: BookingPhone, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const data = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: phone.port,
        path,
        method,
        agent: phone.agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'x-forwarded-for': phone.address },
      },
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

const errorOf = (text: string, status: number) => {
  try {
    return (JSON.parse(text) as { error?: string }).error ?? String(status);
  } catch {
    return String(status);
  }
};

// ---------------------------------------------------------------- following phones

interface FollowPhone {
  index: number;
  socket: Socket;
  ticket: number;
  /** peopleAhead in the answer to follow:ticket. */
  ahead: number | null;
  /** [monotonic ms, peopleAhead (-1: none), status code] of every follow:update. */
  updates: number[];
}
const STATUS = ['waiting', 'called', 'serving', 'done', 'no-show', 'cancelled'];
let followPhones: FollowPhone[] = [];

// ---------------------------------------------------------------- the floor's phones (plain ws)

let floorPhones: WebSocket[] = [];
/** [monotonic ms, seq] of every frame the floor's phones got. */
let floorArrivals: number[] = [];

// If the driver goes away (crashed, killed), do not linger on a shared machine.
process.on('disconnect', () => process.exit(0));

serveRpc({
  /** Opens each phone's connection (as a page that loaded: GET the centre's booking options). */
  async bookingPhones(args: { ports: number[]; first: number; count: number; centreId: string }) {
    bookingPhones = Array.from({ length: args.count }, (_, i) => {
      const index = args.first + i;
      return {
        index,
        agent: new Agent({ keepAlive: true, maxSockets: 1 }),
        port: args.ports[index % args.ports.length]!,
        // 10.x.y.z: a citizen's own address, passed on by the reverse proxy (the province trusts loopback).
        address: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
      };
    });
    await Promise.all(
      bookingPhones.map(async (p) => {
        const r = await call(p, 'GET', `/api/portal/centres/${args.centreId}/booking/options`);
        if (r.status !== 200) throw new Error(`options: ${r.status} ${r.text.slice(0, 200)}`);
      }),
    );
    return { phones: bookingPhones.length };
  },

  /**
   * Attempt n (0 .. attempts-1) is due at startAt + n * spacingMs and made by phone n % phones:
   * a hold on a random slot, by phone number 09<run><n, 7 digits>, confirmed at once if held.
   */
  async book(args: { centreId: string; serviceId: string; slots: number[]; attempts: number; phones: number; spacingMs: number; startAt: number; run: number }) {
    const holdMs: number[] = [];
    const confirmMs: number[] = [];
    const answers: Record<string, number> = {};
    const confirmed: { attempt: number; bookingCode: string }[] = [];
    const count = (key: string) => (answers[key] = (answers[key] ?? 0) + 1);
    let lastAnswerAt = 0;
    const cpu0 = process.cpuUsage();
    await Promise.all(
      bookingPhones.map(async (phone) => {
        for (let attempt = phone.index; attempt < args.attempts; attempt += args.phones) {
          const due = args.startAt + attempt * args.spacingMs;
          const wait = due - monoMs();
          if (wait > 1) await sleep(wait);
          const slotStart = args.slots[Math.floor(Math.random() * args.slots.length)]!;
          const hold = await call(phone, 'POST', `/api/portal/centres/${args.centreId}/booking/holds`, {
            commandId: `bench-${args.run}-hold-${attempt}`,
            serviceId: args.serviceId,
            slotStart,
            phone: `09${args.run}${String(attempt).padStart(7, '0')}`,
            name: 'Nguyễn Văn An',
            email: null,
            cccd: null,
          });
          const t1 = monoMs();
          // From when the attempt was due: a phone held up behind a slow answer counts that delay too.
          holdMs.push(t1 - due);
          lastAnswerAt = Math.max(lastAnswerAt, t1);
          if (hold.status !== 201) {
            count(errorOf(hold.text, hold.status));
            continue;
          }
          count('held');
          const { holdId } = JSON.parse(hold.text) as { holdId: string };
          const answer = await call(phone, 'POST', `/api/portal/centres/${args.centreId}/booking/confirm`, { commandId: `bench-${args.run}-confirm-${attempt}`, holdId });
          const t2 = monoMs();
          confirmMs.push(t2 - t1);
          lastAnswerAt = Math.max(lastAnswerAt, t2);
          if (answer.status === 201) confirmed.push({ attempt, bookingCode: (JSON.parse(answer.text) as { code: string }).code });
          else count(`confirm ${errorOf(answer.text, answer.status)}`);
        }
      }),
    );
    const cpu = process.cpuUsage(cpu0);
    return { holdMs, confirmMs, answers, confirmed, lastAnswerAt, cpuMs: (cpu.user + cpu.system) / 1000 };
  },

  /**
   * Connects `count` phones (global numbers first ..), phone g to urls[g % urls.length], each
   * following tickets[g % tickets.length], `parallel` connecting at a time.
   */
  async follow(args: { urls: string[]; first: number; count: number; centreId: string; tickets: string[]; parallel: number }) {
    const answerMs: number[] = [];
    const failures: Record<string, number> = {};
    let next = 0;
    const one = async (i: number) => {
      const index = args.first + i;
      const ticket = index % args.tickets.length;
      const socket = io(args.urls[index % args.urls.length]!, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60_000 });
      const phone: FollowPhone = { index, socket, ticket, ahead: null, updates: [] };
      socket.on('follow:update', (v: { peopleAhead: number | null; status: string }) => {
        phone.updates.push(monoMs(), v.peopleAhead ?? -1, STATUS.indexOf(v.status));
      });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        const t0 = monoMs();
        const ack = (await socket.timeout(60_000).emitWithAck('follow:ticket', { centreId: args.centreId, ticketId: args.tickets[ticket] })) as
          | { ok: true; data: { peopleAhead: number | null } }
          | { ok: false; error: string };
        answerMs.push(monoMs() - t0);
        if (!ack.ok) throw new Error(ack.error);
        phone.ahead = ack.data.peopleAhead;
        followPhones.push(phone);
      } catch (error) {
        const key = error instanceof Error ? error.message : String(error);
        failures[key] = (failures[key] ?? 0) + 1;
        socket.disconnect();
      }
    };
    const t0 = monoMs();
    await Promise.all(
      Array.from({ length: args.parallel }, async () => {
        while (next < args.count) await one(next++);
      }),
    );
    return { following: followPhones.length, answerMs, failures, ms: monoMs() - t0 };
  },

  /** Every phone's updates so far (and forget them), with what it followed. */
  followUpdates() {
    const out = followPhones.map((p) => ({ index: p.index, ticket: p.ticket, ahead: p.ahead, updates: p.updates, connected: p.socket.connected }));
    for (const p of followPhones) p.updates = [];
    return out;
  },

  /** The Socket.IO phones go (before the floor's phones come). */
  unfollow() {
    for (const p of followPhones) p.socket.disconnect();
    followPhones = [];
    return null;
  },

  /** Plain ws phones of the floor server (province-floor-server.ts): phone g on urls[g % urls.length]. */
  async floorConnect(args: { urls: string[]; first: number; count: number; parallel: number }) {
    let next = 0;
    const one = (i: number) =>
      new Promise<void>((resolve, reject) => {
        const socket = new WebSocket(args.urls[(args.first + i) % args.urls.length]!, { perMessageDeflate: false });
        floorPhones.push(socket);
        socket.once('open', () => resolve());
        socket.once('error', reject);
        socket.on('message', (data) => {
          const text = String(data);
          const m = JSON.parse(text.slice(text.indexOf('['))) as [string, { peopleAhead: number }];
          floorArrivals.push(monoMs(), m[1].peopleAhead);
        });
      });
    await Promise.all(
      Array.from({ length: args.parallel }, async () => {
        while (next < args.count) await one(next++);
      }),
    );
    return floorPhones.length;
  },

  floorUpdates() {
    const out = floorArrivals;
    floorArrivals = [];
    return out;
  },

  cpu: () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  },

  ping: () => monoMs(),

  close() {
    for (const p of bookingPhones) p.agent.destroy();
    for (const p of followPhones) p.socket.disconnect();
    for (const p of floorPhones) p.terminate();
    bookingPhones = [];
    followPhones = [];
    setTimeout(() => process.exit(0), 50);
    return null;
  },
});

