import express, { type Request, type Response } from 'express';
import { commandFingerprint } from '../app/idempotency';
import { normalizeBookingCode, normalizePhone } from '../domain/booking';
import type { Lang } from '../i18n';
import {
  bookingAccessSchema,
  bookingCancelSchema,
  bookingConfirmSchema,
  bookingHoldSchema,
  bookingMoveSchema,
  bookingResendSchema,
} from '../protocol/booking-protocol';
import type { CentreProfile } from '../protocol/centre-profile';
import type { PortalCentreView } from '../protocol/portal-protocol';
import type { ErrorCode } from '../protocol/error-codes';
import { sendBookingRefusal, sendInvalid } from '../transport/booking-routes';
import type { CentreInbox } from './centre-inbox';
import type { CentreRegistry } from './centre-registry';
import type { PortalBookings, PortalResult } from './portal-bookings';
import type { PortalLimits } from './portal-limits';
import type { ProvinceSettingsStore } from './province-settings';

/**
 * The citizens' portal's REST API (docs/province.md, "The citizens' portal"), public, no account:
 *
 * - GET /api/portal/centres: every centre with what waits there now (numbers only);
 * - /api/portal/centres/:centreId/booking/...: the hub's booking API (docs/protocol.md section 13)
 *   with the same bodies and answers, for that centre: options, days, holds, code, confirm,
 *   lookup, cancel, move.
 *
 * Holds are limited per phone and per address, wrong code-and-phone pairs slowed down per address
 * and per code, with the counts in PostgreSQL (every process counts together).
 */

/** A centre's live state older than this is not shown as live (hubs send one at least every 30 s). */
export const LIVE_FRESH_MS = 75_000;

export function portalRoutes(deps: {
  registry: CentreRegistry;
  inbox: CentreInbox;
  bookings: PortalBookings;
  limits: PortalLimits;
  settings: ProvinceSettingsStore;
  clock: () => number;
}): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));

  let cached: { at: number; views: PortalCentreView[] } | null = null;
  const centres = async (): Promise<PortalCentreView[]> => {
    const now = deps.clock();
    // Read at most once a second per process: a busy portal is many phones asking the same thing.
    if (cached && performance.now() - cached.at < 1_000) return cached.views;
    const [rows, states] = await Promise.all([deps.registry.list(), deps.inbox.states()]);
    const views = rows.map((c): PortalCentreView => {
      const live = states.get(c.id);
      const fresh = live && now - live.receivedAt < LIVE_FRESH_MS ? live.state : null;
      return {
        id: c.id,
        name: c.name,
        area: c.area,
        linked: c.profile !== null,
        bookable: Boolean(c.profile?.booking.enabled && c.profile.booking.services.length > 0),
        services: c.profile?.services.map((s) => ({ id: s.id, name: s.name })) ?? [],
        live: fresh && {
          at: fresh.at,
          waiting: fresh.services.reduce((n, s) => n + s.waiting, 0),
          openCounters: fresh.counters.open,
          closing: fresh.closing,
          services: fresh.services.map((s) => ({ id: s.id, waiting: s.waiting, estimatedWaitMinutes: s.estimatedWaitMinutes, availability: s.availability })),
        },
      };
    });
    cached = { at: performance.now(), views };
    return views;
  };

  // The province's notice for all its centres (its settings), for the portal's page.
  router.get('/notice', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ ok: true, data: (await deps.settings.get())?.notice ?? null });
  });

  router.get('/centres', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ ok: true, data: await centres() });
  });
  router.get('/centres/:centreId', async (req, res) => {
    const centre = (await centres()).find((c) => c.id === req.params.centreId);
    if (!centre) return send(res, { ok: false, error: 'UNKNOWN_CENTRE' }, langOf(req));
    res.setHeader('Cache-Control', 'no-store');
    res.json({ ok: true, data: centre });
  });

  /**
   * A centre's profile, read at most once a second per process for holds (a rush is many holds
   * for one centre; a profile changes when its hub says hello). The hold's transaction reads the
   * rules it decides by again, under its locks.
   */
  const profiles = new Map<string, { at: number; profile: CentreProfile | null }>();
  const profileOf = async (centreId: string): Promise<CentreProfile | null> => {
    const known = profiles.get(centreId);
    if (known && performance.now() - known.at < 1_000) return known.profile;
    const profile = (await deps.registry.get(centreId))?.profile ?? null;
    if (profiles.size > 10_000) profiles.clear();
    profiles.set(centreId, { at: performance.now(), profile });
    return profile;
  };

  const booking = express.Router({ mergeParams: true });
  router.use('/centres/:centreId/booking', booking);
  const centreOf = (req: Request) => String((req.params as { centreId?: string }).centreId ?? '');
  const address = (req: Request) => req.ip ?? req.socket.remoteAddress ?? '';

  booking.get('/options', async (req, res) => {
    const result = await deps.bookings.options(centreOf(req));
    if (!result.ok) return send(res, result, langOf(req));
    res.setHeader('Cache-Control', 'no-store');
    res.json(result.data);
  });

  booking.get('/days', async (req, res) => {
    const serviceId = typeof req.query.serviceId === 'string' ? req.query.serviceId : '';
    if (!serviceId || serviceId.length > 40) return send(res, { ok: false, error: 'INVALID_PAYLOAD' }, langOf(req));
    const days = await deps.bookings.days(centreOf(req), serviceId, deps.clock());
    if (!days.ok) return send(res, days, langOf(req));
    res.setHeader('Cache-Control', 'no-store');
    res.json({ serviceId, days: days.data });
  });

  booking.post('/holds', async (req, res) => {
    const lang = langOf(req);
    const parsed = bookingHoldSchema.safeParse(req.body);
    if (!parsed.success) return sendInvalid(res, lang, parsed.error);
    const phone = normalizePhone(parsed.data.phone);
    if (!phone) return sendInvalid(res, lang, { issues: [{ path: ['phone'], message: 'not a Vietnamese mobile number' }] });
    const centreId = centreOf(req);
    // The centre's profile read once for the request (its limits, then its rules).
    const profile = await profileOf(centreId);
    if (!profile) return send(res, { ok: false, error: 'UNKNOWN_CENTRE' }, lang);
    const { perPhone, perAddress } = profile.booking.limits;
    const allowed = await deps.limits.take(
      [
        { key: `hold-phone:${phone}`, rate: perPhone },
        { key: `hold-address:${address(req)}`, rate: perAddress },
      ],
      deps.clock(),
    );
    if (!allowed.ok) return send(res, { ok: false, error: 'RATE_LIMITED', details: { retryAfterSeconds: allowed.retryAfterSeconds } }, lang);
    const result = await deps.bookings.hold(centreId, parsed.data, commandFingerprint('booking:hold', parsed.data), deps.clock(), profile);
    if (!result.ok) return send(res, result, lang);
    res.status(201).json(result.data);
  });

  booking.post('/holds/:holdId/code', async (req, res) => {
    const lang = langOf(req);
    const parsed = bookingResendSchema.safeParse({ holdId: (req.params as { holdId?: string }).holdId, ...(req.body?.lang ? { lang: req.body.lang } : {}) });
    if (!parsed.success) return sendInvalid(res, lang, parsed.error);
    const result = await deps.bookings.resendCode(centreOf(req), parsed.data.holdId, deps.clock());
    if (!result.ok) return send(res, result, lang);
    res.json(result.data);
  });

  booking.post('/confirm', async (req, res) => {
    const lang = langOf(req);
    const parsed = bookingConfirmSchema.safeParse(req.body);
    if (!parsed.success) return sendInvalid(res, lang, parsed.error);
    const result = await deps.bookings.confirm(centreOf(req), parsed.data, commandFingerprint('booking:confirm', parsed.data), deps.clock());
    if (!result.ok) return send(res, result, lang);
    res.status(201).json(result.data);
  });

  // Code and phone in the body, never the address (addresses end up in logs and histories).
  const guarded =
    <T extends { code: string; phone: string }>(
      schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } },
      act: (centreId: string, body: T) => Promise<PortalResult<unknown>>,
    ) =>
    async (req: Request, res: Response) => {
      const lang = langOf(req);
      const parsed = schema.safeParse(req.body);
      if (!parsed.success) return sendInvalid(res, lang, parsed.error);
      const now = deps.clock();
      const keys = [`access-address:${address(req)}`, `access-code:${normalizeBookingCode(parsed.data.code) ?? parsed.data.code}`];
      const wait = await deps.limits.guessWait(keys, now);
      if (wait > 0) return send(res, { ok: false, error: 'RATE_LIMITED', details: { retryAfterSeconds: wait } }, lang);
      const result = await act(centreOf(req), parsed.data);
      if (!result.ok && result.error === 'BOOKING_NOT_FOUND') await deps.limits.guessFailed(keys, now);
      if (!result.ok) return send(res, result, lang);
      res.setHeader('Cache-Control', 'no-store');
      res.json(result.data);
    };

  booking.post(
    '/lookup',
    guarded(bookingAccessSchema, async (centreId, body) => {
      const view = await deps.bookings.lookup(centreId, body.code, body.phone, deps.clock());
      return view ? { ok: true, data: view } : { ok: false, error: 'BOOKING_NOT_FOUND' };
    }),
  );
  booking.post(
    '/cancel',
    guarded(bookingCancelSchema, (centreId, body) => deps.bookings.cancel(centreId, body, commandFingerprint('booking:cancel', body), deps.clock())),
  );
  booking.post(
    '/move',
    guarded(bookingMoveSchema, (centreId, body) => deps.bookings.move(centreId, body, commandFingerprint('booking:move', body), deps.clock())),
  );

  // A body that is not JSON, or too big: a typed answer, not Express's page.
  router.use((error: unknown, req: Request, res: Response, next: (e?: unknown) => void) => {
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed' || type === 'entity.too.large') return send(res, { ok: false, error: 'INVALID_PAYLOAD' }, langOf(req));
    next(error);
  });
  return router;
}

function langOf(req: Request): Lang {
  const asked = (req.query.lang ?? (req.body as { lang?: unknown } | undefined)?.lang) as unknown;
  if (asked === 'en' || asked === 'vi') return asked;
  return /^en\b/i.test(req.get('Accept-Language') ?? '') ? 'en' : 'vi';
}

/** Times in refusals: the portal's centres are all in Vietnam. */
const TIME_ZONE = 'Asia/Ho_Chi_Minh';

function send(res: Response, result: { ok: false; error: ErrorCode; details?: Record<string, unknown> }, lang: Lang): void {
  sendBookingRefusal(res, result, lang, TIME_ZONE);
}
