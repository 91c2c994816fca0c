import type { Tx } from './db/database';

/** The PostgreSQL channel on which a committed message to a centre is announced ('<centre> <seq>'). */
export const OUTBOX_CHANNEL = 'luot_centre_outbox';

/**
 * Numbers a message for a centre's hub and stores it, in the caller's transaction: gapless and in
 * commit order (the number comes from the centre's link_sequences row, locked until commit), and
 * announced on commit only (NOTIFY), so the process holding the centre's link nudges its hub.
 */
export async function queueForCentre(tx: Tx, centreId: string, kind: string, body: unknown, now: number): Promise<number> {
  const { rows } = await tx.query<{ out_seq: number }>('UPDATE link_sequences SET out_seq = out_seq + 1 WHERE centre_id = $1 RETURNING out_seq', [centreId]);
  const seq = rows[0]!.out_seq;
  await tx.query('INSERT INTO centre_outbox (centre_id, seq, kind, body, at) VALUES ($1, $2, $3, $4, $5)', [centreId, seq, kind, JSON.stringify(body), now]);
  await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, `${centreId} ${seq}`]);
  return seq;
}
