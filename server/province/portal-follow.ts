import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import { followKey } from '../app/follow-key';
import type { Logger } from '../logger';
import type { CentreLiveState, FollowEntry } from '../protocol/link-protocol';
import type { PortalClientEvents, PortalFollowView, PortalServerEvents } from '../protocol/portal-protocol';
export { PORTAL_NAMESPACE } from '../protocol/portal-protocol';
import type { Db } from './db/database';

/**
 * Phones following a ticket of any linked centre through the province (docs/province.md,
 * "Following a ticket"). A phone on any process asks `follow:ticket { centreId, ticketId }`; the
 * answer comes from the centre's last stored state (PostgreSQL), then every change of that ticket
 * is pushed to it as `follow:update`. The hub's state reaches one process; that process works out
 * which tickets changed and sends the changes once to every other process (serverSideEmit, through
 * the adapter), and each process tells only its own phones. A ticket id never leaves the phone and
 * the hub: the province knows tickets by a hash of it (server/app/follow-key.ts).
 */

interface FollowBatch {
  centreId: string;
  day: string;
  at: number;
  changed: FollowEntry[];
}
interface PortalInterServer {
  'follow:batch': (batch: FollowBatch) => void;
}
type PortalSocket = Socket<PortalClientEvents, PortalServerEvents, PortalInterServer, { follows: string | null }>;
export type PortalNamespace = Namespace<PortalClientEvents, PortalServerEvents, PortalInterServer, { follows: string | null }>;

const followRequest = z.object({ centreId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/), ticketId: z.string().min(1).max(80) });

export class PortalFollow {
  /** On the process that hears a centre's hub: each ticket's last entry, as sent. */
  private readonly lastSent = new Map<string, Map<string, string>>();
  /** This process's phones, by `<centre>|<key>`. */
  private readonly followers = new Map<string, Set<PortalSocket>>();
  /**
   * Each followed centre's tickets as this process knows them, for the first answer to a phone:
   * read from PostgreSQL at most every KNOWN_MS and kept current by every batch in between (a
   * rush of phones asking is then one read a few seconds per centre, not a scan of the centre's
   * whole state for each phone).
   */
  private readonly known = new Map<string, KnownCentre>();

  constructor(
    private readonly portal: PortalNamespace,
    private readonly db: Db,
    private readonly log: Logger,
  ) {
    portal.on('connection', (socket: PortalSocket) => this.attach(socket));
    portal.on('follow:batch', (batch) => this.deliver(batch));
  }

  /** A centre's new state, heard on this process from its hub. */
  stateArrived(centreId: string, state: CentreLiveState): void {
    const before = this.lastSent.get(centreId) ?? new Map<string, string>();
    const after = new Map<string, string>();
    const changed: FollowEntry[] = [];
    for (const entry of state.tickets) {
      const text = JSON.stringify(entry);
      after.set(entry.key, text);
      if (before.get(entry.key) !== text) changed.push(entry);
    }
    this.lastSent.set(centreId, after);
    if (changed.length === 0) return;
    const batch: FollowBatch = { centreId, day: state.day, at: state.at, changed };
    // The other processes first, so that they tell their phones while this one tells its own.
    this.portal.serverSideEmit('follow:batch', batch);
    setImmediate(() => this.deliver(batch));
  }

  /**
   * Tells this process's phones of each changed ticket: one packet per ticket, encoded once for
   * all the phones following it (a room of this process only; the other processes have the batch).
   */
  private deliver(batch: FollowBatch): void {
    const known = this.known.get(batch.centreId);
    if (known) {
      known.pending?.push(batch);
      apply(known, batch);
    }
    for (const entry of batch.changed) {
      const room = `${batch.centreId}|${entry.key}`;
      const sockets = this.followers.get(room);
      if (!sockets) continue;
      const first = sockets.values().next().value as PortalSocket;
      const ticketId = (first.data as { ticketId?: string }).ticketId ?? '';
      this.portal.local.to(room).emit('follow:update', viewOf(batch.centreId, ticketId, entry, batch.day, batch.at));
    }
  }

  private attach(socket: PortalSocket): void {
    socket.data.follows = null;
    const unfollow = () => {
      const key = socket.data.follows;
      if (!key) return;
      const set = this.followers.get(key);
      set?.delete(socket);
      if (set?.size === 0) this.followers.delete(key);
      void socket.leave(key);
      socket.data.follows = null;
    };
    socket.on('follow:ticket', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      const parsed = followRequest.safeParse(payload);
      if (!parsed.success) return ack({ ok: false, error: 'INVALID_PAYLOAD' });
      const { centreId, ticketId } = parsed.data;
      const key = followKey(ticketId);
      try {
        const centre = await this.knownCentre(centreId);
        const entry = centre?.entries.get(key);
        if (!centre || !entry) return ack({ ok: false, error: 'UNKNOWN_TICKET' });
        const row = { entry, day: centre.day, at: centre.at };
        unfollow();
        const room = `${centreId}|${key}`;
        let set = this.followers.get(room);
        if (!set) this.followers.set(room, (set = new Set()));
        set.add(socket);
        void socket.join(room);
        socket.data.follows = room;
        (socket.data as { ticketId?: string }).ticketId = ticketId;
        ack({ ok: true, data: viewOf(centreId, ticketId, row.entry, row.day, row.at) });
      } catch (error) {
        this.log.warn('portal: a follow could not be answered', { error: String(error) });
        ack({ ok: false, error: 'INTERNAL' });
      }
    });
    socket.on('disconnect', unfollow);
  }

  /** The centre's tickets, read again when older than KNOWN_MS (once at a time); null for a centre with no state. */
  private async knownCentre(centreId: string): Promise<KnownCentre | null> {
    const now = performance.now();
    const known = this.known.get(centreId);
    if (known && now - known.readAt < KNOWN_MS) return known;
    let reading = this.reading.get(centreId);
    if (!reading) {
      reading = this.readCentre(centreId, now).finally(() => this.reading.delete(centreId));
      this.reading.set(centreId, reading);
    }
    return reading;
  }

  private readonly reading = new Map<string, Promise<KnownCentre | null>>();

  private async readCentre(centreId: string, now: number): Promise<KnownCentre | null> {
    // Batches that arrive while the read runs are applied again on top of it (it may be older).
    const pending: FollowBatch[] = [];
    const old = this.known.get(centreId);
    if (old) old.pending = pending;
    else this.known.set(centreId, { readAt: -Infinity, day: '', at: 0, entries: new Map(), pending });
    try {
      const { rows } = await this.db.query<{ tickets: FollowEntry[] | null; day: string; at: number }>(
        `SELECT state->'tickets' AS tickets, state->>'day' AS day, at FROM centre_live WHERE centre_id = $1`,
        [centreId],
      );
      const row = rows[0];
      if (!row) {
        this.known.delete(centreId);
        return null;
      }
      const fresh: KnownCentre = { readAt: now, day: row.day, at: row.at, entries: new Map((row.tickets ?? []).map((e) => [e.key, e])), pending: null };
      for (const batch of pending) apply(fresh, batch);
      if (this.known.size > 5_000) this.known.clear();
      this.known.set(centreId, fresh);
      return fresh;
    } catch (error) {
      this.known.delete(centreId);
      throw error;
    }
  }

  /** Phones following on this process (for the overview and the benchmark). */
  get followerCount(): number {
    let n = 0;
    for (const set of this.followers.values()) n += set.size;
    return n;
  }
}

/** How long a centre's tickets read from PostgreSQL answer first follows (batches keep them current meanwhile). */
const KNOWN_MS = 5_000;

interface KnownCentre {
  readAt: number;
  day: string;
  at: number;
  entries: Map<string, FollowEntry>;
  /** While a new read runs: the batches that arrived meanwhile. */
  pending: FollowBatch[] | null;
}

function apply(known: KnownCentre, batch: FollowBatch): void {
  if (batch.at < known.at) return;
  known.day = batch.day;
  known.at = batch.at;
  for (const entry of batch.changed) known.entries.set(entry.key, entry);
}

function viewOf(centreId: string, ticketId: string, e: FollowEntry, day: string, at: number): PortalFollowView {
  return {
    centreId,
    ticketId,
    number: e.number,
    serviceId: e.serviceId,
    status: e.status,
    peopleAhead: e.peopleAhead,
    estimatedWaitMinutes: e.estimatedWaitMinutes,
    counterNumber: e.counterNumber,
    day,
    at,
  };
}
