import type {
  CounterCommandName,
  CounterCommandPayload,
  LoginPayload,
  StateRequestPayload,
  TakeTicketPayload,
} from './commands';
import type {
  AckCallback,
  CounterView,
  PublicCall,
  PublicView,
  SessionInfo,
  Snapshot,
  StaffView,
  TicketIssued,
  Versioned,
} from './views';

/**
 * The Socket.IO event maps shared by the hub and the three apps: the one place where the names and
 * shapes of events are written down (docs/protocol.md describes them for people).
 */

type CounterCommandEvents = {
  [N in CounterCommandName]: (payload: CounterCommandPayload<N>, ack: AckCallback<CounterView>) => void;
};

export interface ClientToServerEvents extends CounterCommandEvents {
  'ticket:take': (payload: TakeTicketPayload, ack: AckCallback<TicketIssued>) => void;
  'session:login': (payload: LoginPayload, ack: AckCallback<SessionInfo>) => void;
  'session:logout': (payload: Record<string, never>, ack: AckCallback<null>) => void;
  'state:request': (payload: StateRequestPayload, ack: AckCallback<Snapshot>) => void;
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
}

/** What a client says about itself when it connects (Socket.IO `auth`). */
export interface ClientHello {
  app: 'kiosk' | 'display' | 'counter';
  token?: string;
  lang?: 'vi' | 'en';
}
