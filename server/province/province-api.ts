import { NO_BOOKING_CAPS, provinceSettings } from '../protocol/link-protocol';
import type { ProvinceSettingsStore } from './province-settings';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import { LoginThrottle } from '../app/login-throttle';
import { translate, type Lang, type MessageKey } from '../i18n';
import type { ErrorCode } from '../protocol/error-codes';
import {
  auditQuery,
  loginBody,
  MAX_PROVINCE_REPORT_DAYS,
  newAccountBody,
  newCentreBody,
  PROVINCE_SESSION_COOKIE,
  reportQuery,
  type AuditPage,
  type AuditRowView,
  type ProvinceRole,
  type RegistryCentreView,
  type SessionView,
} from '../protocol/province-protocol';
import { HTTP_STATUS } from '../transport/http-status';
import type { Logger } from '../logger';
import { audit, type CentreRegistry } from './centre-registry';
import type { Db } from './db/database';
import { actorOf, type ProvinceAccounts, type SignedIn } from './province-accounts';
import { overviewRows } from './province-overview';
import { reportCsv, reportXlsx, type ProvinceReports } from './province-reports';

/**
 * The province supervisor's HTTP API under /api/province/ (docs/province.md, "Province
 * supervisor"). Every request but the sign-in names its session (the HttpOnly cookie the sign-in
 * sets, or `Authorization: Bearer <token>`), and the session, the account and its role are read
 * from the database on every request: a disabled account or an ended session stops at once, on
 * every process. A centre supervisor reads their own centre only; only an admin changes the
 * registry or the accounts. Answers are `{ ok: true, data }` or `{ ok: false, error, message }`;
 * a refused request changes nothing.
 */
/** New settings for all centres: the whole of them (what is left out is cleared). */
const settingsBody = provinceSettings.omit({ version: true });

export interface ProvinceApiDeps {
  db: Db;
  accounts: ProvinceAccounts;
  registry: CentreRegistry;
  /** The province's settings for all its centres (days off, a notice). */
  settings: ProvinceSettingsStore;
  reports: ProvinceReports;
  /** Wrong passwords slowed down per user and address; in this process's memory (see the docs). */
  throttle: LoginThrottle;
  /** Ends the live screens of a session or of an account (on every process, through the adapter). */
  live: { endSession(sessionId: string): void; endAccount(accountId: string): void };
  log: Logger;
  clock: () => number;
}

type Who = SignedIn;

export function provinceApi(deps: ProvinceApiDeps): express.Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(express.json({ limit: '16kb' }));

  const fail = (req: Request, res: Response, code: ErrorCode, message?: string, retryAfterSeconds?: number) => {
    const text = message ?? translate(langOf(req), `error.${code}` as MessageKey, retryAfterSeconds ? { seconds: retryAfterSeconds } : undefined);
    res.status(HTTP_STATUS[code]).json(retryAfterSeconds ? { ok: false, error: code, message: text, retryAfterSeconds } : { ok: false, error: code, message: text });
  };
  const invalid = (req: Request, res: Response, error: z.ZodError) => {
    const issue = error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    fail(req, res, 'INVALID_PAYLOAD', `${translate(langOf(req), 'error.INVALID_PAYLOAD')}${field ? ` (${field})` : ''}`);
  };
  const ok = (res: Response, data: unknown) => res.json({ ok: true, data });

  /** The signed-in account, checked now; `roles`: who may (any role when absent). */
  const signedIn =
    (...roles: ProvinceRole[]) =>
    async (req: Request, res: Response, next: NextFunction) => {
      const bearer = /^Bearer (\S{1,300})$/.exec(req.get('Authorization') ?? '')?.[1];
      const token = bearer ?? cookieOf(req, PROVINCE_SESSION_COOKIE);
      // A cookie is sent by the browser whoever made the page: a change must come from our own page.
      if (!bearer && token && !SAFE_METHODS.has(req.method) && !sameOrigin(req)) return fail(req, res, 'ORIGIN_NOT_ALLOWED');
      const who = await deps.accounts.signedIn(token, deps.clock());
      if (!who.ok) return fail(req, res, who.error);
      if (roles.length > 0 && !roles.includes(who.data.account.role)) return fail(req, res, 'FORBIDDEN');
      res.locals.who = who.data;
      next();
    };
  const whoOf = (res: Response) => res.locals.who as Who;
  /** The centres an account may read: all (null), or its own. */
  const scopeOf = (who: Who): string[] | null => (who.account.role === 'centre-supervisor' ? [who.account.centreId!] : null);

  // --- session ------------------------------------------------------------------------------

  router.post('/session', async (req, res) => {
    const body = loginBody.safeParse(req.body);
    if (!body.success) return invalid(req, res, body.error);
    const user = body.data.user.trim().toLowerCase();
    const address = clientAddress(req);
    const wait = deps.throttle.retryAfterSeconds(user, address);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      return fail(req, res, 'RATE_LIMITED', undefined, wait);
    }
    const now = deps.clock();
    const account = await deps.accounts.check(user, body.data.password);
    if (!account) {
      deps.throttle.failed(user, address);
      await audit(deps.db, { at: now, actor: /^[a-z0-9][a-z0-9._-]{1,39}$/.test(user) ? `province:${user}` : 'province:?', action: 'session.login-failed', details: { address } });
      return fail(req, res, 'BAD_CREDENTIALS');
    }
    deps.throttle.succeeded(user, address);
    const session = await deps.accounts.openSession(account, address, now);
    res.cookie(PROVINCE_SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure || req.get('X-Forwarded-Proto') === 'https',
      path: '/',
      maxAge: session.expiresAt - now,
    });
    const view: SessionView & { token: string } = { account, expiresAt: session.expiresAt, serverNow: now, token: session.token };
    ok(res, view);
  });

  router.get('/session', signedIn(), (_req, res) => {
    const who = whoOf(res);
    const view: SessionView = { account: who.account, expiresAt: who.expiresAt, serverNow: deps.clock() };
    ok(res, view);
  });

  router.delete('/session', signedIn(), async (_req, res) => {
    const who = whoOf(res);
    await deps.accounts.closeSession(who, deps.clock());
    deps.live.endSession(who.sessionId);
    res.clearCookie(PROVINCE_SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
    ok(res, null);
  });

  // --- reading ------------------------------------------------------------------------------

  router.get('/overview', signedIn(), async (_req, res) => {
    const now = deps.clock();
    ok(res, { rows: await overviewRows(deps.db, now, scopeOf(whoOf(res))), serverNow: now });
  });

  router.get('/reports', signedIn(), async (req, res) => {
    const query = reportQuery.safeParse(req.query);
    if (!query.success) return invalid(req, res, query.error);
    const { from, to, groupBy, centre, format } = query.data;
    if (from > to || daysBetween(from, to) >= MAX_PROVINCE_REPORT_DAYS) return fail(req, res, 'INVALID_PAYLOAD', translate(langOf(req), 'province.report.badPeriod', { days: MAX_PROVINCE_REPORT_DAYS }));
    const scope = scopeOf(whoOf(res));
    if (scope && centre !== undefined && !scope.includes(centre)) return fail(req, res, 'FORBIDDEN');
    const report = await deps.reports.report({ from, to, groupBy, centres: centre !== undefined ? [centre] : scope });
    const lang = langOf(req);
    const name = `luot-tinh-${groupBy}-${from}-${to}`;
    if (format === 'csv') return void res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(reportCsv(report, lang));
    if (format === 'xlsx')
      return void res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(`${name}.xlsx`).send(await reportXlsx(report, lang));
    ok(res, report);
  });

  router.get('/audit', signedIn(), async (req, res) => {
    const query = auditQuery.safeParse(req.query);
    if (!query.success) return invalid(req, res, query.error);
    const { before, limit, centre, action } = query.data;
    const scope = scopeOf(whoOf(res));
    if (scope && centre !== undefined && !scope.includes(centre)) return fail(req, res, 'FORBIDDEN');
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (before !== undefined) add('id < ?', before);
    const centreFilter = centre ?? scope?.[0];
    if (centreFilter !== undefined) add('centre_id = ?', centreFilter);
    if (action !== undefined) add(action.endsWith('.') ? 'starts_with(action, ?)' : 'action = ?', action);
    params.push(limit + 1);
    const { rows } = await deps.db.query<{ id: number; at: number; actor: string; action: string; centre_id: string | null; details: Record<string, unknown> }>(
      `SELECT id, at, actor, action, centre_id, details FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    const entries: AuditRowView[] = rows.slice(0, limit).map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, centreId: r.centre_id, details: r.details }));
    const page: AuditPage = { entries, next: rows.length > limit ? entries.at(-1)!.id : null };
    ok(res, page);
  });

  // --- the registry (admins) ----------------------------------------------------------------

  router.get('/registry', signedIn('admin'), async (_req, res) => {
    const [centres, tokens] = await Promise.all([
      deps.registry.list(),
      deps.db.query<{ id: string; centre_id: string; issued_by: string; issued_at: number; revoked_at: number | null }>(
        'SELECT id, centre_id, issued_by, issued_at, revoked_at FROM centre_tokens ORDER BY issued_at DESC',
      ),
    ]);
    const view: RegistryCentreView[] = centres.map((c) => ({
      id: c.id,
      name: c.name,
      area: c.area,
      linked: c.profile !== null,
      createdAt: c.createdAt,
      tokens: tokens.rows.filter((t) => t.centre_id === c.id).map((t) => ({ id: t.id, issuedBy: t.issued_by, issuedAt: t.issued_at, revokedAt: t.revoked_at })),
    }));
    ok(res, view);
  });

  router.post('/registry/centres', signedIn('admin'), async (req, res) => {
    const body = newCentreBody.safeParse(req.body);
    if (!body.success) return invalid(req, res, body.error);
    const added = await deps.registry.add(body.data, actorOf(whoOf(res).account), deps.clock());
    if (!added.ok) return fail(req, res, added.error);
    ok(res, { id: body.data.id });
  });

  router.post('/registry/centres/:id/tokens', signedIn('admin'), async (req, res) => {
    const id = String(req.params.id);
    if (!/^[a-z0-9][a-z0-9-]{1,39}$/.test(id)) return fail(req, res, 'UNKNOWN_CENTRE');
    const issued = await deps.registry.issueToken(id, actorOf(whoOf(res).account), deps.clock());
    if (!issued.ok) return fail(req, res, issued.error);
    ok(res, { tokenId: issued.tokenId, token: issued.token });
  });

  router.post('/registry/tokens/:id/revoke', signedIn('admin'), async (req, res) => {
    const id = String(req.params.id);
    if (!/^[0-9a-f]{12}$/.test(id) || !(await deps.registry.revokeToken(id, actorOf(whoOf(res).account), deps.clock()))) return fail(req, res, 'UNKNOWN_TOKEN');
    ok(res, null);
  });

  // --- settings for all centres (read: anyone signed in; change: admins) ----------------------

  router.get('/settings', signedIn(), async (_req, res) => ok(res, (await deps.settings.get()) ?? { version: 0, holidays: [], workdays: [], notice: null, booking: NO_BOOKING_CAPS }));

  router.put('/settings', signedIn('admin'), async (req, res) => {
    const body = settingsBody.safeParse(req.body);
    if (!body.success) return invalid(req, res, body.error);
    ok(res, await deps.settings.set(body.data, actorOf(whoOf(res).account), deps.clock()));
  });

  // --- accounts (admins) --------------------------------------------------------------------

  router.get('/accounts', signedIn('admin'), async (_req, res) => ok(res, await deps.accounts.list()));

  router.post('/accounts', signedIn('admin'), async (req, res) => {
    const body = newAccountBody.safeParse(req.body);
    if (!body.success) return invalid(req, res, body.error);
    const added = await deps.accounts.add({ ...body.data, centreId: body.data.centreId ?? null }, actorOf(whoOf(res).account), deps.clock());
    if (!added.ok) return fail(req, res, added.error);
    ok(res, { id: body.data.id });
  });

  router.post('/accounts/:id/disable', signedIn('admin'), async (req, res) => {
    const id = String(req.params.id);
    const who = whoOf(res);
    if (id === who.account.id) return fail(req, res, 'FORBIDDEN', translate(langOf(req), 'province.accounts.notYourself'));
    const disabled = await deps.accounts.disable(id, actorOf(who.account), deps.clock());
    if (!disabled.ok) return fail(req, res, disabled.error);
    deps.live.endAccount(id);
    ok(res, { changed: disabled.changed });
  });

  // Bad JSON, a body too large, anything unexpected: a typed answer, never a stack trace.
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number })?.status;
    if (status === 400 || status === 413 || status === 415) return fail(req, res, 'INVALID_PAYLOAD');
    deps.log.error('province api: a request failed', { path: req.path, error: String(error) });
    fail(req, res, 'INTERNAL');
  });
  return router;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The screen's language: `?lang=`, else the browser's. */
export function langOf(req: { query?: unknown; get(name: string): string | undefined }): Lang {
  const asked = (req.query as { lang?: unknown } | undefined)?.lang;
  if (asked === 'en' || asked === 'vi') return asked;
  return /^en\b/i.test(req.get('Accept-Language') ?? '') ? 'en' : 'vi';
}

export function cookieOf(req: { get(name: string): string | undefined }, name: string): string | undefined {
  return cookieIn(req.get('Cookie'), name);
}

export function cookieIn(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The Origin of a browser's request is this server (a request without one is not a browser's page). */
function sameOrigin(req: Request): boolean {
  const origin = req.get('Origin');
  if (!origin) return true;
  try {
    return new URL(origin).host === req.get('Host');
  } catch {
    return false;
  }
}

/**
 * Who is asking, for the login throttle: the peer's address, or, when the peer is this machine
 * (nginx in front, docs/province.md), the address nginx appended to X-Forwarded-For. A client
 * that reaches the process directly cannot choose its address this way.
 */
export function clientAddress(req: Request): string {
  const peer = req.socket.remoteAddress ?? '';
  const loopback = peer === '127.0.0.1' || peer === '::1' || peer === '::ffff:127.0.0.1';
  const forwarded = req.get('X-Forwarded-For');
  if (loopback && forwarded) return forwarded.split(',').at(-1)!.trim().slice(0, 64) || peer;
  return peer;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
