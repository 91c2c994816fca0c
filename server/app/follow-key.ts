import { createHash } from 'node:crypto';

/**
 * What the province knows a followed ticket by: a hash of its ticket id, never the id itself (the
 * id is the phone's secret to its own ticket: whoever has it follows the ticket). The hub sends
 * the keys of its tickets in its live state; a phone asks the province with the id, and the
 * province hashes it to find the ticket.
 */
const known = new Map<string, string>();

export function followKey(ticketId: string): string {
  let key = known.get(ticketId);
  if (key === undefined) {
    // The hub sends every waiting ticket's key with each state: each hashed once, not each time.
    if (known.size > 50_000) known.clear();
    key = createHash('sha256').update(`luot-follow:${ticketId}`).digest('base64url').slice(0, 22);
    known.set(ticketId, key);
  }
  return key;
}
