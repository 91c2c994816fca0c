import { useSignal } from '@preact/signals';
import { checklistSections } from '../server/domain/procedure-checklist';
import { catalogInScreen } from '../server/ui/procedure-catalog';
import { copiesText, procedureName } from '../server/ui/procedure-text';
import { useEffect, useRef } from 'preact/hooks';
import type { MessageKey } from '../server/i18n';
import type { CounterCommandName } from '../server/protocol/commands';
import type { CommandInput } from '../server/protocol/hub-client';
import type { CounterBooking, CounterTicket, CounterView, PublicView, RatingPrompt } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { Clock, Connecting, LanguageToggle } from '../server/ui/components';
import { formatTime, minutesBetween } from '../server/ui/format';
import { PauseDialog, PAUSE_REASONS, TICKET_NUMBER, TransferDialog } from './dialogs';
import { RatingPanel } from './rating-panel';
import { chooseCounter, session } from './session';
import { ScreenAlerts, StaffTools } from './staff-tools';

type Action = 'next' | 'recall' | 'start' | 'skip' | 'postpone' | 'transfer' | 'done';

/** Keyboard keys (the same whatever the language), shown on the buttons. */
const SHORTCUTS: Record<Action, string> = {
  next: 'N',
  recall: 'R',
  start: 'S',
  skip: 'K',
  postpone: 'P',
  transfer: 'T',
  done: 'D',
};

const LABELS: Record<Action, MessageKey> = {
  next: 'counter.next',
  recall: 'counter.recall',
  start: 'counter.start',
  skip: 'counter.skip',
  postpone: 'counter.postpone',
  transfer: 'counter.transfer',
  done: 'counter.done',
};

const COMMANDS: Record<Exclude<Action, 'transfer'>, CounterCommandName> = {
  next: 'counter:call-next',
  recall: 'counter:recall',
  start: 'counter:start',
  skip: 'counter:skip',
  postpone: 'counter:postpone',
  done: 'counter:done',
};

type Message = { text: string; retry: (() => void) | null };

export function PadScreen({ counterId }: { counterId: string }) {
  const state = useAppState();
  const { t } = state;
  const versioned = state.counterView.value;
  const view = versioned && versioned.view.counterId === counterId ? versioned.view : null;
  const publicView = state.publicView.value?.view ?? null;
  const me = session.value?.officer ?? null;

  const busy = useSignal(false);
  const message = useSignal<Message | null>(null);
  const dialog = useSignal<'transfer' | 'pause' | null>(null);
  const numberInput = useSignal('');
  // The satisfaction question of this counter, for "the pad turned around" to the visitor.
  const rating = useSignal<RatingPrompt | null>(null);
  const turned = useSignal(false);
  useEffect(() => {
    rating.value = null;
    const off = state.client.onRatingPrompt((event) => {
      if (event.counterId === counterId) rating.value = event.prompt;
    });
    void state.client.watchRating(counterId);
    return () => {
      off();
      void state.client.watchRating(null);
    };
  }, [counterId]);
  const ratingOpen = !!rating.value && rating.value.expiresAt > state.now.value;

  const run = async <N extends CounterCommandName>(
    name: N,
    input: Omit<CommandInput<N>, 'counterId'>,
  ): Promise<boolean> => {
    if (busy.peek()) return false;
    busy.value = true;
    const answer = await state.client.command(name, { ...input, counterId } as CommandInput<N>);
    busy.value = false;
    if (answer.ok) {
      message.value = null;
      return true;
    }
    // An unknown outcome can be retried safely: the same press reuses its commandId.
    message.value = { text: answer.message, retry: 'local' in answer ? () => void run(name, input) : null };
    return false;
  };

  const mine = !!view && !!me && view.officer?.id === me.id;
  const current = view?.current ?? null;
  const called = current?.status === 'called';
  const working = mine && view!.status === 'open';
  const can: Record<Action, boolean> = {
    next: working,
    recall: mine && called,
    start: mine && called,
    skip: mine && called,
    postpone: mine && !!current,
    transfer: mine && !!current,
    done: mine && !!current,
  };

  const press = (action: Action) => {
    if (!can[action] || busy.peek() || dialog.peek()) return;
    if (action === 'transfer') dialog.value = 'transfer';
    else void run(COMMANDS[action], {});
  };

  // The shortcut handler is installed once; it reads the newest `press` through a ref.
  const pressRef = useRef(press);
  pressRef.current = press;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.altKey || e.metaKey || e.repeat) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')) return;
      // A dialog (this screen's, or the reprint dialog of the top bar) takes the keys while it is open.
      if (document.querySelector('[aria-modal="true"]')) return;
      const action = (Object.keys(SHORTCUTS) as Action[]).find((a) => SHORTCUTS[a] === e.key.toUpperCase());
      if (!action) return;
      e.preventDefault();
      pressRef.current(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const callNumber = async (number: string) => {
    const trimmed = number.trim().toUpperCase();
    if (!TICKET_NUMBER.test(trimmed)) {
      message.value = { text: t('counter.callNumber.invalid'), retry: null };
      return;
    }
    if (await run('counter:call-number', { number: trimmed })) numberInput.value = '';
  };

  const leave = () => {
    chooseCounter(null);
    void state.selectCounter(null);
  };

  const close = async () => {
    if (await run('counter:close', {})) leave();
  };

  if (!view || !publicView)
    return (
      <>
        <PadHeader view={null} />
        <ScreenAlerts />
        <Connecting />
      </>
    );

  return (
    <>
      <PadHeader view={view} />
      <ScreenAlerts />
      <main class="pad">
        <section class="pad__work">
          <StatusBanner view={view} mine={mine} busy={busy.value} onOpen={() => void run('counter:open', {})} onResume={() => void run('counter:resume', {})} onLeave={leave} />
          <CurrentTicket view={view} publicView={publicView} onProcedure={working ? (code) => void run('counter:set-procedure', { procedureCode: code }) : null} />
          {message.value && (
            <div class="pad-message" role="alert" data-testid="pad-message">
              <span>{message.value.text}</span>
              {message.value.retry && (
                <button type="button" class="pad-button pad-button--small" onClick={message.value.retry}>
                  {t('counter.retry')}
                </button>
              )}
              <button type="button" class="pad-message__close" aria-label={t('counter.dismiss')} onClick={() => (message.value = null)}>
                ×
              </button>
            </div>
          )}
          <div class="actions">
            {(Object.keys(SHORTCUTS) as Action[]).map((action) => (
              <button
                key={action}
                type="button"
                class={`pad-button action action--${action}`}
                disabled={!can[action] || busy.value}
                aria-keyshortcuts={SHORTCUTS[action]}
                onClick={() => press(action)}
              >
                <span class="action__label">{t(LABELS[action])}</span>
                <kbd class="action__key">{SHORTCUTS[action]}</kbd>
              </button>
            ))}
          </div>
          <div class="pad__tools">
            <form
              class="call-number"
              onSubmit={(e) => {
                e.preventDefault();
                void callNumber(numberInput.value);
              }}
            >
              <label class="call-number__label" for="call-number-input">
                {t('counter.callNumber')}
              </label>
              <input
                id="call-number-input"
                class="call-number__input"
                value={numberInput.value}
                placeholder={t('counter.callNumber.placeholder')}
                maxLength={6}
                autocomplete="off"
                autocapitalize="characters"
                spellcheck={false}
                disabled={!working}
                onInput={(e) => (numberInput.value = e.currentTarget.value)}
              />
              <button type="submit" class="pad-button pad-button--small" disabled={!working || busy.value || !numberInput.value.trim()}>
                {t('counter.call')}
              </button>
            </form>
            <div class="pad__counter-tools">
              {view.status === 'paused' ? (
                <button type="button" class="pad-button pad-button--small" disabled={!mine || busy.value} onClick={() => void run('counter:resume', {})}>
                  {t('counter.resume')}
                </button>
              ) : (
                <button
                  type="button"
                  class="pad-button pad-button--small"
                  disabled={!working || !!current || busy.value}
                  onClick={() => (dialog.value = 'pause')}
                >
                  {t('counter.pause')}
                </button>
              )}
              <button
                type="button"
                class="pad-button pad-button--small pad-button--quiet"
                disabled={!mine || view.status === 'closed' || !!current || busy.value}
                onClick={() => void close()}
              >
                {t('counter.close')}
              </button>
              <button
                type="button"
                class="pad-button pad-button--small pad-button--rate"
                data-testid="invite-rating"
                disabled={!ratingOpen}
                title={ratingOpen ? undefined : t('rate.invite.none')}
                onClick={() => (turned.value = true)}
              >
                {t('rate.invite')}
              </button>
            </div>
          </div>
        </section>
        <WaitingList view={view} publicView={publicView} canCall={working && !busy.value} onCall={(n) => void callNumber(n)} />
      </main>
      {dialog.value === 'transfer' && current && (
        <TransferDialog
          view={view}
          publicView={publicView}
          counters={state.staffView.value?.view.counters ?? []}
          ticket={current}
          onCancel={() => (dialog.value = null)}
          onConfirm={async (toServiceId, toCounterId) => {
            if (await run('counter:transfer', { toServiceId, toCounterId })) dialog.value = null;
          }}
        />
      )}
      {turned.value && (
        <div class="rating-overlay" role="dialog" aria-modal="true" aria-label={t('rate.invite')} data-testid="rating-overlay">
          <RatingPanel counterNumber={view.number} prompt={rating.value} onFinished={() => (turned.value = false)} onClose={() => (turned.value = false)} />
        </div>
      )}
      {dialog.value === 'pause' && (
        <PauseDialog
          onCancel={() => (dialog.value = null)}
          onChoose={async (reason) => {
            dialog.value = null;
            await run('counter:pause', { reason });
          }}
        />
      )}
    </>
  );
}

function PadHeader({ view }: { view: CounterView | null }) {
  const state = useAppState();
  const { t } = state;
  const me = session.value?.officer ?? null;
  return (
    <header class="topbar topbar--pad">
      <div class="topbar__titles">
        <div class="topbar__title" data-testid="pad-counter">
          {view ? t('counter.counterN', { number: view.number }) : ''}
        </div>
        <div class="topbar__subtitle">{me?.name}</div>
      </div>
      {view && (
        <div class="topbar__served" title={t('counter.servedToday', { count: view.servedToday })}>
          {view.officerToday
            ? t('counter.officerToday', {
                served: view.officerToday.served,
                noShows: view.officerToday.noShows,
                minutes: view.officerToday.averageServiceMinutes ?? '–',
              })
            : t('counter.servedToday', { count: view.servedToday })}
        </div>
      )}
      <div class="topbar__tools">
        <Clock />
        <LanguageToggle />
        <StaffTools />
      </div>
    </header>
  );
}

function StatusBanner(props: {
  view: CounterView;
  mine: boolean;
  busy: boolean;
  onOpen: () => void;
  onResume: () => void;
  onLeave: () => void;
}) {
  const { t } = useAppState();
  const { view } = props;
  if (!props.mine && view.officer)
    return (
      <div class="banner banner--warn" role="status">
        <span>{t('counter.takenOver', { name: view.officer.name })}</span>
        <button type="button" class="pad-button pad-button--small" onClick={props.onLeave}>
          {t('counter.pickAnother')}
        </button>
      </div>
    );
  if (view.status === 'closed')
    return (
      <div class="banner banner--warn" role="status">
        <span>{t('counter.isClosed')}</span>
        <button type="button" class="pad-button pad-button--small pad-button--primary" disabled={props.busy} onClick={props.onOpen}>
          {t('counter.open')}
        </button>
      </div>
    );
  if (view.status === 'paused')
    return (
      <div class="banner banner--paused" role="status">
        <span>{t('counter.paused', { reason: pauseReasonText(view.pauseReason, t) })}</span>
        <button type="button" class="pad-button pad-button--small pad-button--primary" disabled={props.busy} onClick={props.onResume}>
          {t('counter.resume')}
        </button>
      </div>
    );
  return null;
}

function pauseReasonText(reason: string | null, t: (key: MessageKey) => string): string {
  const known = PAUSE_REASONS.find((r) => r.code === reason);
  return known ? t(known.label) : (reason ?? '');
}

function CurrentTicket({ view, publicView, onProcedure }: { view: CounterView; publicView: PublicView; onProcedure: ((code: string | null) => void) | null }) {
  const { t, local, now } = useAppState();
  const ticket = view.current;
  if (!ticket)
    return (
      <section class="current-ticket current-ticket--none" data-testid="current-ticket">
        <div class="current-ticket__empty">{t('counter.noCurrent')}</div>
        <div class="current-ticket__hint">{t('counter.waiting', { count: view.waitingTotal })}</div>
      </section>
    );
  const since = ticket.status === 'serving' ? ticket.servingAt : ticket.calledAt;
  const service = publicView.services.find((s) => s.id === ticket.serviceId);
  const group = publicView.priorityGroups.find((g) => g.id === ticket.priorityGroup);
  return (
    <section class={`current-ticket current-ticket--${ticket.status} ${ticket.booking ? 'current-ticket--booked' : ''}`} data-testid="current-ticket">
      <div class="current-ticket__number" data-testid="current-ticket-number">
        {ticket.number}
      </div>
      <div class="current-ticket__details">
        <div class="current-ticket__service">{local(service?.name)}</div>
        <div class="current-ticket__state">
          <span class={`state-pill state-pill--${ticket.status}`}>
            {t(ticket.status === 'serving' ? 'counter.state.serving' : 'counter.state.called')}
          </span>
          {since !== null && (
            <span class="current-ticket__time">
              {t('counter.since', { time: formatTime(since) })}
              {' · '}
              {t('counter.elapsed', { minutes: minutesBetween(since, now.value) })}
            </span>
          )}
        </div>
        <div class="current-ticket__extra">
          {ticket.booking && <BookedBadge booking={ticket.booking} />}
          {group && <span class="priority-badge">{t('counter.priorityGroup', { group: local(group.name) })}</span>}
          {ticket.recalls > 0 && <span class="extra-badge">{t('counter.recalls', { count: ticket.recalls })}</span>}
          {ticket.status === 'called' && <span class="current-ticket__hint">{t('counter.currentCalled')}</span>}
        </div>
      </div>
      {ticket.booking && <BookingDetails booking={ticket.booking} />}
      {(ticket.procedureCode || (onProcedure && catalogInScreen.value)) && (
        <TicketProcedure code={ticket.procedureCode} serviceId={ticket.serviceId} onChange={onProcedure} />
      )}
    </section>
  );
}

/**
 * The procedure the visitor chose at the kiosk, and its papers (folded: the officer opens them to
 * check the dossier against them). A code no longer in the catalog is still shown.
 */
function TicketProcedure({ code, serviceId, onChange }: { code: string | null; serviceId: string; onChange: ((code: string | null) => void) | null }) {
  const { t, lang } = useAppState();
  const catalog = catalogInScreen.value;
  const procedure = code ? catalog?.byCode.get(code) : undefined;
  const editing = useSignal(false);
  // This field's procedures first: the visitor is most likely at the right counter.
  const choices = catalog
    ? [...catalog.view.procedures].sort((a, b) => Number(b.serviceId === serviceId) - Number(a.serviceId === serviceId) || a.name.localeCompare(b.name, 'vi'))
    : [];
  return (
    <section class="ticket-procedure" data-testid="ticket-procedure" aria-label={t('padProc.title')}>
      <div class="ticket-procedure__name">
        <span class="ticket-procedure__label">{t('padProc.title')}</span>{' '}
        <strong>{code ? (procedure ? procedureName(procedure, lang.value) : code) : t('padProc.none')}</strong>{' '}
        {code && <span class="ticket-procedure__code">{code}</span>}
        {onChange && !editing.value && (
          <button type="button" class="pad-button pad-button--small ticket-procedure__edit" onClick={() => (editing.value = true)} data-testid="ticket-procedure-edit">
            {t(code ? 'padProc.change' : 'padProc.choose')}
          </button>
        )}
      </div>
      {onChange && editing.value && (
        <label class="ticket-procedure__choose">
          <span>{t('padProc.choose')}</span>
          <select
            value={code ?? ''}
            onChange={(e) => {
              editing.value = false;
              onChange(e.currentTarget.value || null);
            }}
            data-testid="ticket-procedure-select"
          >
            <option value="">{t('padProc.none')}</option>
            {choices.map((p) => (
              <option key={p.code} value={p.code}>
                {p.code} {procedureName(p, lang.value)}
              </option>
            ))}
          </select>
        </label>
      )}
      {procedure && procedure.documents.length > 0 && (
        <details class="ticket-procedure__papers">
          <summary>{t('procedure.documents', { count: procedure.documents.length })}</summary>
          <div class="ticket-procedure__list" tabIndex={0} role="region" aria-label={t('procedure.documents', { count: procedure.documents.length })}>
          {checklistSections(procedure.documents).map((section, si) => (
            <div key={si}>
              {section.heading && <h3 class="ticket-procedure__heading">{section.heading}</h3>}
              <ul>
                {section.documents.map((d, i) => (
                  <li key={i}>
                    {d.name}
                    {copiesText(d, t) && <em> ({copiesText(d, t)})</em>}
                  </li>
                ))}
              </ul>
            </div>
          ))}
          </div>
        </details>
      )}
    </section>
  );
}

/** "Đặt lịch 09:00": a checked-in booking, and its slot. */
function BookedBadge({ booking }: { booking: CounterBooking }) {
  const { t } = useAppState();
  return (
    <span class="booked-badge" data-testid="booked-badge">
      {t('padBook.badge', { time: formatTime(booking.slotStart) })}
    </span>
  );
}

/** Who booked, for the officer serving the ticket: the name, phone and booking code. */
function BookingDetails({ booking }: { booking: CounterBooking }) {
  const { t } = useAppState();
  const details = booking.details;
  return (
    <section class="booking-details" data-testid="booking-details" aria-label={t('padBook.title')}>
      {details ? (
        <dl class="booking-details__list">
          <div class="booking-details__row booking-details__row--name">
            <dt>{t('padBook.name')}</dt>
            <dd>{details.name}</dd>
          </div>
          <div class="booking-details__row">
            <dt>{t('padBook.phone')}</dt>
            <dd>{details.phone}</dd>
          </div>
          <div class="booking-details__row">
            <dt>{t('padBook.code')}</dt>
            <dd class="booking-details__code">{details.code}</dd>
          </div>
        </dl>
      ) : (
        <p class="booking-details__unknown">{t('padBook.unknown')}</p>
      )}
    </section>
  );
}

function WaitingList(props: { view: CounterView; publicView: PublicView; canCall: boolean; onCall: (number: string) => void }) {
  const { t, local, now } = useAppState();
  const { view, publicView } = props;
  return (
    <aside class="waiting-list">
      <h2 class="waiting-list__title">{t('counter.waiting', { count: view.waitingTotal })}</h2>
      {view.waiting.length === 0 ? (
        <p class="waiting-list__empty">{t('counter.waiting.empty')}</p>
      ) : (
        <ol class="waiting-list__items">
          {view.waiting.map((ticket: CounterTicket) => {
            const isNext = ticket.ticketId === view.nextTicketId;
            const group = publicView.priorityGroups.find((g) => g.id === ticket.priorityGroup);
            const service = publicView.services.find((s) => s.id === ticket.serviceId);
            return (
              <li key={ticket.ticketId} class={`waiting-item ${isNext ? 'waiting-item--next' : ''}`}>
                <span class="waiting-item__number">{ticket.number}</span>
                <span class="waiting-item__info">
                  <span class="waiting-item__service">{local(service?.name)}</span>
                  <span class="waiting-item__meta">
                    {isNext && <span class="next-badge">{t('counter.nextMark')}</span>}
                    {ticket.booking && <BookedBadge booking={ticket.booking} />}
                    {group && (
                      <span class="priority-badge" title={t('counter.priority')}>
                        {local(group.name)}
                      </span>
                    )}
                    <span>{t('counter.waitedFor', { minutes: minutesBetween(ticket.takenAt, now.value) })}</span>
                  </span>
                </span>
                <button
                  type="button"
                  class="pad-button pad-button--small waiting-item__call"
                  disabled={!props.canCall}
                  onClick={() => props.onCall(ticket.number)}
                >
                  {t('counter.call')}
                </button>
              </li>
            );
          })}
        </ol>
      )}
      {view.waitingTotal > view.waiting.length && (
        <p class="waiting-list__more">{t('counter.waiting.more', { count: view.waitingTotal - view.waiting.length })}</p>
      )}
    </aside>
  );
}
