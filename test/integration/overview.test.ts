import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../server/protocol/views';
import { expectOk, newCommandId, officerAtCounter, send, startTestHub, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD } from '../helpers/test-centre';

let hub: TestHub;
afterEach(async () => hub?.stop());

describe("the supervisor's live overview", () => {
  it('shows each counter and whom it serves since when, the longest wait per service, and alerts', async () => {
    const clock = { now: Date.parse('2026-11-26T08:00:00+07:00') };
    hub = await startTestHub({ clock });
    const kiosk = await hub.connect({ app: 'kiosk' });
    for (const serviceId of ['ho-tich', 'ho-tich', 'chung-thuc']) expectOk(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId }));
    clock.now += 5 * 60_000; // 08:05
    const c1 = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    expectOk(await send(c1, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
    await officerAtCounter(hub, 'o2', OFFICER_PASSWORD, 'c2'); // opens at 08:05 and calls nobody
    clock.now += 31 * 60_000; // 08:36

    const supervisor = await hub.connect({ app: 'counter' });
    expectOk(await send(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
    const staff = expectOk(await send<Snapshot>(supervisor, 'state:request', {})).staff!.view;
    expect(staff.counters.find((c) => c.id === 'c1')).toMatchObject({
      status: 'open',
      officer: { id: 'o1', name: 'Nguyễn Thị Lan' },
      current: { number: 'A001', serviceId: 'ho-tich', status: 'called', since: Date.parse('2026-11-26T08:05:00+07:00') },
    });
    expect(staff.services.find((s) => s.id === 'ho-tich')).toEqual({ id: 'ho-tich', waiting: 1, longestWaitSince: Date.parse('2026-11-26T08:00:00+07:00') });
    expect(staff.alerts).toEqual(
      expect.arrayContaining([
        { kind: 'long-wait', serviceId: 'ho-tich', minutes: 36 },
        { kind: 'long-wait', serviceId: 'chung-thuc', minutes: 36 },
        { kind: 'idle-counter', counterId: 'c2', minutes: 31, waiting: 2 },
      ]),
    );
    expect(staff.alerts.some((a) => a.kind === 'idle-counter' && a.counterId === 'c1')).toBe(false);
    // Pausing with a reason shows the reason, and a paused counter is not "idle".
    const c2 = await hub.connect({ app: 'counter' });
    expectOk(await send(c2, 'session:login', { username: 'o2', password: OFFICER_PASSWORD }));
    expectOk(await send(c2, 'counter:pause', { commandId: newCommandId(), counterId: 'c2', reason: 'meeting' }));
    const after = expectOk(await send<Snapshot>(supervisor, 'state:request', {})).staff!.view;
    expect(after.counters.find((c) => c.id === 'c2')).toMatchObject({ status: 'paused', pauseReason: 'meeting' });
    expect(after.alerts.some((a) => a.kind === 'idle-counter')).toBe(false);
  });
});
