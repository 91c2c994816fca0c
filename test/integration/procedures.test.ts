import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcedureCatalog, ProcedureCatalogView } from '../../server/protocol/procedure-catalog';
import type { CounterView, PublicView, Snapshot, TicketIssued } from '../../server/protocol/views';
import type { LabelledReport } from '../../server/protocol/report-types';
import { expectOk, newCommandId, officerAtCounter, send, snapshotOnConnect, startTestHub, tempDataDir, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, testCentre } from '../helpers/test-centre';
import { ScriptedDeviceHost } from '../helpers/fake-device-host';
import { until } from '../helpers/poll';
import type { SessionInfo } from '../../server/protocol/views';
import type { AuditEntry } from '../../server/protocol/config-types';

/**
 * The procedure catalog at a real hub: seeded into a new data folder, offered with the service
 * each procedure's number is taken in, read over REST by version, kept across a restart; a number
 * taken for a procedure carries it, and a procedure of another field or none at all is refused.
 * (A test catalog: the demo centre's real one is checked in test/unit/demo-procedures.test.ts.)
 */

const procedure = (code: string, name: string, field: string) => ({
  code,
  name,
  nameEn: null,
  field,
  levels: ['commune' as const],
  ways: ['in-person' as const],
  time: { text: 'Trong ngày', amount: null, unit: 'same-day' as const },
  fees: [],
  documents: [{ name: 'Tờ khai', originals: 1, copies: 0, form: null, note: null }],
  steps: [],
  conditions: [],
  result: 'Kết quả',
  legalBasis: [],
  portalUrl: null,
  source: { url: 'https://example.org/test', retrievedOn: '2026-12-04', note: 'test data' },
});
const CATALOG: ProcedureCatalog = {
  source: { name: 'Danh mục thử', url: null, retrievedOn: '2026-12-04', note: 'test data, not real procedures' },
  procedures: [procedure('9.000001', 'Thủ tục thử về hộ tịch', 'Hộ tịch'), procedure('9.000002', 'Thủ tục thử về chứng thực', 'Chứng thực'), procedure('9.000003', 'Thủ tục thử không có lĩnh vực ở đây', 'Hàng hải')],
};

let hub: TestHub | null = null;
afterEach(async () => {
  await hub?.stop();
  hub = null;
});

function seedFile(): string {
  const file = join(tempDataDir(), 'catalog.json');
  writeFileSync(file, JSON.stringify(CATALOG));
  return file;
}

describe('the procedure catalog', () => {
  it('is seeded once, offered by version with each procedure\'s service, and kept across a restart', async () => {
    hub = await startTestHub({ proceduresFile: seedFile() });
    const res = await fetch(`${hub.hub.url}/api/procedures`);
    expect(res.status).toBe(200);
    const view = (await res.json()) as ProcedureCatalogView;
    expect(view.version).toBe(1);
    expect(view.procedures.map((p) => [p.code, p.serviceId])).toEqual([
      ['9.000001', 'ho-tich'],
      ['9.000002', 'chung-thuc'],
      ['9.000003', null],
    ]);
    // Numbers for Hộ tịch are served at counters 1 and 2 of the test centre.
    expect(view.procedures[0]!.counterNumbers).toEqual([1, 2]);
    expect(view.procedures[2]!.counterNumbers).toEqual([]);
    // Asked again with the version it has: nothing to send.
    expect((await fetch(`${hub.hub.url}/api/procedures`, { headers: { 'If-None-Match': res.headers.get('etag')! } })).status).toBe(304);
    const one = await fetch(`${hub.hub.url}/api/procedures/9.000002`);
    expect(await one.json()).toMatchObject({ code: '9.000002', serviceId: 'chung-thuc', documents: [{ name: 'Tờ khai' }] });
    for (const bad of ['9.999999', 'khai-sinh', '1.0011930']) {
      const r = await fetch(`${hub.hub.url}/api/procedures/${bad}`, { headers: { 'Accept-Language': 'vi' } });
      expect([r.status, ((await r.json()) as { error: string }).error]).toEqual([404, 'UNKNOWN_PROCEDURE']);
    }
    const kiosk = await hub.connect({ app: 'kiosk' });
    expect(snapshotOnConnect(kiosk).view.procedures).toEqual({ version: 1 });

    const { dataDir } = hub;
    await hub.stop();
    // Without its seed file the data folder keeps what it had.
    hub = await startTestHub({ dataDir });
    expect(((await (await fetch(`${hub.hub.url}/api/procedures`)).json()) as ProcedureCatalogView).procedures).toHaveLength(3);
  });

  it('a number for a procedure carries it; one of another field, or not in the catalog, is refused and nothing is taken', async () => {
    hub = await startTestHub({ proceduresFile: seedFile() });
    const kiosk = await hub.connect({ app: 'kiosk' });
    const taken = await send<TicketIssued>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich', procedureCode: '9.000001' });
    expect(taken).toMatchObject({ ok: true, data: { number: 'A001', procedureCode: '9.000001' } });
    expect(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich', procedureCode: '9.000002', lang: 'vi' })).toMatchObject({
      ok: false,
      error: 'PROCEDURE_NOT_IN_SERVICE',
      message: 'Thủ tục này không lấy số ở lĩnh vực đã chọn.',
    });
    expect(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich', procedureCode: '9.000009' })).toMatchObject({ ok: false, error: 'UNKNOWN_PROCEDURE' });
    expect(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich', procedureCode: 'khai sinh' })).toMatchObject({ ok: false, error: 'INVALID_PAYLOAD' });
    // Only the first number was taken; the next is A002.
    const next = await send<TicketIssued>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' });
    expect(next).toMatchObject({ ok: true, data: { number: 'A002' } });
    expect((next as { data: TicketIssued }).data.procedureCode).toBeUndefined();
    // Reports count the tickets taken for each procedure (those taken without one are not in it).
    const sup = await hub.connect({ app: 'counter' });
    expectOk(await send(sup, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
    const today = hub.hub.service.day;
    const report = expectOk(await send<LabelledReport>(sup, 'report:get', { from: today, to: today, groupBy: 'procedure' }));
    expect(report.rows.map((r) => [r.key, r.tickets, report.labels[r.key]])).toEqual([['9.000001', 1, '9.000001 Thủ tục thử về hộ tịch']]);
    expect(report.total.tickets).toBe(1);

    // The counter pad sees which procedure the visitor came for.
    const officer = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const state = expectOk(await send<Snapshot>(officer, 'state:request', { counterId: 'c1' }));
    expect(state.counter!.view.waiting.map((t) => [t.number, t.procedureCode])).toEqual([
      ['A001', '9.000001'],
      ['A002', null],
    ]);
    // The officer corrects it: the visitor came for another procedure (or the kiosk's was none).
    expectOk(await send(officer, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
    expect(await send(officer, 'counter:set-procedure', { commandId: newCommandId(), counterId: 'c1', procedureCode: '9.000009', lang: 'vi' })).toMatchObject({ ok: false, error: 'UNKNOWN_PROCEDURE' });
    const corrected = expectOk(await send<CounterView>(officer, 'counter:set-procedure', { commandId: newCommandId(), counterId: 'c1', procedureCode: '9.000002' }));
    expect(corrected.current).toMatchObject({ number: 'A001', procedureCode: '9.000002' });
    const cleared = expectOk(await send<CounterView>(officer, 'counter:set-procedure', { commandId: newCommandId(), counterId: 'c1', procedureCode: null }));
    expect(cleared.current?.procedureCode).toBeNull();
    expectOk(await send(officer, 'counter:set-procedure', { commandId: newCommandId(), counterId: 'c1', procedureCode: '9.000001' }));
  });

  it('a centre without a catalog says so', async () => {
    hub = await startTestHub();
    const res = await fetch(`${hub.hub.url}/api/procedures`, { headers: { 'Accept-Language': 'en' } });
    expect([res.status, await res.json()]).toEqual([404, { error: 'NO_PROCEDURES', message: 'The centre has no catalog of procedures yet.' }]);
    const kiosk = await hub.connect({ app: 'kiosk' });
    expect((snapshotOnConnect(kiosk).view as PublicView).procedures).toBeNull();
  });

  it('is replaced from a file only as previewed, every bad row reported and nothing changed, audited', async () => {
    hub = await startTestHub({ proceduresFile: seedFile() });
    const sup = await hub.connect({ app: 'counter' });
    const session = expectOk(await send<SessionInfo>(sup, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
    const officer = expectOk(await send<SessionInfo>(await hub.connect({ app: 'counter' }), 'session:login', { username: 'o1', password: OFFICER_PASSWORD }));
    const upload = (query: string, body: string | Uint8Array<ArrayBuffer>, token = session.token) =>
      fetch(`${hub!.hub.url}/api/procedures/import?${query}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'accept-language': 'vi' }, body }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as any }),
      );
    const header = 'Mã thủ tục,Tên thủ tục,Lĩnh vực,Cấp thực hiện,Cách thực hiện,Thời hạn giải quyết,"Phí, lệ phí",Thành phần hồ sơ,Kết quả,Nguồn,Ngày đọc';
    const good =
      header +
      '\n9.000001,Thủ tục thử về hộ tịch,Hộ tịch,Cấp xã,Trực tiếp; Trực tuyến toàn trình,05 ngày làm việc,50.000 đồng,"Tờ khai (1 bản chính)\nGiấy tờ tùy thân (1 bản sao)",Giấy xác nhận,https://example.org/a,04/12/2026' +
      '\n9.000004,Thủ tục thử mới,Chứng thực,Cấp xã,Trực tiếp,Trong ngày,Không,,Bản sao,https://example.org/b,2026-12-01\n';
    // Only supervisors.
    expect((await upload('format=csv&dryRun=1', good, officer.token)).status).toBe(403);
    expect((await upload('format=csv&dryRun=1', good, 'nonsense')).body.error).toBe('NOT_LOGGED_IN');

    // Bad rows: each one named, by row and column; nothing changes.
    const bad = header + '\n1.00119,Mã sai,Hộ tịch,Cấp xã,Trực tiếp,1 ngày,,,,https://example.org/a,04/12/2026\n9.000005,Không nguồn,Hộ tịch,Cấp huyện,Bay,1 ngày,,,,,31/02/2026\n';
    const refused = await upload('format=csv&dryRun=1', bad);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: 'INVALID_CATALOG', message: 'Tệp danh mục có 4 lỗi; chưa nhập gì.' });
    // Columns named as the file names them, problems in the supervisor's language.
    expect(refused.body.problems).toEqual([
      { row: 2, column: 'Mã thủ tục', message: 'mã thủ tục có dạng 1.001193' },
      { row: 3, column: 'Cấp thực hiện', message: 'cấp thực hiện là "cấp xã", "cấp tỉnh" hoặc "cấp trung ương"' },
      { row: 3, column: 'Cách thực hiện', message: 'cách thức là "trực tiếp", "trực tuyến toàn trình", "trực tuyến một phần" hoặc "bưu chính"' },
      { row: 3, column: 'Ngày đọc', message: 'ngày viết dd/mm/yyyy hoặc yyyy-mm-dd' },
    ]);
    expect((await upload('format=csv&dryRun=1', 'Tên thủ tục\nA\n')).body.problems[0]).toEqual({ row: 1, column: 'Mã thủ tục', message: 'thiếu cột này' });

    // Preview: what it would change.
    const preview = await upload('format=csv&dryRun=1', good);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ baseVersion: 1, procedures: 2 });
    expect(preview.body.diff).toEqual({
      added: [{ code: '9.000004', name: 'Thủ tục thử mới' }],
      removed: [
        { code: '9.000002', name: 'Thủ tục thử về chứng thực' },
        { code: '9.000003', name: 'Thủ tục thử không có lĩnh vực ở đây' },
      ],
      changed: [{ code: '9.000001', name: 'Thủ tục thử về hộ tịch', fields: ['ways', 'time', 'fees', 'documents', 'result', 'source'] }],
      unchanged: 0,
    });
    expect(((await (await fetch(`${hub.hub.url}/api/procedures`)).json()) as ProcedureCatalogView).version).toBe(1);

    // Applied on the version previewed; a second apply on the old version is refused.
    const kiosk = await hub.connect({ app: 'kiosk' });
    const seen = new Promise<void>((resolve) => kiosk.on('queue:public', (v: { view: PublicView }) => v.view.procedures?.version === 2 && resolve()));
    const applied = await upload('format=csv&baseVersion=1', good);
    expect(applied.body).toMatchObject({ version: 2, procedures: 2 });
    expect((await upload('format=csv&baseVersion=1', good)).body.error).toBe('CATALOG_CHANGED');
    const view = (await (await fetch(`${hub.hub.url}/api/procedures`)).json()) as ProcedureCatalogView;
    expect(view.procedures.find((p) => p.code === '9.000001')).toMatchObject({
      ways: ['in-person', 'online-full'],
      time: { text: '05 ngày làm việc', amount: 5, unit: 'working-days' },
      fees: [{ kind: 'charge', amountVnd: 50000, text: '50.000 đồng' }],
      documents: [
        { name: 'Tờ khai', originals: 1, copies: null },
        { name: 'Giấy tờ tùy thân', originals: null, copies: 1 },
      ],
      serviceId: 'ho-tich',
    });
    expect(view.procedures.find((p) => p.code === '9.000004')).toMatchObject({ time: { unit: 'same-day' }, fees: [] });
    // The screens hear of the new version.
    await seen;
    const audit = expectOk(await send<AuditEntry[]>(sup, 'audit:list', { limit: 5 }));
    expect(audit.find((a) => a.action === 'procedures.imported')).toMatchObject({ by: 'sup', changes: [{ path: 'procedures', before: 1, after: { version: 2, procedures: 2, added: 1, removed: 2, changed: 1 } }] });

    // The same catalog as JSON, and as XLSX.
    const json = await upload(`format=json&dryRun=1`, JSON.stringify(CATALOG));
    expect(json.body).toMatchObject({ baseVersion: 2, procedures: 3 });
    const { Workbook } = (await import('exceljs')).default;
    const book = new Workbook();
    const sheet = book.addWorksheet('Thủ tục');
    sheet.addRow(['Mã thủ tục', 'Tên thủ tục', 'Lĩnh vực', 'Thời hạn giải quyết', 'Thành phần hồ sơ', 'Nguồn', 'Ngày đọc']);
    sheet.addRow(['9.000001', 'Thủ tục thử về hộ tịch', 'Hộ tịch', '05 ngày làm việc', 'Tờ khai (1 bản chính)\nGiấy tờ tùy thân (1 bản sao)', 'https://example.org/a', '04/12/2026']);
    sheet.addRow(['9.000004', 'Thủ tục thử mới', 'Chứng thực', 'Trong ngày', '', 'https://example.org/b', '2026-12-01']);
    const xlsx = new Uint8Array((await book.xlsx.writeBuffer()) as ArrayBuffer);
    const fromXlsx = await upload('format=xlsx&dryRun=1', xlsx);
    expect(fromXlsx.status, JSON.stringify(fromXlsx.body)).toBe(200);
    expect(fromXlsx.body.procedures).toBe(2);
  });

  it('prints a procedure\'s papers at the kiosk once per command, also when the retry comes on another socket', async () => {
    let host: ScriptedDeviceHost | null = null;
    const config = testCentre((c) => {
      c.kiosks = [{ id: 'k1', printerId: 'printer-1' }];
      c.devices = [{ kind: 'printer', id: 'printer-1', bridge: 'hub', path: '/dev/ttyS0', textMode: 'tcvn3', codePage: 30 }];
    });
    hub = await startTestHub({ config, proceduresFile: seedFile(), createDeviceHost: (devices, link) => (host = new ScriptedDeviceHost(devices, link)) });
    await until('the printer', () => hub!.hub.devices.deviceViews().find((d) => d.id === 'printer-1')?.condition === 'ok');
    const commandId = newCommandId();
    const first = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
    expect(await send(first, 'kiosk:print-checklist', { commandId, procedureCode: '9.000001' })).toEqual({ ok: true, data: { ok: true } });
    const again = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
    expect(await send(again, 'kiosk:print-checklist', { commandId, procedureCode: '9.000001' })).toEqual({ ok: true, data: { ok: true } });
    expect(host!.checklists).toHaveLength(1);
    expect(host!.checklists[0]!.checklist).toMatchObject({ procedureName: 'Thủ tục thử về hộ tịch', codeText: 'Mã thủ tục 9.000001', sections: [{ heading: null, items: ['Tờ khai (1 bản chính)'] }] });
    expect(await send(first, 'kiosk:print-checklist', { commandId: newCommandId(), procedureCode: '9.000009' })).toMatchObject({ ok: false, error: 'UNKNOWN_PROCEDURE' });
    // A kiosk without a printer is told so.
    const other = await hub.connect({ app: 'kiosk', kioskId: 'k9' });
    expect(await send(other, 'kiosk:print-checklist', { commandId: newCommandId(), procedureCode: '9.000001' })).toMatchObject({ ok: false, error: 'NO_PRINTER' });
  });
});
