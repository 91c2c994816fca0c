import express from 'express';
import type { ProcedureService } from '../app/procedure-service';
import { procedureCode } from '../protocol/procedure-catalog';
import type { Lang } from '../i18n';
import type { OfficerAuth } from '../app/officer-auth';
import { translate } from '../i18n';
import { catalogFromFile } from '../tools/procedure-file';
import { sendError } from './http-errors';

/**
 * The procedure catalog for the screens (docs/protocol.md, "Procedures"): public and read-only,
 * no account, no personal data. `GET /api/procedures` is the whole catalog, revalidated by its
 * version (ETag), so a kiosk asks again cheaply whenever the public view shows a new version.
 */
export function procedureRoutes(deps: {
  procedures: ProcedureService;
  auth: OfficerAuth;
  clock: () => number;
  requestLang: (req: express.Request) => Lang;
}): express.Router {
  const router = express.Router();

  /**
   * A supervisor replaces the catalog from a file (JSON, CSV or XLSX; docs/procedures.md): with
   * `dryRun=1` the file is checked and what it would change is answered; without, it replaces the
   * catalog if that is still `baseVersion`. Every bad row is reported; a file with any is refused
   * whole and changes nothing.
   */
  router.post('/import', express.raw({ type: () => true, limit: '10mb' }), async (req, res) => {
    const lang = deps.requestLang(req);
    const token = /^Bearer (\S{1,600})$/.exec(req.get('Authorization') ?? '')?.[1];
    const officer = deps.auth.officerFor(token);
    if (!officer.ok) return sendError(res, officer.error, lang);
    if (officer.data.role !== 'supervisor') return sendError(res, 'FORBIDDEN', lang);
    const format = req.query.format;
    const baseVersion = Number(req.query.baseVersion);
    const dryRun = req.query.dryRun === '1';
    if ((format !== 'json' && format !== 'csv' && format !== 'xlsx') || (!dryRun && !Number.isInteger(baseVersion)) || !Buffer.isBuffer(req.body))
      return sendError(res, 'INVALID_PAYLOAD', lang);
    const today = new Date(deps.clock() + 14 * 3_600_000).toISOString().slice(0, 10);
    const read = await catalogFromFile(new Uint8Array(req.body), format, today, (key, params) => translate(lang, `procFile.${key}`, params));
    if (!read.ok) {
      res.status(422).json({ error: 'INVALID_CATALOG', message: translate(lang, 'error.INVALID_CATALOG', { count: read.problems.length }), problems: read.problems });
      return;
    }
    if (dryRun) return void res.json({ baseVersion: deps.procedures.version, procedures: read.catalog.procedures.length, diff: deps.procedures.preview(read.catalog) });
    const replaced = await deps.procedures.replace(read.catalog, officer.data.id, baseVersion);
    if (!replaced.ok) return sendError(res, replaced.error, lang);
    res.json({ version: replaced.version, procedures: read.catalog.procedures.length, diff: replaced.diff });
  });

  router.get('/', (req, res) => {
    const view = deps.procedures.view();
    if (!view) return sendError(res, 'NO_PROCEDURES', deps.requestLang(req));
    const tag = `"procedures-${view.version}"`;
    res.setHeader('ETag', tag);
    res.setHeader('Cache-Control', 'no-cache');
    if (req.get('If-None-Match') === tag) return void res.status(304).end();
    res.json(view);
  });

  router.get('/:code', (req, res) => {
    const code = procedureCode.safeParse((req.params as { code?: string }).code);
    const found = code.success ? deps.procedures.find(code.data) : null;
    if (!found) return sendError(res, 'UNKNOWN_PROCEDURE', deps.requestLang(req));
    res.setHeader('Cache-Control', 'no-cache');
    res.json(found);
  });

  return router;
}
