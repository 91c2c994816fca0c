import { join } from 'node:path';
import express from 'express';
import type { Server } from 'socket.io';
import type { Logger } from '../logger';
import { createHttpSmsTransport } from '../notifications/transports';
import type { SmsConfig } from '../notifications/notification-config';
import type { CentreLiveState } from '../protocol/link-protocol';
import { PROJECT_ROOT } from '../project-root';
import type { CentreInbox } from './centre-inbox';
import type { CentreRegistry } from './centre-registry';
import { openDatabase, type Db } from './db/database';
import { PortalBookings } from './portal-bookings';
import { PORTAL_NAMESPACE, PortalFollow, type PortalNamespace } from './portal-follow';
import { PortalLimits } from './portal-limits';
import { portalRoutes } from './portal-routes';
import type { ProvinceBookings } from './province-bookings';
import { provinceSecret } from './province-secrets';
import type { SigningKeys } from './signing-keys';
import type { ProvinceSettingsStore } from './province-settings';
import { SmsSender } from './sms-outbox';
import { noCacheForHtml, securityHeaders } from '../transport/page-headers';

export interface PortalOptions {
  /** The portal's public address, for the QR of bookings (default: the address it was reached at). */
  publicUrl?: string | undefined;
  /** The SMS gateway (the hub's `notifications.sms` settings); none: no SMS, phone checks by SMS off. */
  sms?: SmsConfig | null | undefined;
  smsWithoutDiacritics?: boolean | undefined;
  /** The built screens (default dist/web). */
  webRoot?: string | undefined;
  /** How often the reminders of bookings are looked for (default every minute). */
  reminderCheckMs?: number | undefined;
}

/**
 * The citizens' portal (docs/province.md, "The citizens' portal"): its REST API, its Socket.IO
 * namespace for phones following a ticket, its SMS sender, and its pages (the phone pages of
 * dist/web: portal.html, and book.html for a centre).
 */
export async function attachPortal(deps: {
  db: Db;
  databaseUrl: string;
  io: Server;
  registry: CentreRegistry;
  inbox: CentreInbox;
  bookings: ProvinceBookings;
  signingKeys: SigningKeys;
  settings: ProvinceSettingsStore;
  log: Logger;
  clock: () => number;
  options: PortalOptions;
  port: () => number;
}): Promise<{
  http: express.Router;
  stateArrived(centreId: string, state: CentreLiveState): void;
  smsQueued(): void;
  /** Queues the reminders due now (also every `reminderCheckMs`). */
  reminders(): Promise<number>;
  stop(): Promise<void>;
  follow: PortalFollow;
}> {
  const secret = await provinceSecret(deps.db, 'booking-hashes', deps.clock());
  const sms = new SmsSender(deps.db, deps.options.sms ? createHttpSmsTransport(deps.options.sms) : null, deps.log, deps.clock);
  sms.start();
  const portalUrl = () => deps.options.publicUrl?.replace(/\/$/, '') ?? `http://127.0.0.1:${deps.port()}`;
  const bookings = new PortalBookings({
    db: deps.db,
    bookings: deps.bookings,
    registry: deps.registry,
    signingKeys: deps.signingKeys,
    settings: deps.settings,
    secret,
    portalUrl,
    smsOn: Boolean(deps.options.sms),
    smsWithoutDiacritics: deps.options.smsWithoutDiacritics ?? false,
  });
  deps.inbox.cancelNotifier = (tx, centreId, booking) => bookings.tellCancelledByCentre(tx, centreId, booking, deps.clock());
  const reminders = setInterval(() => {
    bookings.sendDueReminders(deps.clock()).catch((error: unknown) => deps.log.warn('province: booking reminders failed', { error: String(error) }));
  }, deps.options.reminderCheckMs ?? 60_000);
  reminders.unref();
  const follow = new PortalFollow(deps.io.of(PORTAL_NAMESPACE) as unknown as PortalNamespace, deps.db, deps.log);

  // The limits' counters on their own connections that do not wait for the disk: a limiter's
  // tokens lost in a crash cost nothing, and every hold writes two of them.
  const limitsDb = openDatabase(deps.databaseUrl, 4, { synchronousCommit: false });
  const limits = new PortalLimits(limitsDb);
  const http = express.Router();
  http.use('/api/portal', portalRoutes({ registry: deps.registry, inbox: deps.inbox, bookings, limits, settings: deps.settings, clock: deps.clock }));
  const webRoot = deps.options.webRoot ?? join(PROJECT_ROOT, 'dist', 'web');
  // A booking's QR: the booking page of its centre, which reads the booking from the token.
  http.get('/b', (req, res) => {
    const token = typeof req.query.t === 'string' ? req.query.t : '';
    const match = /^1~([a-z0-9-]+)~[A-Za-z0-9_-]+~([0-9A-Z]{10})~/.exec(token);
    res.redirect(302, match ? `/display/book.html?centre=${encodeURIComponent(match[1]!)}&b=${match[2]}` : '/');
  });
  http.get(['/', '/portal', '/portal/'], (req, res) => {
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    res.redirect(302, `/display/portal.html${query}`);
  });
  http.use('/display', securityHeaders, express.static(join(webRoot, 'display'), { setHeaders: noCacheForHtml }));
  http.use('/assets', express.static(join(webRoot, 'assets'), { immutable: true, maxAge: '365d' }));
  // The follow page's chime (the placeholder clips; a centre's own voice stays at its hub).
  http.use('/audio/clips', express.static(join(PROJECT_ROOT, 'display', 'audio', 'clips'), { maxAge: '1d' }));

  return {
    http,
    follow,
    stateArrived: (centreId, state) => follow.stateArrived(centreId, state),
    smsQueued: () => sms.poke(),
    reminders: () => bookings.sendDueReminders(deps.clock()),
    stop: async () => {
      clearInterval(reminders);
      await sms.stop();
      await limitsDb.end();
    },
  };
}
