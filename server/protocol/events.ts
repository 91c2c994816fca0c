import type { DeviceCondition, PrintResult } from '../../hardware/device-contract';
import type { LabelledReport } from './report-types';
import type { AuditEntry } from './config-types';
import type {
  BridgeTokenPayload,
  ReprintPayload,
  PrintChecklistPayload,
  TestPrintPayload,
  CounterCommandName,
  CounterCommandPayload,
  LoginPayload,
  StateRequestPayload,
  TakeTicketPayload,
} from './commands';
import type {
  AckCallback,
  CounterView,
  CredentialView,
  DeadlineRow,
  DossierLookupView,
  PrintState,
  PublicCall,
  RatingPrompt,
  PublicView,
  SessionInfo,
  SessionView,
  Snapshot,
  StaffView,
  TicketFollowView,
  TicketIssued,
  Versioned,
} from './views';
import type { BookingCheckInView, BookingClosureView, BookingStaffRow, BookingView, NoShowRow } from './booking-protocol';

/**
 * The Socket.IO event maps shared by the hub and the three apps: the one place where the names and
 * shapes of events are written down (docs/protocol.md describes them for people).
 */

type CounterCommandEvents = {
  [N in CounterCommandName]: (payload: CounterCommandPayload<N>, ack: AckCallback<CounterView>) => void;
};

type BookingInput<S extends import('zod').ZodType> = import('zod').input<S>;
type B = typeof import('./booking-protocol');

/** Bookings (docs/protocol.md section 13): the kiosk's check-in and the supervisor's commands. */
type BookingEvents = {
  'booking:check-in': (payload: BookingInput<B['bookingCheckInSchema']>, ack: AckCallback<BookingCheckInView>) => void;
  'booking:list': (payload: BookingInput<B['bookingListSchema']>, ack: AckCallback<{ bookings: BookingStaffRow[]; closures: BookingClosureView[] }>) => void;
  'booking:no-shows': (payload: Record<string, never>, ack: AckCallback<NoShowRow[]>) => void;
  'booking:book': (payload: BookingInput<B['bookingOnBehalfSchema']>, ack: AckCallback<BookingView>) => void;
  'booking:cancel': (payload: BookingInput<B['bookingCentreCancelSchema']>, ack: AckCallback<null>) => void;
  'booking:close-day': (payload: BookingInput<B['bookingClosureSchema']>, ack: AckCallback<{ closureId: string; cancelled: number }>) => void;
  'booking:reopen-day': (payload: BookingInput<B['bookingClosureRemoveSchema']>, ack: AckCallback<null>) => void;
};

export interface ClientToServerEvents extends CounterCommandEvents, BookingEvents {
  'ticket:take': (payload: TakeTicketPayload, ack: AckCallback<TicketIssued>) => void;
  'session:login': (payload: LoginPayload, ack: AckCallback<SessionInfo>) => void;
  'session:logout': (payload: Record<string, never>, ack: AckCallback<null>) => void;
  'state:request': (payload: StateRequestPayload, ack: AckCallback<Snapshot>) => void;
  /** Anyone (the visitor's phone): where one ticket stands. */
  'ticket:status': (payload: { ticketId: string; lang?: 'vi' | 'en' }, ack: AckCallback<TicketFollowView>) => void;
  /** Anyone (kiosk, phone): a dossier by code and the key on the receipt. Wrong tries are slowed down. */
  'dossier:lookup': (payload: { code: string; key: string; lang?: 'vi' | 'en' }, ack: AckCallback<DossierLookupView>) => void;
  /** Supervisors: dossiers near and past their deadline. */
  'dossier:deadlines': (payload: Record<string, never>, ack: AckCallback<DeadlineRow[]>) => void;
  /** Supervisors: API keys for other systems (the one-stop software). The key is shown once. */
  'apikey:issue': (
    payload: { commandId: string; integrationId: string; scopes?: ('dossiers' | 'tickets')[] },
    ack: AckCallback<{ integrationId: string; key: string; scopes: ('dossiers' | 'tickets')[] }>,
  ) => void;
  /**
   * Supervisors: pair a kiosk (it may then take numbers from any network) or a counter's rating
   * screen (only it may answer that counter's question). The secret is shown once, in `url` too.
   */
  'pairing:issue': (
    payload: { commandId: string; kind: 'kiosk' | 'rating'; targetId: string },
    ack: AckCallback<{ kind: 'kiosk' | 'rating'; targetId: string; secret: string; url: string }>,
  ) => void;
  'pairing:revoke': (
    payload: { commandId: string; kind: 'kiosk' | 'rating'; targetId: string },
    ack: AckCallback<{ kind: 'kiosk' | 'rating'; targetId: string; revoked: boolean }>,
  ) => void;
  /** Supervisors: every API key, bridge token and pairing issued (never the secrets). */
  'credential:list': (payload: Record<string, never>, ack: AckCallback<CredentialView[]>) => void;
  /** Supervisors: the officers' open sessions (who, where, since when). */
  'session:list': (payload: Record<string, never>, ack: AckCallback<SessionView[]>) => void;
  /** Supervisors: end a session; its screens are logged out at once. */
  'session:end': (payload: { commandId: string; sessionId: string }, ack: AckCallback<{ sessionId: string; ended: true }>) => void;
  'apikey:revoke': (payload: { commandId: string; integrationId: string }, ack: AckCallback<{ integrationId: string; revoked: boolean }>) => void;
  /** A rating screen at a counter (or the counter tablet turned around): receive its questions. */
  'rating:watch': (payload: { counterId: string; lang?: 'vi' | 'en' }, ack: AckCallback<RatingPrompt | null>) => void;
  /** The visitor's answer to an open question; once. */
  'rating:submit': (
    payload: { promptId: string; level: 1 | 2 | 3; reason?: string | null; lang?: 'vi' | 'en' },
    ack: AckCallback<null>,
  ) => void;
  /** Supervisors: figures per service, counter or officer over a period. */
  'report:get': (
    payload: { from: string; to: string; groupBy?: 'service' | 'counter' | 'officer' | 'procedure'; lang?: 'vi' | 'en' },
    ack: AckCallback<LabelledReport>,
  ) => void;
  /** Supervisors: the configuration to edit (no password hashes), replaced whole, and its audit trail. */
  'config:get': (payload: Record<string, never>, ack: AckCallback<{ version: number; config: unknown }>) => void;
  'config:replace': (
    payload: { commandId: string; baseVersion: number; config: Record<string, unknown>; lang?: 'vi' | 'en' },
    ack: AckCallback<{ version: number }>,
  ) => void;
  'officer:set-password': (
    payload: { commandId: string; officerId: string; password: string; lang?: 'vi' | 'en' },
    ack: AckCallback<{ version: number }>,
  ) => void;
  'audit:list': (payload: { limit?: number; lang?: 'vi' | 'en' }, ack: AckCallback<AuditEntry[]>) => void;
  /** Supervisors, at closing time: what happens to those still waiting. */
  'day:close': (payload: { commandId: string; mode: 'serve' | 'cancel' | 'carry-over'; lang?: 'vi' | 'en' }, ack: AckCallback<null>) => void;
  /** Officers and supervisors. */
  'ticket:reprint': (payload: ReprintPayload, ack: AckCallback<PrintState>) => void;
  /** Supervisors. */
  'device:test-print': (payload: TestPrintPayload, ack: AckCallback<PrintResult>) => void;
  /** A trusted kiosk: a procedure's papers on its printer (the print's outcome; NO_PRINTER when it has none). */
  'kiosk:print-checklist': (payload: PrintChecklistPayload, ack: AckCallback<PrintResult>) => void;
  'bridge:issue-token': (payload: BridgeTokenPayload, ack: AckCallback<{ bridgeId: string; token: string }>) => void;
  'bridge:revoke-token': (payload: BridgeTokenPayload, ack: AckCallback<{ bridgeId: string; revoked: boolean }>) => void;
}

export interface ServerToClientEvents {
  /** The public state, after every change, to every screen. */
  'queue:public': (message: Versioned<PublicView>) => void;
  /** Counter occupancy, to logged-in officers. */
  'queue:staff': (message: Versioned<StaffView>) => void;
  /** One counter's state and waiting list, to the sockets at that counter. */
  'queue:counter': (message: Versioned<CounterView>) => void;
  /** A call or recall to announce, once, after it is stored. A snapshot never replays these. */
  'ticket:called': (message: { bootId: string; seq: number; call: PublicCall }) => void;
  /** To the kiosk that took a ticket: whether it printed. */
  'ticket:print-state': (message: PrintState) => void;
  /** To a kiosk: the state of its printer (null: it has none), on connect and on change. */
  'kiosk:printer': (message: { condition: DeviceCondition | null }) => void;
  /**
   * To every screen using a session that just ended (logout anywhere, a password change, the
   * officer removed or disabled, ended by the supervisor, lapsed): it has left the staff and counter rooms.
   */
  'session:ended': (message: { reason: 'logout' | 'password-changed' | 'officer-removed' | 'officer-disabled' | 'ended-by-supervisor' | 'expired' }) => void;
  /** To a counter's rating screens: a question opens (a prompt) or closes (null). */
  'rating:prompt': (message: { counterId: string; prompt: RatingPrompt | null }) => void;
}

/** What a client says about itself when it connects (Socket.IO `auth`). */
export interface ClientHello {
  app: 'kiosk' | 'display' | 'counter';
  token?: string;
  lang?: 'vi' | 'en';
  /** A kiosk's id from the configuration (its printer, its room). */
  kioskId?: string;
  /** A paired kiosk's or rating screen's secret (pairing:issue); a paired kiosk is the kiosk it was paired as. */
  pairing?: string;
}
