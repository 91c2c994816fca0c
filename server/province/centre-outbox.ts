import type { Tx } from './db/database';

/** The PostgreSQL channel on which a committed message to a centre is announced ('<centre> <seq>'). */
export const OUTBOX_CHANNEL = 'luot_centre_outbox';

/**
 * Numbers a message for a centre's hub and stores it, in the caller's transaction: gapless and in
 * commit order (the number comes from the centre's link_sequences row, locked until commit), and
 * announced on commit only (NOTIFY), so the process holding the centre's link nudges its hub.
 */
export async function queueForCentre(tx: Tx, centreId: string, kind: string, body: unknown, now: number): Promise<number> {
  // One statement: the number taken (the row stays locked until commit), the message stored, the
  // NOTIFY queued (PostgreSQL delivers it on commit).
  const { rows } = await tx.query<{ seq: number }>(
    `WITH next AS (UPDATE link_sequences SET out_seq = out_seq + 1 WHERE centre_id = $1 RETURNING out_seq),
          put AS (INSERT INTO centre_outbox (centre_id, seq, kind, body, at) SELECT $1, out_seq, $2::text, $3::jsonb, $4::int8 FROM next RETURNING seq)
     SELECT seq, pg_notify($5, $1 || ' ' || seq) FROM put`,
    [centreId, kind, JSON.stringify(body), now, OUTBOX_CHANNEL],
  );
  return rows[0]!.seq;
}
