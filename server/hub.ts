import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Server } from 'socket.io';
import type { CentreConfig } from './config/centre-config';
import { OfficerAuth } from './app/officer-auth';
import { QueueService, type StartReport } from './app/queue-service';
import type { Logger } from './logger';
import { acquireDataLock } from './store/data-lock';
import { loadOrCreateSecret } from './store/hub-secret';
import { FileQueueStore } from './store/queue-store';
import { createHttpApp } from './transport/http-app';
import { createVersioner, startPublisher } from './transport/publisher';
import { attachSocketHandlers, type HubServer } from './transport/socket-handlers';

export interface HubOptions {
  config: CentreConfig;
  dataDir: string;
  port: number;
  host?: string;
  log: Logger;
  /** Injected in tests to move time; the real clock otherwise. */
  clock?: () => number;
  /** Where the built screens are (default dist/web). */
  webRoot?: string;
  /** How often to check whether local midnight has passed. */
  dayCheckMs?: number;
}

export interface RunningHub {
  url: string;
  port: number;
  bootId: string;
  startReport: StartReport;
  service: QueueService;
  stop(): Promise<void>;
}

export const DEFAULT_WEB_ROOT = join(import.meta.dirname, '..', 'dist', 'web');

/**
 * The composition root: the one place where the real adapters (files, clock, network) are wired to
 * the use cases. main.ts calls it for the real hub; the tests call it for hubs on port 0.
 */
export async function startHub(options: HubOptions): Promise<RunningHub> {
  const clock = options.clock ?? Date.now;
  const log = options.log;
  mkdirSync(options.dataDir, { recursive: true });
  const releaseLock = acquireDataLock(options.dataDir);
  try {
    const bootId = randomUUID();
    const store = new FileQueueStore(options.dataDir);
    const service = new QueueService({ config: options.config, store, clock, log });
    const startReport = await service.start();
    const auth = new OfficerAuth(options.config, loadOrCreateSecret(options.dataDir), clock);

    const startedAt = clock();
    const versioned = createVersioner(bootId, service, clock);
    const app = createHttpApp({
      service,
      log,
      versioned,
      bootId,
      startedAt,
      startReport,
      webRoot: options.webRoot ?? DEFAULT_WEB_ROOT,
    });
    const httpServer = createServer(app);
    const io: HubServer = new Server(httpServer, {
      serveClient: false,
      maxHttpBufferSize: 32 * 1024,
      pingInterval: 10_000,
      pingTimeout: 5_000,
    });
    attachSocketHandlers(io, { service, auth, log, versioned });
    const stopPublisher = startPublisher(io, service, bootId, versioned);

    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
    });
    const dayTimer = setInterval(() => {
      service.checkDay().catch((error: unknown) => log.error('day check failed', { error: String(error) }));
    }, options.dayCheckMs ?? 15_000);
    dayTimer.unref();

    const port = (httpServer.address() as AddressInfo).port;
    log.info('hub started', {
      port,
      bootId,
      day: startReport.day,
      replayed: startReport.replayed,
      archivedDays: startReport.archivedDays,
    });

    let stopping: Promise<void> | null = null;
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      bootId,
      startReport,
      service,
      stop() {
        stopping ??= (async () => {
          clearInterval(dayTimer);
          stopPublisher();
          io.disconnectSockets(true);
          await new Promise<void>((resolve) => io.close(() => resolve()));
          httpServer.closeAllConnections();
          await store.close();
          releaseLock();
          log.info('hub stopped', { bootId });
        })();
        return stopping;
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}
