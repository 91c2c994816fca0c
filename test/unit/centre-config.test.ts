import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEMO_CONFIG_PATH, loadCentreConfig, parseCentreConfig } from '../../server/config/load-config';
import { hashPassword, verifyPassword } from '../../server/config/passwords';
import { testCentreInput } from '../helpers/test-centre';

function problemsOf(patch: (c: ReturnType<typeof testCentreInput>) => void): string[] {
  const input = testCentreInput();
  patch(input);
  try {
    parseCentreConfig(input, 'x');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('centre configuration', () => {
  it('loads the demo centre: at least 8 fields, 4 counters, officers and a supervisor', () => {
    const config = loadCentreConfig(DEMO_CONFIG_PATH);
    expect(config.services.length).toBeGreaterThanOrEqual(8);
    expect(config.counters.length).toBeGreaterThanOrEqual(4);
    expect(config.services.map((s) => s.name.vi)).toEqual(
      expect.arrayContaining(['Hộ tịch', 'Chứng thực', 'Đất đai', 'Xây dựng', 'Đăng ký kinh doanh', 'Tư pháp']),
    );
    expect(config.officers.some((o) => o.role === 'supervisor')).toBe(true);
    expect(config.centre.timeZone).toBe('Asia/Ho_Chi_Minh');
  });

  it('defaults the time zone to Asia/Ho_Chi_Minh', () => {
    const input = testCentreInput();
    delete (input.centre as { timeZone?: string }).timeZone;
    expect(parseCentreConfig(input).centre.timeZone).toBe('Asia/Ho_Chi_Minh');
  });

  it.each([
    ['a bad time zone', (c: ReturnType<typeof testCentreInput>) => void (c.centre.timeZone = 'Mars/Base'), 'centre.timeZone: must be an IANA time zone'],
    ['a counter naming an unknown service', (c: ReturnType<typeof testCentreInput>) => void (c.counters[0]!.services = ['ho-tich', 'xyz']), 'counters[0].services[1]: names unknown service "xyz"'],
    ['two services with one prefix', (c: ReturnType<typeof testCentreInput>) => void ((c.services[2]!.numbering as { prefix: string }).prefix = 'A'), 'services[2].numbering.prefix: is also used by services[0]'],
    ['overlapping number ranges', (c: ReturnType<typeof testCentreInput>) => void (c.services[3]!.numbering = { kind: 'range', from: 1002, to: 1010 }), 'services[3].numbering: overlaps the range of services[1]'],
    ['a lower-case prefix', (c: ReturnType<typeof testCentreInput>) => void (c.services[0]!.numbering = { kind: 'prefix', prefix: 'a' }), 'services[0].numbering.prefix: must be one capital letter A-Z'],
    ['a plain-text password', (c: ReturnType<typeof testCentreInput>) => void (c.officers[0]!.passwordHash = 'secret'), 'officers[0].passwordHash: must be an scrypt hash'],
    ['opening hours the wrong way round', (c: ReturnType<typeof testCentreInput>) => void (c.services[2]!.hours = [{ days: [1], from: '11:00', to: '07:00' }]), 'services[2].hours[0].to: "from" must be before "to"'],
    ['a duplicate counter number', (c: ReturnType<typeof testCentreInput>) => void (c.counters[1]!.number = 1), 'counters[1].number: is used twice'],
    ['a service no counter serves', (c: ReturnType<typeof testCentreInput>) => void (c.counters[2]!.services = ['ho-tich']), 'services[2].id: is served by no counter'],
    ['an officer tied to an unknown counter', (c: ReturnType<typeof testCentreInput>) => void (c.officers[2]!.counters = ['c7']), 'officers[2].counters[0]: names unknown counter "c7"'],
  ])('names the bad field for %s', (_name, patch, expected) => {
    expect(problemsOf(patch).join('\n')).toContain(expected);
  });

  it('reports a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'luot-config-'));
    writeFileSync(join(dir, 'bad.json'), '{ "centre": ');
    expect(() => loadCentreConfig(join(dir, 'bad.json'))).toThrow(/is not valid JSON/);
    expect(() => loadCentreConfig(join(dir, 'missing.json'))).toThrow(/cannot be read: ENOENT/);
  });
});

describe('passwords', () => {
  it('are stored as scrypt hashes and verified', async () => {
    const hash = await hashPassword('Mật khẩu 123');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(hash).not.toContain('Mật khẩu');
    expect(await verifyPassword('Mật khẩu 123', hash)).toBe(true);
    expect(await verifyPassword('mật khẩu 123', hash)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });
});

describe('defaults', () => {
  it('are fresh objects for every configuration parsed (no shared mutable defaults)', () => {
    const a = parseCentreConfig(testCentreInput());
    const b = parseCentreConfig(testCentreInput());
    a.display.voice.repeat = 5;
    a.kiosks.push({ id: 'k9' });
    a.dossiers.calendar.holidays.push('2026-12-31');
    expect(b.display.voice.repeat).toBe(2);
    expect(b.kiosks).toEqual([]);
    expect(b.dossiers.calendar.holidays).toEqual([]);
  });
});
