import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import express from 'express';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import type { Logger } from '../logger';
import { LINK_NAMESPACE } from '../protocol/link-protocol';
import { CentreRegistry } from './centre-registry';
import { openDatabase } from './db/database';
import { migrate } from './db/migrations';
import { attachLinkHandlers, centreRoom, nudgeCentre, type LinkNamespace } from './link-handlers';
import { ProvinceBookings } from './province-bookings';
import { CentreInbox } from './centre-inbox';
import { listenForOutbox } from './outbox-listener';
import { SigningKeys } from './signing-keys';
import { ProvinceSettingsStore } from './province-settings';
import { attachPortal, type PortalOptions } from './portal';
import { provinceSupervisor } from './province-supervisor';

export interface ProvinceOptions {
  databaseUrl: string;
  /** Socket.IO's Redis Streams adapter between processes; absent: one process alone. */
  redisUrl?: string | undefined;
  port: number;
  host?: string;
  log: Logger;
  clock?: () => number;
  /** The citizens' portal: its public address, SMS gateway, built pages. */
  portal?: PortalOptions;
  /** Which proxies' X-Forwarded-For is believed (Express's `trust proxy`: addresses or subnets). */
  trustProxy?: string | undefined;
}

export interface RunningProvince {
  url: string;
  port: number;
  processId: string;
  registry: CentreRegistry;
  bookings: ProvinceBookings;
  inbox: CentreInbox;
  /** Signs the token in a booking's QR (checked by the centre's hub, offline too). */
  signingKeys: SigningKeys;
  /** What the province sets for all its centres (days off, a notice). */
  settings: ProvinceSettingsStore;
  /** Tells a centre's hub that a message is waiting (through the adapter, to any process). */
  nudge(centreId: string, seq: number): void;
  stop(): Promise<void>;
}

/**
 * The province process's composition root (docs/province.md): PostgreSQL migrated at start, the
 * registry and bookings on it, Express for HTTP, Socket.IO (websocket only, so no sticky sessions)
 * with the Redis Streams adapter between processes. Holds no state of its own: any number run side
 * by side behind a reverse proxy.
 */
export async function startProvince(options: ProvinceOptions): Promise<RunningProvince> {
  const clock = options.clock ?? Date.now;
  const log = options.log;
  const processId = randomUUID().slice(0, 8);
  const db = openDatabase(options.databaseUrl);
  const applied = await migrate(db);
  if (applied.length > 0) log.info('province: database migrated', { applied });
  const registry = new CentreRegistry(db);
  const bookings = new ProvinceBookings(db);
  const inbox = new CentreInbox(db, log, bookings);
  const settings = new ProvinceSettingsStore(db, bookings, () => inbox.cancelNotifier);
  const signingKeys = new SigningKeys(db);
  await signingKeys.load(clock());

  const supervisor = provinceSupervisor({ db, registry, settings, log, clock });

  const app = express();
  app.disable('x-powered-by');
  // Behind nginx: the citizen's address is the one it forwards (limits count it), from the proxies
  // trusted (default: nginx on the same machine).
  app.set('trust proxy', options.trustProxy ?? 'loopback');
  app.get('/healthz', async (_req, res) => {
    try {
      await db.query('SELECT 1');
      res.json({ ok: true, processId });
    } catch {
      res.status(503).json({ ok: false, error: 'STORAGE_FAILED', processId });
    }
  });
  app.get('/api/province/centres', async (_req, res, next) => {
    try {
      const centres = await registry.list();
      res.json({ ok: true, data: centres.map((c) => ({ id: c.id, name: c.name, area: c.area, linked: c.profile !== null })) });
    } catch (error) {
      next(error);
    }
  });
  app.use(supervisor.http);
  const portalHttp = express.Router();
  app.use(portalHttp);
  app.use((_req: express.Request, res: express.Response) => res.status(404).json({ ok: false, error: 'NOT_FOUND' }));
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    log.error('province: a request failed', { error: String(error) });
    res.status(500).json({ ok: false, error: 'INTERNAL' });
  });

  const http = createServer(app);
  let redis: ReturnType<typeof createClient> | null = null;
  const io = new Server(http, { transports: ['websocket'], serveClient: false });
  if (options.redisUrl) {
    // Reconnects for ever (a short back-off): the adapter resumes its stream where it stopped.
    redis = createClient({ url: options.redisUrl, socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 500) + Math.floor(Math.random() * 100) } });
    redis.on('error', (error: unknown) => log.warn('province: Redis', { error: String(error) }));
    await redis.connect();
    io.adapter(createAdapter(redis, { maxLen: 100_000 }));
  }
  const link = io.of(LINK_NAMESPACE) as unknown as LinkNamespace;
  const live = supervisor.attachLive(io, link);
  let port = 0;
  const portal = await attachPortal({ db, databaseUrl: options.databaseUrl, io, registry, inbox, bookings, signingKeys, settings, log, clock, options: options.portal ?? {}, port: () => port });
  portalHttp.use(portal.http);
  attachLinkHandlers(link, {
    db,
    registry,
    inbox,
    signingKeys,
    settings,
    log,
    clock,
    onState: (centreId, state) => {
      live.stateArrived(centreId, state);
      portal.stateArrived(centreId, state);
    },
  });
  const listener = await listenForOutbox(
    options.databaseUrl,
    {
      // Only the hubs on this process: every process hears the notification.
      nudge: (centreId, seq) => link.local.to(centreRoom(centreId)).emit('link:nudge', { seq }),
      resumed: () => link.local.emit('link:nudge', { seq: 0 }),
      smsQueued: () => portal.smsQueued(),
    },
    log,
  );

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  let stopping: Promise<void> | null = null;
  log.info('province started', { port, processId, adapter: options.redisUrl ? 'redis-streams' : 'none' });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    processId,
    registry,
    bookings,
    inbox,
    signingKeys,
    settings,
    nudge: (centreId, seq) => nudgeCentre(link, centreId, seq),
    stop() {
      // Once, however many callers ask (a test's cleanup after the test stopped it itself).
      stopping ??= (async () => {
        await listener.stop();
        io.disconnectSockets(true);
        await new Promise<void>((resolve) => io.close(() => resolve()));
        await supervisor.stop();
        await portal.stop();
        await redis?.quit().catch(() => undefined);
        await db.end();
      })();
      return stopping;
    },
  };
}
