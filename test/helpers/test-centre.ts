import { parseCentreConfig } from '../../server/config/load-config';
import type { CentreConfig, CentreConfigInput } from '../../server/config/centre-config';

/**
 * A small centre for tests. Passwords: "officer-pw" for o1, o2 and o3, "super-pw" for sup.
 * (Hashes made with npm run hash-password; scrypt N=16384.)
 */
export const OFFICER_PASSWORD = 'officer-pw';
export const SUPERVISOR_PASSWORD = 'super-pw';
const OFFICER_HASH = 'scrypt$16384$8$1$63mLJiItSptMJDPBtaXs+w==$k5IjVYSBWXZXcsS2+JcuWXoZrQJRG2sYpe0L8fIhIss=';
const SUPERVISOR_HASH = 'scrypt$16384$8$1$BBt4FwgPnAYtGM7oDq6VBw==$XSjU7iijzHdv7+UEzzVppCu9bNysCBXJUUOIgYCUURM=';

export function testCentreInput(): CentreConfigInput {
  return {
    centre: {
      name: { vi: 'Trung tâm thử nghiệm', en: 'Test centre' },
      level: 'commune',
      unitCode: '000.00.00.T01',
      timeZone: 'Asia/Ho_Chi_Minh',
    },
    services: [
      { id: 'ho-tich', name: { vi: 'Hộ tịch', en: 'Civil status' }, numbering: { kind: 'prefix', prefix: 'A', digits: 3 }, dailyLimit: 50 },
      { id: 'chung-thuc', name: { vi: 'Chứng thực', en: 'Certification' }, numbering: { kind: 'range', from: 1001, to: 1003 } },
      {
        id: 'dat-dai',
        name: { vi: 'Đất đai', en: 'Land' },
        numbering: { kind: 'prefix', prefix: 'C', digits: 3 },
        hours: [{ days: [1, 2, 3, 4, 5], from: '07:30', to: '11:30' }],
      },
      { id: 'tu-phap', name: { vi: 'Tư pháp', en: 'Justice' }, numbering: { kind: 'prefix', prefix: 'K', digits: 3 }, dailyLimit: 2 },
    ],
    counters: [
      { id: 'c1', number: 1, services: ['ho-tich', 'chung-thuc', 'tu-phap'] },
      { id: 'c2', number: 2, services: ['chung-thuc', 'ho-tich'] },
      { id: 'c3', number: 3, services: ['dat-dai'] },
    ],
    officers: [
      { id: 'o1', name: 'Nguyễn Thị Lan', role: 'officer', passwordHash: OFFICER_HASH },
      { id: 'o2', name: 'Trần Văn Minh', role: 'officer', passwordHash: OFFICER_HASH },
      { id: 'o3', name: 'Lê Thị Hồng', role: 'officer', passwordHash: OFFICER_HASH, counters: ['c3'] },
      { id: 'sup', name: 'Võ Thanh Hà', role: 'supervisor', passwordHash: SUPERVISOR_HASH },
    ],
    priorityGroups: [{ id: 'elderly', name: { vi: 'Người cao tuổi', en: 'Elderly' } }],
    ordering: { priority: 'interleave', interleave: { normal: 2, priority: 1 }, acrossServices: 'oldest-first' },
    // Tests take numbers as fast as a test can; the limits have tests of their own (trust.test.ts).
    security: { takeLimits: { perKiosk: UNLIMITED, perAddress: UNLIMITED, perIntegration: UNLIMITED } },
  };
}

const UNLIMITED = { burst: 1_000_000, perMinute: 10_000_000 };

export function testCentre(patch?: (input: CentreConfigInput) => void): CentreConfig {
  const input = testCentreInput();
  patch?.(input);
  return parseCentreConfig(input, 'test centre');
}

/** 2026-11-26 (a Thursday) at the given local time in Vietnam (UTC+7), as epoch ms. */
export function vnTime(hhmm: string, date = '2026-11-26'): number {
  return Date.parse(`${date}T${hhmm}:00+07:00`);
}
