import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { COUNTER_COMMANDS } from '../../server/protocol/commands';
import { ERROR_CODES } from '../../server/protocol/error-codes';
import type { Ack } from '../../server/protocol/views';
import { expectOk, newCommandId, officerAtCounter, send, startTestHub, type HubClient } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD } from '../helpers/test-centre';
import { LARGE, report } from './sizes';

const PER_EVENT = LARGE ? 10_000 : 60;
const PER_ROUTE = LARGE ? 10_000 : 60;

const EVENTS = [
  'ticket:take', 'ticket:status', 'ticket:reprint', 'state:request', 'session:login', 'session:logout',
  'dossier:lookup', 'dossier:deadlines', 'rating:watch', 'rating:submit', 'report:get', 'device:test-print',
  'bridge:issue-token', 'bridge:revoke-token', 'apikey:issue', 'apikey:revoke', 'config:get', 'config:replace',
  'officer:set-password', 'audit:list', 'day:close', 'session:list', 'session:end', 'pairing:issue', 'pairing:revoke',
  'credential:list', ...COUNTER_COMMANDS,
];

/** Payloads that look like commands but are wrong: right keys with wrong values, wrong keys, anything. */
function malformed(): fc.Arbitrary<unknown> {
  const keys = ['commandId', 'serviceId', 'counterId', 'ticketId', 'ticket', 'number', 'priorityGroup', 'code', 'key', 'username', 'password',
    'promptId', 'level', 'reason', 'from', 'to', 'groupBy', 'mode', 'config', 'baseVersion', 'officerId', 'deviceId', 'bridgeId', 'integrationId',
    'toServiceId', 'toCounterId', 'force', 'lang', 'limit', 'sessionId', 'kind', 'targetId', 'scopes', 'pairing', '__proto__', 'constructor'];
  const value = fc.oneof(
    fc.anything(),
    fc.string({ maxLength: 300 }),
    fc.constantFrom('', ' ', 'A001', 'ho-tich', 'c1', 'kiosk', 'rating', ['tickets'], ['x'], '<script>alert(1)</script>', '../../etc/passwd', '0'.repeat(70), 'vi', 'en', -1, 1e308, NaN, null, true, [], {}),
  );
  return fc.oneof(
    fc.anything(),
    fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 6 }),
    fc.record({ commandId: fc.oneof(fc.string({ maxLength: 70 }), fc.anything()), counterId: value, serviceId: value }),
  );
}

function isTypedError(ack: Ack<unknown>): boolean {
  if (ack.ok) return true;
  return (ERROR_CODES as readonly string[]).includes(ack.error) && typeof ack.message === 'string' && !/\bat .+\.(ts|js)|Error:|TypeError|undefined is not/.test(ack.message);
}

describe('fuzz: malformed payloads on every event and route', () => {
  it('never crashes the hub, always answers a typed error, and a refusal changes nothing', async () => {
    const hub = await startTestHub();
    try {
      const kiosk = await hub.connect({ app: 'kiosk' });
      expectOk(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }));
      expectOk(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }));
      const officer = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
      expectOk(await send(officer, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
      const supervisor = await hub.connect({ app: 'counter' });
      expectOk(await send(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
      const sockets: [string, HubClient][] = [['anonymous', kiosk], ['officer', officer], ['supervisor', supervisor]];
      const state = () => JSON.stringify([hub.hub.service.publicView(), hub.hub.service.counterView('c1'), hub.hub.service.version]);

      let payloads = 0;
      let refusals = 0;
      const codes = new Map<string, number>();
      for (const event of EVENTS) {
        // A logout or a login with a random name would change who the socket is: keep the sessions.
        const who = event === 'session:logout' || event === 'session:login' ? sockets.slice(0, 1) : sockets;
        for (const [, socket] of who) {
          const samples = fc.sample(malformed(), { numRuns: PER_EVENT, seed: 42 });
          for (const payload of samples) {
            const before = state();
            const ack = await send(socket, event, payload);
            payloads += 1;
            expect(isTypedError(ack), `${event} ${JSON.stringify(payload)?.slice(0, 200)} -> ${JSON.stringify(ack).slice(0, 300)}`).toBe(true);
            if (!ack.ok) {
              refusals += 1;
              codes.set(ack.error, (codes.get(ack.error) ?? 0) + 1);
              expect(state(), `${event} refused but changed the state`).toBe(before);
            }
          }
        }
      }

      const api = await send<{ key: string }>(supervisor, 'apikey:issue', { commandId: newCommandId(), integrationId: 'fuzz', scopes: ['dossiers', 'tickets'] });
      const key = expectOk(api).key;
      const routes: [string, string, Record<string, string>][] = [
        ['POST', '/api/tickets', {}],
        ['POST', '/api/tickets', { authorization: `Bearer ${key}` }],
        ['POST', '/api/tickets', { authorization: `Bearer ${key}`, origin: 'http://evil.example' }],
        ['POST', '/api/dossiers', { authorization: `Bearer ${key}` }],
        ['POST', '/api/dossiers/000.00.15.H29-261120-0001/status', { authorization: `Bearer ${key}` }],
        ['POST', '/api/dossiers/import', { authorization: `Bearer ${key}` }],
        ['POST', '/api/dossiers', {}],
      ];
      let requests = 0;
      for (const [method, path, headers] of routes) {
        for (const body of fc.sample(fc.oneof(malformed().map((v) => JSON.stringify(v) ?? 'null'), fc.string({ maxLength: 200 })), { numRuns: PER_ROUTE, seed: 7 })) {
          const before = state();
          const response = await fetch(`${hub.hub.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body });
          requests += 1;
          const answer = await response.json();
          expect(response.status, `${path} ${body.slice(0, 100)}`).toBeLessThan(500);
          if (response.status >= 400) {
            expect(ERROR_CODES).toContain(answer.error);
            expect(state()).toBe(before);
          }
        }
      }
      for (const query of fc.sample(fc.record({ code: fc.string({ maxLength: 80 }), key: fc.string({ maxLength: 30 }) }), { numRuns: PER_ROUTE, seed: 9 })) {
        const response = await fetch(`${hub.hub.url}/api/dossiers/lookup?code=${encodeURIComponent(query.code)}&key=${encodeURIComponent(query.key)}`);
        requests += 1;
        expect(response.status).toBeLessThan(500);
        expect(ERROR_CODES).toContain((await response.json()).error);
      }

      // Still serving everyone.
      expect(expectOk(await send<{ number: string }>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' })).number).toMatch(/^A\d{3}$/);
      expect(hub.log.lines.filter((l) => l.level === 'error')).toEqual([]);
      report('fuzz', { socketPayloads: payloads, refusals, httpRequests: requests, ...Object.fromEntries([...codes].slice(0, 8)) });
    } finally {
      await hub.stop();
    }
  }, LARGE ? 3_600_000 : 180_000);
});
