import { afterEach, describe, expect, it } from 'vitest';
import type { CounterView, PublicView, TicketIssued, Versioned } from '../../server/protocol/views';
import { expectOk, newCommandId, nextEvent, officerAtCounter, send, startTestHub, tempDataDir, type HubClient, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD } from '../helpers/test-centre';

let hubs: TestHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.map((h) => h.stop()));
  hubs = [];
});

const at = (day: string, hhmm: string) => Date.parse(`${day}T${hhmm}:00+07:00`);

async function afternoon(mode: 'serve' | 'cancel' | 'carry-over', dataDir = tempDataDir(), clock = { now: at('2026-11-26', '16:30') }) {
  const hub = await startTestHub({ dataDir, clock });
  hubs.push(hub);
  const kiosk = await hub.connect({ app: 'kiosk' });
  for (const serviceId of ['ho-tich', 'ho-tich', 'ho-tich', 'chung-thuc']) expectOk(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId }));
  const counter = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
  expectOk(await send(counter, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' })); // A001 at the counter
  clock.now = at('2026-11-26', '17:00');
  const supervisor = await hub.connect({ app: 'counter' });
  expectOk(await send(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
  const display = await hub.connect({ app: 'display' });
  const shown = nextEvent<Versioned<PublicView>>(display, 'queue:public', (m) => m.view.closing !== null);
  expectOk(await send(supervisor, 'day:close', { commandId: newCommandId(), mode }));
  return { hub, kiosk, counter, supervisor, clock, dataDir, view: (await shown).view };
}

describe('closing the day', () => {
  it('cancel: those waiting are sent home, the display says so, no more tickets; the one at a counter is finished', async () => {
    const { hub, kiosk, counter, supervisor, view } = await afternoon('cancel');
    expect(view.closing).toMatchObject({ mode: 'cancel' });
    expect(view.services.every((s) => s.waiting === 0 && s.availability === 'SERVICE_CLOSED')).toBe(true);
    expect(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' })).toMatchObject({ ok: false, error: 'SERVICE_CLOSED' });
    expectOk(await send(counter, 'counter:done', { commandId: newCommandId(), counterId: 'c1' }));
    expect(await send(supervisor, 'day:close', { commandId: newCommandId(), mode: 'serve' })).toMatchObject({ ok: false, error: 'DAY_CLOSED' });
    expect(hub.hub.service.ticket('A002')?.status).toBe('cancelled');
  });

  it('serve: no more tickets, but everyone waiting is still called', async () => {
    const { kiosk, counter, view } = await afternoon('serve');
    expect(view.services.find((s) => s.id === 'ho-tich')).toMatchObject({ waiting: 2, availability: 'SERVICE_CLOSED' });
    expect(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' })).toMatchObject({ ok: false, error: 'SERVICE_CLOSED' });
    expect(expectOk(await send<CounterView>(counter, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' })).current?.number).toBe('A002');
  });

  it('carry-over: next morning they are served first, with their old numbers shown; a restart carries nobody twice', async () => {
    const { clock, dataDir } = await afternoon('carry-over');
    await hubs[0]!.stop();
    hubs = [];
    // The next morning the hub starts again (after a night off).
    clock.now = at('2026-11-27', '07:30');
    const morning = await startTestHub({ dataDir, clock });
    hubs.push(morning);
    const display = await morning.connect({ app: 'display' });
    const view = (await waitFor(display, (v) => v.carriedOver.length === 3)).view;
    expect(view.carriedOver).toEqual([
      { from: 'A002', to: 'A001', serviceId: 'ho-tich' },
      { from: 'A003', to: 'A002', serviceId: 'ho-tich' },
      { from: '1001', to: '1001', serviceId: 'chung-thuc' },
    ]);
    expect(view.closing).toBeNull();
    const kiosk = await morning.connect({ app: 'kiosk' });
    expect(expectOk(await send<TicketIssued>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }))).toMatchObject({ number: 'A003', peopleAhead: 2 });
    await morning.stop();
    hubs = [];
    const again = await startTestHub({ dataDir, clock });
    hubs.push(again);
    expect(again.hub.service.publicView().services.find((s) => s.id === 'ho-tich')?.waiting).toBe(3);
    const counter = await officerAtCounter(again, 'o1', OFFICER_PASSWORD, 'c1');
    expect(expectOk(await send<CounterView>(counter, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' })).current?.number).toBe('A001');
  });

  it('only supervisors close the day', async () => {
    const hub = await startTestHub();
    hubs.push(hub);
    const officer = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    expect(await send(officer, 'day:close', { commandId: newCommandId(), mode: 'cancel' })).toMatchObject({ ok: false, error: 'FORBIDDEN' });
    expect(await send(officer, 'day:close', { commandId: newCommandId(), mode: 'later' })).toMatchObject({ ok: false, error: 'INVALID_PAYLOAD' });
  });
});

async function waitFor(socket: HubClient, accept: (view: PublicView) => boolean): Promise<Versioned<PublicView>> {
  const snapshot = expectOk(await send<{ public: Versioned<PublicView> }>(socket, 'state:request', {})).public;
  if (accept(snapshot.view)) return snapshot;
  return nextEvent<Versioned<PublicView>>(socket, 'queue:public', (m) => accept(m.view));
}
