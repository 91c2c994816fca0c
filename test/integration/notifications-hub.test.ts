import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectOk, newCommandId, send, startTestHub, type TestHub } from '../helpers/hub-fixture';
import { SUPERVISOR_PASSWORD, testCentre } from '../helpers/test-centre';

let hub: TestHub | undefined;
let gateway: Server | undefined;
afterEach(async () => {
  await hub?.stop();
  await new Promise((r) => (gateway ? gateway.close(r) : r(null)));
});

/** A local SMS gateway that takes every message. */
async function smsGateway() {
  const received: { to: string; text: string; id: string }[] = [];
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => gateway!.listen(0, '127.0.0.1', r));
  return { received, url: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms` };
}

const withSms = (url: string | null) =>
  testCentre((c) => {
    if (url) c.notifications = { sms: { url }, retry: { initialMs: 50, maxMs: 200 } } as never;
  });

async function integrationKey(h: TestHub): Promise<string> {
  const supervisor = await h.connect({ app: 'counter' });
  expectOk(await send(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
  return expectOk(await send<{ key: string }>(supervisor, 'apikey:issue', { commandId: newCommandId(), integrationId: 'motcua' })).key;
}

describe('notifications through the hub', () => {
  it('a result ready pushed by the one-stop software sends the applicant one SMS; a bulk import sends none, also after a restart', async () => {
    const { received, url } = await smsGateway();
    const clock = { now: Date.parse('2026-11-26T09:00:00+07:00') };
    hub = await startTestHub({ clock, config: withSms(url) });
    const key = await integrationKey(hub);
    const dossier = (n: number, status: number) => ({
      code: `000.00.15.H29-261120-000${n}`,
      lookupKey: 'K7Q2M9',
      procedure: 'Đăng ký khai sinh',
      applicant: { name: 'Nguyễn Văn An', phone: '0901234567', lang: 'vi' },
      receivedAt: '2026-11-25T09:00:00+07:00',
      dueAt: '2026-11-28T17:00:00+07:00',
      status,
      collectAt: 'Quầy 1',
    });
    const post = (path: string, body: unknown) =>
      fetch(`${hub!.hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
    expect((await post('/api/dossiers/import', { dossiers: [dossier(1, 9), dossier(2, 9)] })).status).toBe(200);
    expect((await post('/api/dossiers', dossier(3, 4))).status).toBe(200);
    expect((await post(`/api/dossiers/${dossier(3, 4).code}/status`, { status: 9, at: '2026-11-26T08:55:00+07:00' })).status).toBe(200);
    const start = Date.now();
    while (received.length < 1 && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toBe('0901234567');
    expect(received[0]!.text).toContain('000.00.15.H29-261120-0003');
    expect(received[0]!.text).toMatch(/^[\x20-\x7e]+$/); // SMS without diacritics by default
    expect(received[0]!.text).toContain('Quay 1');
    // Nothing personal in the hub's log.
    expect(JSON.stringify(hub.log.lines)).not.toMatch(/0901234567|Văn An/);
    // The start-up catch-up sends neither the bulk import nor the message already sent.
    const { dataDir } = hub;
    await hub.stop();
    hub = await startTestHub({ clock, dataDir, config: withSms(url) });
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toHaveLength(1);
  });

  it('changes stored while notifications were off are not sent when they are switched on', async () => {
    const { received, url } = await smsGateway();
    const clock = { now: Date.parse('2026-11-26T09:00:00+07:00') };
    // Notifications were on (the outbox began), then the supervisor switched them off; they take effect at a restart.
    hub = await startTestHub({ clock, config: withSms(url) });
    const { dataDir } = hub;
    const setSms = async (on: boolean) => {
      const supervisor = await hub!.connect({ app: 'counter' });
      expectOk(await send(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
      const { version, config } = expectOk(await send<{ version: number; config: Record<string, any> }>(supervisor, 'config:get', {}));
      config.notifications = on ? { sms: { url }, retry: { initialMs: 50, maxMs: 200 } } : {};
      expectOk(await send(supervisor, 'config:replace', { commandId: newCommandId(), baseVersion: version, config }));
    };
    await setSms(false);
    await hub.stop();
    clock.now += 60 * 60_000;
    hub = await startTestHub({ clock, dataDir, config: withSms(url) });
    const key = await integrationKey(hub);
    const response = await fetch(`${hub.hub.url}/api/dossiers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        code: '000.00.15.H29-261126-0001',
        lookupKey: 'K7Q2M9',
        procedure: 'Đăng ký khai sinh',
        applicant: { name: 'Nguyễn Văn An', phone: '0901234567', lang: 'vi' },
        receivedAt: '2026-11-26T09:30:00+07:00',
        dueAt: '2026-11-28T17:00:00+07:00',
        status: 9,
      }),
    });
    expect(response.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(received, 'nothing while notifications are off').toEqual([]);
    await setSms(true);
    await hub.stop();
    clock.now += 60_000;
    hub = await startTestHub({ clock, dataDir, config: withSms(url) });
    await new Promise((r) => setTimeout(r, 500));
    expect(received, 'nothing when they are switched on again').toEqual([]);
  });
});
