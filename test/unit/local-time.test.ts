import { describe, expect, it } from 'vitest';
import { domainContext } from '../../server/app/local-time';

describe("the centre's local day", () => {
  it('changes at midnight in Vietnam, not at UTC midnight', () => {
    // 16:59 UTC is 23:59 in Hanoi; 17:00 UTC is 00:00 the next day.
    expect(domainContext(Date.parse('2026-11-26T16:59:00Z'), 'Asia/Ho_Chi_Minh')).toMatchObject({ day: '2026-11-26', minuteOfDay: 23 * 60 + 59, weekday: 4 });
    expect(domainContext(Date.parse('2026-11-26T17:00:00Z'), 'Asia/Ho_Chi_Minh')).toMatchObject({ day: '2026-11-27', minuteOfDay: 0, weekday: 5 });
    // A UTC-based reset would roll over at 07:00 local time, in the middle of the morning.
    expect(domainContext(Date.parse('2026-11-27T00:30:00Z'), 'Asia/Ho_Chi_Minh')).toMatchObject({ day: '2026-11-27', minuteOfDay: 7 * 60 + 30 });
  });

  it('follows the configured time zone', () => {
    expect(domainContext(Date.parse('2026-11-26T23:30:00Z'), 'Europe/Berlin')).toMatchObject({ day: '2026-11-27', minuteOfDay: 30 });
  });
});
