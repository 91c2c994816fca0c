import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { localInstantOf } from '../../server/app/local-time';
import { createLogger } from '../../server/logger';
import { LINK_NAMESPACE } from '../../server/protocol/link-protocol';
import { startProvince, type RunningProvince } from '../../server/province/province-server';
import { bookingProfile } from '../helpers/province-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/database-servers';

/** The province's end of the link, on a real province process and PostgreSQL, with a real client. */

const NOW = localInstantOf('2026-12-07', 7 * 60, 'Asia/Ho_Chi_Minh');
let database: TestDatabase;
let province: RunningProvince;
const sockets: Socket[] = [];

function hub(token: string): Promise<Socket> {
  const socket = connect(`${province.url}${LINK_NAMESPACE}`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

beforeAll(async () => {
  database = await createTestDatabase('link');
  province = await startProvince({ databaseUrl: database.url, port: 0, host: '127.0.0.1', log: createLogger('silent'), clock: () => NOW });
  await province.registry.add({ id: 'xa-b', name: { vi: 'Xã B', en: 'B commune' }, area: 'Hà Nội' }, 'admin', NOW);
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  await province?.stop();
  await database?.drop();
});

describe('the province end of the link', () => {
  it('lets in a hub with its centre token only, and stops it when the token is revoked', async () => {
    await expect(hub('luot-centre.xa-b.wrong')).rejects.toThrow('FORBIDDEN');
    const issued = await province.registry.issueToken('xa-b', 'admin', NOW);
    if (!issued.ok) throw new Error('no token');
    const socket = await hub(issued.token);
    const hello = await socket.emitWithAck('link:hello', { profile: bookingProfile(2) });
    expect(hello).toEqual({ ok: true, data: { centreId: 'xa-b', outSeq: 0, inSeq: 0, signingKeys: [{ id: 'k1', publicKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) }] } });
    expect(await socket.emitWithAck('link:pull', { after: -1 })).toMatchObject({ ok: false, error: 'INVALID_PAYLOAD' });

    // A booking confirmed at the province is message 1 for the centre; the hub is nudged, pulls, acks.
    const nudged = new Promise((resolve) => socket.once('link:nudge', resolve));
    const slot = localInstantOf('2026-12-07', 9 * 60, 'Asia/Ho_Chi_Minh');
    const held = await province.bookings.hold('xa-b', { bookingId: 'b-link-1', serviceId: 'ho-tich', slotStart: slot, phone: '0912000111', name: 'Trần Thị Bình', email: null, idHash: null, otpHash: null, by: 'citizen' }, NOW);
    expect(held.ok).toBe(true);
    const confirmed = await province.bookings.confirm('xa-b', { bookingId: 'b-link-1', newCode: () => 'K7QM3XPA9D', otpMatches: () => true }, NOW + 1);
    expect(confirmed.ok).toBe(true);
    province.nudge('xa-b', 1);
    expect(await nudged).toEqual({ seq: 1 });
    const pulled = await socket.emitWithAck('link:pull', { after: 0 });
    expect(pulled).toMatchObject({ ok: true, data: { last: 1, messages: [{ seq: 1, kind: 'booking', body: { id: 'b-link-1', code: 'K7QM3XPA9D', status: 'confirmed', slotStart: slot } }] } });
    expect(await socket.emitWithAck('link:pull', { after: 1 })).toMatchObject({ ok: true, data: { last: 1, messages: [] } });
    expect(await socket.emitWithAck('link:ack', { applied: 1 })).toEqual({ ok: true, data: null });

    const centres = await (await fetch(`${province.url}/api/province/centres`)).json();
    expect(centres).toEqual({ ok: true, data: [{ id: 'xa-b', name: { vi: 'Xã B', en: 'B commune' }, area: 'Hà Nội', linked: true }] });

    await province.registry.revokeToken(issued.tokenId, 'admin', NOW + 2);
    const gone = new Promise((resolve) => socket.once('disconnect', resolve));
    expect(await socket.emitWithAck('link:pull', { after: 1 })).toEqual({ ok: false, error: 'FORBIDDEN' });
    await gone;
  });
});
