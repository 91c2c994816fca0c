import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CentreConfigInput } from '../../server/config/centre-config';
import { domainContext, localMidnightOf } from '../../server/app/local-time';
import type { Dossier, DossierStatus } from '../../server/domain/dossier-register';
import type { Ticket } from '../../server/domain/queue-state';
import type { ArchivedDay, JournalRecord } from '../../server/store/queue-store';
import { testCentreInput, OFFICER_PASSWORD } from '../helpers/test-centre';

/**
 * Data for the benchmark: a centre without daily limits or opening hours (the benchmark takes
 * thousands of numbers at any time of day), and data folders written in the hub's own formats
 * (server/store/queue-store.ts, server/store/dossier-store.ts) before the hub starts.
 */

export const TZ = 'Asia/Ho_Chi_Minh';
export const OFFICER = { username: 'o1', password: OFFICER_PASSWORD };
export const OFFICER_2 = { username: 'o2', password: OFFICER_PASSWORD };
/** The service every benchmark ticket is taken for (prefix A, served at counter c1). */
export const SERVICE = 'ho-tich';
export const COUNTER = 'c1';

export function benchCentre(): CentreConfigInput {
  const input = testCentreInput();
  input.services = input.services.map((s) => {
    const { dailyLimit: _limit, hours: _hours, ...rest } = s;
    return rest.numbering.kind === 'range' ? { ...rest, numbering: { kind: 'prefix', prefix: 'B', digits: 3 } } : rest;
  });
  return input;
}

export function todayInCentre(now = Date.now()): string {
  return domainContext(now, TZ).day;
}

// ---------------------------------------------------------------- the day's journal

interface DayPlan {
  day: string;
  /** Tickets already taken today. */
  tickets: number;
  /**
   * 'served': a normal day, every ticket was called and finished at counter c1 except the last
   * `stillWaiting` (the queue is short, the day is long). 'waiting': nobody was called, every ticket
   * still waits (the worst case for anything that walks the queue).
   */
  scenario: 'served' | 'waiting';
  stillWaiting?: number;
  now?: number;
}

/**
 * Writes journal/<day>.jsonl as the hub writes it: one JSON record per line, keys in the order of
 * journalRecordSchema (the hub re-serialises what it reads and rewrites the file if it differs).
 */
export function writeDayJournal(dataDir: string, plan: DayPlan): { records: number; bytes: number } {
  const now = plan.now ?? Date.now();
  const dayStart = localMidnightOf(plan.day, TZ);
  const span = Math.max(1, now - 1_000 - dayStart);
  const atOf = (i: number) => dayStart + Math.floor((i * span) / (plan.tickets + 2));
  const lines: string[] = [];
  let seq = 0;
  const push = (record: JournalRecord) => lines.push(JSON.stringify(record));
  const officerId = OFFICER.username;
  push({ seq: ++seq, at: atOf(0), key: `officer:${officerId}:bench-open`, events: [{ type: 'counter-opened', counterId: COUNTER, officerId, at: atOf(0) }] });
  const keep = plan.scenario === 'served' ? Math.min(plan.tickets, plan.stillWaiting ?? 20) : plan.tickets;
  let waiting = 0;
  let current: number | null = null;
  for (let i = 1; i <= plan.tickets; i++) {
    const at = atOf(i);
    const ticketId = `${plan.day}-${SERVICE}-${i}`;
    const number = `A${String(i).padStart(3, '0')}`;
    push({
      seq: ++seq,
      at,
      key: `public:bench-prefill-${i}`,
      events: [
        { type: 'ticket-taken', ticketId, at, serviceId: SERVICE, index: i, number, priorityGroup: null, source: 'kiosk', estimatedWaitMinutes: waiting * 8 },
      ],
      issued: { ticketId, number, serviceId: SERVICE, priorityGroup: null, peopleAhead: waiting, estimatedWaitMinutes: waiting * 8, takenAt: at, day: plan.day },
    });
    waiting += 1;
    if (plan.scenario === 'served' && i > keep) {
      const call = i - keep;
      const events: JournalRecord['events'] = [];
      if (current !== null) events.push({ type: 'ticket-done', ticketId: `${plan.day}-${SERVICE}-${current}`, at });
      events.push({ type: 'ticket-called', ticketId: `${plan.day}-${SERVICE}-${call}`, at, counterId: COUNTER, officerId, outOfOrder: false });
      push({ seq: ++seq, at, key: `officer:${officerId}:bench-call-${call}`, events });
      current = call;
      waiting -= 1;
    }
  }
  const text = lines.join('\n') + '\n';
  mkdirSync(join(dataDir, 'journal'), { recursive: true });
  writeFileSync(join(dataDir, 'journal', `${plan.day}.jsonl`), text);
  return { records: lines.length, bytes: Buffer.byteLength(text) };
}

// ---------------------------------------------------------------- a year of history

/** A deterministic pseudo-random sequence, so every run writes the same year. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Đức', 'Thanh', 'Hữu', 'Quốc'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dũng', 'Hà', 'Hùng', 'Lan', 'Linh', 'Mai', 'Nam', 'Phúc', 'Quân', 'Trang', 'Tuấn', 'Yến'];
const PROCEDURES = [
  ['Đăng ký khai sinh', 'Hộ tịch'],
  ['Chứng thực bản sao từ bản chính', 'Chứng thực'],
  ['Cấp giấy chứng nhận quyền sử dụng đất', 'Đất đai'],
  ['Đăng ký thường trú', 'Cư trú'],
  ['Cấp giấy phép xây dựng', 'Xây dựng'],
] as const;

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
function weekday(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

export interface YearPlan {
  archivedDays: number;
  archivedTickets: number;
  todayTickets: number;
  dossiers: number;
}

/**
 * A year of one centre: `archivedDays` working days archived in days/YYYY-MM-DD.json (the archive
 * format of queue-store.ts), today's journal, and the dossier register snapshot
 * dossiers/register.json ({ seq, dossiers }) as dossier-store.ts reads it.
 */
export function writeYear(dataDir: string, plan: YearPlan, now = Date.now()): { archiveBytes: number; registerBytes: number; journalBytes: number } {
  const random = rng(2026);
  const today = todayInCentre(now);
  mkdirSync(join(dataDir, 'days'), { recursive: true });
  const days: string[] = [];
  for (let d = addDays(today, -1); days.length < plan.archivedDays; d = addDays(d, -1)) if (weekday(d) <= 5) days.push(d);
  days.reverse();
  const services = ['ho-tich', 'chung-thuc', 'dat-dai', 'tu-phap'];
  const prefixes: Record<string, string> = { 'ho-tich': 'A', 'chung-thuc': 'B', 'dat-dai': 'C', 'tu-phap': 'K' };
  let archiveBytes = 0;
  let left = plan.archivedTickets;
  days.forEach((day, dayIndex) => {
    const count = Math.round(left / (days.length - dayIndex));
    left -= count;
    const open = localMidnightOf(day, TZ) + 7.5 * 3_600_000;
    const issued: Record<string, number> = {};
    const tickets: Ticket[] = [];
    for (let i = 0; i < count; i++) {
      const serviceId = services[Math.floor(random() * services.length)]!;
      const index = (issued[serviceId] = (issued[serviceId] ?? 0) + 1);
      const takenAt = open + Math.floor((i / count) * 9 * 3_600_000);
      const calledAt = takenAt + Math.floor(random() * 30 * 60_000);
      const servingAt = calledAt + 30_000;
      const finishedAt = servingAt + Math.floor((3 + random() * 12) * 60_000);
      const noShow = random() < 0.04;
      tickets.push({
        id: `${day}-${serviceId}-${index}`,
        number: `${prefixes[serviceId]}${String(index).padStart(3, '0')}`,
        serviceId,
        priorityGroup: random() < 0.1 ? 'elderly' : null,
        status: noShow ? 'no-show' : 'done',
        source: 'kiosk',
        booking: null,
        takenAt,
        queuedAt: takenAt,
        targetCounterId: null,
        counterId: 'c1',
        officerId: 'o1',
        calledAt,
        servingAt: noShow ? null : servingAt,
        finishedAt,
        recalls: 0,
        postponements: 0,
        transfers: 0,
        estimatedWaitMinutes: Math.floor(random() * 40),
        rating: !noShow && random() < 0.3 ? { level: 3, reason: null } : null,
        carriedFrom: null,
        cancelReason: null,
      });
    }
    const archive: ArchivedDay = { day, lastSeq: count * 2, tickets, records: count * 2 };
    const text = JSON.stringify(archive);
    archiveBytes += text.length;
    writeFileSync(join(dataDir, 'days', `${day}.json`), text);
  });

  const journal = writeDayJournal(dataDir, { day: today, tickets: plan.todayTickets, scenario: 'served', stillWaiting: 12, now });

  // The register: dossiers received over the last year, ~15 calendar days to handle each.
  const dossiers: Dossier[] = [];
  const first = now - 365 * 86_400_000;
  for (let i = 0; i < plan.dossiers; i++) {
    const receivedAt = first + Math.floor((i / plan.dossiers) * 364 * 86_400_000) + Math.floor(random() * 3_600_000);
    const dueAt = receivedAt + (5 + Math.floor(random() * 15)) * 86_400_000;
    const [procedure, field] = PROCEDURES[Math.floor(random() * PROCEDURES.length)]!;
    const r = random();
    let status: DossierStatus;
    let finishedAt: number | null = null;
    const history = [{ at: receivedAt, status: 2 as DossierStatus, note: null }];
    if (dueAt + 10 * 86_400_000 < now) {
      // 2% of last year's dossiers never finished: they count as overdue on the results board.
      status = r < 0.88 ? 10 : r < 0.93 ? 9 : r < 0.98 ? ([3, 7, 8] as const)[Math.floor(random() * 3)]! : 4;
    } else {
      status = r < 0.6 ? 4 : r < 0.7 ? 2 : r < 0.8 ? 5 : 9;
    }
    if (status === 9 || status === 10) {
      finishedAt = Math.min(now - 60_000, receivedAt + Math.floor((0.5 + random() * 0.7) * (dueAt - receivedAt)));
      history.push({ at: receivedAt + 3_600_000, status: 4, note: null });
      history.push({ at: finishedAt, status: 9, note: null });
      if (status === 10) history.push({ at: finishedAt + 86_400_000, status: 10, note: null });
    } else if (status !== 2) history.push({ at: receivedAt + 3_600_000, status, note: null });
    const day = new Date(receivedAt).toISOString().slice(2, 10).replaceAll('-', '');
    dossiers.push({
      code: `000.00.15.H29-${day}-${String(i % 10_000).padStart(4, '0')}`,
      lookupKey: Math.floor(random() * 36 ** 6).toString(36).toUpperCase().padStart(6, '0'),
      procedure,
      field,
      applicant: {
        name: `${FAMILY[Math.floor(random() * FAMILY.length)]} ${MIDDLE[Math.floor(random() * MIDDLE.length)]} ${GIVEN[Math.floor(random() * GIVEN.length)]}`,
        phone: `09${String(Math.floor(random() * 1e8)).padStart(8, '0')}`,
        email: null,
        lang: 'vi',
      },
      receivedAt,
      dueAt,
      status,
      delivery: random() < 0.8 ? 'centre' : 'post',
      collectAt: 'Quầy 1',
      finishedAt,
      history,
      updatedAt: history[history.length - 1]!.at,
    });
  }
  mkdirSync(join(dataDir, 'dossiers'), { recursive: true });
  const register = JSON.stringify({ seq: plan.dossiers, dossiers });
  writeFileSync(join(dataDir, 'dossiers', 'register.json'), register);
  return { archiveBytes, registerBytes: register.length, journalBytes: journal.bytes };
}
