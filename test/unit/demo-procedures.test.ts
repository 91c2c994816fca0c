import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_CONFIG_PATH, DEMO_PROCEDURES_PATH, loadCentreConfig } from '../../server/config/load-config';
import { codesByName, offeredProcedures } from '../../server/domain/procedure-offer';
import { procedureCatalog } from '../../server/protocol/procedure-catalog';

/**
 * The demo centre's catalog: real procedures (docs/procedures-demo-catalog.md), each with where
 * and when it was read, every one offered in one of the demo centre's services.
 */
describe('the demo centre\'s procedure catalog', () => {
  const catalog = procedureCatalog.parse(JSON.parse(readFileSync(DEMO_PROCEDURES_PATH, 'utf8')));
  const config = loadCentreConfig(DEMO_CONFIG_PATH);

  it('has at least 60 procedures with national codes, each with its source and the day it was read', () => {
    expect(catalog.procedures.length).toBeGreaterThanOrEqual(60);
    for (const p of catalog.procedures) {
      expect(p.code).toMatch(/^\d\.\d{6}$/);
      expect(p.source.url).toMatch(/^https:\/\//);
      expect(p.source.retrievedOn).toMatch(/^20\d\d-\d\d-\d\d$/);
    }
  });

  it('gives every procedure\'s numbers in a service of the demo centre, and every service has procedures', () => {
    const offered = offeredProcedures(catalog.procedures, config.procedures, config.services);
    expect(offered.filter((p) => p.serviceId === null).map((p) => `${p.code} ${p.field}`)).toEqual([]);
    const used = new Set(offered.map((p) => p.serviceId));
    expect(config.services.map((s) => s.id).filter((id) => !used.has(id))).toEqual([]);
  });
});

describe('a dossier\'s procedure, by its name', () => {
  it('is found in the catalog without marks, case or "Thủ tục" in front; a name of two procedures is none', () => {
    const codeOf = codesByName([
      { code: '1.001193', name: 'Thủ tục đăng ký khai sinh' },
      { code: '1.000894', name: 'Thủ tục đăng ký kết hôn' },
      { code: '9.000001', name: 'Cấp bản sao' },
      { code: '9.000002', name: 'Cấp bản sao' },
    ]);
    expect(codeOf('Đăng ký khai sinh')).toBe('1.001193');
    expect(codeOf('THỦ TỤC ĐĂNG KÝ KẾT HÔN.')).toBe('1.000894');
    expect(codeOf('Cấp bản sao')).toBeNull();
    expect(codeOf('Đăng ký khai tử')).toBeNull();
  });
});
