import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import type { Server } from 'socket.io';
import { LoginThrottle } from '../app/login-throttle';
import type { Logger } from '../logger';
import { PROJECT_ROOT } from '../project-root';
import type { CentreLiveState } from '../protocol/link-protocol';
import type { CentreRegistry } from './centre-registry';
import type { Db } from './db/database';
import type { LinkNamespace } from './link-handlers';
import { ProvinceAccounts } from './province-accounts';
import { provinceApi } from './province-api';
import { noCacheForHtml, securityHeaders } from '../transport/page-headers';
import type { ProvinceSettingsStore } from './province-settings';
import { attachProvinceLive, type ProvinceLive } from './province-live';
import { ProvinceReports } from './province-reports';

/** Where the built screens are (vite build): the province serves its own page and the assets. */
export const WEB_ROOT = join(PROJECT_ROOT, 'dist', 'web');
const PAGE = join(WEB_ROOT, 'counter', 'province');

/**
 * The province supervisor, put together for the province's composition root: the HTTP API under
 * /api/province/, the page at /province/ (the address's root is left to the citizens' portal), and
 * the live namespace. The login
 * throttle is this process's own (see docs/province.md).
 */
export function provinceSupervisor(deps: { db: Db; registry: CentreRegistry; settings: ProvinceSettingsStore; log: Logger; clock: () => number }) {
  const accounts = new ProvinceAccounts(deps.db);
  const reports = new ProvinceReports(deps.db);
  const throttle = new LoginThrottle(deps.clock);
  let live: ProvinceLive | null = null;

  const http = express.Router();
  http.use(
    '/api/province',
    provinceApi({
      db: deps.db,
      accounts,
      registry: deps.registry,
      settings: deps.settings,
      reports,
      throttle,
      // The namespace is attached before the process listens, so it is there for every request.
      live: { endSession: (id) => live?.endSession(id), endAccount: (id) => live?.endAccount(id) },
      log: deps.log,
      clock: deps.clock,
    }),
  );
  if (existsSync(join(PAGE, 'index.html'))) {
    // express.static sends /province on to /province/ by itself.
    http.use('/province', securityHeaders, express.static(PAGE, { index: 'index.html', setHeaders: noCacheForHtml }));
    http.use('/assets', express.static(join(WEB_ROOT, 'assets'), { maxAge: '1h', immutable: true }));
  } else {
    http.get('/province/', (_req, res) => void res.status(503).type('text/plain').send('The screens are not built yet: run "npx vite build", then reload.'));
  }

  return {
    accounts,
    http,
    /** The live namespace, and the hook the link calls with each centre's state. */
    attachLive(io: Server, link: LinkNamespace): { stateArrived(centreId: string, state: CentreLiveState): void } {
      live = attachProvinceLive(io, link, { db: deps.db, accounts, log: deps.log, clock: deps.clock });
      return { stateArrived: (centreId, state) => live?.stateArrived(centreId, state) };
    },
    async stop() {
      await live?.stop();
    },
  };
}

