import type { CentreLiveState } from './link-protocol';
import type { TicketFollowView } from './views';

/**
 * The province portal's Socket.IO namespace for phones (docs/province.md, "Following a ticket"):
 * websocket only, no account. Browser-safe.
 */
export const PORTAL_NAMESPACE = '/portal';

export interface PortalClientEvents {
  'follow:ticket': (payload: { centreId: string; ticketId: string }, ack: (answer: { ok: true; data: PortalFollowView } | { ok: false; error: 'INVALID_PAYLOAD' | 'UNKNOWN_TICKET' | 'INTERNAL' }) => void) => void;
}
/** A ticket's state, as the hub's follow page has it, and how fresh the centre's news is. */
export type PortalFollowView = TicketFollowView & { centreId: string; at: number };
export interface PortalServerEvents {
  'follow:update': (view: PortalFollowView) => void;
}

/** A centre as the portal lists it (GET /api/portal/centres): numbers only, no personal data. */
export interface PortalCentreView {
  id: string;
  name: { vi: string; en: string };
  area: string;
  /** The centre's hub has linked at least once (its fields and booking rules are known). */
  linked: boolean;
  bookable: boolean;
  services: { id: string; name: { vi: string; en: string } }[];
  /** What waits there now; null when the hub has not been heard from recently. */
  live: {
    at: number;
    waiting: number;
    openCounters: number;
    closing: CentreLiveState['closing'];
    services: { id: string; waiting: number; estimatedWaitMinutes: number | null; availability: string }[];
  } | null;
}
