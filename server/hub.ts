import { randomBytes, randomUUID } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Server } from 'socket.io';
import type { CentreConfig } from './config/centre-config';
import { OfficerAuth } from './app/officer-auth';
import { DeviceService } from './app/device-service';
import type { DeviceConfig, HubLink } from '../hardware/device-contract';
import type { DeviceHost } from '../hardware/bridge-client';
import { AdminStore } from './store/admin-store';
import { Credentials } from './app/credentials';
import { Sessions } from './app/sessions';
import { TakeLimiter } from './app/take-limiter';
import { engineOriginGuard, OriginPolicy } from './transport/origin-policy';
import { DossierService } from './app/dossier-service';
import { RatingPrompts } from './app/rating-prompts';
import { ConfigService } from './app/config-service';
import { ServiceTimeProfile } from './app/service-time-profile';
import { notificationsEnabled } from './notifications/notification-config';
import { createNotificationService } from './notifications/notification-service';
import { ReportService } from './app/report-service';
import { GuessThrottle } from './app/guess-throttle';
import { DossierStore } from './store/dossier-store';
import { FileBookingStore } from './store/booking-store';
import { BookingService } from './app/booking-service';
import { bookingMessenger } from './notifications/booking-messages';
import type { PublicView, StaffView, TicketFollowView } from './protocol/views';
import { followKey } from './app/follow-key';
import { attachBridgeHandlers, type BridgeNamespace } from './transport/bridge-handlers';
import { QueueService, type StartReport } from './app/queue-service';
import type { Logger } from './logger';
import { PROJECT_ROOT } from './project-root';
import { acquireDataLock } from './store/data-lock';
import { loadOrCreateSecret } from './store/hub-secret';
import { FileQueueStore } from './store/queue-store';
import { createHttpApp } from './transport/http-app';
import { createVersioner, startPublisher } from './transport/publisher';
import { attachSocketHandlers, SessionSockets, type HubServer } from './transport/socket-handlers';
import { ProvinceLinkClient } from './transport/province-link-client';
import { FileProcedureStore } from './store/procedure-store';
import { ProcedureService } from './app/procedure-service';
import { FileLinkOutboxStore } from './store/link-outbox-store';
import { centreProfileOf } from './protocol/centre-profile';
import { stableJson } from './protocol/stable-json';
import type { CentreLiveState } from './protocol/link-protocol';

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
  /** How often booking reminders are looked for (default every minute). */
  reminderCheckMs?: number;
  /** Makes the device host for the devices on the hub's own machine (default: real serial ports). */
  createDeviceHost?: (devices: DeviceConfig[], hub: HubLink) => DeviceHost;
  /** A centre linked to its province: the province's address and the centre's token (docs/province.md). */
  province?: { url: string; token: string; pullEveryMs?: number; compactAfterRecords?: number } | null;
  /** The procedure catalog a data folder without one starts from (docs/procedures.md); none when absent. */
  proceduresFile?: string | null;
}

export interface RunningHub {
  url: string;
  port: number;
  bootId: string;
  startReport: StartReport;
  service: QueueService;
  devices: DeviceService;
  dossiers: DossierService;
  bookings: BookingService;
  /** The link to the province (null: a standalone centre). */
  provinceLink: ProvinceLinkClient | null;
  stop(): Promise<void>;
}

export const DEFAULT_WEB_ROOT = join(PROJECT_ROOT, 'dist', 'web');
/** Placeholder voice clips made with espeak-ng (display/voice/generate-clips.ts). */
export const BUNDLED_CLIPS = join(PROJECT_ROOT, 'display', 'audio', 'clips');

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
    const admin = await AdminStore.open({ dataDir: options.dataDir, seed: options.config, secret: loadOrCreateSecret(options.dataDir), clock, log });
    // Key order aside (the stored copy was written back with its keys in another order).
    if (stableJson(admin.currentConfig) !== stableJson(options.config))
      log.warn('the configuration in the data folder is used; the start-up file differs from it (import the file from the supervisor screen to use it)');
    const config = new ConfigService(admin, { log });
    const credentials = new Credentials(admin);
    const sessions = new Sessions(admin, { clock, hours: () => config.current.security.sessionHours });
    const learned = await ServiceTimeProfile.open(options.dataDir);
    const service = new QueueService({ config, store, clock, log, learned });
    const startReport = await service.start();
    const auth = new OfficerAuth(config, sessions, clock);
    // A day closed just before a crash may have missed its audit entry (two journals): record it now.
    const closing = service.closing;
    if (closing) await config.recordAction(closing.by, 'day.closed', [{ path: 'day', before: 'open', after: closing.mode }], closing.at);
    let provinceDays: () => { holidays: readonly string[]; workdays: readonly string[] } | null = () => null;
    let procedureCodeOf: (name: string) => string | null = () => null;
    const dossierStore = new DossierStore(options.dataDir);
    const dossiers = new DossierService({
      config,
      store: dossierStore,
      clock,
      log,
      silent: !notificationsEnabled(config.current.notifications),
      // The booking service is made below (it needs the queue); until then no province days.
      provinceDays: () => provinceDays(),
      // The catalog is read below; until then no dossier is looked up (the hub is not listening).
      procedureCodeOf: (name) => procedureCodeOf(name),
    });
    const dossierStart = await dossiers.start();
    const notifications = createNotificationService({
      config: config.current.notifications,
      centre: { name: config.current.centre.name, timeZone: config.current.centre.timeZone },
      dataDir: options.dataDir,
      clock,
      log,
      dossiers,
    });
    await notifications.start();
    const hubSecret = loadOrCreateSecret(options.dataDir);
    const bookingStore = new FileBookingStore(options.dataDir);
    // A linked centre's portal pages are the province's (the same server as its link).
    const provinceBase = options.province?.url.replace(/\/$/, '') ?? null;
    const linkedCentre = () => (provinceBase ? bookings.provinceCentre() : null);
    const bookingPortal = () => {
      const centre = linkedCentre();
      return centre ? `${provinceBase}/display/book.html?centre=${encodeURIComponent(centre)}` : null;
    };
    // Filled in once the port is known (the QR's address when no public URL is configured).
    let publicUrl = () => config.current.centre.publicUrl?.replace(/\/$/, '') ?? '';
    const bookings = new BookingService({
      config,
      store: bookingStore,
      queue: service,
      clock,
      log,
      secret: hubSecret,
      messenger: notifications.enabled ? bookingMessenger(notifications, () => config.current) : null,
      publicUrl: () => publicUrl(),
      bookingPortal,
    });
    const bookingStart = await bookings.start();
    provinceDays = () => bookings.provinceDays();
    service.bookingDetails = (id) => bookings.bookingOfTicket(id);
    // New settings from the province (its days off, its notice): every screen is sent its views again.
    bookings.onChange((events) => {
      if (events.some((e) => e.type === 'province-settings')) service.configChanged();
    });
    const procedures = new ProcedureService({
      store: new FileProcedureStore(options.dataDir),
      config,
      seedFile: options.proceduresFile ?? null,
      clock,
      log,
      audit: (by, action, changes) => config.recordAction(by, action, changes),
      onChange: () => service.configChanged(),
    });
    await procedures.start().catch((error: unknown) => log.error('procedures: the catalog could not be read; the centre starts without one', { error: String(error) }));
    procedureCodeOf = (name) => procedures.codeOfName(name);
    service.procedureKnown = (code) => procedures.find(code) !== null;
    const lookupThrottle = new GuessThrottle(clock);
    const ratings = new RatingPrompts(service, config, clock);
    const reports = new ReportService({
      config,
      queue: service,
      store,
      clock,
      bookings: (from, to) => bookings.list(from, to),
      procedures: () => procedures.view()?.procedures ?? [],
    });
    const publicView = (): PublicView => {
      const boardSettings = config.current.display.dossiers;
      const board = boardSettings.resultsBoard || boardSettings.counts ? dossiers.publicBoard() : null;
      const queue = service.publicView();
      return {
        ...queue,
        procedures: procedures.version > 0 ? { version: procedures.version } : null,
        display: { ...queue.display, notice: withProvinceNotice(queue.display.notice, bookings.provinceNotice()) },
        dossiers: board && {
          resultsReady: boardSettings.resultsBoard ? board.resultsReady : [],
          counts: boardSettings.counts ? board.counts : null,
          layout: boardSettings.layout,
          rotateSeconds: boardSettings.rotateSeconds,
        },
      };
    };
    // The hub's own device host connects like any bridge, with a token that lives only this boot.
    const internalToken = randomBytes(24).toString('base64url');

    // Closed when the hub stops: commands that come after are refused (SHUTTING_DOWN, to retry).
    const gate = { accepting: true };
    const origins = new OriginPolicy(config);
    const takeLimiter = new TakeLimiter(config, clock);
    const startedAt = clock();
    const versioned = createVersioner(bootId, service, clock);
    const app = createHttpApp({
      service,
      procedures,
      clock,
      log,
      versioned,
      bootId,
      startedAt,
      startReport,
      webRoot: options.webRoot ?? DEFAULT_WEB_ROOT,
      publicView,
      dossiers,
      credentials,
      lookupThrottle,
      takeLimiter,
      origins,
      gate,
      auth,
      reports,
      bookings,
      config,
      bookingThrottle: new GuessThrottle(clock, { freeFailures: 4, baseDelayMs: 60_000 }),
      bookingPortal,
      clipDirs: [join(options.dataDir, 'clips'), BUNDLED_CLIPS],
    });
    const httpServer = createServer(app);
    const io: HubServer = new Server(httpServer, {
      serveClient: false,
      // A whole configuration comes in one config:replace: a provincial centre's is 40-60 KB.
      maxHttpBufferSize: 256 * 1024,
      pingInterval: 10_000,
      pingTimeout: 5_000,
    });
    io.engine.use(engineOriginGuard(origins));
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
    });
    const port = (httpServer.address() as AddressInfo).port;
    publicUrl = () => config.current.centre.publicUrl?.replace(/\/$/, '') ?? `http://${lanAddress()}:${port}`;
    const devices = new DeviceService({
      config,
      queue: service,
      clock,
      log,
      publicUrl: () => publicUrl(),
      followUrl: (ticketId) => {
        const centre = linkedCentre();
        const base = centre ? `${provinceBase}/display/follow.html?centre=${encodeURIComponent(centre)}&` : `${publicUrl()}/display/follow.html?`;
        return `${base}ticket=${encodeURIComponent(ticketId)}`;
      },
    });
    let provinceLink: ProvinceLinkClient | null = null;
    const staffView = (): StaffView => {
      const queue = service.staffCounters();
      const view: StaffView = { ...queue, devices: devices.deviceViews(), alerts: [...devices.alerts(), ...queue.alerts, ...auth.throttle.alerts()] };
      if (provinceLink) view.provinceLink = provinceLink.status();
      return view;
    };
    const detachSocketHandlers = attachSocketHandlers(io, {
      gate,
      origins,
      takeLimiter,
      sessionSockets: new SessionSockets(),
      admin,
      service,
      bookings,
      procedures,
      devices,
      credentials,
      sessions,
      auth,
      log,
      versioned,
      staffView,
      publicView,
      dossiers,
      lookupThrottle,
      ratings,
      reports,
      config,
      clock,
    });
    ratings.onPrompt(({ counterId, prompt }) => io.to(`rate:${counterId}`).emit('rating:prompt', { counterId, prompt }));
    attachBridgeHandlers(io.of('/bridge') as unknown as BridgeNamespace, { devices, credentials, internalToken, log, gate });
    const stopPublisher = startPublisher(io, service, devices, dossiers, publicView, staffView, bootId, versioned);

    // A change of the configuration reaches every screen at once; device hosts say hello again.
    config.onChange((next, previous) => {
      service.configChanged();
      bookings.configChanged().catch((error: unknown) => log.error('bookings could not follow the configuration', { error: String(error) }));
      if (JSON.stringify(next.devices) !== JSON.stringify(previous.devices)) devices.reconnectBridges();
    });
    const localDevices = options.config.devices.filter((d) => d.bridge === 'hub');
    const createHost = options.createDeviceHost ?? (await defaultDeviceHostFactory(localDevices.length > 0));
    // The bridge client (and socket.io-client, 0.1 s to load) only when this machine has devices.
    const localBridge = localDevices.length > 0 && createHost
      ? (await import('../hardware/bridge-client')).connectBridge({
          hubUrl: `http://127.0.0.1:${port}`,
          token: internalToken,
          createHost,
          log: (message, context) => log.info(message, { ...context, bridge: 'hub' }),
        })
      : null;
    provinceLink = options.province
      ? new ProvinceLinkClient({
          url: options.province.url,
          token: options.province.token,
          profile: () => centreProfileOf(config.current),
          bookings,
          store: new FileLinkOutboxStore(options.dataDir),
          liveState: () => liveStateOf(publicView(), staffView(), service.followAll(), clock()),
          today: () => service.day,
          closedDays: async (after, today) => {
            const days: string[] = [];
            for (let day = await store.lastArchivedDayBefore(today); day !== null && day > after; day = await store.lastArchivedDayBefore(day)) days.unshift(day);
            return days;
          },
          dayReport: async (day) => {
            const report = await reports.report({ from: day, to: day, groupBy: 'service' });
            return { day, rows: report.rows, total: report.total, busiestHours: report.busiestHours };
          },
          clock,
          log,
          ...(options.province.pullEveryMs !== undefined ? { pullEveryMs: options.province.pullEveryMs } : {}),
          ...(options.province.compactAfterRecords !== undefined ? { compactAfterRecords: options.province.compactAfterRecords } : {}),
        })
      : null;
    if (provinceLink) {
      await provinceLink.start();
      service.onChange(() => provinceLink.stateChanged());
      devices.on({ devicesChanged: () => provinceLink.stateChanged() });
    }
    const slotTimer = setInterval(() => service.slotsStarted(), 15_000);
    slotTimer.unref();
    const reminderTimer = setInterval(() => {
      bookings.sendDueReminders().catch((error: unknown) => log.error('booking reminders failed', { error: String(error) }));
    }, options.reminderCheckMs ?? 60_000);
    reminderTimer.unref();
    const dayTimer = setInterval(() => {
      service.checkDay().catch((error: unknown) => log.error('day check failed', { error: String(error) }));
      dossiers.compactIfNewDay().catch((error: unknown) => log.error('dossier compaction failed', { error: String(error) }));
    }, options.dayCheckMs ?? 15_000);
    dayTimer.unref();

    log.info('hub started', {
      port,
      bootId,
      day: startReport.day,
      replayed: startReport.replayed,
      archivedDays: startReport.archivedDays,
      dossiers: dossierStart.dossiers,
      bookings: bookingStart.bookings,
      checkInsReconciled: bookingStart.reconciled,
    });
    // Journal records found at start are folded into the register now, behind the register's
    // barrier, not before "started" (a year of dossiers is half a second to rewrite).
    dossiers.compactIfNewDay().catch((error: unknown) => log.error('dossier compaction failed', { error: String(error) }));

    let stopping: Promise<void> | null = null;
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      bootId,
      startReport,
      service,
      devices,
      dossiers,
      bookings,
      provinceLink,
      stop() {
        stopping ??= (async () => {
          // A graceful stop: take no more commands, finish the writes under way and send their
          // answers and calls, then close. Nothing acknowledged is lost, nothing stored goes unannounced.
          gate.accepting = false;
          clearInterval(dayTimer);
          clearInterval(reminderTimer);
          clearInterval(slotTimer);
          await bookings.drained();
          await service.drained();
          await admin.drained();
          await localBridge?.stop();
          await provinceLink?.stop();
          stopPublisher();
          detachSocketHandlers();
          await socketsWritten(io, 500);
          // No disconnectSockets(true): clients told "the server disconnected you" never reconnect.
          // Closing the connections makes every screen and bridge reconnect to the next hub by itself.
          const closed = new Promise<void>((resolve) => io.close(() => resolve()));
          // At once, not after: io.close() waits for the HTTP server, which waits for keep-alive
          // connections that polling clients keep busy with reconnect attempts (seen hanging).
          httpServer.closeAllConnections();
          await closed;
          await store.close();
          await bookingStore.close();
          await notifications.stop();
          await dossierStore.close();
          await admin.close();
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

/**
 * Waits (at most `maxMs`) until every connection has handed its last messages to the network:
 * answers and calls sent just before a stop must not be cut off by closing the connections.
 */
async function socketsWritten(io: HubServer, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  const pending = () =>
    [...io.sockets.sockets.values()].some((socket) => {
      const conn = socket.conn as unknown as { writeBuffer?: unknown[]; transport?: { writable?: boolean; socket?: { bufferedAmount?: number } } };
      return (conn.writeBuffer?.length ?? 0) > 0 || (conn.transport?.socket?.bufferedAmount ?? 0) > 0;
    });
  await new Promise((resolve) => setImmediate(resolve));
  while (pending() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** The centre's own notice and the province's, one after the other (either alone as it is). */
function withProvinceNotice(own: PublicView['display']['notice'], province: PublicView['display']['notice']): PublicView['display']['notice'] {
  if (!own || !province) return own ?? province;
  return { vi: `${own.vi} · ${province.vi}`, en: `${own.en} · ${province.en}` };
}

/** What the province sees of the centre now: numbers, counters and faults, no personal data. */
function liveStateOf(view: PublicView, staff: StaffView, follows: TicketFollowView[], now: number): Omit<CentreLiveState, 'outSeq' | 'provinceSeq'> {
  const alerts: Record<string, number> = {};
  for (const alert of staff.alerts) alerts[alert.kind] = (alerts[alert.kind] ?? 0) + 1;
  return {
    at: now,
    day: view.day,
    closing: view.closing?.mode ?? null,
    services: view.services.map((s) => ({
      id: s.id,
      waiting: s.waiting,
      estimatedWaitMinutes: s.estimatedWaitMinutes,
      longestWaitSince: staff.services.find((x) => x.id === s.id)?.longestWaitSince ?? null,
      availability: s.availability,
    })),
    counters: {
      open: view.counters.filter((c) => c.status === 'open').length,
      paused: view.counters.filter((c) => c.status === 'paused').length,
      total: view.counters.length,
    },
    calls: view.recentCalls.slice(0, 20).map((c) => ({ number: c.number, serviceId: c.serviceId, counterNumber: c.counterNumber, at: c.at, kind: c.kind })),
    faults: staff.devices
      .filter((d) => d.condition !== 'ok' && d.condition !== 'starting')
      .map((d) => ({ deviceId: d.id, kind: d.kind, condition: d.condition, since: d.since })),
    alerts,
    tickets: follows.slice(0, 5_000).map((t) => ({
      key: followKey(t.ticketId),
      number: t.number,
      serviceId: t.serviceId,
      status: t.status,
      peopleAhead: t.peopleAhead,
      estimatedWaitMinutes: t.estimatedWaitMinutes,
      counterNumber: t.counterNumber,
    })),
  };
}

/** How long the LAN address is kept before the interfaces are read again (DHCP may change it). */
const LAN_ADDRESS_TTL_MS = 30_000;
let lanAddressSeen: { address: string; at: number } | null = null;

/**
 * The address phones on the office network can reach this machine at, for the QR codes of tickets
 * and bookings. Every booking answer carries one: reading the interfaces each time cost 45 ms a
 * second at 1,000 booking requests a second (npm run bench -- --only booking), so it is kept 30 s.
 */
function lanAddress(): string {
  const now = performance.now();
  if (lanAddressSeen && now - lanAddressSeen.at < LAN_ADDRESS_TTL_MS) return lanAddressSeen.address;
  let found = 'localhost';
  search: for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? [])
      if (address.family === 'IPv4' && !address.internal) {
        found = address.address;
        break search;
      }
  }
  lanAddressSeen = { address: found, at: now };
  return found;
}

/** Real serial devices, loaded only when the hub's own machine has devices (serialport is native). */
async function defaultDeviceHostFactory(needed: boolean): Promise<((devices: DeviceConfig[], hub: HubLink) => DeviceHost) | null> {
  if (!needed) return null;
  const { createDeviceHost } = await import('../hardware/device-host');
  return (devices, hub) => createDeviceHost({ devices, hub });
}
