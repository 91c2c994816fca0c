import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { COUNTER_COMMANDS } from '../../server/protocol/commands';
import type { Ack } from '../../server/protocol/views';
import { expectOk, newCommandId, officerAtCounter, pairScreen, recordEvents, send, startTestHub, type HubClient } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD } from '../helpers/test-centre';
import { report } from './sizes';

const SUPERVISOR_COMMANDS: [string, Record<string, unknown>][] = [
  ['device:test-print', { deviceId: 'p1' }],
  ['bridge:issue-token', { bridgeId: 'b1' }],
  ['bridge:revoke-token', { bridgeId: 'b1' }],
  ['apikey:issue', { integrationId: 'x' }],
  ['apikey:revoke', { integrationId: 'x' }],
  ['config:get', {}],
  ['config:replace', { baseVersion: 1, config: {} }],
  ['officer:set-password', { officerId: 'o1', password: 'password-1' }],
  ['audit:list', {}],
  ['report:get', { from: '2026-11-01', to: '2026-11-02' }],
  ['dossier:deadlines', {}],
  ['day:close', { mode: 'cancel' }],
  ['session:list', {}],
  ['session:end', { sessionId: 'nobody' }],
  ['pairing:issue', { kind: 'kiosk', targetId: 'k9' }],
  ['pairing:revoke', { kind: 'kiosk', targetId: 'k9' }],
  ['credential:list', {}],
];
const OFFICER_COMMANDS: [string, Record<string, unknown>][] = [
  ...COUNTER_COMMANDS.map((name): [string, Record<string, unknown>] => [
    name,
    name === 'counter:transfer' ? { counterId: 'c1', toServiceId: 'chung-thuc' } : name === 'counter:call-number' ? { counterId: 'c1', number: 'A002' } : name === 'counter:pause' ? { counterId: 'c1', reason: 'x' } : name === 'counter:set-procedure' ? { counterId: 'c1', procedureCode: '1.001193' } : { counterId: 'c1' },
  ]),
  ['ticket:reprint', { ticket: 'A001' }],
];

/** What public screens may receive, field by field: anything else (a name, a phone) fails the parse. */
const localized = z.strictObject({ vi: z.string(), en: z.string() });
const publicViewSchema = z.strictObject({
  day: z.string(),
  centre: z.strictObject({ name: localized, authority: localized.nullable(), timeZone: z.string() }),
  services: z.array(z.strictObject({ id: z.string(), name: localized, icon: z.string().nullable(), waiting: z.number(), availability: z.string(), estimatedWaitMinutes: z.number().nullable() })),
  counters: z.array(z.strictObject({ id: z.string(), number: z.number(), status: z.string(), serving: z.strictObject({ number: z.string(), serviceId: z.string(), status: z.string() }).nullable() })),
  recentCalls: z.array(z.strictObject({ number: z.string(), serviceId: z.string(), counterId: z.string(), counterNumber: z.number(), at: z.number(), kind: z.string() })),
  priorityGroups: z.array(z.strictObject({ id: z.string(), name: localized, icon: z.string().nullable() })),
  display: z.strictObject({ notice: localized.nullable(), voice: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])) }),
  closing: z.strictObject({ mode: z.string(), at: z.number() }).nullable(),
  // The procedure catalog by its version only: the catalog itself is public data, read over REST.
  procedures: z.strictObject({ version: z.number() }).nullable(),
  carriedOver: z.array(z.strictObject({ from: z.string(), to: z.string(), serviceId: z.string() })),
  dossiers: z
    .strictObject({
      resultsReady: z.array(z.strictObject({ code: z.string(), applicantMasked: z.string(), collectAt: z.string().nullable(), readyAt: z.number() })),
      counts: z.strictObject({ early: z.number(), onTime: z.number(), late: z.number(), overdue: z.number(), month: z.string() }).nullable(),
      layout: z.string(),
      rotateSeconds: z.number(),
    })
    .nullable(),
});
const publicEvents: Record<string, z.ZodType> = {
  'queue:public': z.strictObject({ bootId: z.string(), seq: z.number(), serverTime: z.number(), view: publicViewSchema }),
  'ticket:called': z.strictObject({ bootId: z.string(), seq: z.number(), call: z.strictObject({ number: z.string(), serviceId: z.string(), counterId: z.string(), counterNumber: z.number(), at: z.number(), kind: z.string() }) }),
  'kiosk:printer': z.strictObject({ condition: z.string().nullable() }),
  'ticket:print-state': z.strictObject({ ticketId: z.string(), number: z.string(), state: z.string(), condition: z.string().nullable() }),
  'rating:prompt': z.strictObject({ counterId: z.string(), prompt: z.strictObject({ promptId: z.string(), counterId: z.string(), counterNumber: z.number(), expiresAt: z.number() }).nullable() }),
};

describe('abuse', () => {
  it('every privileged command is refused without a session, at another counter, with an expired session, with the wrong role', async () => {
    const clock = { now: Date.parse('2026-11-26T08:00:00+07:00') };
    const hub = await startTestHub({ clock });
    try {
      const kiosk = await hub.connect({ app: 'kiosk' });
      for (let i = 0; i < 2; i++) expectOk(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }));
      const holder = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
      expectOk(await send(holder, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
      const anonymous = await hub.connect({ app: 'counter' });
      const otherCounter = await hub.connect({ app: 'counter' }); // o3 may work at c3 only
      expectOk(await send(otherCounter, 'session:login', { username: 'o3', password: OFFICER_PASSWORD }));
      const otherOfficer = await hub.connect({ app: 'counter' }); // o2 may work at c1, but o1 holds it
      expectOk(await send(otherOfficer, 'session:login', { username: 'o2', password: OFFICER_PASSWORD }));
      const officer = holder; // a plain officer, for supervisor commands
      const state = () => JSON.stringify([hub.hub.service.publicView(), hub.hub.service.counterView('c1'), hub.hub.service.version]);
      const before = state();
      let refusals = 0;
      const expectRefused = async (socket: HubClient, event: string, payload: Record<string, unknown>, codes: string[]) => {
        // Queries carry no commandId (their schemas are strict); commands do.
        const query = ['config:get', 'audit:list', 'report:get', 'dossier:deadlines', 'session:list', 'credential:list'].includes(event);
        const ack: Ack<unknown> = await send(socket, event, query ? payload : { commandId: newCommandId(), ...payload });
        expect(ack.ok ? 'accepted' : ack.error, `${event} ${JSON.stringify(payload)}`).toSatisfy((c: string) => codes.includes(c));
        refusals += 1;
      };
      for (const [event, payload] of OFFICER_COMMANDS) {
        await expectRefused(anonymous, event, payload, ['NOT_LOGGED_IN']);
        if (event.startsWith('counter:')) {
          await expectRefused(otherCounter, event, payload, ['FORBIDDEN']);
          await expectRefused(otherOfficer, event, payload, ['COUNTER_OCCUPIED']);
        }
      }
      for (const [event, payload] of SUPERVISOR_COMMANDS) {
        await expectRefused(anonymous, event, payload, ['NOT_LOGGED_IN']);
        await expectRefused(officer, event, payload, ['FORBIDDEN']);
      }
      expect(state(), 'nothing refused changed anything').toBe(before);
      // Twelve hours later every session has expired.
      clock.now += 12 * 3_600_000 + 60_000;
      for (const [event, payload] of [...OFFICER_COMMANDS.filter(([e]) => e.startsWith('counter:')), ...SUPERVISOR_COMMANDS])
        await expectRefused(holder, event, payload, ['SESSION_EXPIRED']);
      const supervisor = await hub.connect({ app: 'counter' });
      expectOk(await send(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
      report('abuse', { refusals });
    } finally {
      await hub.stop();
    }
  });

  it('public screens only ever receive what their schemas allow: no names, phones, officers or priority groups', async () => {
    const hub = await startTestHub();
    try {
      const display = await hub.connect({ app: 'display' });
      const kioskScreen = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
      const rating = await hub.connect({ app: 'counter', pairing: await pairScreen(hub, 'rating', 'c1') });
      expectOk(await send(rating, 'rating:watch', { counterId: 'c1' }));
      const seen = [...recordEvents(display), ...[]];
      const kioskSeen = recordEvents(kioskScreen);
      const ratingSeen = recordEvents(rating);
      // A busy moment: dossiers with personal data, tickets for a priority group, calls by named officers.
      const supervisor = await hub.connect({ app: 'counter' });
      expectOk(await send(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
      const { key } = expectOk(await send<{ key: string }>(supervisor, 'apikey:issue', { commandId: newCommandId(), integrationId: 'motcua' }));
      await fetch(`${hub.hub.url}/api/dossiers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({
          code: '000.00.15.H29-261120-0001', lookupKey: 'KEY1', procedure: 'Khai sinh',
          applicant: { name: 'Trần Thị Bích Ngọc', phone: '0987654321', email: 'ngoc@example.vn' },
          receivedAt: '2026-11-20T09:00:00+07:00', dueAt: '2026-11-25T17:00:00+07:00', status: 9,
        }),
      });
      expectOk(await send(kioskScreen, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich', priorityGroup: 'elderly' }));
      const counter = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
      expectOk(await send(counter, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
      expectOk(await send(counter, 'counter:done', { commandId: newCommandId(), counterId: 'c1' }));
      await new Promise((r) => setTimeout(r, 300));
      const all = [...seen, ...kioskSeen, ...ratingSeen.filter((e) => e.name !== 'queue:staff')];
      let checked = 0;
      for (const { name, message } of all) {
        const schema = publicEvents[name];
        expect(schema, `${name} is not a public event`).toBeDefined();
        const parsed = schema!.safeParse(message);
        expect(parsed.success, `${name}: ${parsed.success ? '' : parsed.error.issues[0]?.message} ${JSON.stringify(parsed.success ? '' : parsed.error.issues[0]?.path)}`).toBe(true);
        checked += 1;
      }
      const text = JSON.stringify(all);
      for (const secret of ['Trần Thị Bích Ngọc', 'Bích', '0987654321', 'ngoc@example', 'Nguyễn Thị Lan', '"priorityGroup"', 'officer', 'KEY1'])
        expect(text, `public screens saw "${secret}"`).not.toContain(secret);
      report('public-events', { checked });
    } finally {
      await hub.stop();
    }
  });

  it('sets security headers on every page and route', async () => {
    const hub = await startTestHub();
    try {
      const paths = ['/', '/kiosk/', '/display/', '/counter/', '/display/follow.html', '/api/health', '/api/queue', '/api/openapi.json', '/api/nothing', '/audio/clips/chime.wav'];
      for (const path of paths) {
        const response = await fetch(`${hub.hub.url}${path}`);
        expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
        expect(response.headers.get('x-frame-options'), path).toBe('DENY');
        expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
        expect(response.headers.get('content-security-policy'), path).toContain("script-src 'self'");
        expect(response.headers.get('x-powered-by'), path).toBeNull();
      }
      report('headers', { paths: paths.length });
    } finally {
      await hub.stop();
    }
  });
});
