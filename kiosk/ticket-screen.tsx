import type { DeviceCondition } from '../hardware/device-contract';
import type { PrintState, PublicView, TicketIssued } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { formatTime } from '../server/ui/format';
import { useCountdown } from '../server/ui/hooks';
import { Pictogram } from '../server/ui/icons';
import { waitWords } from '../server/ui/wait-words';
import { printerDown, printStates } from './printing';
import { catalogInScreen } from '../server/ui/procedure-catalog';
import { procedureName } from '../server/ui/procedure-text';

/** What the ticket screen says about the printout. */
export type PrintShown = 'none' | 'printing' | 'printed' | 'failed';

/**
 * The hub's word wins; before it comes, a printer known to be down at the take means no printout,
 * and a kiosk without a printer says nothing about printing.
 */
export function printShown(print: PrintState | undefined, printerAtTake: DeviceCondition | null | undefined): PrintShown {
  if (print?.state === 'printed') return 'printed';
  if (print?.state === 'failed' || printerDown(printerAtTake)) return 'failed';
  if (print || (printerAtTake !== null && printerAtTake !== undefined)) return 'printing';
  return 'none';
}

/**
 * The number just taken, very large, with what to expect; back to the start by itself. When the
 * ticket could not be printed, the screen says so plainly and stays longer, so that the visitor
 * (often elderly) has time to write the number down.
 */
export function TicketScreen(props: {
  view: PublicView;
  ticket: TicketIssued;
  printerAtTake: DeviceCondition | null | undefined;
  onDone: () => void;
  shownMs: number;
  unprintedShownMs: number;
}) {
  const { t, local, lang } = useAppState();
  const { ticket, view } = props;
  const procedure = ticket.procedureCode ? catalogInScreen.value?.byCode.get(ticket.procedureCode) : undefined;
  const shown = printShown(printStates.value.get(ticket.ticketId), props.printerAtTake);
  const failed = shown === 'failed';
  // A failure that arrives after the screen opened starts the longer stay from then.
  const secondsLeft = useCountdown(failed ? props.unprintedShownMs : props.shownMs, props.onDone);
  const service = view.services.find((s) => s.id === ticket.serviceId);
  const group = view.priorityGroups.find((g) => g.id === ticket.priorityGroup);
  const words = waitWords(ticket.peopleAhead, ticket.estimatedWaitMinutes);
  const wait =
    words.kind === 'minutes'
      ? t('kiosk.ticket.minutes', { minutes: words.minutes })
      : t(words.kind === 'soon' ? 'kiosk.ticket.soon' : words.kind === 'next' ? 'kiosk.ticket.next' : 'kiosk.ticket.unknownWait');
  return (
    <section class={`ticket ${failed ? 'ticket--unprinted' : ''}`} aria-live="polite">
      <div class="ticket__card">
        <div class="ticket__head">
          <h1 class="ticket__label">{t(failed ? 'kiosk.print.failed.label' : 'kiosk.ticket.title')}</h1>
          <div class="ticket__number" data-testid="ticket-number" style={{ '--chars': Math.max(4, ticket.number.length) }}>
            {ticket.number}
          </div>
          <div class="ticket__service">{local(service?.name)}</div>
          {procedure && (
            <div class="ticket__procedure" data-testid="ticket-procedure">
              {t('kiosk.ticket.procedure', { name: procedureName(procedure, lang.value) })}
            </div>
          )}
          {group && <div class="ticket__priority">{t('kiosk.ticket.priority', { group: local(group.name) })}</div>}
          {ticket.booked && (
            <div class="ticket__booked" data-testid="ticket-booked">
              {t('kioskBook.ticket.booked', { time: formatTime(ticket.booked.slotStart) })}
            </div>
          )}
        </div>
        <div class="ticket__body">
          {failed ? (
            <div class="print-problem" role="alert" data-testid="print-state" data-state="failed">
              <span class="print-problem__icon">
                <Pictogram name="printer" />
              </span>
              <span class="print-problem__text">
                <span class="print-problem__title">{t('kiosk.print.failed.title')}</span>
                <span class="print-problem__note">{t('kiosk.print.failed.note')}</span>
              </span>
            </div>
          ) : (
            shown !== 'none' && (
              <div class={`print-state print-state--${shown}`} role="status" data-testid="print-state" data-state={shown}>
                <span class="print-state__icon">
                  <Pictogram name="printer" />
                </span>
                <span>{t(shown === 'printed' ? 'kiosk.print.printed' : 'kiosk.print.printing')}</span>
              </div>
            )
          )}
          <dl class="ticket__facts">
            <div class="ticket__fact">
              <dt>{t('kiosk.ticket.ahead')}</dt>
              <dd>{ticket.peopleAhead}</dd>
            </div>
            <div class="ticket__fact">
              <dt>{t('kiosk.ticket.wait')}</dt>
              <dd>{wait}</dd>
            </div>
          </dl>
          <p class="ticket__keep">{t(failed ? 'kiosk.print.failed.keep' : 'kiosk.ticket.keep')}</p>
        </div>
      </div>
      <button type="button" class="big-button big-button--primary ticket__done" onClick={props.onDone}>
        {t('kiosk.ticket.done')}
      </button>
      <p class="ticket__auto">{t('kiosk.autoReturn', { seconds: secondsLeft })}</p>
    </section>
  );
}
