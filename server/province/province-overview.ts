import { centreLiveState, type CentreLiveState } from '../protocol/link-protocol';
import type { CentreOverviewRow } from '../protocol/province-protocol';
import type { Db } from './db/database';

/**
 * The province's live overview of its centres, read from PostgreSQL (docs/province.md, "Province
 * supervisor"): the newest live state each hub sent (`centre_live`), the link's numbers
 * (`link_sequences`) and when each hub came and went (`centre_presence`). Any process answers the
 * same, so screens on any process agree.
 *
 * A centre is connected when the province heard from its hub within CONTACT_MS (the hub sends its
 * state at least every 30 s) and no process has seen its hub go away since. This is read from the
 * database rather than asked of every process (`fetchSockets()` through the adapter): that asks over
 * plain Redis Pub/Sub, waits for every process's answer (seconds when one has just died), and would
 * be asked for every row sent; the database answers at once and is right within CONTACT_MS even when
 * a process dies with its hubs' sockets (nobody records that they went).
 */
export const CONTACT_MS = 75_000;

interface Row {
  id: string;
  name: { vi: string; en: string };
  area: string;
  linked: boolean;
  services: { id: string; name: { vi: string; en: string } }[] | null;
  state: unknown;
  received_at: number | null;
  out_seq: number | null;
  out_acked: number | null;
  in_seq: number | null;
  connected_at: number | null;
  disconnected_at: number | null;
}

const QUERY = `
  SELECT c.id, c.name, c.area, c.profile IS NOT NULL AS linked,
         (SELECT jsonb_agg(jsonb_build_object('id', s->'id', 'name', s->'name')) FROM jsonb_array_elements(c.profile->'services') s) AS services,
         -- Not the calls nor the tickets phones follow: the overview needs neither, and they are most of it.
         l.state - 'calls' - 'tickets' AS state, l.received_at, q.out_seq, q.out_acked, q.in_seq, p.connected_at, p.disconnected_at
    FROM centres c
    LEFT JOIN centre_live l ON l.centre_id = c.id
    LEFT JOIN link_sequences q ON q.centre_id = c.id
    LEFT JOIN centre_presence p ON p.centre_id = c.id`;

/** The overview rows of these centres (all when `centreIds` is null), by id. */
export async function overviewRows(
  db: Db,
  now: number,
  centreIds: readonly string[] | null,
  /** A state that has just come and may not be stored yet (the newer of it and the stored one is shown). */
  fresh?: { centreId: string; state: CentreLiveState; receivedAt: number },
): Promise<CentreOverviewRow[]> {
  const { rows } =
    centreIds === null
      ? await db.query<Row>(`${QUERY} ORDER BY c.id`)
      : await db.query<Row>(`${QUERY} WHERE c.id = ANY($1) ORDER BY c.id`, [centreIds]);
  return rows.map((r) => rowOf(r, now, fresh?.centreId === r.id ? fresh : undefined));
}

function rowOf(r: Row, now: number, fresh?: { state: CentreLiveState; receivedAt: number }): CentreOverviewRow {
  const storedState = r.state === null ? null : (centreLiveState.safeParse({ ...(r.state as object), calls: [] }).data ?? null);
  let state = storedState;
  let receivedAt = r.received_at;
  if (fresh && (!state || fresh.state.at >= state.at)) {
    state = fresh.state;
    receivedAt = Math.max(receivedAt ?? 0, fresh.receivedAt);
  }
  const lastContactAt = maxOf(receivedAt, r.connected_at);
  const goneSinceContact = r.disconnected_at !== null && (lastContactAt === null || r.disconnected_at >= lastContactAt);
  const connected = lastContactAt !== null && !goneSinceContact && now - lastContactAt < CONTACT_MS;
  const disconnectedSince = connected || lastContactAt === null ? null : goneSinceContact ? r.disconnected_at : lastContactAt;
  const names = new Map((r.services ?? []).map((s) => [s.id, s.name]));
  const fields = (state?.services ?? []).map((s) => ({
    id: s.id,
    name: names.get(s.id) ?? { vi: s.id, en: s.id },
    waiting: s.waiting,
    estimatedWaitMinutes: s.estimatedWaitMinutes,
    longestWaitSince: s.longestWaitSince,
    availability: s.availability,
  }));
  const since = fields.flatMap((f) => (f.longestWaitSince === null ? [] : [f.longestWaitSince]));
  return {
    id: r.id,
    name: r.name,
    area: r.area,
    linked: r.linked,
    connected,
    connectedAt: r.connected_at,
    disconnectedSince,
    lastContactAt,
    lag: {
      toCentre: Math.max(0, (r.out_seq ?? 0) - (r.out_acked ?? 0)),
      fromCentre: state ? Math.max(0, state.outSeq - (r.in_seq ?? 0)) : null,
    },
    stateAt: state?.at ?? null,
    day: state?.day ?? null,
    waiting: fields.reduce((n, f) => n + f.waiting, 0),
    fields,
    counters: state?.counters ?? null,
    longestWaitSince: since.length > 0 ? Math.min(...since) : null,
    faults: state?.faults ?? [],
    alerts: state?.alerts ?? {},
    computedAt: now,
  };
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** Records that a centre's hub connected to this process, or went away from it. */
export async function recordPresence(db: Db, centreId: string, change: 'connected' | 'disconnected', now: number): Promise<void> {
  const column = change === 'connected' ? 'connected_at' : 'disconnected_at';
  await db.query(
    `INSERT INTO centre_presence (centre_id, ${column}) VALUES ($1, $2)
     ON CONFLICT (centre_id) DO UPDATE SET ${column} = GREATEST(centre_presence.${column}, EXCLUDED.${column})`,
    [centreId, now],
  );
}
