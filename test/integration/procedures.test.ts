import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcedureCatalog, ProcedureCatalogView } from '../../server/protocol/procedure-catalog';
import type { PublicView, Snapshot, TicketIssued } from '../../server/protocol/views';
import { expectOk, newCommandId, officerAtCounter, send, snapshotOnConnect, startTestHub, tempDataDir, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD } from '../helpers/test-centre';

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
    // The counter pad sees which procedure the visitor came for.
    const officer = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const state = expectOk(await send<Snapshot>(officer, 'state:request', { counterId: 'c1' }));
    expect(state.counter!.view.waiting.map((t) => [t.number, t.procedureCode])).toEqual([
      ['A001', '9.000001'],
      ['A002', null],
    ]);
  });

  it('a centre without a catalog says so', async () => {
    hub = await startTestHub();
    const res = await fetch(`${hub.hub.url}/api/procedures`, { headers: { 'Accept-Language': 'en' } });
    expect([res.status, await res.json()]).toEqual([404, { error: 'NO_PROCEDURES', message: 'The centre has no catalog of procedures yet.' }]);
    const kiosk = await hub.connect({ app: 'kiosk' });
    expect((snapshotOnConnect(kiosk).view as PublicView).procedures).toBeNull();
  });
});
