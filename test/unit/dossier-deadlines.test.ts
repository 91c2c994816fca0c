import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDayOf, localMidnightOf } from '../../server/app/local-time';
import { timeliness, timelinessKind } from '../../server/domain/dossier-deadline';
import { applyDossierChange, decideStatus, decideUpsert, maskName, type Dossier, type DossierInput } from '../../server/domain/dossier-register';
import { addWorkingDays, isWorkingDay, workingDaysBetween, workingMsBetween, type WorkingCalendar } from '../../server/domain/working-calendar';

const TZ = 'Asia/Ho_Chi_Minh';
// Tết Bính Ngọ 2026: the Lunar New Year is Tuesday 17 February; offices close 14-22 February.
const calendar: WorkingCalendar = {
  weekend: [6, 7],
  holidays: new Set(['2026-01-01', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-04-30', '2026-05-01']),
  workdays: new Set(['2026-01-03']),
};
const local = { localDay: (ms: number) => localDayOf(ms, TZ), localMidnight: (day: string) => localMidnightOf(day, TZ) };
const vn = (s: string) => Date.parse(`${s}+07:00`);
const HOUR = 3_600_000;

describe('working days', () => {
  it.each([
    ['2026-11-26', true], // Thursday
    ['2026-11-28', false], // Saturday
    ['2026-11-29', false], // Sunday
    ['2026-01-01', false], // New Year's Day
    ['2026-01-03', true], // a Saturday worked to make up for a bridge
    ['2026-02-17', false], // Tết
  ])('%s is a working day: %s', (day, expected) => {
    expect(isWorkingDay(day, calendar)).toBe(expected);
  });

  it('adds working days across a weekend and across Tết', () => {
    expect(addWorkingDays('2026-11-26', 3, calendar)).toBe('2026-12-01'); // Thu + 3 = Tue
    expect(addWorkingDays('2026-02-12', 3, calendar)).toBe('2026-02-24'); // Thu 12 + Fri 13, Mon 23, Tue 24
    expect(addWorkingDays('2026-02-14', 0, calendar)).toBe('2026-02-23'); // the first working day on or after
    expect(workingDaysBetween('2026-02-12', '2026-02-24', calendar)).toBe(3);
    expect(workingDaysBetween('2026-02-24', '2026-02-12', calendar)).toBe(-3);
  });

  it('counts working time between two instants in the centre zone, skipping weekends and holidays', () => {
    expect(workingMsBetween(vn('2026-11-27T08:00:00'), vn('2026-11-30T10:00:00'), calendar, local.localDay, local.localMidnight)).toBe(16 * HOUR + 10 * HOUR);
    expect(workingMsBetween(vn('2026-02-13T12:00:00'), vn('2026-02-23T12:00:00'), calendar, local.localDay, local.localMidnight)).toBe(24 * HOUR);
  });

  it("finds a local day's midnight in Vietnam", () => {
    expect(new Date(localMidnightOf('2026-11-27', TZ)).toISOString()).toBe('2026-11-26T17:00:00.000Z');
  });
});

function dossier(patch: Partial<Dossier> = {}): Dossier {
  return {
    code: '000.00.15.H29-261120-0001',
    lookupKey: 'K7Q2M9',
    procedure: 'Đăng ký khai sinh',
    field: 'Hộ tịch',
    applicant: { name: 'Nguyễn Văn An', phone: '0901234567', email: null, lang: 'vi' },
    receivedAt: vn('2026-02-12T09:00:00'),
    dueAt: vn('2026-02-24T17:00:00'),
    status: 4,
    delivery: 'centre',
    collectAt: 'Quầy 1',
    finishedAt: null,
    history: [],
    updatedAt: 0,
    ...patch,
  };
}

describe('early, on time, late', () => {
  it('a deadline across Tết: still in time during the holiday, with working time left', () => {
    const t = timeliness(dossier(), vn('2026-02-18T10:00:00'), calendar, local);
    expect(t).toEqual({ kind: 'in-time', msLeft: 24 * HOUR + 17 * HOUR, workingDaysLeft: 2 });
  });

  it('late the working day after the due moment, counted in working days', () => {
    expect(timeliness(dossier(), vn('2026-02-24T17:30:00'), calendar, local)).toEqual({ kind: 'late', finished: false, workingDaysLate: 1 });
    expect(timeliness(dossier(), vn('2026-03-02T08:00:00'), calendar, local)).toEqual({ kind: 'late', finished: false, workingDaysLate: 4 });
  });

  it('finished before the due day is early, on it on time, after it late', () => {
    expect(timeliness(dossier({ status: 9, finishedAt: vn('2026-02-23T10:00:00') }), vn('2026-03-01T00:00:00'), calendar, local).kind).toBe('early');
    expect(timeliness(dossier({ status: 9, finishedAt: vn('2026-02-24T16:00:00') }), vn('2026-03-01T00:00:00'), calendar, local).kind).toBe('on-time');
    expect(timeliness(dossier({ status: 10, finishedAt: vn('2026-02-26T08:00:00') }), vn('2026-03-01T00:00:00'), calendar, local)).toEqual({ kind: 'late', finished: true, workingDaysLate: 2 });
  });

  it('the kind alone, as the results board counts a year of dossiers, is always the full answer\'s kind', () => {
    const instant = fc.integer({ min: vn('2026-01-01T00:00:00'), max: vn('2026-12-31T23:59:59') });
    fc.assert(
      fc.property(
        instant,
        instant,
        fc.option(instant, { nil: null }),
        fc.constantFrom(...([1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const)),
        (now, dueAt, finishedAt, status) => {
          const d = dossier({ dueAt, finishedAt, status });
          expect(timelinessKind(d, now, local.localDay)).toBe(timeliness(d, now, calendar, local).kind);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('no deadline for dossiers not accepted, withdrawn or stopped', () => {
    for (const status of [3, 7, 8] as const) expect(timeliness(dossier({ status }), vn('2026-05-01T00:00:00'), calendar, local).kind).toBe('closed');
  });
});

describe('the register', () => {
  const pattern = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$/;
  const input: DossierInput = {
    code: '000.00.15.H29-261120-0001',
    lookupKey: 'k7q2m9',
    procedure: 'Đăng ký khai sinh',
    field: 'Hộ tịch',
    applicant: { name: 'Nguyễn Văn An', phone: '0901234567', email: null, lang: 'vi' },
    receivedAt: '2026-11-20T09:00:00+07:00',
    dueAt: '2026-11-25T17:00:00+07:00',
    status: 2,
    delivery: 'centre',
    collectAt: 'Quầy 1',
    note: null,
  };

  it('the same push twice is one change; a changed field is another', () => {
    const register = new Map<string, Dossier>();
    const first = decideUpsert(undefined, input, pattern, 1);
    expect(first.ok && first.change?.type).toBe('dossier-upserted');
    if (first.ok && first.change) applyDossierChange(register, first.change);
    expect(decideUpsert(register.get(input.code), input, pattern, 2)).toEqual({ ok: true, change: null });
    const moved = decideUpsert(register.get(input.code), { ...input, dueAt: '2026-11-27T17:00:00+07:00' }, pattern, 3);
    expect(moved.ok && moved.change !== null).toBe(true);
    expect(register.get(input.code)?.lookupKey).toBe('K7Q2M9');
  });

  it('keeps the history of statuses and when the result was ready', () => {
    const register = new Map<string, Dossier>();
    const first = decideUpsert(undefined, input, pattern, vn('2026-11-20T09:00:00'));
    if (first.ok && first.change) applyDossierChange(register, first.change);
    for (const [status, at] of [[4, '2026-11-21T08:00:00+07:00'], [9, '2026-11-24T15:00:00+07:00']] as const) {
      const change = decideStatus(register.get(input.code), { status, at, note: null });
      if (change.ok && change.change) applyDossierChange(register, change.change);
    }
    const again = decideStatus(register.get(input.code), { status: 9, at: '2026-11-24T15:00:00+07:00', note: null });
    expect(again).toEqual({ ok: true, change: null });
    const d = register.get(input.code)!;
    expect(d.history.map((h) => h.status)).toEqual([2, 4, 9]);
    expect(d.status).toBe(9);
    expect(d.finishedAt).toBe(vn('2026-11-24T15:00:00'));
  });

  it('refuses a malformed code, a due date before receipt, a status for an unknown dossier', () => {
    expect(decideUpsert(undefined, { ...input, code: 'HS-123' }, pattern, 1)).toEqual({ ok: false, error: 'INVALID_DOSSIER_CODE' });
    expect(decideUpsert(undefined, { ...input, dueAt: '2026-11-19T09:00:00+07:00' }, pattern, 1)).toEqual({ ok: false, error: 'DUE_BEFORE_RECEIVED' });
    expect(decideStatus(undefined, { status: 4, at: '2026-11-21T08:00:00+07:00', note: null })).toEqual({ ok: false, error: 'UNKNOWN_DOSSIER' });
  });

  it('masks names for public screens', () => {
    expect(maskName('Nguyễn Văn An')).toBe('Nguyễn V. A.');
    expect(maskName('  Lê   thị  Ánh Hồng ')).toBe('Lê T. Á. H.');
    expect(maskName('Đào')).toBe('Đ.');
  });
});
