import { afterEach, describe, expect, it } from 'vitest';
import type { TicketIssued } from '../../server/protocol/views';
import { expectOk, newCommandId, officerAtCounter, send, startTestHub, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD } from '../helpers/test-centre';

let hub: TestHub;
afterEach(async () => hub?.stop());

const at = (day: string, hhmm: string) => Date.parse(`${day}T${hhmm}:00+07:00`);

describe('waiting times that learn', () => {
  it("this morning's first estimates come from past mornings, not the configured guess", async () => {
    const clock = { now: at('2026-11-25', '08:00') };
    hub = await startTestHub({ clock });
    const kiosk = await hub.connect({ app: 'kiosk' });
    const take = async () => expectOk(await send<TicketIssued>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }));
    const counter = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    // Yesterday at 8 o'clock, each visitor of Hộ tịch took 20 minutes.
    for (let i = 0; i < 3; i++) await take();
    for (let i = 0; i < 3; i++) {
      clock.now = at('2026-11-25', `08:${String(i * 20).padStart(2, '0')}`);
      expectOk(await send(counter, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
      clock.now += 20 * 60_000;
      expectOk(await send(counter, 'counter:done', { commandId: newCommandId(), counterId: 'c1' }));
    }
    // Today the configured default is 10 minutes; at 8 o'clock the hub knows better.
    clock.now = at('2026-11-26', '08:00');
    await take(); // the first command of the day rolls it over and learns from yesterday
    expectOk(await send(counter, 'session:login', { username: 'o1', password: OFFICER_PASSWORD }));
    expectOk(await send(counter, 'counter:open', { commandId: newCommandId(), counterId: 'c1' }));
    const third = (await take(), await take());
    expect(third).toMatchObject({ number: 'A003', peopleAhead: 2, estimatedWaitMinutes: 40 });
    // At 15 o'clock nothing was learned yet: the configured 10 minutes.
    clock.now = at('2026-11-26', '15:00');
    expect(await take()).toMatchObject({ peopleAhead: 3, estimatedWaitMinutes: 30 });
  });
});
