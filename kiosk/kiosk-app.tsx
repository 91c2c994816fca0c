import { useSignal } from '@preact/signals';
import type { DeviceCondition } from '../hardware/device-contract';
import type { Lang } from '../server/i18n';
import type { PublicService, PublicView, TicketIssued } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { Clock, Connecting, LanguageToggle, OfflineBadge } from '../server/ui/components';
import { useCountdown } from '../server/ui/hooks';
import { Pictogram } from '../server/ui/icons';
import { PriorityScreen } from './priority-screen';
import { printerCondition, printerDown } from './printing';
import { TicketScreen } from './ticket-screen';

export type KioskScreen =
  | { kind: 'home' }
  | { kind: 'priority'; serviceId: string }
  | { kind: 'taking'; serviceId: string }
  | { kind: 'ticket'; ticket: TicketIssued; printerAtTake: DeviceCondition | null | undefined }
  | { kind: 'error'; message: string; retry: { serviceId: string; priorityGroup: string | null } | null };

/** How long an unfinished choice or a result stays before the kiosk is ready for the next visitor. */
export const PRIORITY_IDLE_MS = 30_000;
export const TICKET_SHOWN_MS = 20_000;
/** No printout: long enough to find a pen and write the number down. */
export const UNPRINTED_TICKET_SHOWN_MS = 45_000;
export const ERROR_SHOWN_MS = 20_000;

export function KioskApp() {
  const state = useAppState();
  const screen = useSignal<KioskScreen>({ kind: 'home' });
  const view = state.publicView.value?.view ?? null;

  /** Back to the start, ready for the next visitor: in Vietnamese again. */
  const home = () => {
    screen.value = { kind: 'home' };
    state.lang.value = 'vi';
  };

  const take = async (serviceId: string, priorityGroup: string | null) => {
    // A double tap arrives before the screen has changed: one number per visitor.
    if (screen.peek().kind === 'taking') return;
    screen.value = { kind: 'taking', serviceId };
    // The printer as it was when the visitor pressed: if it was down, the number is for writing down.
    const printerAtTake = printerCondition.peek();
    const answer = await state.client.command('ticket:take', { serviceId, priorityGroup });
    if (answer.ok) screen.value = { kind: 'ticket', ticket: answer.data, printerAtTake };
    else
      screen.value = {
        kind: 'error',
        message: answer.message,
        // Only an unknown outcome is worth a retry (with the same commandId); a refusal stays one.
        retry: 'local' in answer ? { serviceId, priorityGroup } : null,
      };
  };

  const choose = (service: PublicService) => {
    if (service.availability !== 'open' || screen.peek().kind !== 'home') return;
    if ((view?.priorityGroups.length ?? 0) === 0) void take(service.id, null);
    else screen.value = { kind: 'priority', serviceId: service.id };
  };

  const current = screen.value;
  let body;
  if (!view) body = <Connecting />;
  else if (current.kind === 'priority')
    body = (
      <PriorityScreen
        view={view}
        serviceId={current.serviceId}
        onChoose={(group) => void take(current.serviceId, group)}
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
        onRetry={current.retry ? () => void take(current.retry!.serviceId, current.retry!.priorityGroup) : null}
        onBack={home}
      />
    );
  else body = <Home view={view} onChoose={choose} />;

  return (
    <div class="kiosk">
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

function Home({ view, onChoose }: { view: PublicView; onChoose: (s: PublicService) => void }) {
  const { t } = useAppState();
  return (
    <section class="home">
      <h1 class="home__title">{t('kiosk.title')}</h1>
      <p class="home__subtitle">{t('kiosk.subtitle')}</p>
      {printerDown(printerCondition.value) && (
        <div class="printer-banner" role="status" data-testid="printer-banner">
          <span class="printer-banner__icon">
            <Pictogram name="printer" />
          </span>
          <span>{t('kiosk.printerDown')}</span>
        </div>
      )}
      <div class="tiles" data-count={view.services.length}>
        {view.services.map((service) => (
          <ServiceTile key={service.id} service={service} onChoose={onChoose} />
        ))}
      </div>
    </section>
  );
}

function ServiceTile({ service, onChoose }: { service: PublicService; onChoose: (s: PublicService) => void }) {
  const { t, lang } = useAppState();
  const other: Lang = lang.value === 'vi' ? 'en' : 'vi';
  const open = service.availability === 'open';
  const content = (
    <>
      <span class="tile__icon">
        <Pictogram name={service.icon} />
      </span>
      <span class="tile__text">
        <span class="tile__name">{service.name[lang.value]}</span>
        <span class="tile__alt" lang={other}>
          {service.name[other]}
        </span>
        {open ? (
          <span class="tile__waiting">{t('kiosk.waiting', { count: service.waiting })}</span>
        ) : (
          <span class="tile__closed">
            {t(service.availability === 'SERVICE_CLOSED' ? 'kiosk.closed' : 'kiosk.full')}
          </span>
        )}
      </span>
    </>
  );
  if (!open)
    return (
      <div class="tile tile--off" aria-disabled="true">
        {content}
      </div>
    );
  return (
    <button type="button" class="tile" onClick={() => onChoose(service)}>
      {content}
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
