/**
 * The floor for the fan-out benchmark: a plain `ws` server, in its own process like the hub, that
 * sends one message to every connected display when a caller asks. With `fsync: true` it first
 * appends a line to a file and fdatasyncs it (as the hub's journal does before it announces a call),
 * to show how much of the hub's time is the disk; with `view: true` it also sends a copy of the
 * hub's public view to every display on the next turn, as the hub does after every change. On /taker it is the floor for durable takes:
 * append, group commit with fdatasync, answer.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveRpc } from './ipc';

const dir = process.env.BENCH_DATA_DIR ?? process.cwd();
const file = await open(join(dir, 'raw-ws-journal.jsonl'), 'a');
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 32 * 1024 });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const displays = new Set<WebSocket>();
const bootId = crypto.randomUUID();
/** A copy of the hub's public view (set by the driver), to send after a call like the hub does. */
let view: Buffer | null = null;

// A take-a-number floor: append a line, group commit (one fdatasync for every line waiting, like
// server/store/journal.ts), then answer. No validation, no state, no views.
let pending: { line: string; socket: WebSocket; id: string }[] = [];
let flushing = false;
async function flushTakes(): Promise<void> {
  flushing = true;
  while (pending.length > 0) {
    const batch = pending;
    pending = [];
    await file.write(batch.map((p) => p.line).join(''));
    await file.datasync();
    for (const p of batch) p.socket.send(JSON.stringify({ id: p.id, ok: true }));
  }
  flushing = false;
}

server.on('connection', (socket, request) => {
  if (request.url === '/taker') {
    socket.on('message', (data) => {
      const m = JSON.parse(String(data)) as { id: string };
      pending.push({ line: JSON.stringify({ key: m.id, at: Date.now(), events: [{ type: 'ticket-taken' }] }) + '\n', socket, id: m.id });
      if (!flushing) void flushTakes();
    });
    return;
  }
  if (request.url === '/caller') {
    socket.on('message', (data) => {
      void (async () => {
        const m = JSON.parse(String(data)) as { seq: number; fsync: boolean; view?: boolean };
        const call = { number: `A${String(m.seq).padStart(3, '0')}`, serviceId: 'ho-tich', counterId: 'c1', counterNumber: 1, at: Date.now(), kind: 'call' };
        if (m.fsync) {
          await file.write(JSON.stringify({ seq: m.seq, at: call.at, key: 'raw', events: [call] }) + '\n');
          await file.datasync();
        }
        // Encoded once, like Socket.IO's broadcast; then one send per socket.
        const payload = Buffer.from(JSON.stringify({ event: 'ticket:called', bootId, seq: m.seq, call }));
        for (const client of displays) client.send(payload, { binary: false });
        // As the hub does after every change: the full public view to every screen, next turn.
        if (m.view && view) setImmediate(() => {
          for (const client of displays) client.send(view!, { binary: false });
        });
      })();
    });
    return;
  }
  displays.add(socket);
  socket.on('close', () => displays.delete(socket));
});

process.on('disconnect', () => process.exit(0));

serveRpc({
  info: () => ({ port: (server.address() as AddressInfo).port, displays: displays.size }),
  setView(args: { json: string }) {
    view = Buffer.from(args.json);
    return view.length;
  },
  mem: () => process.memoryUsage(),
  async close() {
    for (const c of displays) c.terminate();
    server.close();
    await file.close();
    setTimeout(() => process.exit(0), 20);
    return null;
  },
});
