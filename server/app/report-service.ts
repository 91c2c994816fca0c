import type { ConfigSource } from '../config/centre-config';
import { bookedVersusWalkIn, bookingOutcomes, queueReport, type QueueReport, type ReportFigures, type ReportGrouping, type ReportTicket } from '../domain/queue-report';
import { addDays } from '../domain/working-calendar';
import { translate, type Lang } from '../i18n';
import type { QueueStore } from '../store/queue-store';
import { domainContext } from './local-time';
import type { QueueService } from './queue-service';
import { csvRecord } from '../tools/csv-cell';
import type { LabelledReport as ProtocolReport } from '../protocol/report-types';

export interface ReportRequest {
  from: string;
  to: string;
  groupBy: ReportGrouping;
}

export interface LabelledReport extends QueueReport, Omit<ProtocolReport, keyof QueueReport> {}

export const MAX_REPORT_DAYS = 366;

/**
 * Reports over days, weeks and months: the closed days come from their archives (read once and
 * kept, they never change), today from the live state.
 */
export class ReportService {
  private readonly archives = new Map<string, ReportTicket[]>();

  constructor(
    private readonly deps: {
      config: ConfigSource;
      queue: QueueService;
      store: QueueStore;
      clock: () => number;
      /** The period's bookings, as the supervisor's list has them (none without bookings). */
      bookings?: (from: string, to: string) => { status: string; cancelledBy: 'citizen' | 'centre' | null }[];
      /** The catalog's procedures, for their names in a report by procedure. */
      procedures?: () => readonly { code: string; name: string }[];
    },
  ) {}

  async report(request: ReportRequest): Promise<LabelledReport> {
    const tickets: ReportTicket[] = [];
    const today = this.deps.queue.day;
    let days = 0;
    for (let day = request.from; day <= request.to && days < MAX_REPORT_DAYS; day = addDays(day, 1)) {
      days += 1;
      if (day === today) tickets.push(...this.deps.queue.todayTickets().map(toReportTicket));
      else if (day < today) tickets.push(...(await this.archivedTickets(day)));
    }
    const tz = this.deps.config.current.centre.timeZone;
    const report = queueReport(tickets, request.groupBy, (ms) => Math.floor(domainContext(ms, tz).minuteOfDay / 60));
    const booked = this.deps.bookings?.(request.from, request.to) ?? [];
    const split = bookedVersusWalkIn(tickets);
    const bookings = booked.length > 0 || split.bookedTickets > 0 ? { ...split, ...bookingOutcomes(booked) } : null;
    return { ...request, ...report, days, bookings, labels: this.labels(request.groupBy) };
  }

  csv(report: LabelledReport, lang: Lang): string {
    const rows = [this.header(report.groupBy, lang), ...[...report.rows, report.total].map((r) => this.cells(r, report, lang)), ...this.bookingLines(report, lang)];
    // A byte order mark, so spreadsheet programs read the Vietnamese letters right. Text cells that
    // would start a formula (names come from people) get an apostrophe: see csv-cell.ts.
    return '\uFEFF' + rows.map((r) => csvRecord(r)).join('\r\n') + '\r\n';
  }

  async xlsx(report: LabelledReport, lang: Lang): Promise<Buffer> {
    // Loaded here, not at the top: exceljs takes a third of a second to load, for this export only.
    const { Workbook } = (await import('exceljs')).default;
    const book = new Workbook();
    book.creator = 'Lượt';
    const sheet = book.addWorksheet(translate(lang, 'report.sheet'));
    // Only plain strings and numbers go into cells: exceljs writes a string as a string (shared
    // string, never a formula, whatever it starts with), and only an object ({ formula }, rich text,
    // hyperlink) would be anything else. No apostrophe here: Excel would show it as part of the
    // name. Text cells get the Text format, so editing one in Excel keeps "=..." text.
    const addRow = (cells: (string | number | null)[]) => {
      const row = sheet.addRow(cells.map(plainCell));
      row.eachCell((cell) => {
        if (typeof cell.value === 'string') cell.numFmt = '@';
      });
      return row;
    };
    addRow([`${translate(lang, 'report.period')}: ${report.from} – ${report.to}`]);
    addRow(this.header(report.groupBy, lang)).font = { bold: true };
    for (const row of report.rows) addRow(this.cells(row, report, lang));
    addRow(this.cells(report.total, report, lang)).font = { bold: true };
    for (const line of this.bookingLines(report, lang)) addRow(line);
    sheet.columns.forEach((column, i) => (column.width = i === 0 ? 32 : 14));
    const hours = book.addWorksheet(translate(lang, 'report.hoursSheet'));
    hours.addRow([translate(lang, 'report.hour'), translate(lang, 'report.tickets')]).font = { bold: true };
    report.busiestHours.forEach((n, hour) => hours.addRow([`${String(hour).padStart(2, '0')}:00`, n]));
    return Buffer.from(await book.xlsx.writeBuffer());
  }

  /** The booking figures under the table: a blank line, then one figure per line. */
  private bookingLines(report: LabelledReport, lang: Lang): (string | number | null)[][] {
    const b = report.bookings;
    if (!b) return [];
    const line = (key: Parameters<typeof translate>[1], value: number | null): (string | number | null)[] => [translate(lang, key), value];
    return [
      [],
      [translate(lang, 'report.bookings')],
      line('report.bookedTickets', b.bookedTickets),
      line('report.walkInTickets', b.walkInTickets),
      line('report.bookingsExpected', b.expected),
      line('report.bookingsCheckedIn', b.checkedIn),
      line('report.bookingsNoShows', b.noShows),
      line('report.bookingsCancelledByCitizen', b.cancelledByCitizen),
      line('report.bookingsCancelledByCentre', b.cancelledByCentre),
      line('report.checkInRate', b.checkInRate),
      line('report.noShowRate', b.noShowRate),
      line('report.bookedWaitAverage', b.bookedWaitAverageMinutes),
      line('report.bookedWaitP90', b.bookedWaitP90Minutes),
      line('report.walkInWaitAverage', b.walkInWaitAverageMinutes),
      line('report.walkInWaitP90', b.walkInWaitP90Minutes),
    ];
  }

  private header(groupBy: ReportGrouping, lang: Lang): string[] {
    return [
      translate(lang, `report.by.${groupBy}`),
      translate(lang, groupBy === 'service' || groupBy === 'procedure' ? 'report.taken' : 'report.called'),
      translate(lang, 'report.served'),
      translate(lang, 'report.noShows'),
      translate(lang, 'report.transfers'),
      translate(lang, 'report.cancelled'),
      translate(lang, 'report.waitAverage'),
      translate(lang, 'report.waitP90'),
      translate(lang, 'report.serviceAverage'),
      translate(lang, 'report.serviceP90'),
      translate(lang, 'report.estimateError'),
      translate(lang, 'report.veryGood'),
      translate(lang, 'report.good'),
      translate(lang, 'report.poor'),
    ];
  }

  private cells(r: ReportFigures, report: LabelledReport, lang: Lang): (string | number | null)[] {
    const label = r.key === 'total' ? translate(lang, 'report.total') : (this.labels(report.groupBy, lang)[r.key] ?? r.key);
    return [
      label,
      r.tickets,
      r.served,
      r.noShows,
      r.transfers,
      r.cancelled,
      r.waitAverageMinutes,
      r.waitP90Minutes,
      r.serviceAverageMinutes,
      r.serviceP90Minutes,
      r.estimateErrorMinutes,
      r.ratings.veryGood,
      r.ratings.good,
      r.ratings.poor,
    ];
  }

  private labels(groupBy: ReportGrouping, lang: Lang = 'vi'): Record<string, string> {
    const config = this.deps.config.current;
    if (groupBy === 'service') return Object.fromEntries(config.services.map((s) => [s.id, s.name[lang]]));
    if (groupBy === 'counter')
      return Object.fromEntries(config.counters.map((c) => [c.id, translate(lang, 'report.counterN', { number: c.number })]));
    if (groupBy === 'procedure') return Object.fromEntries((this.deps.procedures?.() ?? []).map((p) => [p.code, `${p.code} ${p.name}`]));
    return Object.fromEntries(config.officers.map((o) => [o.id, o.name]));
  }

  private async archivedTickets(day: string): Promise<ReportTicket[]> {
    const cached = this.archives.get(day);
    if (cached) return cached;
    const archive = await this.deps.store.readArchivedDay(day);
    const tickets = (archive?.tickets ?? []).map((t) => toReportTicket(t as ReportTicket));
    this.archives.set(day, tickets);
    return tickets;
  }
}

/** A cell value exceljs can only write as a plain string or number (or an empty cell). */
function plainCell(value: string | number | null): string | number | null {
  if (value === null || typeof value === 'number') return value;
  return String(value);
}

function toReportTicket(t: ReportTicket): ReportTicket {
  return {
    serviceId: t.serviceId,
    counterId: t.counterId,
    officerId: t.officerId,
    status: t.status,
    takenAt: t.takenAt,
    calledAt: t.calledAt,
    servingAt: t.servingAt,
    finishedAt: t.finishedAt,
    transfers: t.transfers,
    estimatedWaitMinutes: t.estimatedWaitMinutes ?? null,
    rating: t.rating ? { level: t.rating.level } : null,
    booking: t.booking ? { slotStart: t.booking.slotStart, policy: t.booking.policy } : null,
    procedureCode: t.procedureCode ?? null,
  };
}
