import { io, type Socket } from 'socket.io-client';
import type { CentreConfigInput } from '../../server/config/centre-config';
import type { Ack } from '../../server/protocol/views';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, testCentreInput } from './test-centre';
import { localDayOf, localInstantOf } from '../../server/app/local-time';
import { addDays } from '../../server/domain/working-calendar';

/**
 * One of every state-changing command of the protocol, in an order that makes each of them do
 * something (a Next with nobody waiting, a transfer, a pause, a bridge token, a pairing, ...), with
 * the raw text of every answer kept: a repeat must get that text again, byte for byte, live and
 * after a restart. Used by the idempotency tests and the crash suite.
 */

export type Actor = 'kiosk' | 'o1' | 'o1b' | 'sup';
export interface Step {
  actor: Actor;
  event: string;
  payload: Record<string, unknown>;
}
export interface Answered extends Step {
  /** The answer as the socket received it: the JSON text of the ack. */
  raw: string;
}

/** The test centre with what the script needs: a bridge with a printer on it, a kiosk with it. */
export function everyCommandCentre(): CentreConfigInput {
  const config = testCentreInput();
  delete config.services[0]!.dailyLimit;
  config.bridges = [{ id: 'pc-2', name: 'Kiosk PC' }];
  config.devices = [{ kind: 'printer', id: 'printer-2', bridge: 'pc-2', path: '/dev/ttyUSB0' }];
  config.kiosks = [{ id: 'k1', printerId: 'printer-2' }];
  // Bookings every day (the hub runs with the real clock): the script books and closes days ahead.
  config.dossiers = { calendar: { weekend: [], holidays: [], workdays: [] } };
  config.booking = {
    enabled: true,
    phoneCheck: 'off',
    services: [{ serviceId: 'ho-tich', slots: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '08:00', to: '11:00', slotMinutes: 30, places: 5 }] }],
  };
  return config;
}

/** The local day `n` days from now at the test centre, and a time on it. */
function daysAhead(n: number): string {
  return addDays(localDayOf(Date.now(), 'Asia/Ho_Chi_Minh'), n);
}

let n = 0;
/** A commandId unique to this run and step. */
export function id(label: string): string {
  n += 1;
  return `ec-${process.pid}-${Date.now().toString(36)}-${n}-${label}`.slice(0, 64);
}

/**
 * The steps, for a fresh day: `config` is the configuration the supervisor edits (as config:get
 * gave it; a copy is changed). Every command type appears at least once.
 */
export function everyCommandSteps(config: Record<string, unknown>, officerSessionToEnd: string): Step[] {
  const withNotice = { ...config, display: { ...(config.display as object), notice: { vi: 'Thông báo thử', en: 'Test notice' } } };
  return [
    { actor: 'kiosk', event: 'ticket:take', payload: { commandId: id('take1'), serviceId: 'ho-tich' } },
    { actor: 'kiosk', event: 'ticket:take', payload: { commandId: id('take2'), serviceId: 'ho-tich', priorityGroup: 'elderly' } },
    { actor: 'kiosk', event: 'ticket:take', payload: { commandId: id('take3'), serviceId: 'chung-thuc' } },
    { actor: 'kiosk', event: 'ticket:take', payload: { commandId: id('take4'), serviceId: 'ho-tich' } },
    { actor: 'o1', event: 'counter:open', payload: { commandId: id('open'), counterId: 'c1' } },
    // Opening the counter one holds changes nothing, and is still answered the same when repeated.
    { actor: 'o1', event: 'counter:open', payload: { commandId: id('open-again'), counterId: 'c1' } },
    { actor: 'o1', event: 'counter:call-next', payload: { commandId: id('next1'), counterId: 'c1' } },
    { actor: 'o1', event: 'counter:recall', payload: { commandId: id('recall'), counterId: 'c1' } },
    { actor: 'o1', event: 'counter:start', payload: { commandId: id('start'), counterId: 'c1' } },
    { actor: 'o1', event: 'counter:done', payload: { commandId: id('done'), counterId: 'c1' } },
    { actor: 'o1', event: 'counter:call-next', payload: { commandId: id('next2'), counterId: 'c1' } },
    { actor: 'o1', event: 'counter:skip', payload: { commandId: id('skip'), counterId: 'c1' } },
    { actor: 'o1', event: 'counter:call-next', payload: { commandId: id('next3'), counterId: 'c1' } },
    { actor: 'o1', event: 'counter:postpone', payload: { commandId: id('postpone'), counterId: 'c1' } },
    { actor: 'o1', event: 'counter:call-number', payload: { commandId: id('call-number'), counterId: 'c1', number: '1001' } },
    { actor: 'o1', event: 'counter:transfer', payload: { commandId: id('transfer'), counterId: 'c1', toServiceId: 'ho-tich' } },
    { actor: 'o1', event: 'counter:call-next', payload: { commandId: id('next4'), counterId: 'c1' } },
    { actor: 'o1', event: 'counter:call-next', payload: { commandId: id('next5'), counterId: 'c1' } },
    // Nobody waits any more: Next only finishes the one called.
    { actor: 'o1', event: 'counter:call-next', payload: { commandId: id('next-empty'), counterId: 'c1' } },
    { actor: 'o1', event: 'counter:pause', payload: { commandId: id('pause'), counterId: 'c1', reason: 'Nghỉ trưa' } },
    { actor: 'o1', event: 'counter:resume', payload: { commandId: id('resume'), counterId: 'c1' } },
    { actor: 'o1', event: 'ticket:reprint', payload: { commandId: id('reprint'), ticket: 'A001', printerId: 'printer-2' } },
    { actor: 'o1', event: 'counter:close', payload: { commandId: id('close'), counterId: 'c1' } },
    { actor: 'sup', event: 'config:replace', payload: { commandId: id('config'), baseVersion: 1, config: withNotice } },
    { actor: 'sup', event: 'officer:set-password', payload: { commandId: id('password'), officerId: 'o3', password: 'new-password-3' } },
    { actor: 'sup', event: 'apikey:issue', payload: { commandId: id('key'), integrationId: 'motcua', scopes: ['dossiers', 'tickets'] } },
    { actor: 'sup', event: 'apikey:revoke', payload: { commandId: id('key-revoke'), integrationId: 'motcua' } },
    { actor: 'sup', event: 'bridge:issue-token', payload: { commandId: id('bridge'), bridgeId: 'pc-2' } },
    { actor: 'sup', event: 'bridge:revoke-token', payload: { commandId: id('bridge-revoke'), bridgeId: 'pc-2' } },
    { actor: 'sup', event: 'pairing:issue', payload: { commandId: id('pair'), kind: 'rating', targetId: 'c2' } },
    { actor: 'sup', event: 'pairing:revoke', payload: { commandId: id('unpair'), kind: 'rating', targetId: 'c2' } },
    { actor: 'sup', event: 'device:test-print', payload: { commandId: id('test-print'), deviceId: 'printer-2' } },
    { actor: 'sup', event: 'session:end', payload: { commandId: id('session-end'), sessionId: officerSessionToEnd } },
    {
      actor: 'sup',
      event: 'booking:book',
      payload: { commandId: id('book'), serviceId: 'ho-tich', slotStart: localInstantOf(daysAhead(2), 9 * 60, 'Asia/Ho_Chi_Minh'), phone: '0912345678', name: 'Nguyễn Văn An', email: null, cccd: null },
    },
    { actor: 'sup', event: 'booking:close-day', payload: { commandId: id('book-close'), day: daysAhead(3), serviceId: null, reason: { vi: 'Mất điện', en: 'Power cut' } } },
    { actor: 'sup', event: 'day:close', payload: { commandId: id('day-close'), mode: 'serve' } },
  ];
}

/** A socket to a hub, connected (no reconnection: a test reconnects on purpose). */
export async function rawSocket(url: string, auth: Record<string, unknown>): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/**
 * Sends a command and returns its answer as the JSON text that came over the wire (the Socket.IO
 * ack packet `3<id>[<answer>]`), so two answers can be compared byte for byte. Null when no answer came.
 */
export function sendRaw(socket: Socket, event: string, payload: unknown, timeoutMs = 10_000): Promise<string | null> {
  return new Promise((resolve) => {
    const engine = socket.io.engine;
    let id: number | null = null;
    const onPacket = (data: unknown) => {
      if (typeof data !== 'string' || id === null) return;
      const match = /^3(\d+)(\[.*\])$/s.exec(data);
      if (!match || Number(match[1]) !== id) return;
      engine.off('message', onPacket);
      clearTimeout(timer);
      resolve(match[2]!.slice(1, -1));
    };
    const timer = setTimeout(() => {
      engine.off('message', onPacket);
      resolve(null);
    }, timeoutMs);
    engine.on('message', onPacket);
    // The id socket.io-client gives this emit's ack (its counter, read before the emit).
    id = (socket as unknown as { ids: number }).ids;
    socket.emit(event, payload, () => undefined);
  });
}

export function parsed<T>(raw: string | null): Ack<T> {
  if (raw === null) throw new Error('no answer');
  return JSON.parse(raw) as Ack<T>;
}

export const PASSWORDS: Record<'o1' | 'sup', string> = { o1: OFFICER_PASSWORD, sup: SUPERVISOR_PASSWORD };
