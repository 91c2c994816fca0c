import { afterEach, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { LabelledReport } from '../../server/protocol/report-types';
import type { SessionInfo } from '../../server/protocol/views';
import { decodeCsvBytes, parseCsv } from '../../server/tools/csv';
import { expectOk, newCommandId, officerAtCounter, send, startTestHub, type HubClient, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, testCentre, vnTime } from '../helpers/test-centre';

let hub: TestHub;
afterEach(async () => hub?.stop());

const HYPERLINK = '=HYPERLINK("http://x","y")';
const SUM = '@SUM(A1:A2)';
/** The configuration schema trims names: this one is stored as "=2+3". */
const TABBED = '\t=2+3';

/** A day at a centre whose officers and services were named by someone trying formulas. */
async function servedDay(): Promise<string> {
  const clock = { now: vnTime('08:55') };
  hub = await startTestHub({
    clock,
    config: testCentre((c) => {
      const names: Record<string, { vi: string; en: string }> = {
        'ho-tich': { vi: HYPERLINK, en: SUM },
        'chung-thuc': { vi: '=1+2', en: '+1' },
        'dat-dai': { vi: '+1', en: '-1' },
        'tu-phap': { vi: '-1', en: TABBED },
      };
      for (const s of c.services) s.name = names[s.id]!;
      const officers: Record<string, string> = { o1: SUM, o2: TABBED, o3: HYPERLINK };
      for (const o of c.officers) o.name = officers[o.id] ?? o.name;
    }),
  });
  expect(hub.config.officers.find((o) => o.id === 'o2')!.name).toBe('=2+3');
  const kiosk = await hub.connect({ app: 'kiosk' });
  for (const serviceId of ['ho-tich', 'chung-thuc', 'dat-dai', 'tu-phap'])
    expectOk(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId }));
  const c1 = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
  const c2 = await officerAtCounter(hub, 'o2', OFFICER_PASSWORD, 'c2');
  const c3 = await officerAtCounter(hub, 'o3', OFFICER_PASSWORD, 'c3');
  // Oldest first: c2 gets hộ tịch, c1 chứng thực, c3 đất đai, c1 tư pháp.
  const turns: [HubClient, string][] = [[c2, 'c2'], [c1, 'c1'], [c3, 'c3'], [c1, 'c1']];
  let minute = 0;
  for (const [socket, counterId] of turns) {
    clock.now = vnTime('09:00') + (minute += 3) * 60_000;
    expectOk(await send(socket, 'counter:call-next', { commandId: newCommandId(), counterId }));
    clock.now += (2 + minute) * 60_000;
    expectOk(await send(socket, 'counter:done', { commandId: newCommandId(), counterId }));
  }
  const supervisor = await hub.connect({ app: 'counter' });
  return expectOk(await send<SessionInfo>(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD })).token;
}

const FIGURES = (r: LabelledReport['total']) => [
  r.tickets, r.served, r.noShows, r.transfers, r.cancelled, r.waitAverageMinutes, r.waitP90Minutes,
  r.serviceAverageMinutes, r.serviceP90Minutes, r.estimateErrorMinutes, r.ratings.veryGood, r.ratings.good, r.ratings.poor,
];

describe('report exports cannot run code (issue 11)', () => {
  const cases = [
    { groupBy: 'service', lang: 'vi', names: [HYPERLINK, '=1+2', '+1', '-1'] },
    { groupBy: 'service', lang: 'en', names: [SUM, '+1', '-1', '=2+3'] },
    { groupBy: 'officer', lang: 'vi', names: [SUM, '=2+3', HYPERLINK] },
  ] as const;

  it('CSV: every name that would start a formula gets an apostrophe; the figures stay numbers', async () => {
    const token = await servedDay();
    for (const { groupBy, lang, names } of cases) {
      const url = (format: string) => `${hub.hub.url}/api/reports?from=2026-11-26&to=2026-11-26&groupBy=${groupBy}&format=${format}`;
      const headers = { authorization: `Bearer ${token}`, 'accept-language': lang };
      const json = (await (await fetch(url('json'), { headers })).json()) as LabelledReport;
      expect(json.rows).toHaveLength(names.length);
      const response = await fetch(url('csv'), { headers });
      expect(response.status).toBe(200);
      const decoded = decodeCsvBytes(Buffer.from(await response.arrayBuffer()));
      expect(decoded.encoding).toBe('utf-8-bom');
      if (lang === 'vi' && groupBy === 'service') expect(decoded.text).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
      const records = parseCsv(decoded.text, ',').map((r) => r.fields);
      expect(records).toHaveLength(1 + names.length + 1); // header, rows, total
      const body = records.slice(1, -1);
      expect(body.map((r) => r[0]).sort()).toEqual(names.map((n) => `'${n}`).sort());
      // Rows in the JSON order (by key); every figure reads back as the number.
      body.forEach((record, i) => {
        expect(record).toHaveLength(14);
        expect(record.slice(1), `${groupBy} ${lang} row ${i}`).toEqual(FIGURES(json.rows[i]!).map((n) => (n === null ? '' : String(n))));
      });
      expect(records.at(-1)!.slice(1)).toEqual(FIGURES(json.total).map((n) => (n === null ? '' : String(n))));
      for (const record of records)
        for (const field of record) {
          expect(field, `${groupBy} ${lang}`).not.toMatch(/^[=+\-@\t\r]/);
          if (/^'?[\d.]+$/.test(field)) expect(field).toMatch(/^\d+(\.\d+)?$/); // numbers are never text
        }
    }
  });

  it('XLSX: the names as plain strings, no formula anywhere, the figures as numbers', async () => {
    const token = await servedDay();
    for (const { groupBy, lang, names } of cases) {
      const url = (format: string) => `${hub.hub.url}/api/reports?from=2026-11-26&to=2026-11-26&groupBy=${groupBy}&format=${format}`;
      const headers = { authorization: `Bearer ${token}`, 'accept-language': lang };
      const json = (await (await fetch(url('json'), { headers })).json()) as LabelledReport;
      const response = await fetch(url('xlsx'), { headers });
      expect(response.status).toBe(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await response.arrayBuffer());
      let cells = 0;
      book.eachSheet((sheet) =>
        sheet.eachRow((row) =>
          row.eachCell((cell) => {
            cells += 1;
            expect(cell.type, `${sheet.name}!${cell.address}`).not.toBe(ExcelJS.ValueType.Formula);
            expect(cell.formula, `${sheet.name}!${cell.address}`).toBeUndefined();
            expect(['string', 'number'], `${sheet.name}!${cell.address}`).toContain(typeof cell.value);
          }),
        ),
      );
      expect(cells).toBeGreaterThan(50);
      const sheet = book.worksheets[0]!;
      const rows: unknown[][] = [];
      sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      const body = rows.slice(2, -1); // after the period and the header, before the total
      expect(body.map((r) => r[0]).sort()).toEqual([...names].sort());
      body.forEach((row, i) => {
        // exceljs leaves an empty cell out of row.values: null figures read back as undefined.
        expect(row.slice(1, 14)).toEqual(FIGURES(json.rows[i]!).map((n) => (n === null ? undefined : n)));
        expect(typeof row[1]).toBe('number');
      });
      expect(sheet.getCell(`A${3}`).numFmt).toBe('@');
    }
  });
});
