/**
 * The floor for the province's follow fan-out (province-bench.ts): a plain `ws` server in its own
 * process, like one province process, that sends one text frame to each of its connected phones
 * when the driver says `fire` (over IPC). The frame is a follow:update as Socket.IO would put it on
 * the wire, one per phone (each phone's view names its own ticket), so what is left between this
 * and the province is Socket.IO, the hub, the link and the adapter between processes.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveRpc } from './ipc';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 4 * 1024 });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const phones: WebSocket[] = [];
server.on('connection', (socket) => {
  phones.push(socket);
  socket.on('close', () => phones.splice(phones.indexOf(socket), 1));
});

// If the driver goes away (crashed, killed), do not linger on a shared machine.
process.on('disconnect', () => process.exit(0));

serveRpc({
  info: () => ({ port: (server.address() as AddressInfo).port }),
  fire(args: { seq: number }) {
    const at = Date.now();
    for (let i = 0; i < phones.length; i++)
      phones[i]!.send(
        `42/portal,["follow:update",${JSON.stringify({ centreId: 'bench-follow', ticketId: `ticket-${i}`, number: 'A123', serviceId: 'ho-tich', status: 'waiting', peopleAhead: args.seq, estimatedWaitMinutes: 42, counterNumber: null, day: '2026-12-04', at })}]`,
      );
    return phones.length;
  },
  close() {
    for (const p of phones) p.terminate();
    server.close();
    setTimeout(() => process.exit(0), 50);
    return null;
  },
});
