import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { StartReport } from '../app/queue-service';
import type { QueueService } from '../app/queue-service';
import type { DossierService } from '../app/dossier-service';
import type { GuessThrottle } from '../app/guess-throttle';
import { statusChangeSchema } from '../domain/dossier-register';
import { dossierInputSchema } from '../domain/dossier-register';
import type { Credentials, ApiKeyScope } from '../app/credentials';
import type { TakeLimiter } from '../app/take-limiter';
import { commandFingerprint } from '../app/idempotency';
import type { CommandGate } from './socket-edge';
import type { OriginPolicy } from './origin-policy';
import type { OfficerAuth } from '../app/officer-auth';
import type { ReportService } from '../app/report-service';
import { reportRequestSchema } from '../protocol/commands';
import type { PublicView } from '../protocol/views';
import { translate, type Lang } from '../i18n';
import type { Logger } from '../logger';
import { PROJECT_ROOT } from '../project-root';
import { commandIdSchema } from '../protocol/commands';
import type { ErrorCode } from '../protocol/error-codes';
import { HTTP_STATUS } from './http-status';
import { noCacheForHtml, securityHeaders } from './page-headers';
import { sendNotFoundPage } from './not-found-page';
import { openApiDocument, restTakeBody } from './openapi';
import { sendError } from './http-errors';
import { procedureRoutes } from './procedure-routes';
import type { ProcedureService } from '../app/procedure-service';
import { bookingRoutes } from './booking-routes';
import type { BookingService } from '../app/booking-service';
import type { ConfigSource } from '../config/centre-config';
import type { Versioner } from './publisher';

/** Named from the project's folder: the same file whether the hub runs from server/ or dist/server/. */
const LANDING_PAGE = join(PROJECT_ROOT, 'server', 'transport', 'landing.html');

interface Deps {
  service: QueueService;
  log: Logger;
  versioned: Versioner;
  bootId: string;
  startedAt: number;
  startReport: StartReport;
  webRoot: string;
  /** Voice clips: human recordings dropped here replace the bundled placeholders. */
  clipDirs: string[];
  publicView: () => PublicView;
  dossiers: DossierService;
  credentials: Credentials;
  lookupThrottle: GuessThrottle;
  takeLimiter: TakeLimiter;
  origins: OriginPolicy;
  /** Closed while the hub stops: changes are refused with SHUTTING_DOWN (retry). */
  gate: CommandGate;
  auth: OfficerAuth;
  reports: ReportService;
  bookings: BookingService;
  procedures: ProcedureService;
  config: ConfigSource;
  clock: () => number;
  /** Wrong booking code-and-phone pairs (at most 5 free tries per code and per address). */
  bookingThrottle: GuessThrottle;
  /** A centre linked to its province: the portal's booking page for it (the hub's /book/ sends citizens there). */
  bookingPortal?: () => string | null;
}

const APPS = ['kiosk', 'display', 'counter'] as const;

/** The Express app: the REST API for other systems, and the three built screens. */
export function createHttpApp(deps: Deps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(securityHeaders);
  // A page on another site cannot use the hub, whatever it sends (see origin-policy.ts).
  app.use((req, res, next) => {
    if (deps.origins.allows(req.get('Origin'), req.get('Host'))) return next();
    sendError(res, 'ORIGIN_NOT_ALLOWED', requestLang(req));
  });
  // While the hub stops, nothing new is changed: a client retries once it is back.
  app.use((req, res, next) => {
    if (deps.gate.accepting || req.method === 'GET' || req.method === 'HEAD') return next();
    res.setHeader('Retry-After', '2');
    sendError(res, 'SHUTTING_DOWN', requestLang(req));
  });

  // Other systems' API: every call needs an API key the supervisor issued, for that use.
  const integration = (scope: ApiKeyScope) => (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('Authorization') ?? '';
    const key = /^Bearer (\S{1,200})$/.exec(header)?.[1] ?? req.get('X-Api-Key');
    const credential = key ? deps.credentials.credentialOf('apikey', key) : null;
    if (!credential) return sendError(res, 'NOT_LOGGED_IN', requestLang(req));
    if (!(credential.scopes ?? ['dossiers']).includes(scope)) return sendError(res, 'FORBIDDEN', requestLang(req));
    res.locals.integration = credential.ownerId;
    next();
  };

  // A bulk load is large; it gets its own body limit, before the small default one.
  app.post('/api/dossiers/import', integration('dossiers'), express.json({ limit: '64mb' }), async (req, res) => {
    const lang = requestLang(req);
    const rows: unknown = req.body?.dossiers;
    if (!Array.isArray(rows) || rows.length > 50_000) return sendError(res, 'INVALID_PAYLOAD', lang);
    const result = await deps.dossiers.importBatch(rows);
    if (!result.ok) {
      if (result.rejected.length === 0) return sendError(res, result.error, lang);
      return void res.status(422).json({ error: result.error, message: translate(lang, `error.${result.error}`), rejected: result.rejected });
    }
    deps.log.info('dossiers imported', { integration: res.locals.integration, ...result.data });
    res.json(result.data);
  });

  // The catalog's import reads its own body (a file of up to 10 MB), so it comes before the JSON parser.
  app.use('/api/procedures', procedureRoutes({ procedures: deps.procedures, auth: deps.auth, clock: deps.clock, requestLang }));
  app.use(express.json({ limit: '16kb' }));

  app.post('/api/dossiers', integration('dossiers'), async (req, res) => {
    const lang = requestLang(req);
    const input = dossierInputSchema.safeParse(req.body);
    if (!input.success) return sendInvalid(res, lang, input.error);
    const result = await deps.dossiers.upsert(input.data);
    if (!result.ok) return sendError(res, result.error, lang);
    res.json({ code: input.data.code, changed: result.data.changed });
  });

  app.post('/api/dossiers/:code/status', integration('dossiers'), async (req, res) => {
    const lang = requestLang(req);
    const input = statusChangeSchema.safeParse(req.body);
    if (!input.success) return sendInvalid(res, lang, input.error);
    const code = String(req.params.code);
    const result = await deps.dossiers.changeStatus(code, input.data);
    if (!result.ok) return sendError(res, result.error, lang);
    res.json({ code, changed: result.data.changed });
  });

  // Reports to download (CSV, XLSX) or read (JSON): supervisors, with their session token.
  app.get('/api/reports', async (req, res) => {
    const lang = requestLang(req);
    const token = /^Bearer (\S{1,600})$/.exec(req.get('Authorization') ?? '')?.[1];
    const officer = deps.auth.officerFor(token);
    if (!officer.ok) return sendError(res, officer.error, lang);
    if (officer.data.role !== 'supervisor') return sendError(res, 'FORBIDDEN', lang);
    const format = req.query.format ?? 'json';
    const parsed = reportRequestSchema.safeParse({ from: req.query.from, to: req.query.to, groupBy: req.query.groupBy ?? 'service' });
    if (!parsed.success || !['json', 'csv', 'xlsx'].includes(String(format))) return sendError(res, 'INVALID_PAYLOAD', lang);
    const report = await deps.reports.report(parsed.data);
    const name = `luot-${parsed.data.groupBy}-${parsed.data.from}-${parsed.data.to}`;
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(deps.reports.csv(report, lang));
    } else if (format === 'xlsx') {
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(`${name}.xlsx`);
      res.send(await deps.reports.xlsx(report, lang));
    } else res.json(report);
  });

  // A visitor's lookup (the phone page): code and key, wrong tries slowed down per address.
  app.get('/api/dossiers/lookup', (req, res) => {
    const lang = requestLang(req);
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    const key = typeof req.query.key === 'string' ? req.query.key : '';
    if (!code || !key || code.length > 60 || key.length > 20) return sendError(res, 'INVALID_PAYLOAD', lang);
    const throttleKey = [`lookup:${req.socket.remoteAddress ?? ''}:${code.trim().toUpperCase()}`];
    const wait = deps.lookupThrottle.retryAfterSeconds(throttleKey);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      return sendError(res, 'RATE_LIMITED', lang, undefined, wait);
    }
    const view = deps.dossiers.lookup(code, key);
    if (!view) {
      deps.lookupThrottle.failed(throttleKey);
      return sendError(res, 'DOSSIER_NOT_FOUND', lang);
    }
    deps.lookupThrottle.succeeded(throttleKey[0]!);
    res.setHeader('Cache-Control', 'no-store');
    res.json(view);
  });

  app.use(
    '/api/booking',
    bookingRoutes({
      bookings: deps.bookings,
      config: deps.config,
      takeLimiter: deps.takeLimiter,
      throttle: deps.bookingThrottle,
      auth: deps.auth,
      requestLang,
    }),
  );

  app.get('/api/health', (_req, res) => {
    res.json({
      status: 'ok',
      bootId: deps.bootId,
      seq: deps.service.version,
      day: deps.service.day,
      startedAt: deps.startedAt,
      journal: {
        replayed: deps.startReport.replayed,
        tornTail: deps.startReport.journal.tornTail,
        dropped: deps.startReport.journal.dropped,
      },
    });
  });

  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  app.get('/api/queue', (_req, res) => {
    res.json(deps.versioned(deps.publicView()));
  });

  // Another system takes a number for a visitor (an API key with the "tickets" scope). The
  // Idempotency-Key is the integration's own: the same key for another body is refused (422).
  app.post('/api/tickets', integration('tickets'), async (req, res) => {
    const lang = requestLang(req);
    const body = restTakeBody.safeParse(req.body);
    const headerKey = req.get('Idempotency-Key');
    const idempotencyKey = headerKey === undefined ? randomUUID() : commandIdSchema.safeParse(headerKey).data;
    if (!body.success || idempotencyKey === undefined) return sendError(res, 'INVALID_PAYLOAD', lang);
    const owner = String(res.locals.integration);
    const command = { commandId: `${owner}.${idempotencyKey}`, serviceId: body.data.serviceId, priorityGroup: body.data.priorityGroup ?? null };
    if (!deps.service.answered(`public:${command.commandId}`)) {
      const allowed = deps.takeLimiter.take([{ key: `integration:${owner}`, limit: deps.takeLimiter.limits.perIntegration }]);
      if (!allowed.ok) {
        res.setHeader('Retry-After', String(allowed.retryAfterSeconds));
        return sendError(res, 'RATE_LIMITED', lang, undefined, allowed.retryAfterSeconds);
      }
    }
    const fp = commandFingerprint('ticket:take', { serviceId: command.serviceId, priorityGroup: command.priorityGroup });
    const result = await deps.service.takeTicket(command, 'api', null, fp);
    if (!result.ok) return sendError(res, result.error, lang);
    res.status(201).json(result.data);
  });

  // The day's tickets as stored, for another system (an API key with the "tickets" scope).
  app.get('/api/tickets', integration('tickets'), (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(deps.versioned({ day: deps.service.day, tickets: deps.service.dayTickets() }));
  });

  // Voice clips for the wall display, by id (display/voice/clips.ts lists them).
  app.get('/audio/clips/:file', (req, res) => {
    const file = req.params.file;
    // A name that cannot be a clip names no clip either: NOT_FOUND, the same answer as a missing
    // one (the path is an address, not a payload, and a probe learns nothing about the filter).
    if (!/^[a-z0-9-]{1,60}\.wav$/.test(file)) return sendError(res, 'NOT_FOUND', requestLang(req));
    const dir = deps.clipDirs.find((d) => existsSync(join(d, file)));
    if (!dir) return sendError(res, 'NOT_FOUND', requestLang(req));
    // Revalidated on every load (ETag): a new human recording reaches the displays at their next reload.
    res.sendFile(join(dir, file), { maxAge: 0, headers: { 'Cache-Control': 'no-cache' } });
  });

  app.use('/api', (req, res) => sendError(res, 'NOT_FOUND', requestLang(req)));

  const built = existsSync(join(deps.webRoot, 'kiosk', 'index.html'));
  if (built) {
    app.use(express.static(deps.webRoot, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForHtml }));
  } else {
    for (const name of APPS)
      app.get(`/${name}/`, (_req, res) => {
        res.status(503).type('text/plain').send('The screens are not built yet: run "npm run build", then reload.');
      });
  }
  app.get('/', (_req, res) => {
    res.sendFile(LANDING_PAGE);
  });
  // The booking page's short address (printed, in SMS, in the QR): the page under /display/, or
  // for a centre linked to its province, the province's portal page for it (booking is there).
  app.get(['/book', '/book/'], (req, res) => {
    const portal = deps.bookingPortal?.() ?? null;
    if (portal) return res.redirect(302, portal);
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    res.redirect(302, `/display/book.html${query}`);
  });
  // Anything else (a missing file under a screen included): the hub's own page, never the path.
  app.use((req, res) => sendNotFoundPage(res, requestLang(req)));

  // Last: bad JSON and anything unexpected become typed errors, never a stack trace.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const lang = requestLang(req);
    const status = (error as { status?: number })?.status;
    if (status === 400 || status === 413 || status === 415) return sendError(res, 'INVALID_PAYLOAD', lang, status);
    deps.log.error('http handler failed', { path: req.path, error: String(error) });
    sendError(res, 'INTERNAL', lang);
  });
  return app;
}

/** A schema rejection: the code, and which field was wrong (never the value). */
function sendInvalid(res: Response, lang: Lang, error: { issues: { path: PropertyKey[]; message: string }[] }): void {
  res.status(400).json({
    error: 'INVALID_PAYLOAD',
    message: translate(lang, 'error.INVALID_PAYLOAD'),
    issues: error.issues.map((i) => ({ field: i.path.map(String).join('.'), reason: i.message })),
  });
}

function requestLang(req: Request): Lang {
  return /^en\b/i.test(req.get('Accept-Language') ?? '') ? 'en' : 'vi';
}

