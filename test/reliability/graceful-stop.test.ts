import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { PublicCall, SessionInfo, TicketIssued } from '../../server/protocol/views';
import { parsed, rawSocket, sendRaw } from '../helpers/every-command';
import { newCommandId, tempDataDir } from '../helpers/hub-fixture';
import { killHard, spawnHub } from '../helpers/hub-process';
import { OFFICER_PASSWORD, testCentreInput } from '../helpers/test-centre';
import { report } from './sizes';

/**
 * A graceful stop (SIGTERM, as systemd sends it): the hub takes no new commands (SHUTTING_DOWN, to
 * retry), finishes the writes under way, sends their answers and announcements, and exits by itself
 * (exit code 0, which the hub gives only when it stopped cleanly within its 1.9 s budget).
 */
describe('graceful stop', () => {
  it('on SIGTERM under load: every command sent is answered, every stored call announced, nothing acknowledged lost', async () => {
    const dataDir = tempDataDir();
    const input = testCentreInput();
    delete input.services[0]!.dailyLimit;
    input.services[1]!.numbering = { kind: 'range', from: 1001, to: 1999 };
    const hub = await spawnHub(dataDir, input);
    const display = await rawSocket(hub.url, { app: 'display' });
    const announced: PublicCall[] = [];
    display.on('ticket:called', (m: { call: PublicCall }) => announced.push(m.call));
    const kiosks = [await rawSocket(hub.url, { app: 'kiosk' }), await rawSocket(hub.url, { app: 'kiosk' })];
    const counters: Socket[] = [];
    for (const [user, counterId] of [['o1', 'c1'], ['o2', 'c2']] as const) {
      const socket = await rawSocket(hub.url, { app: 'counter' });
      const login = parsed<SessionInfo>(await sendRaw(socket, 'session:login', { username: user, password: OFFICER_PASSWORD }));
      if (!login.ok) throw new Error('login');
      await sendRaw(socket, 'counter:open', { commandId: newCommandId(), counterId });
      counters.push(socket);
    }

    let signalledAt = Infinity;
    const answers: { sentAt: number; answer: string | null; event: string }[] = [];
    const taken: string[] = [];
    let stopped = false;
    const exited = new Promise<number | null>((resolve) => hub.child.once('exit', (code) => resolve(code)));
    void exited.then(() => (stopped = true));
    const work = async (socket: Socket, next: () => { event: string; payload: Record<string, unknown> }) => {
      while (!stopped && socket.connected) {
        const { event, payload } = next();
        const sentAt = Date.now();
        const answer = await sendRaw(socket, event, payload, 4_000);
        answers.push({ sentAt, answer, event });
        if (event === 'ticket:take' && answer) {
          const a = parsed<TicketIssued>(answer);
          if (a.ok) taken.push(a.data.number);
        }
        if (event !== 'ticket:take') await new Promise((r) => setTimeout(r, 5));
      }
    };
    const workers = [
      ...kiosks.map((k) => work(k, () => ({ event: 'ticket:take', payload: { commandId: newCommandId(), serviceId: 'ho-tich' } }))),
      ...counters.map((c, i) => work(c, () => ({ event: 'counter:call-next', payload: { commandId: newCommandId(), counterId: `c${i + 1}` } }))),
    ];
    await new Promise((r) => setTimeout(r, 500));
    signalledAt = Date.now();
    hub.child.kill('SIGTERM');
    const code = await exited;
    await Promise.all(workers);
    [display, ...kiosks, ...counters].forEach((s) => s.disconnect());

    expect(code, `the hub stopped cleanly by itself:\n${hub.output().slice(-2000)}`).toBe(0);
    const before = answers.filter((a) => a.sentAt < signalledAt - 5);
    expect(before.length).toBeGreaterThan(20);
    // Sent before the signal: answered (done, or a typed refusal), never left hanging.
    for (const a of before) expect(a.answer, `${a.event} sent before the signal is answered`).not.toBeNull();
    const codes = new Set(answers.flatMap((a) => (a.answer ? [parsed(a.answer)] : [])).flatMap((a) => (a.ok ? [] : [a.error])));
    for (const c of codes) expect(['SHUTTING_DOWN', 'NO_TICKET_WAITING']).toContain(c);

    // After a restart: every acknowledged ticket is there, and every call stored was announced.
    const again = await spawnHub(dataDir, input);
    try {
      const journal = join(dataDir, 'journal');
      const lines = readFileSync(join(journal, readdirSync(journal).find((f) => f.endsWith('.jsonl'))!), 'utf8').trim().split('\n');
      const numbers = new Map<string, string>();
      const storedCalls: string[] = [];
      for (const line of lines) {
        for (const e of JSON.parse(line).events as { type: string; ticketId: string; number?: string; counterId?: string; at: number }[]) {
          if (e.type === 'ticket-taken') numbers.set(e.ticketId, e.number!);
          if (e.type === 'ticket-called') storedCalls.push(`${numbers.get(e.ticketId)}@${e.counterId}/${e.at}`);
        }
      }
      const stored = new Set(numbers.values());
      for (const number of taken) expect(stored.has(number), `acknowledged ${number} is stored`).toBe(true);
      const heard = new Set(announced.map((c) => `${c.number}@${c.counterId}/${c.at}`));
      for (const call of storedCalls) expect(heard.has(call), `stored call ${call} was announced`).toBe(true);
      report('graceful-stop', {
        commands: answers.length,
        sentBeforeSignal: before.length,
        refusedWhileStopping: answers.filter((a) => a.answer && !parsed(a.answer).ok && (parsed(a.answer) as { error: string }).error === 'SHUTTING_DOWN').length,
        callsStored: storedCalls.length,
        callsAnnounced: announced.length,
      });
    } finally {
      await killHard(again);
    }
  }, 60_000);
});
