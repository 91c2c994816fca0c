import express, { type Request, type Response } from 'express';
import type { BookingResult, BookingService } from '../app/booking-service';
import type { GuessThrottle } from '../app/guess-throttle';
import { commandFingerprint } from '../app/idempotency';
import type { OfficerAuth } from '../app/officer-auth';
import type { TakeLimiter } from '../app/take-limiter';
import type { ConfigSource } from '../config/centre-config';
import { normalizeBookingCode, normalizePhone } from '../domain/booking';
import { localPartsIn } from '../domain/local-parts';
import { translate, type Lang } from '../i18n';
import {
  bookingAccessSchema,
  bookingCancelSchema,
  bookingConfirmSchema,
  bookingHoldSchema,
  bookingMoveSchema,
  bookingResendSchema,
  type BookingStaffRow,
} from '../protocol/booking-protocol';
import type { ErrorCode } from '../protocol/error-codes';
import type { AckError } from '../protocol/views';
import { csvCell } from '../tools/csv-cell';
import { HTTP_STATUS } from './http-status';

/**
 * The booking page's REST API (docs/protocol.md section 9): no account; a booking is reached with
 * its code and phone number only, and a wrong pair never says which half was wrong. Holds are
 * limited per phone and per address, wrong codes slowed down per address and per booking code.
 */
export interface BookingRouteDeps {
  bookings: BookingService;
  config: ConfigSource;
  takeLimiter: TakeLimiter;
  /** Wrong code-and-phone pairs: per address and per booking code. */
  throttle: GuessThrottle;
  auth: OfficerAuth;
  requestLang: (req: Request) => Lang;
}

export function bookingRoutes(deps: BookingRouteDeps): express.Router {
  const router = express.Router();
  const { bookings } = deps;

  router.get('/options', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(bookings.options());
  });

  router.get('/days', (req, res) => {
    const lang = deps.requestLang(req);
    const serviceId = typeof req.query.serviceId === 'string' ? req.query.serviceId : '';
    if (!serviceId || serviceId.length > 40) return sendBookingError(res, { ok: false, error: 'INVALID_PAYLOAD' }, lang, deps);
    const days = bookings.days(serviceId);
    if (!days.ok) return sendBookingError(res, days, lang, deps);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ serviceId, days: days.data });
  });

  router.post('/holds', async (req, res) => {
    const lang = deps.requestLang(req);
    const parsed = bookingHoldSchema.safeParse(req.body);
    if (!parsed.success) return sendInvalid(res, lang, parsed.error);
    const phone = normalizePhone(parsed.data.phone);
    if (!phone) return sendInvalid(res, lang, { issues: [{ path: ['phone'], message: 'not a Vietnamese mobile number' }] });
    if (!bookings.answered(`booking:${parsed.data.commandId}`)) {
      const limits = deps.config.current.booking.limits;
      const allowed = deps.takeLimiter.take([
        { key: `booking-phone:${phone}`, limit: limits.perPhone },
        { key: `booking-address:${req.socket.remoteAddress ?? ''}`, limit: limits.perAddress },
      ]);
      if (!allowed.ok) return sendBookingError(res, { ok: false, error: 'RATE_LIMITED', details: { retryAfterSeconds: allowed.retryAfterSeconds } }, lang, deps);
    }
    const result = await bookings.hold(parsed.data, commandFingerprint('booking:hold', parsed.data));
    if (!result.ok) return sendBookingError(res, result, lang, deps);
    res.status(201).json(result.data);
  });

  router.post('/holds/:holdId/code', async (req, res) => {
    const lang = deps.requestLang(req);
    const parsed = bookingResendSchema.safeParse({ holdId: req.params.holdId, ...(req.body?.lang ? { lang: req.body.lang } : {}) });
    if (!parsed.success) return sendInvalid(res, lang, parsed.error);
    const result = await bookings.resendCode(parsed.data.holdId, lang);
    if (!result.ok) return sendBookingError(res, result, lang, deps);
    res.json(result.data);
  });

  router.post('/confirm', async (req, res) => {
    const lang = deps.requestLang(req);
    const parsed = bookingConfirmSchema.safeParse(req.body);
    if (!parsed.success) return sendInvalid(res, lang, parsed.error);
    const result = await bookings.confirm(parsed.data, commandFingerprint('booking:confirm', parsed.data));
    if (!result.ok) return sendBookingError(res, result, lang, deps);
    res.status(201).json(result.data);
  });

  // Code and phone in the body, not the address: addresses end up in logs and histories.
  const guarded =
    <T>(act: (body: T & { code: string; phone: string }, lang: Lang) => Promise<BookingResult<unknown>>, schema: { safeParse(v: unknown): { success: true; data: T & { code: string; phone: string } } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }) =>
    async (req: Request, res: Response) => {
      const lang = deps.requestLang(req);
      const parsed = schema.safeParse(req.body);
      if (!parsed.success) return sendInvalid(res, lang, parsed.error);
      const keys = [`booking-access:${req.socket.remoteAddress ?? ''}`, `booking-code:${normalizeBookingCode(parsed.data.code) ?? parsed.data.code}`];
      const wait = deps.throttle.retryAfterSeconds(keys);
      if (wait > 0) return sendBookingError(res, { ok: false, error: 'RATE_LIMITED', details: { retryAfterSeconds: wait } }, lang, deps);
      const result = await act(parsed.data, lang);
      if (!result.ok && result.error === 'BOOKING_NOT_FOUND') deps.throttle.failed(keys);
      if (!result.ok) return sendBookingError(res, result, lang, deps);
      res.setHeader('Cache-Control', 'no-store');
      res.json(result.data);
    };

  router.post(
    '/lookup',
    guarded(async (body) => {
      const view = bookings.lookup(body.code, body.phone);
      return view ? { ok: true, data: view } : { ok: false, error: 'BOOKING_NOT_FOUND' };
    }, bookingAccessSchema),
  );
  router.post('/cancel', guarded((body) => bookings.cancel(body as never, commandFingerprint('booking:cancel', body)), bookingCancelSchema));
  router.post('/move', guarded((body) => bookings.move(body as never, commandFingerprint('booking:move', body)), bookingMoveSchema));

  // The supervisor's export: bookings of a period as CSV or XLSX (session token, supervisors only).
  router.get('/export', async (req, res) => {
    const lang = deps.requestLang(req);
    const token = /^Bearer (\S{1,600})$/.exec(req.get('Authorization') ?? '')?.[1];
    const officer = deps.auth.officerFor(token);
    if (!officer.ok) return sendBookingError(res, { ok: false, error: officer.error }, lang, deps);
    if (officer.data.role !== 'supervisor') return sendBookingError(res, { ok: false, error: 'FORBIDDEN' }, lang, deps);
    const from = String(req.query.from ?? '');
    const to = String(req.query.to ?? '');
    const format = String(req.query.format ?? 'csv');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || !['csv', 'xlsx'].includes(format))
      return sendBookingError(res, { ok: false, error: 'INVALID_PAYLOAD' }, lang, deps);
    const rows = bookings.list(from, to);
    const table = exportTable(rows, lang, deps.config.current.centre.timeZone);
    const name = `luot-bookings-${from}-${to}`;
    if (format === 'csv') {
      const csv = '\ufeff' + table.map((r) => r.map((c) => csvCell(c)).join(',')).join('\r\n') + '\r\n';
      return void res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(csv);
    }
    const { Workbook } = (await import('exceljs')).default;
    const book = new Workbook();
    const sheet = book.addWorksheet(lang === 'vi' ? 'Lịch hẹn' : 'Bookings');
    table.forEach((r) => sheet.addRow(r));
    sheet.getRow(1).font = { bold: true };
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(`${name}.xlsx`);
    res.send(Buffer.from(await book.xlsx.writeBuffer()));
  });

  return router;
}

function exportTable(rows: BookingStaffRow[], lang: Lang, timeZone: string): string[][] {
  const head =
    lang === 'vi'
      ? ['Mã lịch hẹn', 'Ngày', 'Giờ', 'Lĩnh vực', 'Trạng thái', 'Họ tên', 'Số điện thoại', 'Thư điện tử', 'Người đặt', 'Đặt lúc', 'Xác nhận có mặt lúc', 'Số thứ tự']
      : ['Booking code', 'Day', 'Time', 'Field', 'Status', 'Name', 'Phone', 'E-mail', 'Booked by', 'Booked at', 'Checked in at', 'Ticket'];
  const when = (at: number | null) => {
    if (at === null) return '';
    const p = localPartsIn(at, timeZone);
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  };
  return [
    head,
    ...rows.map((r) => [
      r.code ?? '',
      r.day,
      r.time,
      r.serviceId,
      translate(lang, `booking.status.${r.status}`),
      r.name,
      r.phone,
      r.email ?? '',
      r.by === 'citizen' ? translate(lang, 'booking.by.citizen') : r.by.replace(/^officer:/, ''),
      when(r.createdAt),
      when(r.checkedInAt),
      r.ticketNumber ?? '',
    ]),
  ];
}

/** A booking refusal as the citizen should read it: times and dates in the centre's zone. */
export function bookingErrorBody(result: { error: ErrorCode; details?: Record<string, unknown> }, lang: Lang, timeZone: string): AckError {
  const d = result.details ?? {};
  const clock = (at: unknown) => {
    if (typeof at !== 'number') return '';
    const p = localPartsIn(at, timeZone);
    return `${p.hour}:${p.minute}`;
  };
  const date = (at: unknown) => {
    if (typeof at !== 'number') return '';
    const p = localPartsIn(at, timeZone);
    return `${p.day}/${p.month}/${p.year}`;
  };
  const params: Record<string, string | number> = {
    time: clock(d.opensAt),
    until: date(d.until),
    noShows: typeof d.noShows === 'number' ? d.noShows : 0,
    limit: typeof d.limit === 'number' ? d.limit : 0,
    number: typeof d.number === 'string' ? d.number : '',
    seconds: typeof d.retryAfterSeconds === 'number' ? d.retryAfterSeconds : 0,
    detail: '',
  };
  return {
    ok: false,
    error: result.error,
    message: translate(lang, `error.${result.error}`, params),
    ...(typeof d.retryAfterSeconds === 'number' ? { retryAfterSeconds: d.retryAfterSeconds } : {}),
    ...(result.details ? { details: result.details } : {}),
  };
}

function sendBookingError(res: Response, result: { ok: false; error: ErrorCode; details?: Record<string, unknown> }, lang: Lang, deps: BookingRouteDeps): void {
  sendBookingRefusal(res, result, lang, deps.config.current.centre.timeZone);
}

/** A refusal as the booking API sends it (the province's portal too): status, Retry-After, body. */
export function sendBookingRefusal(res: Response, result: { ok: false; error: ErrorCode; details?: Record<string, unknown> }, lang: Lang, timeZone: string): void {
  const body = bookingErrorBody(result, lang, timeZone);
  if (body.retryAfterSeconds) res.setHeader('Retry-After', String(body.retryAfterSeconds));
  const { ok: _ok, ...rest } = body;
  res.status(HTTP_STATUS[result.error]).json(rest);
}

export function sendInvalid(res: Response, lang: Lang, error: { issues: { path: PropertyKey[]; message: string }[] }): void {
  res.status(400).json({
    error: 'INVALID_PAYLOAD',
    message: translate(lang, 'error.INVALID_PAYLOAD'),
    issues: error.issues.map((i) => ({ field: i.path.map(String).join('.'), reason: i.message })),
  });
}
