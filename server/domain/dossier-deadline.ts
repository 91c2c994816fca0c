import { CLOSED_STATUSES, type Dossier } from './dossier-register';
import { workingDaysBetween, workingMsBetween, type WorkingCalendar } from './working-calendar';

/** Local calendar functions of the centre's time zone, given by the caller. */
export interface LocalCalendar {
  localDay(ms: number): string;
  localMidnight(day: string): number;
}

export type Timeliness =
  /** Result ready before the due day, on it, or after it. */
  | { kind: 'early' | 'on-time'; workingDaysLate: 0 }
  | { kind: 'late'; finished: boolean; workingDaysLate: number }
  /** Still being handled, with working time left until the due moment. */
  | { kind: 'in-time'; msLeft: number; workingDaysLeft: number }
  /** Not accepted, withdrawn or stopped: no deadline applies. */
  | { kind: 'closed' };

/**
 * Early / on time / late (Trước hạn / Đúng hạn / Quá hạn), counted in the centre's working days:
 * weekends and holidays (Tết) do not count.
 */
export function timeliness(dossier: Dossier, now: number, calendar: WorkingCalendar, local: LocalCalendar): Timeliness {
  if (CLOSED_STATUSES.includes(dossier.status)) return { kind: 'closed' };
  const dueDay = local.localDay(dossier.dueAt);
  if (dossier.finishedAt !== null) {
    const finishedDay = local.localDay(dossier.finishedAt);
    if (finishedDay < dueDay) return { kind: 'early', workingDaysLate: 0 };
    if (finishedDay === dueDay) return { kind: 'on-time', workingDaysLate: 0 };
    return { kind: 'late', finished: true, workingDaysLate: Math.max(1, workingDaysBetween(dueDay, finishedDay, calendar)) };
  }
  if (now <= dossier.dueAt) {
    return {
      kind: 'in-time',
      msLeft: workingMsBetween(now, dossier.dueAt, calendar, local.localDay, local.localMidnight),
      workingDaysLeft: workingDaysBetween(local.localDay(now), dueDay, calendar),
    };
  }
  return { kind: 'late', finished: false, workingDaysLate: Math.max(1, workingDaysBetween(dueDay, local.localDay(now), calendar)) };
}

/**
 * Only the kind of `timeliness` (no working-day arithmetic), for counting many dossiers at once: the
 * results board and the late check look at every dossier of a year.
 */
export function timelinessKind(dossier: Dossier, now: number, localDay: (ms: number) => string): Timeliness['kind'] {
  if (CLOSED_STATUSES.includes(dossier.status)) return 'closed';
  if (dossier.finishedAt !== null) {
    const dueDay = localDay(dossier.dueAt);
    const finishedDay = localDay(dossier.finishedAt);
    return finishedDay < dueDay ? 'early' : finishedDay === dueDay ? 'on-time' : 'late';
  }
  return now <= dossier.dueAt ? 'in-time' : 'late';
}
