import type { Namespace, Server, Socket } from 'socket.io';
import type { Logger } from '../logger';
import type { CentreLiveState } from '../protocol/link-protocol';
import { PROVINCE_NAMESPACE, PROVINCE_SESSION_COOKIE, type ProvinceAnswer, type ProvinceClientEvents, type ProvinceServerEvents } from '../protocol/province-protocol';
import type { Db } from './db/database';
import type { LinkNamespace } from './link-handlers';
import type { ProvinceAccounts, SignedIn } from './province-accounts';
import { overviewRows, recordPresence } from './province-overview';
import { cookieIn } from './province-api';

type Data = { who: SignedIn };
type ProvinceNamespace = Namespace<ProvinceClientEvents, ProvinceServerEvents, Record<string, never>, Data>;
type ProvinceSocket = Socket<ProvinceClientEvents, ProvinceServerEvents, Record<string, never>, Data>;

/** Staff who read every centre (admins, supervisors). */
const ALL_ROOM = 'province:all';
const centreStaffRoom = (centreId: string) => `province:centre:${centreId}`;
const sessionRoom = (sessionId: string) => `province:session:${sessionId}`;
const accountRoom = (accountId: string) => `province:account:${accountId}`;

/** At most one row per centre a second from each process; the last state of a burst is always sent. */
const ROW_INTERVAL_MS = 1_000;
/** How often each process checks that its screens' sessions still hold (a lost "end" broadcast). */
const RECHECK_MS = 60_000;

export interface ProvinceLive {
  /** The link's `onState` hook: a centre's live state has come (to this process). */
  stateArrived(centreId: string, state: CentreLiveState): void;
  endSession(sessionId: string): void;
  endAccount(accountId: string): void;
  stop(): Promise<void>;
}

/**
 * The province staff's live namespace, /province (docs/province.md, "Province supervisor"). A
 * screen connects with its session (the HttpOnly cookie its page was given, or `auth: { token }`),
 * checked at connect and again on every command. An admin's or supervisor's socket joins the room
 * of every centre's rows; a centre supervisor's joins only their centre's. When a centre's state
 * comes or its hub goes, the process that saw it sends the centre's new row to those rooms through
 * the adapter, so screens on every process get it. Rows are a convenience: a screen takes a fresh
 * snapshot (`province:overview`) when it connects and every 30 s, so a lost row costs at most that.
 */
export function attachProvinceLive(io: Server, link: LinkNamespace, deps: { db: Db; accounts: ProvinceAccounts; log: Logger; clock: () => number }): ProvinceLive {
  const ns = io.of(PROVINCE_NAMESPACE) as unknown as ProvinceNamespace;
  const pending = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
    return work;
  };

  ns.use((socket, next) => {
    deps.accounts.signedIn(tokenOf(socket), deps.clock()).then(
      (who) => {
        if (!who.ok) return next(new Error(who.error));
        socket.data.who = who.data;
        next();
      },
      () => next(new Error('INTERNAL')),
    );
  });

  ns.on('connection', (socket: ProvinceSocket) => {
    const { account, sessionId, expiresAt } = socket.data.who;
    void socket.join([account.role === 'centre-supervisor' ? centreStaffRoom(account.centreId!) : ALL_ROOM, sessionRoom(sessionId), accountRoom(account.id)]);
    // The session's end is known: the screen is let go then, whatever else happens.
    const ends = setTimeout(() => socket.disconnect(true), Math.min(Math.max(0, expiresAt - deps.clock()), 2 ** 31 - 1));
    socket.on('disconnect', () => clearTimeout(ends));

    socket.on('province:overview', (_payload, ack) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (answer: ProvinceAnswer<unknown>) => void;
      track(
        (async () => {
          const now = deps.clock();
          const who = await deps.accounts.signedIn(tokenOf(socket), now);
          if (!who.ok || who.data.sessionId !== sessionId) {
            reply({ ok: false, error: who.ok ? 'NOT_LOGGED_IN' : who.error });
            socket.disconnect(true);
            return;
          }
          const scope = who.data.account.role === 'centre-supervisor' ? [who.data.account.centreId!] : null;
          reply({ ok: true, data: { rows: await overviewRows(deps.db, now, scope), serverNow: now } });
        })().catch((error: unknown) => {
          deps.log.error('province live: overview failed', { error: String(error) });
          reply({ ok: false, error: 'INTERNAL' });
        }),
      );
    });
  });

  // --- rows as centres change ---------------------------------------------------------------

  const latest = new Map<string, { state: CentreLiveState; receivedAt: number }>();
  const timers = new Map<string, { timer: ReturnType<typeof setTimeout>; again: boolean }>();

  const publish = (centreId: string) =>
    track(
      (async () => {
        const now = deps.clock();
        const fresh = latest.get(centreId);
        const [row] = await overviewRows(deps.db, now, [centreId], fresh ? { centreId, ...fresh } : undefined);
        if (row) ns.to([ALL_ROOM, centreStaffRoom(centreId)]).emit('province:centre', row);
      })().catch((error: unknown) => deps.log.warn('province live: a centre row could not be sent', { centreId, error: String(error) })),
    );

  /** Sends now if nothing was sent for the centre within the interval; else once at its end. */
  let stopping = false;
  const changed = (centreId: string) => {
    if (stopping) return;
    const running = timers.get(centreId);
    if (running) {
      running.again = true;
      return;
    }
    void publish(centreId);
    const entry = {
      again: false,
      timer: setTimeout(function tick() {
        if (entry.again) {
          entry.again = false;
          void publish(centreId);
          entry.timer = setTimeout(tick, ROW_INTERVAL_MS);
        } else timers.delete(centreId);
      }, ROW_INTERVAL_MS),
    };
    timers.set(centreId, entry);
  };

  // When hubs come and go (any process records it; the overview reads it from the database).
  link.on('connection', (socket) => {
    const centreId = socket.data.centreId;
    void track(recordPresence(deps.db, centreId, 'connected', deps.clock()).catch((error: unknown) => deps.log.warn('province live: presence', { centreId, error: String(error) })));
    socket.on('disconnect', () => {
      // The last state stays known here: its write to the database may still be on its way.
      void track(
        recordPresence(deps.db, centreId, 'disconnected', deps.clock()).then(
          () => changed(centreId),
          (error: unknown) => deps.log.warn('province live: presence', { centreId, error: String(error) }),
        ),
      );
    });
  });

  // Sessions that ended while their "end" broadcast was lost, and accounts disabled meanwhile.
  const recheck = setInterval(() => {
    const sockets = [...ns.sockets.values()];
    if (sockets.length === 0) return;
    void track(
      deps.accounts.liveSessions([...new Set(sockets.map((s) => s.data.who.sessionId))], deps.clock()).then(
        (live) => sockets.filter((s) => !live.has(s.data.who.sessionId)).forEach((s) => s.disconnect(true)),
        (error: unknown) => deps.log.warn('province live: sessions could not be checked', { error: String(error) }),
      ),
    );
  }, RECHECK_MS);
  recheck.unref();

  return {
    stateArrived(centreId, state) {
      const known = latest.get(centreId);
      if (!known || state.at >= known.state.at) latest.set(centreId, { state, receivedAt: deps.clock() });
      changed(centreId);
    },
    endSession: (sessionId) => ns.in(sessionRoom(sessionId)).disconnectSockets(true),
    endAccount: (accountId) => ns.in(accountRoom(accountId)).disconnectSockets(true),
    async stop() {
      stopping = true;
      clearInterval(recheck);
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...pending]);
    },
  };
}

function tokenOf(socket: { handshake: ProvinceSocket['handshake'] }): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  return typeof fromAuth === 'string' ? fromAuth : cookieIn(socket.handshake.headers.cookie, PROVINCE_SESSION_COOKIE);
}
