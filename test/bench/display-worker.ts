/**
 * A worker process holding display clients for the fan-out benchmark: Socket.IO clients of the hub
 * (like the wall display: websocket transport, app 'display') and plain `ws` clients of the raw
 * floor server. When the LAST of its clients has a given call, it tells the driver at once over IPC,
 * with its CLOCK_MONOTONIC timestamp (process.hrtime.bigint()) for a cross-check.
 */
import WebSocket from 'ws';
import { io, type Socket } from 'socket.io-client';
import { pushEvent, serveRpc } from './ipc';

const sioClients: Socket[] = [];
const wsClients: WebSocket[] = [];
const calls = new Map<string, { count: number; first: bigint }>();
const views = new Map<number, number>();

function received(key: string, expected: number): void {
  const now = process.hrtime.bigint();
  let entry = calls.get(key);
  if (!entry) calls.set(key, (entry = { count: 0, first: now }));
  entry.count += 1;
  if (entry.count === expected) {
    pushEvent('done', { key, mono: now.toString(), firstMono: entry.first.toString() });
    calls.delete(key);
  }
}

async function connectSio(url: string, count: number): Promise<void> {
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { app: 'display' } });
      sioClients.push(socket);
      const timer = setTimeout(() => reject(new Error('no snapshot within 30 s')), 30_000);
      socket.once('queue:public', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (e) => reject(e));
      socket.on('ticket:called', (m: { seq: number }) => received(`sio:${m.seq}`, count));
      socket.on('queue:public', (m: { seq: number }) => {
        const n = (views.get(m.seq) ?? 0) + 1;
        views.set(m.seq, n);
        if (n === count) {
          views.delete(m.seq);
          pushEvent('view', { seq: m.seq });
        }
      });
    });
  for (let i = 0; i < count; i += 25) await Promise.all(Array.from({ length: Math.min(25, count - i) }, one));
}

async function connectWs(url: string, count: number): Promise<void> {
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(url);
      wsClients.push(socket);
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.on('message', (data) => {
        const m = JSON.parse(String(data)) as { event?: string; seq: number };
        if (m.event === 'ticket:called') received(`ws:${m.seq}`, count);
      });
    });
  for (let i = 0; i < count; i += 25) await Promise.all(Array.from({ length: Math.min(25, count - i) }, one));
}

// If the driver goes away (crashed, killed), do not linger on a shared machine.
process.on('disconnect', () => process.exit(0));

serveRpc({
  async connect(args: { sioUrl: string | null; wsUrl: string | null; count: number }) {
    const t0 = performance.now();
    if (args.sioUrl) await connectSio(args.sioUrl, args.count);
    if (args.wsUrl) await connectWs(args.wsUrl, args.count);
    return { ms: performance.now() - t0, sio: sioClients.length, ws: wsClients.length };
  },
  ping: () => process.hrtime.bigint().toString(),
  close() {
    sioClients.forEach((s) => s.disconnect());
    wsClients.forEach((s) => s.terminate());
    setTimeout(() => process.exit(0), 50);
    return null;
  },
});
