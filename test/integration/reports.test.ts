import { afterEach, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { LabelledReport } from '../../server/protocol/report-types';
import type { SessionInfo, TicketIssued } from '../../server/protocol/views';
import { expectOk, newCommandId, send, startTestHub, type HubClient, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD } from '../helpers/test-centre';

let hub: TestHub;
afterEach(async () => hub?.stop());

const at = (day: string, hhmm: string) => Date.parse(`${day}T${hhmm}:00+07:00`);

/**
 * Two days at a small centre, scripted minute by minute. The right answers are worked out by hand:
 *
 * 25/11 (counter 1 opens 07:59; estimates: A001 0 min, A002 10 min (1 ahead x 10 min), 1001 0 min)
 *   A001 hộ tịch     taken 08:00, called 08:10 (wait 10), started 08:12, done 08:20 (service 8), rated 3
 *   A002 hộ tịch     taken 08:00, called 08:20 (wait 20), no-show 08:21
 *   1001 chứng thực  taken 08:05, called 08:25 (wait 20), done 08:30 (service 5, from the call)
 * 26/11 (no counter open at 09:00: no estimate)
 *   A001 hộ tịch     taken 09:00, called at counter 2 09:30, transferred to chứng thực 09:35,
 *                    called at counter 1 09:40 (wait 40 to the last call), done 09:50 (service 10)
 */
async function scriptedTwoDays(): Promise<{ supervisor: HubClient; token: string }> {
  const clock = { now: at('2026-11-25', '07:59') };
  hub = await startTestHub({ clock });
  const kiosk = await hub.connect({ app: 'kiosk' });
  const c1 = await hub.connect({ app: 'counter' });
  expectOk(await send(c1, 'session:login', { username: 'o1', password: OFFICER_PASSWORD }));
  const c2 = await hub.connect({ app: 'counter' });
  expectOk(await send(c2, 'session:login', { username: 'o2', password: OFFICER_PASSWORD }));
  const step = async (day: string, hhmm: string, socket: HubClient, event: string, payload: Record<string, unknown>) => {
    clock.now = at(day, hhmm);
    return expectOk(await send(socket, event, { commandId: newCommandId(), ...payload }));
  };
  const d1 = '2026-11-25';
  await step(d1, '07:59', c1, 'counter:open', { counterId: 'c1' });
  expect(((await step(d1, '08:00', kiosk, 'ticket:take', { serviceId: 'ho-tich' })) as TicketIssued).estimatedWaitMinutes).toBe(0);
  expect(((await step(d1, '08:00', kiosk, 'ticket:take', { serviceId: 'ho-tich' })) as TicketIssued).estimatedWaitMinutes).toBe(10);
  await step(d1, '08:05', kiosk, 'ticket:take', { serviceId: 'chung-thuc' });
  await step(d1, '08:10', c1, 'counter:call-next', { counterId: 'c1' });
  await step(d1, '08:12', c1, 'counter:start', { counterId: 'c1' });
  await step(d1, '08:20', c1, 'counter:done', { counterId: 'c1' });
  const a001 = hub.hub.service.ticket('A001')!.ticketId;
  expect((await hub.hub.service.rate(a001, 3, null)).ok).toBe(true);
  await step(d1, '08:20', c1, 'counter:call-next', { counterId: 'c1' });
  await step(d1, '08:21', c1, 'counter:skip', { counterId: 'c1' });
  await step(d1, '08:25', c1, 'counter:call-next', { counterId: 'c1' });
  await step(d1, '08:30', c1, 'counter:done', { counterId: 'c1' });
  await step(d1, '08:31', c1, 'counter:close', { counterId: 'c1' });

  const d2 = '2026-11-26';
  await step(d2, '09:00', kiosk, 'ticket:take', { serviceId: 'ho-tich' });
  // A new working day: the officers log in again (sessions last 12 hours).
  expectOk(await send(c1, 'session:login', { username: 'o1', password: OFFICER_PASSWORD }));
  expectOk(await send(c2, 'session:login', { username: 'o2', password: OFFICER_PASSWORD }));
  await step(d2, '09:29', c2, 'counter:open', { counterId: 'c2' });
  await step(d2, '09:30', c2, 'counter:call-next', { counterId: 'c2' });
  await step(d2, '09:35', c2, 'counter:transfer', { counterId: 'c2', toServiceId: 'chung-thuc', toCounterId: 'c1' });
  await step(d2, '09:39', c1, 'counter:open', { counterId: 'c1' });
  await step(d2, '09:40', c1, 'counter:call-next', { counterId: 'c1' });
  await step(d2, '09:50', c1, 'counter:done', { counterId: 'c1' });
  clock.now = at(d2, '10:00');

  const supervisor = await hub.connect({ app: 'counter' });
  const session = expectOk(await send<SessionInfo>(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
  return { supervisor, token: session.token };
}

describe('reports', () => {
  it('per service over two days, as computed by hand', async () => {
    const { supervisor } = await scriptedTwoDays();
    const report = expectOk(await send<LabelledReport>(supervisor, 'report:get', { from: '2026-11-25', to: '2026-11-26', groupBy: 'service' }));
    const byKey = Object.fromEntries(report.rows.map((r) => [r.key, r]));
    expect(byKey['ho-tich']).toEqual({
      key: 'ho-tich', tickets: 2, served: 1, noShows: 1, transfers: 0, cancelled: 0,
      waitAverageMinutes: 15, waitP90Minutes: 20, serviceAverageMinutes: 8, serviceP90Minutes: 8,
      estimateErrorMinutes: 10, ratings: { veryGood: 1, good: 0, poor: 0 },
    });
    expect(byKey['chung-thuc']).toEqual({
      key: 'chung-thuc', tickets: 2, served: 2, noShows: 0, transfers: 1, cancelled: 0,
      waitAverageMinutes: 30, waitP90Minutes: 40, serviceAverageMinutes: 7.5, serviceP90Minutes: 10,
      estimateErrorMinutes: 20, ratings: { veryGood: 0, good: 0, poor: 0 },
    });
    expect(report.total).toMatchObject({
      tickets: 4, served: 3, noShows: 1, transfers: 1,
      waitAverageMinutes: 22.5, waitP90Minutes: 40, serviceAverageMinutes: 7.7, serviceP90Minutes: 10, estimateErrorMinutes: 13.3,
    });
    expect(report.busiestHours[8]).toBe(3);
    expect(report.busiestHours[9]).toBe(1);
    expect(report.busiestHours.reduce((a, b) => a + b, 0)).toBe(4);
    expect(report.labels['ho-tich']).toBe('Hộ tịch');
    // One day only: the archive of 25/11 alone.
    const first = expectOk(await send<LabelledReport>(supervisor, 'report:get', { from: '2026-11-25', to: '2026-11-25' }));
    expect(first.total).toMatchObject({ tickets: 3, served: 2, noShows: 1, waitAverageMinutes: 16.7 });
  });

  it('per counter and per officer', async () => {
    const { supervisor } = await scriptedTwoDays();
    const counters = expectOk(await send<LabelledReport>(supervisor, 'report:get', { from: '2026-11-25', to: '2026-11-26', groupBy: 'counter' }));
    expect(counters.rows.map((r) => [counters.labels[r.key], r.tickets, r.served, r.noShows])).toEqual([['Quầy 1', 4, 3, 1]]);
    const officers = expectOk(await send<LabelledReport>(supervisor, 'report:get', { from: '2026-11-25', to: '2026-11-26', groupBy: 'officer' }));
    expect(officers.rows.map((r) => [officers.labels[r.key], r.served])).toEqual([['Nguyễn Thị Lan', 3]]);
  });

  it('exports CSV and XLSX that read back to the same figures', async () => {
    const { token } = await scriptedTwoDays();
    const url = (format: string) => `${hub.hub.url}/api/reports?from=2026-11-25&to=2026-11-26&groupBy=service&format=${format}`;
    const auth = { authorization: `Bearer ${token}` };
    const csv = await fetch(url('csv'), { headers: auth });
    expect(csv.headers.get('content-disposition')).toContain('luot-service-2026-11-25-2026-11-26.csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // so spreadsheets read it as UTF-8
    const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n').map((l) => l.split(','));
    expect(lines[0]!.slice(0, 3)).toEqual(['Lĩnh vực', 'Số phiếu đã lấy', 'Đã phục vụ']);
    expect(lines.find((l) => l[0] === 'Chứng thực')!.slice(1, 11)).toEqual(['2', '2', '0', '1', '0', '30', '40', '7.5', '10', '20']);
    expect(lines.at(-1)![0]).toBe('Tổng cộng');

    const xlsx = await fetch(url('xlsx'), { headers: { ...auth, 'accept-language': 'en' } });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    const sheet = book.getWorksheet('Report')!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[1]!.slice(0, 3)).toEqual(['Service', 'Tickets taken', 'Served']);
    expect(rows.find((r) => r[0] === 'Civil status')!.slice(1, 9)).toEqual([2, 1, 1, 0, 0, 15, 20, 8]);
    expect(rows.at(-1)!.slice(0, 3)).toEqual(['Total', 4, 3]);
    const hours = book.getWorksheet('By hour')!;
    expect(hours.getRow(10).values).toEqual([undefined, '08:00', 3]);

    expect((await fetch(url('csv'))).status).toBe(401);
    const officerToken = expectOk(await send<SessionInfo>(await hub.connect({ app: 'counter' }), 'session:login', { username: 'o2', password: OFFICER_PASSWORD })).token;
    expect((await fetch(url('csv'), { headers: { authorization: `Bearer ${officerToken}` } })).status).toBe(403);
    expect((await fetch(`${hub.hub.url}/api/reports?from=2026-11-26&to=2026-11-25`, { headers: auth })).status).toBe(400);
  });
});
