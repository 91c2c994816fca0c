import { afterEach, describe, expect, it } from 'vitest';
import type { CounterView, PublicCall, PublicView, Snapshot, TicketIssued, Versioned } from '../../server/protocol/views';
import {
  expectOk,
  newCommandId,
  nextEvent,
  officerAtCounter,
  recordEvents,
  send,
  snapshotOnConnect,
  startTestHub,
  type TestHub,
} from '../helpers/hub-fixture';
import { OFFICER_PASSWORD } from '../helpers/test-centre';

let hub: TestHub;
afterEach(async () => hub?.stop());

const take = (socket: Parameters<typeof send>[0], serviceId = 'ho-tich', commandId = newCommandId(), priorityGroup: string | null = null) =>
  send<TicketIssued>(socket, 'ticket:take', { commandId, serviceId, priorityGroup });

describe('the queue loop over Socket.IO', () => {
  it('a kiosk takes a number, a counter calls it, the display shows and announces it', async () => {
    hub = await startTestHub();
    const display = await hub.connect({ app: 'display' });
    const kiosk = await hub.connect({ app: 'kiosk' });
    const counter = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');

    const ticket = expectOk(await take(kiosk));
    expect(ticket).toMatchObject({ number: 'A001', serviceId: 'ho-tich', peopleAhead: 0, estimatedWaitMinutes: 0 });
    const second = expectOk(await take(kiosk));
    expect(second).toMatchObject({ number: 'A002', peopleAhead: 1, estimatedWaitMinutes: 10 });

    const announced = nextEvent<{ call: PublicCall }>(display, 'ticket:called');
    const shown = nextEvent<Versioned<PublicView>>(display, 'queue:public', (m) => m.view.counters.some((c) => c.serving?.number === 'A001'));
    const view = expectOk(await send<CounterView>(counter, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
    expect(view.current).toMatchObject({ number: 'A001', status: 'called' });
    expect(view.waiting.map((t) => t.number)).toEqual(['A002']);

    expect((await announced).call).toMatchObject({ number: 'A001', counterId: 'c1', counterNumber: 1, kind: 'call' });
    const state = (await shown).view;
    expect(state.counters.find((c) => c.id === 'c1')?.serving).toEqual({ number: 'A001', serviceId: 'ho-tich', status: 'called' });
    expect(state.recentCalls[0]).toMatchObject({ number: 'A001', counterNumber: 1 });
    expect(state.services.find((s) => s.id === 'ho-tich')?.waiting).toBe(1);

    // A recall is announced again.
    const recalled = nextEvent<{ call: PublicCall }>(display, 'ticket:called', (m) => m.call.kind === 'recall');
    expectOk(await send(counter, 'counter:recall', { commandId: newCommandId(), counterId: 'c1' }));
    expect((await recalled).call.number).toBe('A001');
  });

  it('the counter room gets its waiting list when a visitor takes a number', async () => {
    hub = await startTestHub();
    const counter = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const kiosk = await hub.connect({ app: 'kiosk' });
    const update = nextEvent<Versioned<CounterView>>(counter, 'queue:counter', (m) => m.view.waiting.length === 1);
    expectOk(await take(kiosk, 'chung-thuc'));
    const view = (await update).view;
    expect(view.waiting[0]).toMatchObject({ number: '1001', serviceId: 'chung-thuc' });
    expect(view.nextTicketId).toBe(view.waiting[0]!.ticketId);
  });

  it('two counters pressing Next at the same moment get two different tickets', async () => {
    hub = await startTestHub();
    const kiosk = await hub.connect({ app: 'kiosk' });
    const c1 = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const c2 = await officerAtCounter(hub, 'o2', OFFICER_PASSWORD, 'c2');
    for (let i = 0; i < 2; i++) expectOk(await take(kiosk));
    const [a, b] = await Promise.all([
      send<CounterView>(c1, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }),
      send<CounterView>(c2, 'counter:call-next', { commandId: newCommandId(), counterId: 'c2' }),
    ]);
    const numbers = [expectOk(a).current?.number, expectOk(b).current?.number].sort();
    expect(numbers).toEqual(['A001', 'A002']);
    // Many at once too: 20 tickets, two counters pressing as fast as they can, nobody called twice.
    for (let i = 0; i < 20; i++) expectOk(await take(kiosk));
    const presses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        send<CounterView>(i % 2 ? c1 : c2, 'counter:call-next', { commandId: newCommandId(), counterId: i % 2 ? 'c1' : 'c2' }),
      ),
    );
    const called = presses.map((p) => expectOk(p).current?.number);
    expect(called.every((n) => n !== undefined)).toBe(true);
    expect(new Set(called).size, 'no ticket is called twice').toBe(20);
  });

  it('a repeated commandId is answered with the first answer and changes nothing', async () => {
    hub = await startTestHub();
    const kiosk = await hub.connect({ app: 'kiosk' });
    const commandId = newCommandId();
    const [first, again] = await Promise.all([take(kiosk, 'ho-tich', commandId), take(kiosk, 'ho-tich', commandId)]);
    const third = await take(kiosk, 'ho-tich', commandId);
    expect(expectOk(again)).toEqual(expectOk(first));
    expect(expectOk(third)).toEqual(expectOk(first));
    expect(hub.hub.service.publicView().services.find((s) => s.id === 'ho-tich')?.waiting).toBe(1);

    const counter = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    expectOk(await take(kiosk));
    const next = { commandId: newCommandId(), counterId: 'c1' };
    const once = expectOk(await send<CounterView>(counter, 'counter:call-next', next));
    const twice = expectOk(await send<CounterView>(counter, 'counter:call-next', next));
    expect(once.current?.number).toBe('A001');
    expect(twice.current?.number).toBe('A001');
    expect(twice.waiting.map((t) => t.number)).toEqual(['A002']);
  });

  it('sends a full snapshot on connect and on request', async () => {
    hub = await startTestHub();
    const kiosk = await hub.connect({ app: 'kiosk' });
    expectOk(await take(kiosk));
    const display = await hub.connect({ app: 'display' });
    const snapshot = snapshotOnConnect(display);
    expect(snapshot.bootId).toBe(hub.hub.bootId);
    expect(snapshot.view.services.find((s) => s.id === 'ho-tich')?.waiting).toBe(1);
    const requested = expectOk(await send<Snapshot>(display, 'state:request', {}));
    expect(requested.public.seq).toBeGreaterThanOrEqual(snapshot.seq);
    expect(requested.counter).toBeNull();
    expect(requested.staff).toBeNull();
  });

  it('every change carries a growing sequence number', async () => {
    hub = await startTestHub();
    const display = await hub.connect({ app: 'display' });
    const kiosk = await hub.connect({ app: 'kiosk' });
    const seen: number[] = [];
    display.on('queue:public', (m) => seen.push(m.seq));
    for (let i = 0; i < 5; i++) {
      const update = nextEvent(display, 'queue:public');
      expectOk(await take(kiosk));
      await update;
    }
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('public screens receive no personal data and no staff events', async () => {
    hub = await startTestHub();
    const display = await hub.connect({ app: 'display' });
    const events = recordEvents(display);
    const kiosk = await hub.connect({ app: 'kiosk' });
    const counter = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    expectOk(await take(kiosk, 'ho-tich', newCommandId(), 'elderly'));
    const called = nextEvent(display, 'ticket:called');
    const shown = nextEvent(display, 'queue:public', (m: Versioned<PublicView>) => m.view.counters.some((c) => c.serving));
    expectOk(await send(counter, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
    await Promise.all([called, shown]);
    const names = new Set(events.map((e) => e.name));
    expect([...names].sort()).toEqual(['queue:public', 'ticket:called']);
    const everything = JSON.stringify(events);
    expect(everything).not.toContain('Nguyễn Thị Lan'); // the officer's name
    expect(everything).not.toContain('o1');
    expect(everything).not.toMatch(/"priorityGroup":"elderly"/); // who is elderly is nobody's business
  });
});
