import { z } from 'zod';
import { centreProfile } from './centre-profile';
import type { ErrorCode } from './error-codes';

/**
 * The link between a centre's hub and the province (docs/province.md, "The link"). The hub connects
 * out to the province's `/link` namespace with its centre token (`auth: { token }`), websocket only.
 * Messages in each direction are numbered 1, 2, 3 ... by their sender's durable outbox; the
 * receiver applies each once, in order, and says the last number it applied. Nothing here relies on
 * Socket.IO's connection state recovery: after any cut the hub asks again from its last number.
 */
export const LINK_NAMESPACE = '/link';

export const linkHello = z.object({ profile: centreProfile });
export const linkPull = z.object({ after: z.number().int().nonnegative(), limit: z.number().int().min(1).max(500).default(200) });
export const linkAck = z.object({ applied: z.number().int().nonnegative() });

export interface LinkMessage {
  seq: number;
  kind: string;
  body: unknown;
  at: number;
}

export type LinkAnswer<T> = { ok: true; data: T } | { ok: false; error: ErrorCode; message?: string };

/** Hub to province, each with an ack. */
export interface LinkClientEvents {
  /** Who the hub is: its profile (fields, hours, booking rules, calendar). Ack: the centre's id. */
  'link:hello': (payload: z.input<typeof linkHello>, ack: (answer: LinkAnswer<{ centreId: string; outSeq: number }>) => void) => void;
  /** The province's messages after `after`, in order (at most `limit`); `last` is the newest number. */
  'link:pull': (payload: z.input<typeof linkPull>, ack: (answer: LinkAnswer<{ messages: LinkMessage[]; last: number }>) => void) => void;
  /** The last province message the hub applied (on its disk): the province's view of the lag. */
  'link:ack': (payload: z.input<typeof linkAck>, ack: (answer: LinkAnswer<null>) => void) => void;
}

/** Province to hub. */
export interface LinkServerEvents {
  /** A new message for the centre is committed (number `seq`): pull. */
  'link:nudge': (payload: { seq: number }) => void;
}
