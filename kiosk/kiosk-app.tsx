import { useSignal } from '@preact/signals';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { DeviceCondition } from '../hardware/device-contract';
import type { Lang } from '../server/i18n';
import type { DossierLookupView, PublicService, PublicView, ServiceAvailability, TicketIssued } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { Clock, Connecting, LanguageToggle, OfflineBadge } from '../server/ui/components';
import { useCountdown } from '../server/ui/hooks';
import { Pictogram } from '../server/ui/icons';
import { listenForScans, parseScannedLookup } from '../server/ui/scan-input';
import { idleMsFromUrl, useActivity } from './activity';
import { BookingRefusedScreen, BookingScreen, BookingTile, bookingOpen, isBookingScan, refreshBookingOptions, type BookingRefusal } from './booking-screen';
import { IdleScreen } from './idle-screen';
import { LookupResultScreen } from './lookup-result';
import { LookupScreen, type LookupScan } from './lookup-screen';
import { NoticeScreen } from './notice-screen';
import { PriorityScreen } from './priority-screen';
import { catalogInScreen, refreshCatalog } from '../server/ui/procedure-catalog';
import { ProcedureScreen } from './procedure-screen';
import { ProceduresScreen, type CatalogPlace } from './procedures-screen';
import { printerCondition, printerDown } from './printing';
import { TicketScreen } from './ticket-screen';

/** Why a service gives no number now: its hours, its daily limit, or this kiosk's lost connection. */
export type Unavailable = Exclude<ServiceAvailability, 'open'> | 'offline';

export type KioskScreen =
  | { kind: 'idle' }
  | { kind: 'home' }
  | { kind: 'priority'; serviceId: string; procedureCode: string | null }
  | { kind: 'taking'; serviceId: string }
  | { kind: 'ticket'; ticket: TicketIssued; printerAtTake: DeviceCondition | null | undefined }
  | { kind: 'error'; message: string; retry: { serviceId: string; priorityGroup: string | null; procedureCode: string | null } | null }
  | { kind: 'procedures'; place: CatalogPlace }
  | { kind: 'procedure'; code: string; back: CatalogPlace }
  | { kind: 'unavailable'; serviceId: string | null; reason: Unavailable }
  | { kind: 'lookup'; scan: LookupScan | null; id: number }
  | { kind: 'lookup-result'; result: DossierLookupView }
  | { kind: 'booking'; scan: string | null; id: number }
  | { kind: 'booking-refused'; refusal: BookingRefusal };

/** How long an unfinished choice or a result stays before the kiosk is ready for the next visitor. */
export const PRIORITY_IDLE_MS = 30_000;
export const TICKET_SHOWN_MS = 20_000;
/** No printout: long enough to find a pen and write the number down. */
export const UNPRINTED_TICKET_SHOWN_MS = 45_000;
export const ERROR_SHOWN_MS = 20_000;

/** Screens on which a receipt held to the scanner opens its dossier, and a booking's QR checks it in. */
const SCAN_SCREENS: readonly KioskScreen['kind'][] = ['idle', 'home', 'lookup', 'lookup-result', 'booking', 'booking-refused', 'procedures', 'procedure'];

export function KioskApp() {
  const state = useAppState();
  const screen = useSignal<KioskScreen>({ kind: 'home' });
  const view = state.publicView.value?.view ?? null;
  const idleMs = useMemo(() => idleMsFromUrl(), []);
  const lookups = useRef(0);

  /** Back to the start, ready for the next visitor: in Vietnamese again. */
  const home = () => {
    screen.value = { kind: 'home' };
    state.lang.value = 'vi';
  };
  /** Nobody has touched the start screen for a while: invite the next visitor. */
  const idle = () => {
    screen.value = { kind: 'idle' };
    state.lang.value = 'vi';
  };
  /** A touch on the idle screen: the start screen, in the language chosen there. */
  const wake = () => {
    if (screen.peek().kind === 'idle') screen.value = { kind: 'home' };
  };
  const lookup = (scan: LookupScan | null) => {
    lookups.current += 1;
    screen.value = { kind: 'lookup', scan, id: lookups.current };
  };
  const checkIn = (scan: string | null) => {
    lookups.current += 1;
    screen.value = { kind: 'booking', scan, id: lookups.current };
  };

  // A receipt held to the USB scanner (it types fast and ends with Enter) opens the lookup; a
  // booking's QR checks the booking in.
  useEffect(
    () =>
      listenForScans((text) => {
        if (!SCAN_SCREENS.includes(screen.peek().kind)) return;
        if (isBookingScan(text)) return checkIn(text.trim());
        const read = parseScannedLookup(text);
        lookup(read ? { kind: 'read', ...read } : { kind: 'unreadable' });
      }),
    [],
  );

  // The catalog follows the version the hub announces.
  const catalogVersion = view?.procedures?.version ?? null;
  useEffect(() => void refreshCatalog(catalogVersion), [catalogVersion]);

  const take = async (serviceId: string, priorityGroup: string | null, procedureCode: string | null = null) => {
    // A double tap arrives before the screen has changed: one number per visitor.
    if (screen.peek().kind === 'taking') return;
    screen.value = { kind: 'taking', serviceId };
    // The printer as it was when the visitor pressed: if it was down, the number is for writing down.
    const printerAtTake = printerCondition.peek();
    const answer = await state.client.command('ticket:take', { serviceId, priorityGroup, procedureCode });
    if (answer.ok) screen.value = { kind: 'ticket', ticket: answer.data, printerAtTake };
    else
      screen.value = {
        kind: 'error',
        message: answer.message,
        // Only an unknown outcome is worth a retry (with the same commandId); a refusal stays one.
        retry: 'local' in answer ? { serviceId, priorityGroup, procedureCode } : null,
      };
  };

  const choose = (service: PublicService) => {
    if (screen.peek().kind !== 'home') return;
    // No dead buttons: a service that gives no number now says why.
    if (state.offline.peek()) screen.value = { kind: 'unavailable', serviceId: service.id, reason: 'offline' };
    else if (service.availability !== 'open') screen.value = { kind: 'unavailable', serviceId: service.id, reason: service.availability };
    else if ((view?.priorityGroups.length ?? 0) === 0) void take(service.id, null);
    else screen.value = { kind: 'priority', serviceId: service.id, procedureCode: null };
  };

  /** "Lấy số cho thủ tục này": a number in the procedure's service, as a tile would give, with the procedure on it. */
  const takeFor = (serviceId: string, procedureCode: string) => {
    const service = view?.services.find((s) => s.id === serviceId);
    if (!service) return;
    if (state.offline.peek()) screen.value = { kind: 'unavailable', serviceId, reason: 'offline' };
    else if (service.availability !== 'open') screen.value = { kind: 'unavailable', serviceId, reason: service.availability };
    else if ((view?.priorityGroups.length ?? 0) === 0) void take(serviceId, null, procedureCode);
    else screen.value = { kind: 'priority', serviceId, procedureCode };
  };

  const current = screen.value;
  let body;
  if (!view) body = <Connecting />;
  else if (current.kind === 'idle')
    return (
      <div class="kiosk kiosk--idle">
        <IdleScreen view={view} onStart={wake} idleMs={idleMs} />
        <OfflineBadge />
      </div>
    );
  else if (current.kind === 'priority')
    body = (
      <PriorityScreen
        view={view}
        serviceId={current.serviceId}
        onChoose={(group) => void take(current.serviceId, group, current.procedureCode)}
        onBack={home}
        idleMs={PRIORITY_IDLE_MS}
      />
    );
  else if (current.kind === 'taking') body = <Busy />;
  else if (current.kind === 'ticket')
    body = (
      <TicketScreen
        key={current.ticket.ticketId}
        view={view}
        ticket={current.ticket}
        printerAtTake={current.printerAtTake}
        onDone={home}
        shownMs={TICKET_SHOWN_MS}
        unprintedShownMs={UNPRINTED_TICKET_SHOWN_MS}
      />
    );
  else if (current.kind === 'error')
    body = (
      <ErrorScreen
        message={current.message}
        onRetry={current.retry ? () => void take(current.retry!.serviceId, current.retry!.priorityGroup, current.retry!.procedureCode) : null}
        onBack={home}
      />
    );
  else if (current.kind === 'unavailable')
    body = <UnavailableScreen view={view} serviceId={current.serviceId} reason={current.reason} onBack={home} />;
  else if (current.kind === 'lookup')
    body = (
      <LookupScreen
        key={current.id}
        scan={current.scan}
        onBack={home}
        onFound={(result) => (screen.value = { kind: 'lookup-result', result })}
      />
    );
  else if (current.kind === 'lookup-result')
    body = <LookupResultScreen result={current.result} onAgain={() => lookup(null)} onDone={home} />;
  else if (current.kind === 'booking')
    body = (
      <BookingScreen
        key={current.id}
        scan={current.scan}
        onBack={home}
        onCheckedIn={(checked, printerAtTake) => (screen.value = { kind: 'ticket', ticket: checked.ticket, printerAtTake })}
        onRefused={(refusal) => (screen.value = { kind: 'booking-refused', refusal })}
      />
    );
  else if (current.kind === 'booking-refused') body = <BookingRefusedScreen key={current.refusal.message} refusal={current.refusal} onHome={home} />;
  else if (current.kind === 'procedures')
    body = (
      <ProceduresScreen
        view={view}
        place={current.place}
        onPlace={(place) => (screen.value = { kind: 'procedures', place })}
        onOpen={(code) => (screen.value = { kind: 'procedure', code, back: current.place })}
        onBack={home}
      />
    );
  else if (current.kind === 'procedure') {
    const procedure = catalogInScreen.value?.byCode.get(current.code);
    body = procedure ? (
      <ProcedureScreen
        key={current.code}
        view={view}
        procedure={procedure}
        onTake={(p) => p.serviceId && takeFor(p.serviceId, p.code)}
        onBack={() => (screen.value = { kind: 'procedures', place: current.back })}
      />
    ) : (
      <ProceduresScreen view={view} place={current.back} onPlace={(place) => (screen.value = { kind: 'procedures', place })} onOpen={(code) => (screen.value = { kind: 'procedure', code, back: current.back })} onBack={home} />
    );
  } else
    body = (
      <Home
        view={view}
        onChoose={choose}
        onLookup={() => lookup(null)}
        onBooking={() => checkIn(null)}
        onProcedures={catalogInScreen.value ? () => (screen.value = { kind: 'procedures', place: { query: '', serviceId: null } }) : null}
        onIdle={idle}
        idleMs={idleMs}
      />
    );

  return (
    <div class={`kiosk kiosk--${current.kind}`}>
      <Header view={view} />
      <main class="kiosk__main">{body}</main>
      <OfflineBadge />
    </div>
  );
}

function Header({ view }: { view: PublicView | null }) {
  const { local } = useAppState();
  return (
    <header class="kiosk-header">
      <div class="kiosk-header__names">
        {view?.centre.authority && <div class="kiosk-header__authority">{local(view.centre.authority)}</div>}
        <div class="kiosk-header__centre">{local(view?.centre.name)}</div>
      </div>
      <div class="kiosk-header__tools">
        <Clock />
        <LanguageToggle class="kiosk-header__lang" />
      </div>
    </header>
  );
}

/** Why no number can be had at all now, if none of the services gives one (null: some do). */
function noNumbersAtAll(view: PublicView): 'closed' | 'full' | null {
  if (view.services.some((s) => s.availability === 'open')) return null;
  return view.services.some((s) => s.availability === 'SERVICE_CLOSED') ? 'closed' : 'full';
}

/**
 * The start screen: the two things a visitor comes to the kiosk for. Taking a number is choosing
 * the field (the tiles); looking up a dossier is the wide button below them.
 */
function Home(props: {
  view: PublicView;
  onChoose: (s: PublicService) => void;
  onLookup: () => void;
  onBooking: () => void;
  /** Null: the centre has no catalog of procedures. */
  onProcedures: (() => void) | null;
  onIdle: () => void;
  idleMs: number;
}) {
  const { t, offline } = useAppState();
  const activity = useActivity();
  useCountdown(props.idleMs, props.onIdle, activity);
  // Bookings may have been turned on or off since the last visitor.
  useEffect(() => void refreshBookingOptions(), []);
  const { view } = props;
  const booking = bookingOpen.value;
  const none = noNumbersAtAll(view);
  const lost = offline.value;
  // The supervisor closed the day: that, and nothing about choosing a field.
  const closedToday = view.closing !== null;
  return (
    <section class={`home ${closedToday ? 'home--closed' : ''}`}>
      {closedToday ? (
        <div class="home-closed" role="status" data-testid="home-closed">
          <span class="home-closed__icon">
            <Pictogram name="clock" />
          </span>
          <h1 class="home__title">{t('kiosk.closedToday.title')}</h1>
          <p class="home__subtitle">{t('kiosk.closedToday.body')}</p>
        </div>
      ) : (
        <>
          <h1 class="home__title">{t('kiosk.title')}</h1>
          <p class="home__subtitle">{t('kiosk.subtitle')}</p>
        </>
      )}
      {/* Connection lost: the tiles say so and the bar at the bottom of the screen too (OfflineBadge). */}
      {none && !lost && !closedToday && (
        <div class="home-banner" role="status" data-testid="home-banner" data-kind={none}>
          <span class="home-banner__icon">
            <Pictogram name={none === 'closed' ? 'clock' : 'ticket'} />
          </span>
          <span>{t(none === 'closed' ? 'kiosk.banner.closed' : 'kiosk.banner.full')}</span>
        </div>
      )}
      {printerDown(printerCondition.value) && (
        <div class="printer-banner" role="status" data-testid="printer-banner">
          <span class="printer-banner__icon">
            <Pictogram name="printer" />
          </span>
          <span>{t('kiosk.printerDown')}</span>
        </div>
      )}
      {!closedToday && (
        <div class="tiles" data-count={view.services.length + (booking ? 1 : 0)}>
          {view.services.map((service) => (
            <ServiceTile key={service.id} service={service} offline={lost} onChoose={props.onChoose} />
          ))}
          {booking && <BookingTile onStart={props.onBooking} />}
        </div>
      )}
      <div class={`home__choices ${props.onProcedures ? 'home__choices--two' : ''}`}>
        {props.onProcedures && (
          <button type="button" class="lookup-choice lookup-choice--procedures" data-testid="start-procedures" onClick={props.onProcedures}>
            <span class="lookup-choice__icon">
              <Pictogram name="document" />
            </span>
            <span class="lookup-choice__text">
              <span class="lookup-choice__title">{t('kiosk.start.procedures')}</span>
              <span class="lookup-choice__note">{t('kiosk.start.proceduresNote')}</span>
            </span>
            <span class="lookup-choice__arrow" aria-hidden="true">
              ›
            </span>
          </button>
        )}
        <button type="button" class="lookup-choice" data-testid="start-lookup" onClick={props.onLookup}>
          <span class="lookup-choice__icon">
            <Pictogram name="search" />
          </span>
          <span class="lookup-choice__text">
            <span class="lookup-choice__title">{t('kiosk.start.lookup')}</span>
            <span class="lookup-choice__note">{t('kiosk.start.lookupNote')}</span>
          </span>
          <span class="lookup-choice__arrow" aria-hidden="true">
            ›
          </span>
        </button>
      </div>
    </section>
  );
}

/** Field names longer than this ("Lao động - Thương binh và Xã hội") get a smaller type to fit their tile. */
const LONG_NAME = 22;

function ServiceTile({ service, offline, onChoose }: { service: PublicService; offline: boolean; onChoose: (s: PublicService) => void }) {
  const { t, lang } = useAppState();
  const other: Lang = lang.value === 'vi' ? 'en' : 'vi';
  const open = service.availability === 'open' && !offline;
  return (
    // A service that gives no number now is still a button: a tap says why, instead of doing nothing.
    <button type="button" class={`tile ${open ? '' : 'tile--off'}`} data-availability={offline ? 'offline' : service.availability} onClick={() => onChoose(service)}>
      <span class="tile__icon">
        <Pictogram name={service.icon} />
      </span>
      <span class="tile__text">
        <span class={`tile__name ${service.name[lang.value].length > LONG_NAME ? 'tile__name--long' : ''}`}>{service.name[lang.value]}</span>
        <span class="tile__alt" lang={other}>
          {service.name[other]}
        </span>
        {open ? (
          <span class="tile__waiting">{t('kiosk.waiting', { count: service.waiting })}</span>
        ) : (
          <span class="tile__closed">
            {offline ? t('kiosk.tile.offline') : t(service.availability === 'SERVICE_CLOSED' ? 'kiosk.closed' : 'kiosk.full')}
          </span>
        )}
      </span>
    </button>
  );
}

function Busy() {
  const { t } = useAppState();
  return (
    <div class="busy" role="status">
      <div class="busy__spinner" aria-hidden="true" />
      <div>{t('kiosk.taking')}</div>
    </div>
  );
}

function ErrorScreen(props: { message: string; onRetry: (() => void) | null; onBack: () => void }) {
  const { t } = useAppState();
  useCountdown(ERROR_SHOWN_MS, props.onBack);
  return (
    <section class="notice" role="alert">
      <div class="notice__mark" aria-hidden="true">
        !
      </div>
      <h1 class="notice__title">{t('kiosk.error.title')}</h1>
      <p class="notice__message">{props.message}</p>
      <div class="notice__actions">
        {props.onRetry && (
          <button type="button" class="big-button big-button--primary" onClick={props.onRetry}>
            {t('kiosk.retry')}
          </button>
        )}
        <button type="button" class="big-button" onClick={props.onBack}>
          {t('kiosk.back')}
        </button>
      </div>
    </section>
  );
}

/** A tap on a service that gives no number now: why, in plain words, and back to the start. */
function UnavailableScreen(props: { view: PublicView; serviceId: string | null; reason: Unavailable; onBack: () => void }) {
  const { t, local } = useAppState();
  const service = local(props.view.services.find((s) => s.id === props.serviceId)?.name);
  const kind = props.reason === 'offline' ? 'offline' : props.reason === 'SERVICE_CLOSED' ? 'closed' : 'full';
  const icon = kind === 'offline' ? 'unlinked' : kind === 'closed' ? 'clock' : 'ticket';
  return (
    <NoticeScreen
      kind={kind}
      icon={icon}
      title={t(`kiosk.unavailable.${kind}.title`, { service })}
      message={t(`kiosk.unavailable.${kind}.body`)}
      testId="unavailable"
      reason={kind}
      shownMs={ERROR_SHOWN_MS}
      onTimeout={props.onBack}
    >
      <button type="button" class="big-button big-button--primary" onClick={props.onBack}>
        {t('kiosk.back')}
      </button>
    </NoticeScreen>
  );
}
