import type { LocalizedText } from '../config/centre-config';
import type { ErrorCode } from './error-codes';
import type { DeviceCondition, DeviceKind } from '../../hardware/device-contract';

/**
 * What the hub tells the screens. Screens render these and compute no queue state themselves.
 * Public views (kiosk, display, phone) carry no personal data: numbers, services and counters only.
 */

export type ServiceAvailability = 'open' | 'SERVICE_CLOSED' | 'DAILY_LIMIT_REACHED' | 'NUMBERS_EXHAUSTED';
export type TicketStatus = 'waiting' | 'called' | 'serving' | 'done' | 'no-show' | 'cancelled';
export type CounterStatus = 'closed' | 'open' | 'paused';

export interface PublicService {
  id: string;
  name: LocalizedText;
  icon: string | null;
  waiting: number;
  availability: ServiceAvailability;
  estimatedWaitMinutes: number | null;
}

export interface PublicCounter {
  id: string;
  number: number;
  status: CounterStatus;
  serving: { number: string; serviceId: string; status: 'called' | 'serving'; booked?: boolean } | null;
}

export interface PublicCall {
  number: string;
  serviceId: string;
  counterId: string;
  counterNumber: number;
  at: number;
  kind: 'call' | 'recall';
  /** A booked visitor (the display shows "Đặt lịch"); never who. */
  booked?: boolean;
}

export interface PublicView {
  day: string;
  centre: { name: LocalizedText; authority: LocalizedText | null; timeZone: string };
  services: PublicService[];
  counters: PublicCounter[];
  /** Newest first. */
  recentCalls: PublicCall[];
  priorityGroups: { id: string; name: LocalizedText; icon: string | null }[];
  /** Set once the supervisor closed the day: no more tickets; 'cancel' means those waiting were sent home. */
  closing: { mode: 'serve' | 'cancel' | 'carry-over'; at: number } | null;
  /** Visitors carried over from the last working day, still waiting: old number -> today's number. */
  carriedOver: { from: string; to: string; serviceId: string }[];
  /** The centre's procedure catalog, by version (GET /api/procedures), or null: none. */
  procedures?: { version: number } | null;
  /** Null when the display shows neither the results board nor the counts. */
  dossiers: (DossierBoard & { layout: 'beside' | 'rotate'; rotateSeconds: number }) | null;
  display: {
    notice: LocalizedText | null;
    voice: {
      enabled: boolean;
      dialect: 'north' | 'south';
      style: 'number' | 'digits';
      repeat: number;
      english: boolean;
      template: 'kinh-moi' | 'xin-moi';
    };
  };
}

/** Early / on time / late (Trước hạn / Đúng hạn / Quá hạn), in the centre's working days. */
export type TimelinessView =
  | { kind: 'early' | 'on-time' }
  | { kind: 'late'; finished: boolean; workingDaysLate: number }
  | { kind: 'in-time'; msLeft: number; workingDaysLeft: number }
  | { kind: 'closed' };

/** What a lookup with the right code and key shows: the applicant's name masked. */
export interface DossierLookupView {
  code: string;
  procedure: string;
  /** The procedure's code in the centre's catalog, when its name is there (GET /api/procedures/<code>). */
  procedureCode: string | null;
  field: string | null;
  applicantMasked: string;
  receivedAt: number;
  dueAt: number;
  status: number;
  delivery: 'centre' | 'post' | 'electronic';
  collectAt: string | null;
  timeliness: TimelinessView;
  history: { at: number; status: number }[];
}

/** The results board and counts on the wall display. */
export interface DossierBoard {
  /** Results ready to collect, newest first. */
  resultsReady: { code: string; applicantMasked: string; collectAt: string | null; readyAt: number }[];
  /** Dossiers finished this month, by timeliness, and those past their deadline now. */
  counts: { early: number; onTime: number; late: number; overdue: number; month: string } | null;
}

/** A dossier near or past its deadline, for the supervisor. */
export interface DeadlineRow {
  code: string;
  procedure: string;
  field: string | null;
  applicantName: string;
  dueAt: number;
  status: number;
  timeliness: TimelinessView;
}

/** The satisfaction question at a counter, for its rating screen: no ticket number, anonymous. */
export interface RatingPrompt {
  promptId: string;
  counterId: string;
  counterNumber: number;
  expiresAt: number;
}

/** Where one ticket stands, for the visitor's phone: nothing personal. */
export interface TicketFollowView {
  ticketId: string;
  number: string;
  serviceId: string;
  status: TicketStatus;
  /** While waiting: people before it in its queue. */
  peopleAhead: number | null;
  estimatedWaitMinutes: number | null;
  /** When called or being served: where to go. */
  counterNumber: number | null;
  day: string;
}

export interface CounterTicket {
  ticketId: string;
  number: string;
  serviceId: string;
  priorityGroup: string | null;
  status: TicketStatus;
  takenAt: number;
  queuedAt: number;
  calledAt: number | null;
  servingAt: number | null;
  recalls: number;
  postponements: number;
  transfers: number;
  targetCounterId: string | null;
  /** A booking checked in: its slot, how it is called, and (staff only) who booked. */
  booking: CounterBooking | null;
  /** The procedure the visitor chose at the kiosk (a code of GET /api/procedures), or null. */
  procedureCode: string | null;
}

export interface CounterBooking {
  slotStart: number;
  policy: 'slot' | 'remote';
  /** The booking's details for the officer; null when the booking is not known here. */
  details: { name: string; phone: string; time: string; code: string } | null;
}

/** A ticket of the day as stored, for other systems (GET /api/tickets with an API key). */
export interface DayTicket {
  ticketId: string;
  number: string;
  serviceId: string;
  priorityGroup: string | null;
  status: TicketStatus;
  source: 'kiosk' | 'api' | 'counter' | 'carry-over' | 'booking';
  /** The number it had on the last working day, when carried over. */
  carriedFrom: string | null;
  takenAt: number;
  calledAt: number | null;
  servingAt: number | null;
  finishedAt: number | null;
  /** The counter (and officer) that called it last. */
  counterId: string | null;
  officerId: string | null;
  recalls: number;
  postponements: number;
  transfers: number;
  estimatedWaitMinutes: number | null;
}

export interface CounterView {
  counterId: string;
  number: number;
  services: string[];
  status: CounterStatus;
  officer: { id: string; name: string } | null;
  pauseReason: string | null;
  current: CounterTicket | null;
  /** The waiting tickets this counter may call, in the order they would be called by queue. */
  waiting: CounterTicket[];
  waitingTotal: number;
  /** The ticket "next" would call now. */
  nextTicketId: string | null;
  servedToday: number;
  /** The figures of today of the officer working at this counter (at any counter). */
  officerToday: { served: number; noShows: number; transferred: number; averageServiceMinutes: number | null } | null;
}

export interface StaffView {
  counters: {
    id: string;
    number: number;
    services: string[];
    status: CounterStatus;
    officer: { id: string; name: string } | null;
    pauseReason: string | null;
    /** Since when the counter is in its status (opened, paused, idle since its last ticket). */
    since: number | null;
    current: { number: string; serviceId: string; status: 'called' | 'serving'; since: number } | null;
  }[];
  /** Waiting per service, and since when the longest waiter waits. */
  services: { id: string; waiting: number; longestWaitSince: number | null }[];
  devices: DeviceView[];
  alerts: StaffAlert[];
  /** The link to the province; absent for a standalone centre. */
  provinceLink?: ProvinceLinkView;
}

/** How the centre's link to the province stands (docs/province.md). */
export interface ProvinceLinkView {
  connected: boolean;
  centreId: string | null;
  lastContactAt: number | null;
  /** Province messages (bookings) applied here, and the newest the province has. */
  provinceSeq: number;
  provinceLast: number;
  /** This centre's messages (check-ins, closed days), and the last the province applied. */
  outSeq: number;
  outAcked: number;
  lastError: string | null;
}

/** Something the supervisor should look at now. */
export type StaffAlert =
  | { kind: 'printer-paper'; deviceId: string; condition: 'paper-near-end' | 'paper-out' }
  | { kind: 'device-down'; deviceId: string; condition: DeviceCondition }
  | { kind: 'long-wait'; serviceId: string; minutes: number }
  | { kind: 'idle-counter'; counterId: string; minutes: number; waiting: number }
  /** Wrong passwords for one user name from many machines within the hour: someone is guessing. */
  | { kind: 'login-guessing'; username: string; failures: number; addresses: number; since: number };

/** A configured device and its state, for the supervisor. */
export interface DeviceView {
  id: string;
  kind: DeviceKind;
  bridge: string;
  bridgeOnline: boolean;
  condition: DeviceCondition;
  detail: string | null;
  since: number | null;
}

/** Whether a ticket came out of the kiosk's printer. */
export interface PrintState {
  ticketId: string;
  number: string;
  state: 'printing' | 'printed' | 'failed';
  /** Why it failed: paper-out, cover-open, offline, disconnected, ... */
  condition: DeviceCondition | null;
}

/** Every message that carries state has the hub's boot id and a sequence number that only grows. */
export interface Versioned<T> {
  bootId: string;
  seq: number;
  /** The hub's clock when it sent this, for showing elapsed times without trusting the screen's clock. */
  serverTime: number;
  view: T;
}

export interface TicketIssued {
  ticketId: string;
  number: string;
  serviceId: string;
  priorityGroup: string | null;
  peopleAhead: number;
  estimatedWaitMinutes: number | null;
  takenAt: number;
  day: string;
  /** Set for a booking checked in: the ticket says "Đặt lịch" and the slot. */
  booked?: { slotStart: number };
  /** The procedure chosen at the kiosk (its catalog code): the ticket and the counter pad show it. */
  procedureCode?: string;
}

export interface SessionInfo {
  token: string;
  expiresAt: number;
  officer: { id: string; name: string; role: 'officer' | 'supervisor' };
  /** Counters this officer may work at. */
  counters: string[];
}

/** A secret the supervisor issued, without the secret: for the supervisor's lists. */
export interface CredentialView {
  kind: 'apikey' | 'bridge' | 'kiosk' | 'rating';
  /** The integration, bridge, kiosk, or counter (of a rating screen) it belongs to. */
  ownerId: string;
  issuedAt: number;
  issuedBy: string;
  /** What an API key may do. */
  scopes: ('dossiers' | 'tickets')[] | null;
}

/** An officer's open session, for the supervisor. */
export interface SessionView {
  sessionId: string;
  officer: { id: string; name: string; role: 'officer' | 'supervisor' };
  /** The app it logged in from, and the address it logged in from. */
  app: string;
  address: string;
  since: number;
  expiresAt: number;
  /** Screens connected with it now, and the counters they work at. */
  connections: number;
  counters: string[];
  /** The session asking. */
  current: boolean;
}

export interface Snapshot {
  public: Versioned<PublicView>;
  staff: Versioned<StaffView> | null;
  counter: Versioned<CounterView> | null;
}

export type AckError = {
  ok: false;
  error: ErrorCode;
  message: string;
  retryAfterSeconds?: number;
  /** For a refused configuration: every problem, naming the field. */
  problems?: string[];
  /** Facts a refusal carries (bookings: the next free slots, when check-in opens, a ban's end). */
  details?: Record<string, unknown>;
};
export type Ack<T> = { ok: true; data: T } | AckError;
export type AckCallback<T> = (answer: Ack<T>) => void;
