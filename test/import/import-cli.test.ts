import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { encodeCp1258 } from '../../hardware/escpos/vietnamese-encoding';
import { runImport } from '../../server/tools/dossier-import';
import { renderProgress } from '../../server/tools/progress';

const KEY = 'import-key-123';

interface HubRequest {
  headers: IncomingHttpHeaders;
  body: { dossiers: Record<string, unknown>[] };
}

/** A stand-in for the hub's import endpoint, on a free local port. */
async function startFakeHub(answer?: (body: HubRequest['body']) => { status: number; json: unknown }) {
  const requests: HubRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.method !== 'POST' || req.url !== '/api/dossiers/import') return reply(404, { error: 'NOT_FOUND' });
      if (req.headers.authorization !== `Bearer ${KEY}`) return reply(401, { error: 'UNAUTHORIZED', message: 'bad key' });
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HubRequest['body'];
      requests.push({ headers: req.headers, body });
      const custom = answer?.(body);
      if (custom) return reply(custom.status, custom.json);
      reply(200, { received: body.dossiers.length, created: body.dossiers.length, updated: 0, unchanged: 0 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url, requests };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function io(tty = false) {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s), isTTY: tty },
    },
  };
}

function writeTemp(name: string, content: string | Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'luot-import-')), name);
  writeFileSync(path, content);
  return path;
}

const HEADER = 'ma_ho_so;ma_tra_cuu;thu_tuc;linh_vuc;ho_ten;dien_thoai;email;ngon_ngu;ngay_nhan;ngay_hen_tra;trang_thai;hinh_thuc_nhan;noi_nhan';
const BAD_FILE =
  [
    HEADER,
    '000.00.15.H40-250312-0001;K7Q2;Đăng ký khai sinh;Hộ tịch;Nguyễn Văn An;0912345678;an@example.vn;vi;12/03/2025 08:00;15/03/2025 10:00;2;tại trung tâm;Quầy 3',
    '000.00.15.H40-250312-0002;K7Q3;Chứng thực bản sao;Chứng thực;Trần Thị Bình;09-12;;;31/02/2025 08:00;15/03/2025 10:00;4;;',
    '000.00.15.H40-250312-0003;K7;"Đăng ký kết hôn; có yếu tố',
    'nước ngoài";Hộ tịch;Lê Văn Cường;;cuong@;en;12/03/2025 08:00;11/03/2025 10:00;Đã xử lý xong;bưu chính;',
    '000.00.15.H40-250312-0001;K7Q5;x;;Phạm D;;;;12/03/2025;13/03/2025;99;máy bay;',
    '000.00.15.H40-250312-0001;K7Q6;Cấp bản sao;;Võ E;;;;2025-03-12 08:00;2025-03-14T08:00:00+07:00;9;;',
  ].join('\r\n') + '\r\n';

const REPORT = [
  '4 of 5 rows rejected:',
  '  line 3, dien_thoai: digits, optionally with a leading +',
  '  line 3, ngay_nhan: not a date: "31/02/2025 08:00" (use dd/mm/yyyy hh:mm, or ISO 8601)',
  '  line 4, ma_tra_cuu: 4-12 letters or digits',
  '  line 4, email: Invalid email address',
  '  line 4, ngay_hen_tra: is before the received date',
  '  line 6, trang_thai: not a status: "99" (1-10, or its name such as "Đã xử lý xong")',
  '  line 6, hinh_thuc_nhan: not a way of delivery: "máy bay" (centre, post or electronic)',
  '  line 7, ma_ho_so: the same code is on line 2',
].join('\n');

describe('npm run import', () => {
  it('a file with bad rows: the exact report, exit 1, nothing sent', async () => {
    const hub = await startFakeHub();
    const file = writeTemp('ho-so.csv', BAD_FILE);
    const { out, io: streams } = io();
    const code = await runImport([file, '--hub', hub.url, '--key', KEY], streams);
    expect(code).toBe(1);
    expect(hub.requests).toHaveLength(0);
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe(
      '[##############################] 5/5 rows 100%\n' +
        `Read 5 rows from ${file} (UTF-8, separated by semicolons).\n` +
        REPORT +
        '\n' +
        'Nothing was imported. Fix these rows, or run again with --skip-bad to import the 1 valid row.\n',
    );
    expect(out.stderr).not.toContain(KEY);
  });

  it('--skip-bad sends the valid rows, converted, in one request', async () => {
    const hub = await startFakeHub();
    const file = writeTemp('ho-so.csv', BAD_FILE);
    const { out, io: streams } = io();
    const code = await runImport([file, '--hub', `${hub.url}/`, '--key', KEY, '--skip-bad'], streams);
    expect(code).toBe(0);
    expect(out.stderr).toContain(REPORT + '\n--skip-bad: importing the 1 valid row only.\n');
    expect(hub.requests).toHaveLength(1);
    expect(hub.requests[0]!.headers['content-type']).toBe('application/json');
    expect(hub.requests[0]!.body).toEqual({
      dossiers: [
        {
          code: '000.00.15.H40-250312-0001',
          lookupKey: 'K7Q2',
          procedure: 'Đăng ký khai sinh',
          field: 'Hộ tịch',
          applicant: { name: 'Nguyễn Văn An', phone: '0912345678', email: 'an@example.vn', lang: 'vi' },
          receivedAt: '2025-03-12T08:00:00+07:00',
          dueAt: '2025-03-15T10:00:00+07:00',
          status: 2,
          delivery: 'centre',
          collectAt: 'Quầy 3',
          note: null,
        },
      ],
    });
    expect(out.stdout).toBe('Imported: received 1, created 1, updated 0, unchanged 0.\n');
  });

  it('40,000 generated rows are read, validated and sent in one request, with a progress bar', async () => {
    const hub = await startFakeHub();
    const rows = ['\ufeffcode,lookup_key,procedure,field,applicant_name,phone,email,lang,received_at,due_at,status,delivery,collect_at'];
    for (let i = 0; i < 40_000; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      rows.push(
        [
          `000.00.15.H40-2503${day}-${String(i).padStart(5, '0')}`,
          `K${String(i).padStart(6, '0')}`,
          i % 3 === 0 ? '"Đăng ký khai sinh, kết hợp ""liên thông"""' : 'Chứng thực bản sao từ bản chính',
          'Hộ tịch',
          `Nguyễn Văn ${i}`,
          i % 2 === 0 ? `09${String(i).padStart(8, '0')}` : '',
          i % 5 === 0 ? `nguoi${i}@example.vn` : '',
          i % 7 === 0 ? 'en' : 'vi',
          `${day}/03/2025 08:00`,
          `${day}/04/2025 16:30`,
          String(1 + (i % 10)),
          ['centre', 'post', 'electronic'][i % 3],
          i % 3 === 0 ? 'Quầy 3' : '',
        ].join(','),
      );
    }
    const file = writeTemp('40k.csv', rows.join('\r\n') + '\r\n');
    const { out, io: streams } = io(true);
    const code = await runImport([file, '--hub', hub.url, '--key', KEY], streams);
    expect(out.stderr).not.toContain('rejected');
    expect(code).toBe(0);
    expect(hub.requests).toHaveLength(1);
    const dossiers = hub.requests[0]!.body.dossiers;
    expect(dossiers).toHaveLength(40_000);
    expect(dossiers[39_999]).toMatchObject({ code: '000.00.15.H40-250316-39999', status: 10, delivery: 'centre' });
    expect(dossiers[0]).toMatchObject({ procedure: 'Đăng ký khai sinh, kết hợp "liên thông"', collectAt: 'Quầy 3' });
    expect(out.stdout).toBe('Imported: received 40000, created 40000, updated 0, unchanged 0.\n');
    // The bar was redrawn in place as rows were done.
    expect(out.stderr).toContain(`\r${renderProgress(20_000, 40_000)}`);
    expect(out.stderr).toContain('\r[##############################] 40000/40000 rows 100%\n');
    expect(out.stderr).toContain('(UTF-8 with BOM, separated by commas)');
  }, 120_000); // a few seconds normally; a budget, not a timing assertion, for a loaded 2-core machine

  it('wrong or missing columns: one error naming them, nothing sent', async () => {
    const hub = await startFakeHub();
    const file = writeTemp('cols.csv', 'Mã hồ sơ,Thủ tục,Họ tên,Ngày nhận,Trạng thái,Số CMND\nX,Y,Z,12/03/2025,2,001\n');
    const { out, io: streams } = io();
    expect(await runImport([file, '--hub', hub.url, '--key', KEY], streams)).toBe(1);
    expect(hub.requests).toHaveLength(0);
    expect(out.stderr).toContain(
      `${file}: The header row does not fit: missing columns: ma_tra_cuu/lookup_key, ngay_hen_tra/due_at; unknown column: "Số CMND" (column 6).\n`,
    );
    expect(out.stderr.trim().endsWith('Nothing was imported.')).toBe(true);
  });

  it('a Windows-1258 file is recognised, said so, and its letters decoded', async () => {
    const hub = await startFakeHub();
    const text = [
      'Mã hồ sơ;Mã tra cứu;Thủ tục;Họ tên;Điện thoại;Ngày nhận;Ngày hẹn trả;Trạng thái;Hình thức nhận',
      '000.00.15.H40-250312-0009;AB12;Đăng ký khai tử;Hoàng Thị Ỷ;912 345 678;12/03/2025 08:00;14/03/2025;Được tiếp nhận;Bưu chính công ích',
    ];
    // CP1258 bytes, the line breaks added as they are.
    const bytes = new Uint8Array(text.flatMap((line) => [...encodeCp1258(line), 0x0d, 0x0a]));
    const file = writeTemp('cp1258.csv', bytes);
    const { out, io: streams } = io();
    expect(await runImport([file, '--hub', hub.url, '--key', KEY], streams)).toBe(0);
    expect(out.stderr).toContain(`${file} is not valid UTF-8: read it as Windows-1258 (CP1258).`);
    expect(hub.requests[0]!.body.dossiers[0]).toMatchObject({
      procedure: 'Đăng ký khai tử',
      applicant: { name: 'Hoàng Thị Ỷ', phone: '0912345678' },
      dueAt: '2025-03-14T17:00:00+07:00',
      status: 2,
      delivery: 'post',
    });
  });

  it('dates use --tz-offset', async () => {
    const hub = await startFakeHub();
    const file = writeTemp('tz.csv', 'code,lookup_key,procedure,applicant_name,received_at,due_at,status\n000.00.15.H40-250312-0001,abcd,P,N,12/03/2025 08:00,2025-03-13T08:00:00Z,4\n');
    const { io: streams } = io();
    expect(await runImport([file, '--hub', hub.url, '--key', KEY, '--tz-offset', '+08:00'], streams)).toBe(0);
    expect(hub.requests[0]!.body.dossiers[0]).toMatchObject({ receivedAt: '2025-03-12T08:00:00+08:00', dueAt: '2025-03-13T08:00:00Z' });
  });

  it('a refused key, and rows the hub rejects, are reported with their lines', async () => {
    const file = writeTemp('ok.csv', BAD_FILE);
    const hub = await startFakeHub(() => ({
      status: 422,
      json: { error: 'INVALID_PAYLOAD', message: '1 dossier rejected', rejected: [{ index: 0, field: 'code', reason: 'INVALID_DOSSIER_CODE' }] },
    }));
    const refused = io();
    expect(await runImport([file, '--hub', hub.url, '--key', 'wrong', '--skip-bad'], refused.io)).toBe(1);
    expect(refused.out.stderr).toContain('The hub refused the API key (HTTP 401). Nothing was imported.');
    expect(refused.out.stderr).not.toContain('wrong');

    const rejected = io();
    expect(await runImport([file, '--hub', hub.url, '--key', KEY, '--skip-bad'], rejected.io)).toBe(1);
    expect(rejected.out.stderr).toContain(
      'The hub refused the import (1 dossier rejected).\n1 of 1 row rejected:\n  line 2, code: INVALID_DOSSIER_CODE\nNothing was imported.\n',
    );
  });

  it('a hub that cannot be reached', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const file = writeTemp('ok.csv', BAD_FILE);
    const { out, io: streams } = io();
    expect(await runImport([file, '--hub', `http://127.0.0.1:${port}`, '--key', KEY, '--skip-bad'], streams)).toBe(1);
    expect(out.stderr).toContain(`Cannot reach the hub at http://127.0.0.1:${port} (ECONNREFUSED). Nothing was imported.`);
  });

  it('usage errors exit 2; --dry-run sends nothing; --key-file reads the key', async () => {
    const file = writeTemp('ok.csv', BAD_FILE);
    const run = async (args: string[]) => {
      const { out, io: streams } = io();
      return { code: await runImport(args, streams), ...out };
    };
    expect((await run([])).code).toBe(2);
    expect((await run([file])).stderr).toContain('The hub needs the import API key');
    expect((await run([file, '--key', KEY, '--tz-offset', '7'])).code).toBe(2);
    expect((await run([file, '--key', KEY, '--bogus'])).code).toBe(2);
    expect((await run([file, '--key', KEY, '--hub', 'localhost:3000'])).code).toBe(2);
    expect((await run(['--help'])).stdout).toContain('Usage: npm run import');
    const missing = await run([join(tmpdir(), 'no-such-file.csv'), '--key', KEY]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('ENOENT') });

    const dry = await run([file, '--dry-run', '--skip-bad']);
    expect(dry).toMatchObject({ code: 0, stdout: 'Dry run: 1 row would be sent. Nothing was sent.\n' });

    const hub = await startFakeHub();
    const keyFile = writeTemp('key.txt', `${KEY}\n`);
    expect((await run([file, '--hub', hub.url, '--key-file', keyFile, '--skip-bad'])).code).toBe(0);
    expect(hub.requests).toHaveLength(1);
  });

  it('an empty file, and a broken quote, are clear errors', async () => {
    const { out, io: streams } = io();
    expect(await runImport([writeTemp('empty.csv', ''), '--key', KEY], streams)).toBe(1);
    expect(out.stderr).toContain('is empty. Nothing was imported.');
    const broken = io();
    expect(await runImport([writeTemp('q.csv', `${HEADER}\nX;"open\n`), '--key', KEY], broken.io)).toBe(1);
    expect(broken.out.stderr).toContain('line 2: a quoted field is never closed. Nothing was imported.');
  });
});

describe('progress bar', () => {
  it('shows rows done, the total and the percent', () => {
    expect(renderProgress(0, 40_000)).toBe('[..............................] 0/40000 rows 0%');
    expect(renderProgress(12_000, 40_000)).toBe('[#########.....................] 12000/40000 rows 30%');
    expect(renderProgress(5, 0)).toBe('[##############################] 5/0 rows 100%');
  });
});
