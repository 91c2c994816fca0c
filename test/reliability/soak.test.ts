import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import type { Ack, PublicView, TicketIssued, Versioned } from '../../server/protocol/views';
import { newCommandId, tempDataDir } from '../helpers/hub-fixture';
import { killHard, spawnHub } from '../helpers/hub-process';
import { testCentreInput } from '../helpers/test-centre';
import { LARGE, report } from './sizes';

const CLIENTS = LARGE ? 500 : 100;
const SECONDS = LARGE ? 180 : 20;
const TAKES_PER_SECOND = 20;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

describe('soak: many screens and a steady stream of tickets', () => {
  it('keeps every screen up to date, answers every take, and does not grow', async () => {
    const config = testCentreInput();
    delete config.services[0]!.dailyLimit;
    config.services[0]!.numbering = { kind: 'prefix', prefix: 'A', digits: 4 };
    const hub = await spawnHub(tempDataDir(), config);
    const displays: Socket[] = [];
    try {
      const latest = new Map<Socket, number>();
      for (let i = 0; i < CLIENTS; i++) {
        const socket = io(hub.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { app: 'display' } });
        socket.on('queue:public', (m: Versioned<PublicView>) => latest.set(socket, m.seq));
        displays.push(socket);
      }
      await Promise.all(displays.map((s) => (s.connected ? null : new Promise<void>((r) => s.once('connect', () => r())))));
      const kiosk = io(hub.url, { transports: ['websocket'], reconnection: false, auth: { app: 'kiosk' } });
      await new Promise<void>((r) => kiosk.once('connect', () => r()));

      const samples: number[] = [];
      let taken = 0;
      let failed = 0;
      const pending: Promise<void>[] = [];
      const start = Date.now();
      for (let second = 0; second < SECONDS; second++) {
        for (let i = 0; i < TAKES_PER_SECOND; i++) {
          pending.push(
            (kiosk.timeout(10_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<TicketIssued>> })
              .emitWithAck('ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' })
              .then((ack) => void (ack.ok ? (taken += 1) : (failed += 1)), () => void (failed += 1)),
          );
          await new Promise((r) => setTimeout(r, 1000 / TAKES_PER_SECOND));
        }
        samples.push(rssMb(hub.child.pid!));
      }
      await Promise.all(pending);
      await new Promise((r) => setTimeout(r, 500));
      const elapsed = (Date.now() - start) / 1000;

      expect(failed).toBe(0);
      expect(taken).toBe(SECONDS * TAKES_PER_SECOND);
      // Every screen has the newest state.
      const newest = Math.max(...latest.values());
      const behind = displays.filter((s) => latest.get(s) !== newest).length;
      expect(behind).toBe(0);
      expect(hub.output()).not.toMatch(/"level":"error"/);
      // No growth: the last third of the run uses no more memory than the first third, give or take.
      const third = Math.max(1, Math.floor(samples.length / 3));
      const early = Math.max(...samples.slice(0, third));
      const late = Math.max(...samples.slice(-third));
      expect(late, `RSS early ${early.toFixed(1)} MB, late ${late.toFixed(1)} MB`).toBeLessThan(early * 1.3 + 15);
      report('soak', { clients: CLIENTS, seconds: Math.round(elapsed), taken, failed, rssEarlyMb: early.toFixed(1), rssLateMb: late.toFixed(1), displaysBehind: behind });
      kiosk.disconnect();
    } finally {
      displays.forEach((s) => s.disconnect());
      await killHard(hub);
    }
  }, LARGE ? 600_000 : 120_000);
});
