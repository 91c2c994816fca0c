import fc from 'fast-check';
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

  it('agrees with Intl at every instant, in zones with summer time and with half and quarter hour offsets', () => {
    // The offset is cached per day, per minute on change days; these zones change it at :00, :30
    // (Lord Howe), :45 (Chatham) and, until 2011, a minute after midnight local time (St John's).
    const zones = ['Asia/Ho_Chi_Minh', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham'];
    const weekdays: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
    const formats = new Map(
      zones.map((zone) => [zone, new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short' })]),
    );
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2035, 0, 1) }), (zone, at) => {
        const parts: Record<string, string> = {};
        for (const p of formats.get(zone)!.formatToParts(new Date(at))) parts[p.type] = p.value;
        expect(domainContext(at, zone)).toEqual({
          now: at,
          day: `${parts.year}-${parts.month}-${parts.day}`,
          weekday: weekdays[parts.weekday!],
          minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
        });
      }),
      { numRuns: 10_000 },
    );
    // Around the moments the clocks change, minute by minute.
    for (const [zone, change] of [
      ['Europe/Berlin', '2026-03-29T01:00:00Z'],
      ['America/New_York', '2026-11-01T06:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
      // The counterexample fast-check found: St John's fell back at 00:01 local (02:31 UTC).
      ['America/St_Johns', '2002-10-27T02:31:00Z'],
    ] as const) {
      for (let at = Date.parse(change) - 3_600_000; at <= Date.parse(change) + 3_600_000; at += 60_000) {
        const hhmm = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(at));
        const ctx = domainContext(at, zone);
        expect(`${String(Math.floor(ctx.minuteOfDay / 60)).padStart(2, '0')}:${String(ctx.minuteOfDay % 60).padStart(2, '0')}`).toBe(hhmm);
      }
    }
  });
});
