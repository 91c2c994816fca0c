import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../server/protocol/config-types';
import type { SessionInfo } from '../../server/protocol/views';
import { expectOk, newCommandId, send, startTestHub, supervisorSocket, type TestHub } from '../helpers/hub-fixture';
import { SUPERVISOR_PASSWORD, testCentre } from '../helpers/test-centre';

/** The supervisor's commands at their edges: what a careful outside client would try. */
let hub: TestHub;
afterEach(async () => {
  await hub?.stop();
});

describe("the supervisor's commands at their edges", () => {
  it('the audit trail says that the SMTP password or the SMS key changed, never what they are', async () => {
    hub = await startTestHub();
    const sup = await supervisorSocket(hub);
    const { version, config } = expectOk(await send<{ version: number; config: Record<string, unknown> }>(sup, 'config:get', {}));
    const notifications = {
      email: { smtp: { host: 'smtp.example.vn', user: 'luot', password: 'S3cret-smtp-pw' }, from: 'Lượt <noreply@example.vn>' },
      sms: { url: 'https://sms.example.vn/send', headers: { Authorization: 'Bearer sms-key-123' }, bodyTemplate: '{"to":"{phone}","text":"{text}"}' },
    };
    expectOk(await send(sup, 'config:replace', { commandId: newCommandId(), baseVersion: version, config: { ...config, notifications } }));
    const audit = expectOk(await send<AuditEntry[]>(sup, 'audit:list', {}));
    const text = JSON.stringify(audit);
    expect(text).not.toContain('S3cret-smtp-pw');
    expect(text).not.toContain('sms-key-123');
    const email = audit[0]!.changes.find((c) => c.path === 'notifications.email');
    expect((email?.after as { smtp: { user: string; password: string } }).smtp).toMatchObject({ user: 'luot', password: '(secret)' });
    // A later change of the password alone says so, without the values.
    const current = expectOk(await send<{ version: number; config: { notifications: typeof notifications } }>(sup, 'config:get', {}));
    const changed = { ...current.config.notifications, email: { ...notifications.email, smtp: { ...notifications.email.smtp, password: 'An0ther-pw' } } };
    expectOk(await send(sup, 'config:replace', { commandId: newCommandId(), baseVersion: current.version, config: { ...current.config, notifications: changed } }));
    const latest = expectOk(await send<AuditEntry[]>(sup, 'audit:list', { limit: 1 }))[0]!;
    expect(latest.changes).toEqual([{ path: 'notifications.email.smtp.password', before: '(secret)', after: '(secret)' }]);
  });

  it('a state request for a counter that does not exist is UNKNOWN_COUNTER, for a supervisor too', async () => {
    hub = await startTestHub();
    const sup = await supervisorSocket(hub);
    expect(await send(sup, 'state:request', { counterId: 'c99' })).toMatchObject({ ok: false, error: 'UNKNOWN_COUNTER' });
  });

  it('a supervisor changing their own password in the configuration stays logged in; the other officers with a new password do not', async () => {
    hub = await startTestHub();
    const sup = await supervisorSocket(hub);
    const other = await hub.connect({ app: 'counter' });
    const session = expectOk(await send<SessionInfo>(other, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
    const { version, config } = expectOk(await send<{ version: number; config: { officers: Record<string, unknown>[] } }>(sup, 'config:get', {}));
    const officers = config.officers.map((o) => (o.id === 'sup' ? { ...o, password: 'a-new-password' } : o));
    expectOk(await send(sup, 'config:replace', { commandId: newCommandId(), baseVersion: version, config: { ...config, officers } }));
    expectOk(await send(sup, 'config:get', {}));
    // The same supervisor's other screen had the old password: it is logged out.
    const again = await hub.connect({ app: 'counter', token: session.token });
    expect(await send(again, 'config:get', {})).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
  });

  it('a repeat of a bridge token issue is answered as the first time, even after the bridge was removed', async () => {
    hub = await startTestHub({ config: testCentre((c) => void (c.bridges = [{ id: 'pc-2', name: 'PC 2' }])) });
    const sup = await supervisorSocket(hub);
    const issue = { commandId: newCommandId(), bridgeId: 'pc-2' };
    const first = await send(sup, 'bridge:issue-token', issue);
    expectOk(first);
    const { version, config } = expectOk(await send<{ version: number; config: Record<string, unknown> }>(sup, 'config:get', {}));
    expectOk(await send(sup, 'config:replace', { commandId: newCommandId(), baseVersion: version, config: { ...config, bridges: [] } }));
    expect(await send(sup, 'bridge:issue-token', issue)).toEqual(first);
    expect(await send(sup, 'bridge:issue-token', { commandId: newCommandId(), bridgeId: 'pc-2' })).toMatchObject({ ok: false, error: 'UNKNOWN_BRIDGE' });
  });
});
