import type { PublicView, TicketIssued } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { useCountdown } from '../server/ui/hooks';

/** The number just taken, very large, with what to expect; back to the start by itself. */
export function TicketScreen(props: { view: PublicView; ticket: TicketIssued; onDone: () => void; shownMs: number }) {
  const { t, local } = useAppState();
  const secondsLeft = useCountdown(props.shownMs, props.onDone);
  const { ticket, view } = props;
  const service = view.services.find((s) => s.id === ticket.serviceId);
  const group = view.priorityGroups.find((g) => g.id === ticket.priorityGroup);
  const minutes = ticket.estimatedWaitMinutes;
  const wait =
    minutes === null
      ? t('kiosk.ticket.unknownWait')
      : minutes === 0
        ? t('kiosk.ticket.soon')
        : t('kiosk.ticket.minutes', { minutes });
  return (
    <section class="ticket" aria-live="polite">
      <div class="ticket__card">
        <div class="ticket__label">{t('kiosk.ticket.title')}</div>
        <div class="ticket__number" data-testid="ticket-number">
          {ticket.number}
        </div>
        <div class="ticket__service">{local(service?.name)}</div>
        {group && <div class="ticket__priority">{t('kiosk.ticket.priority', { group: local(group.name) })}</div>}
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
        <p class="ticket__keep">{t('kiosk.ticket.keep')}</p>
      </div>
      <button type="button" class="big-button big-button--primary ticket__done" onClick={props.onDone}>
        {t('kiosk.ticket.done')}
      </button>
      <p class="ticket__auto">{t('kiosk.autoReturn', { seconds: secondsLeft })}</p>
    </section>
  );
}
