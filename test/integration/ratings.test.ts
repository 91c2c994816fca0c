import { afterEach, describe, expect, it } from 'vitest';
import type { RatingPrompt } from '../../server/protocol/views';
import { expectOk, newCommandId, nextEvent, officerAtCounter, pairScreen, send, startTestHub, tempDataDir, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD } from '../helpers/test-centre';

let hubs: TestHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.map((h) => h.stop()));
  hubs = [];
});

describe('satisfaction ratings', () => {
  it('when the officer presses Done, the rating screen of that counter asks once, anonymously', async () => {
    const dataDir = tempDataDir();
    const hub = await startTestHub({ dataDir });
    hubs.push(hub);
    const kiosk = await hub.connect({ app: 'kiosk' });
    expectOk(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }));
    const counter = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const tablet = await hub.connect({ app: 'counter', pairing: await pairScreen(hub, 'rating', 'c1') });
    expect(expectOk(await send<RatingPrompt | null>(tablet, 'rating:watch', { counterId: 'c1' }))).toBeNull();
    const otherCounter = await hub.connect({ app: 'counter', pairing: await pairScreen(hub, 'rating', 'c2') });
    expectOk(await send(otherCounter, 'rating:watch', { counterId: 'c2' }));
    let otherAsked = false;
    otherCounter.on('rating:prompt', () => (otherAsked = true));

    expectOk(await send(counter, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
    const asked = nextEvent<{ counterId: string; prompt: RatingPrompt | null }>(tablet, 'rating:prompt', (m) => m.prompt !== null);
    expectOk(await send(counter, 'counter:done', { commandId: newCommandId(), counterId: 'c1' }));
    const { prompt } = await asked;
    expect(prompt).toMatchObject({ counterId: 'c1', counterNumber: 1 });
    expect(JSON.stringify(prompt)).not.toContain('A001');

    const closed = nextEvent<{ prompt: RatingPrompt | null }>(tablet, 'rating:prompt', (m) => m.prompt === null);
    expectOk(await send(tablet, 'rating:submit', { promptId: prompt!.promptId, level: 1, reason: 'Chờ quá lâu' }));
    await closed;
    // A retry of the answer (its ack was lost) is answered ok, and counts once.
    expect(await send(tablet, 'rating:submit', { promptId: prompt!.promptId, level: 1, reason: 'Chờ quá lâu' })).toEqual({ ok: true, data: null });
    expect(await send(tablet, 'rating:submit', { promptId: 'not-a-uuid', level: 3 })).toMatchObject({ ok: false, error: 'INVALID_PAYLOAD' });
    expect(await send(tablet, 'rating:submit', { promptId: prompt!.promptId, level: 5 })).toMatchObject({ ok: false, error: 'INVALID_PAYLOAD' });
    expect(otherAsked).toBe(false);

    // The rating is stored with the ticket and survives a restart.
    await hub.stop();
    hubs = [];
    const again = await startTestHub({ dataDir });
    hubs.push(again);
    const ticket = again.hub.service.ticket('A001');
    expect(ticket?.status).toBe('done');
    const stored = again.hub.service.todayTickets().find((t) => t.id === ticket!.ticketId);
    expect(stored?.rating).toEqual({ level: 1, reason: 'Chờ quá lâu' });
  });

  it('a lapsed question cannot be answered', async () => {
    const clock = { now: Date.parse('2026-11-26T09:00:00+07:00') };
    const hub = await startTestHub({ clock });
    hubs.push(hub);
    const kiosk = await hub.connect({ app: 'kiosk' });
    expectOk(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }));
    const counter = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const tablet = await hub.connect({ app: 'counter', pairing: await pairScreen(hub, 'rating', 'c1') });
    expectOk(await send(tablet, 'rating:watch', { counterId: 'c1' }));
    expectOk(await send(counter, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
    const asked = nextEvent<{ prompt: RatingPrompt | null }>(tablet, 'rating:prompt', (m) => m.prompt !== null);
    expectOk(await send(counter, 'counter:done', { commandId: newCommandId(), counterId: 'c1' }));
    const { prompt } = await asked;
    clock.now += 91_000;
    expect(await send(tablet, 'rating:submit', { promptId: prompt!.promptId, level: 3 })).toMatchObject({ ok: false, error: 'RATING_EXPIRED' });
  });
});
