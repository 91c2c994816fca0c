import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { procedureCatalog, type Procedure } from '../../server/protocol/procedure-catalog';
import {
  ABBREVIATIONS,
  PHRASE_ABBREVIATIONS,
  buildProcedureIndex,
  editDistanceWithin,
  foldForSearch,
  searchProcedures,
} from '../../server/domain/procedure-search';
import { withSyntheticProcedures } from '../bench/synthetic-procedures';

const ROOT = join(import.meta.dirname, '..', '..');

/** A procedure with only what the search reads filled in. */
function procedure(code: string, name: string, field: string, documents: string[] = [], extra: Partial<Procedure> = {}): Procedure {
  return {
    code,
    name,
    nameEn: null,
    field,
    levels: ['commune'],
    ways: ['in-person'],
    time: { text: 'Trong ngày', amount: null, unit: 'same-day' },
    fees: [],
    documents: documents.map((d) => ({ name: d, originals: 1, copies: 0, form: null, note: null })),
    steps: [],
    conditions: [],
    result: 'Kết quả',
    legalBasis: [],
    portalUrl: null,
    source: { url: 'https://csdl.dichvucong.gov.vn/', retrievedOn: '2026-12-01', note: null },
    ...extra,
  };
}

/** A small hand-made catalog: real names, with well-formed codes that are not always their real ones. */
const SMALL = [
  procedure('1.001193', 'Đăng ký khai sinh', 'Hộ tịch', ['Tờ khai đăng ký khai sinh', 'Giấy chứng sinh']),
  procedure('1.000894', 'Đăng ký kết hôn', 'Hộ tịch', ['Tờ khai đăng ký kết hôn']),
  procedure('1.000656', 'Đăng ký khai tử', 'Hộ tịch', ['Giấy báo tử']),
  procedure('1.004873', 'Cấp bản sao Trích lục hộ tịch', 'Hộ tịch'),
  procedure('2.000635', 'Đăng ký khai sinh có yếu tố nước ngoài', 'Hộ tịch'),
  procedure('1.004884', 'Đăng ký lại khai sinh', 'Hộ tịch'),
  procedure('1.000689', 'Xác nhận tình trạng hôn nhân', 'Hộ tịch'),
  procedure('2.000815', 'Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp', 'Chứng thực'),
  procedure('2.000884', 'Chứng thực chữ ký trong các giấy tờ, văn bản', 'Chứng thực'),
  procedure('2.000720', 'Đăng ký thành lập hộ kinh doanh', 'Đăng ký kinh doanh', ['Giấy đề nghị đăng ký hộ kinh doanh', 'Bản sao CCCD của chủ hộ']),
  procedure('2.000575', 'Đăng ký thay đổi nội dung đăng ký hộ kinh doanh', 'Đăng ký kinh doanh'),
  procedure('1.012345', 'Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu', 'Đất đai'),
  procedure('1.009974', 'Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ', 'Xây dựng'),
  procedure('1.010820', 'Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi', 'Bảo hiểm y tế'),
  procedure('2.001157', 'Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam', 'Lý lịch tư pháp', [], { nameEn: 'Criminal record certificate' }),
  procedure('1.004194', 'Đăng ký thường trú', 'Cư trú', ['Tờ khai thay đổi thông tin cư trú', 'Văn bản đồng ý của UBND xã']),
];
const small = buildProcedureIndex(SMALL);
const codes = (query: string, limit = 3) => searchProcedures(small, query, { limit }).map((h) => h.code);
const first = (query: string) => codes(query, 1)[0];

describe('folding', () => {
  it('drops marks, đ, case and punctuation', () => {
    expect(foldForSearch('Đăng ký KẾT HÔN')).toBe('dang ky ket hon');
    expect(foldForSearch('Chứng thực bản sao, từ bản chính (giấy tờ)!')).toBe('chung thuc ban sao tu ban chinh giay to');
    expect(foldForSearch('ưởng ợ ữ Ỷ đĐ')).toBe('uong o u y dd');
  });

  it('treats NFC and NFD input alike', () => {
    const nfd = 'Đăng ký kết hôn'.normalize('NFD');
    expect(nfd).not.toBe('Đăng ký kết hôn');
    expect(foldForSearch(nfd)).toBe('dang ky ket hon');
    expect(codes(nfd)).toEqual(codes('Đăng ký kết hôn'));
  });

  it('finds the same with, without marks, and in capitals', () => {
    for (const q of ['đăng ký kết hôn', 'dang ky ket hon', 'DANG KY KET HON', 'Đăng Ký Kết Hôn']) expect(first(q)).toBe('1.000894');
    for (const q of ['khai sinh', 'khai sinh', 'KHAI SINH']) expect(first(q)).toBe('1.001193');
  });

  it('spells "ký" and "kí" alike', () => {
    expect(first('dang ki ket hon')).toBe('1.000894');
    expect(first('đăng kí thường trú')).toBe('1.004194');
  });

  it('ranks a little higher the words whose marks were typed as the name has them', () => {
    const index = buildProcedureIndex([procedure('1.000001', 'Cấp giấy phép bán lẻ', 'Công thương'), procedure('1.000002', 'Cấp giấy phép bàn giao', 'Công thương')]);
    const top = (q: string) => searchProcedures(index, q, { limit: 1 })[0]!.code;
    expect(top('bán')).toBe('1.000001');
    expect(top('bàn')).toBe('1.000002');
    expect(searchProcedures(index, 'ban', { limit: 2 })).toHaveLength(2);
  });
});

describe('abbreviations', () => {
  it.each([
    ['đkkd', '2.000720'],
    ['dkkd thay doi', '2.000575'],
    ['hkd', '2.000720'],
    ['gcn qsdđ', '1.012345'],
    ['gcn qsdd', '1.012345'],
    ['sổ đỏ', '1.012345'],
    ['so do', '1.012345'],
    ['sđ', '1.012345'],
    ['gpxd', '1.009974'],
    ['bhyt tre em', '1.010820'],
    ['xn tthn', '1.000689'],
    ['lltp', '2.001157'],
    ['dk ks', '1.001193'],
    ['đk kết hôn', '1.000894'],
    ['dk kt', '1.000656'],
  ])('%s', (query, code) => {
    expect(first(query)).toBe(code);
  });

  it('expands them in the procedures too (a document that says UBND is found by "ủy ban")', () => {
    expect(codes('uy ban nhan dan')).toContain('1.004194');
    expect(codes('ubnd')).toContain('1.004194');
  });

  it('keeps every key clear of Vietnamese words: no key is a syllable', () => {
    const syllable = /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$/;
    for (const key of Object.keys(ABBREVIATIONS)) expect(key, key).not.toMatch(syllable);
    for (const key of Object.keys(PHRASE_ABBREVIATIONS)) expect(key.split(' ')).toHaveLength(2);
  });

  it('leaves "sd" alone (sử dụng? số điện thoại?)', () => {
    expect(codes('sd')).toEqual([]);
  });
});

describe('typos', () => {
  it('finds within one edit on words of 4+ letters', () => {
    expect(first('kahi sinh')).toBe('1.001193'); // swapped
    expect(first('khai sinnh')).toBe('1.001193'); // extra
    expect(first('dang ky thuong tr')).toBe('1.004194'); // the last word still being typed
    expect(first('chung thuk ban sao')).toBe('2.000815'); // wrong key
    expect(first('dang ky thuon tru')).toBe('1.004194'); // missing
  });

  it('allows two edits on words of 8+ letters', () => {
    const index = buildProcedureIndex([
      procedure('1.000001', 'Cấp giấy phép khai thác khoáng sản', 'Khoáng sản', [], { nameEn: 'Mineral exploitation licence' }),
      procedure('1.000002', 'Cấp giấy phép lái xe', 'Giao thông', [], { nameEn: 'Driving licence' }),
    ]);
    expect(searchProcedures(index, 'explotaton ', { limit: 1 })[0]?.code).toBe('1.000001');
    expect(searchProcedures(index, 'explotatn ', { limit: 1 })).toEqual([]);
    expect(searchProcedures(index, 'licnse ', { limit: 1 })).toEqual([]);
  });

  it('does not guess on short words', () => {
    const index = buildProcedureIndex([procedure('1.000001', 'Đăng ký kết hôn', 'Hộ tịch')]);
    expect(searchProcedures(index, 'hom ', { limit: 3 })).toEqual([]);
  });

  it('splits words typed without their space', () => {
    expect(first('khaisinh')).toBe('1.001193');
    expect(first('dangky ket hon')).toBe('1.000894');
    expect(first('ket honn')).toBe('1.000894');
  });

  it('measures the Damerau distance', () => {
    expect(editDistanceWithin('khai', 'khai', 1)).toBe(0);
    expect(editDistanceWithin('kahi', 'khai', 1)).toBe(1);
    expect(editDistanceWithin('khai', 'khia', 1)).toBe(1);
    expect(editDistanceWithin('khai', 'kha', 1)).toBe(1);
    expect(editDistanceWithin('khai', 'kxyz', 1)).toBe(2);
    expect(editDistanceWithin('chungthuc', 'chungthucc', 2)).toBe(1);
    expect(editDistanceWithin('a', 'abcdef', 2)).toBe(3);
  });
});

describe('as you type', () => {
  it('matches the last word as a prefix', () => {
    expect(first('khai si')).toBe('1.001193');
    expect(first('dang ky ket h')).toBe('1.000894');
    expect(first('chung thuc ban s')).toBe('2.000815');
    expect(codes('khai s')).toEqual(expect.arrayContaining(['1.001193']));
  });

  it('does not take a finished word as a prefix', () => {
    // "ho " (with its space) is the word "hộ"/"hồ", not the start of "hôn".
    const index = buildProcedureIndex([procedure('1.000001', 'Đăng ký kết hôn', 'Khác'), procedure('1.000002', 'Cấp hộ chiếu', 'Khác')]);
    expect(searchProcedures(index, 'ho ').map((h) => h.code)).toEqual(['1.000002']);
    expect(searchProcedures(index, 'ho').map((h) => h.code)).toEqual(['1.000002', '1.000001']);
  });

  it('narrows as the visitor types, keeping the right procedure at the top', () => {
    const typed = 'dang ky ket hon';
    for (let i = 'dang ky k'.length; i <= typed.length; i++) expect(codes(typed.slice(0, i), 3), typed.slice(0, i)).toContain('1.000894');
  });
});

describe('codes', () => {
  it('finds a procedure by its code, whole or by its digits', () => {
    expect(codes('1.001193', 1)).toEqual(['1.001193']);
    expect(codes('001193', 1)).toEqual(['1.001193']);
    expect(codes('1001193', 1)).toEqual(['1.001193']);
    expect(codes('mã 2.000815', 1)).toEqual(['2.000815']);
  });

  it('finds codes by their first digits while they are typed', () => {
    expect(codes('0011', 5).sort()).toEqual(['1.001193', '2.001157']);
    expect(codes('2.0008', 5).sort()).toEqual(['2.000815', '2.000884']);
  });

  it('puts the code before words', () => {
    expect(first('khai sinh 1.000894')).toBe('1.000894');
  });
});

describe('ranking', () => {
  it('puts the plain procedure before its longer variants', () => {
    expect(codes('khai sinh')).toEqual(['1.001193', '1.004884', '2.000635']);
    expect(first('dang ky khai sinh')).toBe('1.001193');
    expect(first('khai sinh nuoc ngoai')).toBe('2.000635');
    expect(first('dang ky lai khai sinh')).toBe('1.004884');
  });

  it('weighs the name over the field and the field over the documents', () => {
    const index = buildProcedureIndex([
      procedure('1.000003', 'Cấp giấy xác nhận', 'Hộ tịch', ['Bản sao sổ đăng ký thuế']),
      procedure('1.000002', 'Cấp giấy phép', 'Thuế'),
      procedure('1.000001', 'Đăng ký thuế', 'Khác'),
    ]);
    expect(searchProcedures(index, 'thue', { limit: 3 }).map((h) => h.code)).toEqual(['1.000001', '1.000002', '1.000003']);
  });

  it('ranks more of the query matched higher, and adjacent words higher', () => {
    expect(first('dang ky thay doi ho kinh doanh')).toBe('2.000575');
    const index = buildProcedureIndex([
      procedure('1.000001', 'Xác nhận việc sinh hoạt của người khai', 'Khác'),
      procedure('1.000002', 'Đăng ký khai sinh cho người', 'Khác'),
    ]);
    expect(searchProcedures(index, 'khai sinh', { limit: 1 })[0]!.code).toBe('1.000002');
  });

  it('breaks ties by the catalog order, stably', () => {
    const index = buildProcedureIndex([procedure('1.000003', 'Cấp giấy phép A', 'Khác'), procedure('1.000001', 'Cấp giấy phép B', 'Khác'), procedure('1.000002', 'Cấp giấy phép C', 'Khác')]);
    expect(searchProcedures(index, 'giay phep', { limit: 3 }).map((h) => h.code)).toEqual(['1.000003', '1.000001', '1.000002']);
  });

  it('finds by the English name too', () => {
    expect(first('criminal record')).toBe('2.001157');
  });

  it('honours the limit', () => {
    expect(searchProcedures(small, 'dang ky', { limit: 2 })).toHaveLength(2);
    expect(searchProcedures(small, 'dang ky', { limit: 0 })).toEqual([]);
    expect(searchProcedures(small, 'dang ky').length).toBeLessThanOrEqual(10);
  });
});

describe('empty and garbage input', () => {
  it.each([
    ['empty', ''],
    ['spaces', '    '],
    ['punctuation', '.,;:!?()[]{}-_/\\'],
    ['emoji', '😀🎉👍🏽🇻🇳'.repeat(100)],
    ['a long word', 'x'.repeat(500)],
    ['control characters', '\u0000\u0001\u200b\ufeff'],
    ['combining marks alone', '\u0301\u0300\u0303'.repeat(50)],
    ['lone surrogates', '\ud800\udfff\ud83d'],
    ['CJK', '出生登记'],
  ])('never throws and finds nothing meaningful on %s', (_, query) => {
    expect(() => searchProcedures(small, query)).not.toThrow();
    expect(searchProcedures(small, query)).toEqual([]);
  });

  it('survives long mixed input and an empty catalog', () => {
    const long = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? '😀' : i % 3 === 1 ? 'khai' : 'sinh')).join(' ');
    expect(() => searchProcedures(small, long)).not.toThrow();
    expect(searchProcedures(buildProcedureIndex([]), 'khai sinh')).toEqual([]);
    expect(searchProcedures(small, 'x'.repeat(100_000) + ' khai sinh')).toEqual([]);
  });
});

// ------------------------------------------------------------------ the fixed query set

interface FixedQuery {
  q: string;
  expect: string[];
  kind: 'diacritics' | 'plain' | 'abbreviation' | 'typo' | 'prefix' | 'code';
}

const readJson = (...path: string[]) => JSON.parse(readFileSync(join(ROOT, ...path), 'utf8')) as unknown;

describe('the fixed query set over the demo catalog', () => {
  const load = () => ({
    catalog: procedureCatalog.parse(readJson('server', 'config', 'demo-procedures.json')),
    queries: readJson('test', 'fixtures', 'procedure-queries.json') as FixedQuery[],
  });

  it('is at least 110 queries of every kind, each expecting procedures of the catalog', () => {
    const { catalog, queries } = load();
    const known = new Set(catalog.procedures.map((p) => p.code));
    expect(queries.length).toBeGreaterThanOrEqual(110);
    const kinds = new Set(queries.map((q) => q.kind));
    for (const kind of ['diacritics', 'plain', 'abbreviation', 'typo', 'prefix', 'code']) expect(kinds, kind).toContain(kind);
    for (const q of queries) {
      expect(q.expect.length, q.q).toBeGreaterThan(0);
      for (const code of q.expect) expect(known, `${q.q}: ${code}`).toContain(code);
    }
    expect(new Set(queries.map((q) => q.q)).size).toBe(queries.length);
  });

  /** Recall at 3 over a catalog, with the misses printed. */
  function recallAt3(procedures: Procedure[], queries: FixedQuery[], label: string): number {
    const index = buildProcedureIndex(procedures);
    const names = new Map(procedures.map((p) => [p.code, p.name]));
    const misses: string[] = [];
    for (const q of queries) {
      const top = searchProcedures(index, q.q, { limit: 3 }).map((h) => h.code);
      if (!top.some((c) => q.expect.includes(c)))
        misses.push(`  ${JSON.stringify(q.q)} (${q.kind}): expected ${q.expect.join(' ')}; got ${top.map((c) => `${c} ${names.get(c)?.slice(0, 50)}`).join(' | ') || 'nothing'}`);
    }
    const recall = (queries.length - misses.length) / queries.length;
    console.log(`procedure search, ${label}: recall@3 ${recall.toFixed(3)} over ${queries.length} queries, ${procedures.length} procedures; misses:\n${misses.join('\n') || '  none'}`);
    return recall;
  }

  it('finds an expected procedure in the top 3 for at least 95% of them', () => {
    const { catalog, queries } = load();
    expect(recallAt3(catalog.procedures, queries, 'the demo catalog')).toBeGreaterThanOrEqual(0.95);
  });

  it('still does among 2,000 procedures (the demo ones and synthetic look-alikes, as the benchmark)', () => {
    const { catalog, queries } = load();
    const procedures = withSyntheticProcedures(catalog.procedures, 2_000);
    expect(procedures).toHaveLength(2_000);
    expect(recallAt3(procedures, queries, '2,000 procedures')).toBeGreaterThanOrEqual(0.95);
  });
});
