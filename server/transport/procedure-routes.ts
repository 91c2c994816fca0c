import express from 'express';
import type { ProcedureService } from '../app/procedure-service';
import { procedureCode } from '../protocol/procedure-catalog';
import type { Lang } from '../i18n';
import { sendError } from './http-errors';

/**
 * The procedure catalog for the screens (docs/protocol.md, "Procedures"): public and read-only,
 * no account, no personal data. `GET /api/procedures` is the whole catalog, revalidated by its
 * version (ETag), so a kiosk asks again cheaply whenever the public view shows a new version.
 */
export function procedureRoutes(deps: { procedures: ProcedureService; requestLang: (req: express.Request) => Lang }): express.Router {
  const router = express.Router();

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
