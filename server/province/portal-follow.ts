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
    this.deliver(batch);
    this.portal.serverSideEmit('follow:batch', batch);
  }

  private deliver(batch: FollowBatch): void {
    for (const entry of batch.changed) {
      const sockets = this.followers.get(`${batch.centreId}|${entry.key}`);
      if (!sockets) continue;
      for (const socket of sockets) {
        const ticketId = (socket.data as { ticketId?: string }).ticketId ?? '';
        socket.emit('follow:update', viewOf(batch.centreId, ticketId, entry, batch.day, batch.at));
      }
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
      socket.data.follows = null;
    };
    socket.on('follow:ticket', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      const parsed = followRequest.safeParse(payload);
      if (!parsed.success) return ack({ ok: false, error: 'INVALID_PAYLOAD' });
      const { centreId, ticketId } = parsed.data;
      const key = followKey(ticketId);
      try {
        const { rows } = await this.db.query<{ entry: FollowEntry; day: string; at: number }>(
          `SELECT e AS entry, state->>'day' AS day, at FROM centre_live, jsonb_array_elements(state->'tickets') e WHERE centre_id = $1 AND e->>'key' = $2`,
          [centreId, key],
        );
        const row = rows[0];
        if (!row) return ack({ ok: false, error: 'UNKNOWN_TICKET' });
        unfollow();
        const room = `${centreId}|${key}`;
        let set = this.followers.get(room);
        if (!set) this.followers.set(room, (set = new Set()));
        set.add(socket);
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

  /** Phones following on this process (for the overview and the benchmark). */
  get followerCount(): number {
    let n = 0;
    for (const set of this.followers.values()) n += set.size;
    return n;
  }
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
