import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../server/protocol/config-types';
import type { PublicView, SessionInfo, TicketIssued, Versioned } from '../../server/protocol/views';
import { expectOk, newCommandId, nextEvent, officerAtCounter, send, startTestHub, tempDataDir, type HubClient, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD } from '../helpers/test-centre';

let hubs: TestHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.map((h) => h.stop()));
  hubs = [];
});

type Editable = { version: number; config: Record<string, any> };

async function supervisorOn(hub: TestHub): Promise<HubClient> {
  const socket = await hub.connect({ app: 'counter' });
  expectOk(await send<SessionInfo>(socket, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
  return socket;
}

async function edit(supervisor: HubClient, change: (config: Record<string, any>) => void) {
  const { version, config } = expectOk(await send<Editable>(supervisor, 'config:get', {}));
  change(config);
  return send<{ version: number }>(supervisor, 'config:replace', { commandId: newCommandId(), baseVersion: version, config });
}

describe('changing the configuration while the centre runs', () => {
  it('reaches every open screen at once, without a restart, and is kept across one', async () => {
    const dataDir = tempDataDir();
    const hub = await startTestHub({ dataDir });
    hubs.push(hub);
    const display = await hub.connect({ app: 'display' });
    const kiosk = await hub.connect({ app: 'kiosk' });
    const supervisor = await supervisorOn(hub);
    const shown = nextEvent<Versioned<PublicView>>(display, 'queue:public', (m) => m.view.services.some((s) => s.id === 'xay-dung'));
    const changed = await edit(supervisor, (c) => {
      c.services.push({ id: 'xay-dung', name: { vi: 'Xây dựng', en: 'Construction' }, numbering: { kind: 'prefix', prefix: 'D', digits: 3 } });
      c.counters[0].services.push('xay-dung');
      c.services[0].name.vi = 'Hộ tịch - Khai sinh';
      c.display = { notice: { vi: 'Chiều nay nghỉ họp', en: 'Closed this afternoon' } };
    });
    expect(expectOk(changed).version).toBe(2);
    const view = (await shown).view;
    expect(view.services.find((s) => s.id === 'ho-tich')!.name.vi).toBe('Hộ tịch - Khai sinh');
    expect(view.display.notice?.vi).toBe('Chiều nay nghỉ họp');
    // The new service takes numbers at once, and counter 1 calls them.
    expect(expectOk(await send<TicketIssued>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'xay-dung' })).number).toBe('D001');
    const counter = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    expect(expectOk(await send<{ current: { number: string } }>(counter, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' })).current.number).toBe('D001');

    await hub.stop();
    hubs = [];
    const again = await startTestHub({ dataDir });
    hubs.push(again);
    expect(again.hub.service.publicView().services.map((s) => s.id)).toContain('xay-dung');
    expect(again.hub.service.counterView('c1')?.current?.number).toBe('D001');
  });

  it('refuses a change that would break the running day, with the reason, and changes nothing', async () => {
    const hub = await startTestHub();
    hubs.push(hub);
    const kiosk = await hub.connect({ app: 'kiosk' });
    expectOk(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'tu-phap' }));
    const supervisor = await supervisorOn(hub);
    const removeService = await edit(supervisor, (c) => {
      c.services = c.services.filter((s: { id: string }) => s.id !== 'tu-phap');
      c.counters[0].services = c.counters[0].services.filter((s: string) => s !== 'tu-phap');
    });
    expect(removeService).toMatchObject({ ok: false, error: 'UNSAFE_CONFIG_CHANGE', problems: ['service "tu-phap" has 1 people waiting: serve or transfer them first'] });
    expect((removeService as { message: string }).message).toContain('tu-phap');
    await officerAtCounter(hub, 'o2', OFFICER_PASSWORD, 'c2');
    expect(await edit(supervisor, (c) => (c.counters = c.counters.filter((x: { id: string }) => x.id !== 'c2')))).toMatchObject({
      ok: false,
      error: 'UNSAFE_CONFIG_CHANGE',
    });
    expect(await edit(supervisor, (c) => (c.services[3].numbering = { kind: 'prefix', prefix: 'Z', digits: 3 }))).toMatchObject({
      ok: false,
      error: 'UNSAFE_CONFIG_CHANGE',
    });
    const invalid = await edit(supervisor, (c) => (c.counters[0].services = ['nope']));
    expect(invalid).toMatchObject({ ok: false, error: 'INVALID_CONFIG', problems: expect.arrayContaining(['counters[0].services[0]: names unknown service "nope"']) });
    expect(hub.hub.service.publicView().services.map((s) => s.id)).toContain('tu-phap');
    expect(expectOk(await send<Editable>(supervisor, 'config:get', {})).version).toBe(1);
  });

  it('does not overwrite a change someone else made meanwhile; officers cannot change it at all', async () => {
    const hub = await startTestHub();
    hubs.push(hub);
    const a = await supervisorOn(hub);
    const b = await supervisorOn(hub);
    const seenByB = expectOk(await send<Editable>(b, 'config:get', {}));
    expectOk(await edit(a, (c) => (c.services[0].dailyLimit = 10)));
    seenByB.config.services[0].dailyLimit = 20;
    expect(await send(b, 'config:replace', { commandId: newCommandId(), baseVersion: seenByB.version, config: seenByB.config })).toMatchObject({
      ok: false,
      error: 'CONFIG_CONFLICT',
    });
    const officer = await hub.connect({ app: 'counter' });
    expectOk(await send(officer, 'session:login', { username: 'o1', password: OFFICER_PASSWORD }));
    expect(await send(officer, 'config:get', {})).toMatchObject({ ok: false, error: 'FORBIDDEN' });
    expect(await send(officer, 'config:replace', { commandId: newCommandId(), baseVersion: 2, config: seenByB.config })).toMatchObject({ ok: false, error: 'FORBIDDEN' });
  });

  it('adds an officer with a password, resets a password, disables an officer; never shows hashes', async () => {
    const hub = await startTestHub();
    hubs.push(hub);
    const supervisor = await supervisorOn(hub);
    const editable = expectOk(await send<Editable>(supervisor, 'config:get', {}));
    expect(JSON.stringify(editable)).not.toContain('scrypt$');
    expectOk(await edit(supervisor, (c) => {
      c.officers.push({ id: 'o9', name: 'Đặng Thu Trang', role: 'officer', password: 'trang-2026' });
      c.officers.find((o: { id: string }) => o.id === 'o2').disabled = true;
    }));
    const login = async (username: string, password: string) => send(await hub.connect({ app: 'counter' }), 'session:login', { username, password });
    expect(await login('o9', 'trang-2026')).toMatchObject({ ok: true });
    expect(await login('o2', OFFICER_PASSWORD)).toMatchObject({ ok: false, error: 'BAD_CREDENTIALS' });
    expectOk(await send(supervisor, 'officer:set-password', { commandId: newCommandId(), officerId: 'o1', password: 'new-password-1' }));
    expect(await login('o1', 'new-password-1')).toMatchObject({ ok: true });
    expect(await send(supervisor, 'officer:set-password', { commandId: newCommandId(), officerId: 'nobody', password: 'whatever-123' })).toMatchObject({ ok: false, error: 'UNKNOWN_OFFICER' });
  });

  it('keeps an audit trail: who changed what, when, from what to what', async () => {
    const hub = await startTestHub();
    hubs.push(hub);
    const supervisor = await supervisorOn(hub);
    expectOk(await edit(supervisor, (c) => (c.services[0].dailyLimit = 80)));
    expectOk(await send(supervisor, 'officer:set-password', { commandId: newCommandId(), officerId: 'o1', password: 'new-password-1' }));
    const audit = expectOk(await send<AuditEntry[]>(supervisor, 'audit:list', {}));
    expect(audit.map((e) => [e.by, e.action])).toEqual([
      ['sup', 'officer.password'],
      ['sup', 'config.replace'],
    ]);
    expect(audit[1]!.changes).toEqual([{ path: 'services[ho-tich].dailyLimit', before: 50, after: 80 }]);
    expect(audit[0]!.changes).toEqual([{ path: 'officers[o1].password', before: null, after: '(changed)' }]);
    expect(JSON.stringify(audit)).not.toMatch(/scrypt|new-password/);
    // Keys and the end of the day are in the trail too; the key itself never is.
    const { key } = expectOk(await send<{ key: string }>(supervisor, 'apikey:issue', { commandId: newCommandId(), integrationId: 'motcua' }));
    expectOk(await send(supervisor, 'day:close', { commandId: newCommandId(), mode: 'serve' }));
    const later = expectOk(await send<AuditEntry[]>(supervisor, 'audit:list', { limit: 2 }));
    expect(later.map((e) => e.action)).toEqual(['day.closed', 'apikey.issued']);
    expect(JSON.stringify(later)).not.toContain(key);
  });
});
