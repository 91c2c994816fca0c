import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { memoryLogger } from '../helpers/hub-fixture';
import { messageIdFor, Outbox, retryDelay, type NewOutboxMessage, type OutboxOptions } from '../../server/notifications/outbox';
import { DeliveryError, type OutgoingEmail, type OutgoingSms } from '../../server/notifications/transports';
import { tempDir, waitFor } from './notification-fixtures';

const retry = { initialMs: 5, maxMs: 20, maxAttempts: 4 };
const DAY = 24 * 60 * 60 * 1000;

function sms(key: string, text = 'Ho so X da co ket qua.'): NewOutboxMessage {
  return { key, channel: 'sms', kind: 'result-ready', to: '0912345678', subject: null, text };
}

/** An SMS transport that fails while `failures` > 0 and records every call. */
function fakeSms(failures = 0) {
  const state = {
    failures,
    calls: [] as OutgoingSms[],
    delivered: [] as OutgoingSms[],
    onSend: null as ((m: OutgoingSms) => void) | null,
    async send(message: OutgoingSms) {
      state.calls.push(message);
      state.onSend?.(message);
      if (state.failures > 0) {
        state.failures -= 1;
        throw new DeliveryError('sms: HTTP 500');
      }
      state.delivered.push(message);
    },
  };
  return state;
}

function options(path: string, transports: OutboxOptions['transports'], extra: Partial<OutboxOptions> = {}) {
  const log = memoryLogger();
  return { log, options: { path, transports, retry, keepDays: 30, log, ...extra } satisfies OutboxOptions };
}

describe('outbox', () => {
  it('stores a message before it is sent, and records that it was sent', async () => {
    const path = join(tempDir(), 'outbox.jsonl');
    const transport = fakeSms();
    const seenOnDisk: boolean[] = [];
    transport.onSend = (m) => seenOnDisk.push(readFileSync(path, 'utf8').includes(m.id));
    const { options: o } = options(path, { sms: transport });
    const outbox = await Outbox.open(o);
    outbox.start();
    const [queued] = await outbox.enqueue([sms('k1')]);
    await waitFor(() => outbox.counts().sent === 1, 'the send');
    await outbox.stop();
    expect(seenOnDisk).toEqual([true]);
    expect(transport.delivered).toEqual([{ id: queued!.id, to: '0912345678', text: 'Ho so X da co ket qua.' }]);
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: string });
    expect(lines.map((l) => l.t)).toEqual(['began', 'message', 'sent']);
  });

  it('keeps one message per key, also when the same key arrives twice at once', async () => {
    const path = join(tempDir(), 'outbox.jsonl');
    const transport = fakeSms();
    const { options: o } = options(path, { sms: transport });
    const outbox = await Outbox.open(o);
    outbox.start();
    const [a, b] = await Promise.all([outbox.enqueue([sms('same'), sms('same')]), outbox.enqueue([sms('same')])]);
    expect(a!.length + b!.length).toBe(1);
    await waitFor(() => outbox.counts().sent === 1, 'the send');
    expect(await outbox.enqueue([sms('same')])).toEqual([]);
    await outbox.stop();
    expect(transport.calls).toHaveLength(1);
  });

  it('retries a failing send with backoff and delivers it once', async () => {
    const path = join(tempDir(), 'outbox.jsonl');
    const transport = fakeSms(2);
    const { options: o, log } = options(path, { sms: transport });
    const outbox = await Outbox.open(o);
    outbox.start();
    const [queued] = await outbox.enqueue([sms('k')]);
    await waitFor(() => outbox.counts().sent === 1, 'the send');
    await outbox.stop();
    expect(transport.calls.map((c) => c.id)).toEqual([queued!.id, queued!.id, queued!.id]);
    expect(transport.delivered).toHaveLength(1);
    expect(outbox.get(queued!.id)).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    expect(log.lines.filter((l) => l.msg === 'notification failed, will retry').map((l) => l.reason)).toEqual([
      'sms: HTTP 500',
      'sms: HTTP 500',
    ]);
  });

  it('gives up after maxAttempts: stored as failed and logged, not retried after a restart', async () => {
    const path = join(tempDir(), 'outbox.jsonl');
    const transport = fakeSms(100);
    const { options: o, log } = options(path, { sms: transport });
    const outbox = await Outbox.open(o);
    outbox.start();
    const [queued] = await outbox.enqueue([sms('k')]);
    await waitFor(() => outbox.counts().failed === 1, 'giving up');
    await outbox.stop();
    expect(transport.calls).toHaveLength(4);
    expect(log.lines.find((l) => l.msg === 'notification given up')).toMatchObject({
      level: 'error',
      messageId: queued!.id,
      kind: 'result-ready',
      attempts: 4,
      reason: 'sms: HTTP 500',
    });
    const again = await Outbox.open(options(path, { sms: fakeSms() }).options);
    again.start();
    expect(again.get(queued!.id)).toMatchObject({ status: 'failed', attempts: 4, lastError: 'sms: HTTP 500' });
    await again.stop();
  });

  it('after a restart, pending messages are sent once; a further restart sends nothing', async () => {
    const path = join(tempDir(), 'outbox.jsonl');
    const down = fakeSms(1_000);
    const first = await Outbox.open(options(path, { sms: down }, { retry: { ...retry, maxAttempts: 100 } }).options);
    first.start();
    const queued = await first.enqueue([sms('a'), sms('b')]);
    await waitFor(() => down.calls.length >= 2, 'first attempts');
    await first.stop();
    expect(first.counts().pending).toBe(2);

    const up = fakeSms();
    const second = await Outbox.open(options(path, { sms: up }).options);
    second.start();
    await waitFor(() => second.counts().sent === 2, 'the sends after restart');
    await second.stop();
    expect(up.delivered.map((m) => m.id).sort()).toEqual(queued.map((m) => m.id).sort());

    const third = fakeSms();
    const again = await Outbox.open(options(path, { sms: third }).options);
    again.start();
    await new Promise((r) => setTimeout(r, 50));
    await again.stop();
    expect(third.calls).toEqual([]);
    expect(again.counts()).toEqual({ pending: 0, sent: 2, failed: 0 });
  });

  it('a crash between the send and its record resends with the same id', async () => {
    // What the file holds if the process died after the gateway took the message.
    const folder = tempDir();
    const path = join(folder, 'outbox.jsonl');
    const id = messageIdFor('crash-key');
    const message = {
      id,
      key: 'crash-key',
      channel: 'sms',
      kind: 'received',
      to: '0912345678',
      subject: null,
      text: 'Ho so X da duoc tiep nhan.',
      createdAt: Date.now(),
      status: 'pending',
      attempts: 0,
      nextAt: Date.now(),
      lastError: null,
      doneAt: null,
    };
    mkdirSync(folder, { recursive: true });
    writeFileSync(path, JSON.stringify({ t: 'message', message }) + '\n');
    const transport = fakeSms();
    const outbox = await Outbox.open(options(path, { sms: transport }).options);
    outbox.start();
    await waitFor(() => outbox.counts().sent === 1, 'the resend');
    await outbox.stop();
    expect(transport.delivered.map((m) => m.id)).toEqual([id]);
  });

  it('drops sent and failed messages older than keepDays when it opens; keeps pending ones', async () => {
    const path = join(tempDir(), 'outbox.jsonl');
    let now = Date.parse('2025-03-01T00:00:00Z');
    const clock = () => now;
    const ok = fakeSms();
    const first = await Outbox.open(options(path, { sms: ok }, { now: clock }).options);
    first.start();
    await first.enqueue([sms('old-1'), sms('old-2')]);
    await waitFor(() => first.counts().sent === 2, 'the sends');
    await first.stop();

    now += 10 * DAY;
    const noSms = await Outbox.open(options(path, {}, { now: clock }).options);
    await noSms.enqueue([sms('pending-old')]); // not started: stays pending
    await noSms.stop();

    now += 25 * DAY; // old-1 and old-2 finished 35 days ago; pending-old is 25 days old and pending
    const { options: o, log } = options(path, {}, { now: clock });
    const compacted = await Outbox.open(o);
    expect(compacted.list().map((m) => m.key)).toEqual(['pending-old']);
    expect(compacted.has('old-1')).toBe(false);
    await compacted.stop();
    expect(log.lines.find((l) => l.msg === 'notification outbox compacted')).toMatchObject({ dropped: 2, kept: 1 });
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    // When the outbox began (kept), and the one message left.
    expect(lines.map((l) => (JSON.parse(l) as { t: string }).t)).toEqual(['began', 'message']);
  });

  it('gives up messages of a channel that is no longer configured', async () => {
    const path = join(tempDir(), 'outbox.jsonl');
    const { options: o, log } = options(path, {});
    const outbox = await Outbox.open(o);
    outbox.start();
    await outbox.enqueue([{ key: 'm', channel: 'email', kind: 'late', to: 'a@b.vn', subject: 's', text: 't' }]);
    await waitFor(() => outbox.counts().failed === 1, 'giving up');
    await outbox.stop();
    expect(log.lines.some((l) => String(l.msg).includes('not configured'))).toBe(true);
  });

  it('sends e-mail through the e-mail transport with subject and id', async () => {
    const path = join(tempDir(), 'outbox.jsonl');
    const mails: OutgoingEmail[] = [];
    const outbox = await Outbox.open(options(path, { email: { send: async (m) => void mails.push(m) } }).options);
    outbox.start();
    const [queued] = await outbox.enqueue([{ key: 'e', channel: 'email', kind: 'payment', to: 'a@b.vn', subject: 'Chủ đề', text: 'Nội dung' }]);
    await waitFor(() => mails.length === 1, 'the mail');
    await outbox.stop();
    expect(mails).toEqual([{ id: queued!.id, to: 'a@b.vn', subject: 'Chủ đề', text: 'Nội dung' }]);
  });

  it('logs ids and kinds only: no number, address or text', async () => {
    const path = join(tempDir(), 'outbox.jsonl');
    const transport = fakeSms(1);
    const { options: o, log } = options(path, { sms: transport, email: { send: async () => undefined } });
    const outbox = await Outbox.open(o);
    outbox.start();
    await outbox.enqueue([
      sms('k', 'Ho so 000.00.15.H40-250312-0027 da co ket qua.'),
      { key: 'e', channel: 'email', kind: 'late', to: 'an.nguyen@example.vn', subject: 'Hồ sơ', text: 'Kính gửi' },
    ]);
    await waitFor(() => outbox.counts().sent === 2, 'the sends');
    await outbox.stop();
    const all = JSON.stringify(log.lines);
    for (const secret of ['0912345678', 'an.nguyen', 'example.vn', '250312', 'Kính', 'Hồ sơ']) expect(all).not.toContain(secret);
    expect(log.lines.filter((l) => l.msg === 'notification sent').every((l) => typeof l.messageId === 'string' && typeof l.kind === 'string')).toBe(true);
  });
});

describe('outbox ids and delays', () => {
  it('ids are stable per key and shaped like UUIDs', () => {
    expect(messageIdFor('a')).toBe(messageIdFor('a'));
    expect(messageIdFor('a')).not.toBe(messageIdFor('b'));
    expect(messageIdFor('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('doubles the wait per failure up to the cap', () => {
    const r = { initialMs: 30_000, maxMs: 3_600_000, maxAttempts: 10 };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => retryDelay(n, r))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000,
    ]);
    expect(retryDelay(500, r)).toBe(3_600_000);
  });
});
