import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CounterView, TicketFollowView, TicketIssued } from '../../server/protocol/views';
import { expectOk, newCommandId, officerAtCounter, send, snapshotOnConnect, startTestHub, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, testCentre } from '../helpers/test-centre';

let hub: TestHub;
afterEach(async () => hub?.stop());

describe("a visitor's phone follows a ticket", () => {
  it('sees people ahead while waiting, the counter when called, and nothing personal', async () => {
    hub = await startTestHub();
    const kiosk = await hub.connect({ app: 'kiosk' });
    const first = expectOk(await send<TicketIssued>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }));
    const second = expectOk(await send<TicketIssued>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich', priorityGroup: 'elderly' }));
    const phone = await hub.connect({ app: 'display' });
    const waiting = expectOk(await send<TicketFollowView>(phone, 'ticket:status', { ticketId: second.ticketId }));
    expect(waiting).toEqual({
      ticketId: second.ticketId,
      number: 'A002',
      serviceId: 'ho-tich',
      status: 'waiting',
      peopleAhead: 1,
      estimatedWaitMinutes: null,
      counterNumber: null,
      day: second.day,
    });
    const counter = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c2');
    expectOk(await send<CounterView>(counter, 'counter:call-number', { commandId: newCommandId(), counterId: 'c2', number: 'A002' }));
    expect(expectOk(await send<TicketFollowView>(phone, 'ticket:status', { ticketId: second.ticketId }))).toMatchObject({ status: 'called', counterNumber: 2, peopleAhead: null });
    expect(expectOk(await send<TicketFollowView>(phone, 'ticket:status', { ticketId: first.ticketId }))).toMatchObject({ status: 'waiting', peopleAhead: 0 });
    expect(await send(phone, 'ticket:status', { ticketId: 'no-such-ticket' })).toMatchObject({ ok: false, error: 'UNKNOWN_TICKET' });
    expect(await send(phone, 'ticket:status', { ticketId: 5 })).toMatchObject({ ok: false, error: 'INVALID_PAYLOAD' });
  });
});

describe('the wall display', () => {
  it('gets the notice text and the voice settings from the configuration', async () => {
    hub = await startTestHub({
      config: testCentre((c) => {
        c.display = { notice: { vi: 'Trung tâm làm việc từ 7:30 đến 17:00', en: 'Open 7:30 to 17:00' }, voice: { dialect: 'south', english: true } };
      }),
    });
    const display = await hub.connect({ app: 'display' });
    expect(snapshotOnConnect(display).view.display).toEqual({
      notice: { vi: 'Trung tâm làm việc từ 7:30 đến 17:00', en: 'Open 7:30 to 17:00' },
      voice: { enabled: true, dialect: 'south', style: 'number', repeat: 2, english: true, template: 'kinh-moi' },
    });
  });

  it('serves the voice clips, and a recording dropped in the data folder replaces a placeholder', async () => {
    hub = await startTestHub();
    const chime = await fetch(`${hub.hub.url}/audio/clips/chime.wav`);
    expect(chime.status).toBe(200);
    expect(Buffer.from(await chime.arrayBuffer()).subarray(0, 4).toString()).toBe('RIFF');
    const placeholder = Buffer.from(await (await fetch(`${hub.hub.url}/audio/clips/vi-so-mootj.wav`)).arrayBuffer());
    mkdirSync(join(hub.dataDir, 'clips'), { recursive: true });
    const recording = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(100, 7)]);
    writeFileSync(join(hub.dataDir, 'clips', 'vi-so-mootj.wav'), recording);
    const replaced = Buffer.from(await (await fetch(`${hub.hub.url}/audio/clips/vi-so-mootj.wav`)).arrayBuffer());
    expect(replaced.equals(recording)).toBe(true);
    expect(replaced.equals(placeholder)).toBe(false);
    for (const bad of ['..%2F..%2Fpackage.json', 'nope.wav', 'CHIME.wav', 'chime.mp3'])
      expect((await fetch(`${hub.hub.url}/audio/clips/${bad}`)).status).toBe(404);
  });
});
