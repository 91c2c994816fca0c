import type { ReadonlySignal } from '@preact/signals';
import { waitWords } from '../../server/ui/wait-words';
import { createContext } from 'preact';
import { useContext, useEffect, useRef } from 'preact/hooks';
import type { LocalizedText } from '../../server/config/centre-config';
import type { TicketFollowView } from '../../server/protocol/views';
import { useAppState } from '../../server/ui/app-state';
import { formatTime } from '../../server/ui/format';
import { Connecting, OfflineBadge } from '../../server/ui/components';
import { PhoneHeader } from '../phone/phone-header';
import type { SoundState } from '../voice/web-audio-player';
import type { CalledAlert, FollowController } from './follow-state';

/** What follow/main.tsx starts once per page. */
export interface FollowServices {
  follow: FollowController;
  sound: { state: ReadonlySignal<SoundState>; enable(): void };
  /** A field's name when no hub view tells it (the province's portal serves the page). */
  serviceName?: (serviceId: string) => LocalizedText | null;
}

export const FollowContext = createContext<FollowServices | null>(null);

function useFollow(): FollowServices {
  const services = useContext(FollowContext);
  if (!services) throw new Error('useFollow() outside <FollowContext.Provider>');
  return services;
}

/**
 * "Follow your turn" on the visitor's phone (opened from the QR code on the ticket): the number,
 * the service, people ahead and the estimated wait, live; a full-screen alert when it is called.
 * Nothing personal is shown or kept: the page knows a ticket id, a number and a service.
 */
export function FollowApp() {
  const { t } = useAppState();
  const { follow } = useFollow();
  const state = follow.state.value;
  const alert = follow.alert.value;
  return (
    <div class="phone-page follow">
      <PhoneHeader />
      <main class="phone-main">
        {follow.staleSince?.value != null && (
          <p class="phone-card follow-stale" role="status" data-testid="follow-stale">
            {t('follow.stale', { time: formatTime(follow.staleSince.value) })}
          </p>
        )}
        {state.kind === 'no-ticket' ? (
          <Message title={t('follow.unknown.title')} body={t('follow.missing.body')} />
        ) : state.kind === 'unknown' ? (
          <Message title={t('follow.unknown.title')} body={t('follow.unknown.body')} />
        ) : state.kind === 'loading' ? (
          <Connecting />
        ) : (
          <TicketCard view={state.view} />
        )}
      </main>
      {alert && <CalledOverlay alert={alert} onClose={() => follow.dismissAlert()} />}
      <OfflineBadge />
    </div>
  );
}

function Message({ title, body }: { title: string; body: string }) {
  return (
    <section class="phone-card follow-message" data-testid="follow-message">
      <h1 class="follow-message__title">{title}</h1>
      <p class="follow-message__body">{body}</p>
    </section>
  );
}

function TicketCard({ view }: { view: TicketFollowView }) {
  const { publicView, local, t } = useAppState();
  const { serviceName } = useFollow();
  const name = publicView.value?.view.services.find((s) => s.id === view.serviceId)?.name ?? serviceName?.(view.serviceId) ?? null;
  const service = name ? { name } : null;
  const ended = view.status === 'done' || view.status === 'no-show' || view.status === 'cancelled';
  return (
    <>
      <section class={`phone-card follow-ticket follow-ticket--${view.status}`} data-testid="follow-ticket">
        <div class="follow-ticket__label">{t('follow.yourNumber')}</div>
        <div class="follow-ticket__number" data-testid="follow-number">
          {view.number}
        </div>
        {service && (
          <div class="follow-ticket__service">
            <span class="follow-ticket__service-label">{t('follow.service')}: </span>
            <span data-testid="follow-service">{local(service.name)}</span>
          </div>
        )}
        <div class={`follow-status follow-status--${view.status}`} data-testid="follow-status">
          {t(`status.${view.status}`)}
        </div>
      </section>
      <StatusDetails view={view} />
      {!ended && <AlertSetup />}
    </>
  );
}

function StatusDetails({ view }: { view: TicketFollowView }) {
  const { t } = useAppState();
  switch (view.status) {
    case 'waiting': {
      const ahead = view.peopleAhead ?? 0;
      const minutes = view.estimatedWaitMinutes;
      return (
        <section class="phone-card follow-facts">
          <div class="follow-fact">
            <span class="follow-fact__label">{t('follow.ahead')}</span>
            <span class="follow-fact__value" data-testid="follow-ahead">
              {ahead}
            </span>
          </div>
          <div class="follow-fact">
            <span class="follow-fact__label">{t('follow.wait')}</span>
            <span class="follow-fact__value follow-fact__value--text" data-testid="follow-wait">
              {(() => {
                const words = waitWords(ahead, minutes);
                if (words.kind === 'minutes') return t('follow.minutes', { minutes: words.minutes });
                return t(words.kind === 'soon' ? 'follow.soon' : words.kind === 'next' ? 'follow.next' : 'follow.unknownWait');
              })()}
            </span>
          </div>
        </section>
      );
    }
    case 'called':
      return (
        <section class="phone-card follow-note follow-note--go" data-testid="follow-note">
          {t('follow.called.goTo', { counter: view.counterNumber ?? '' })}
        </section>
      );
    case 'serving':
      return (
        <section class="phone-card follow-note" data-testid="follow-note">
          {t('follow.serving', { counter: view.counterNumber ?? '' })}
        </section>
      );
    case 'done':
      return (
        <section class="phone-card follow-note" data-testid="follow-note">
          {t('follow.done')}
        </section>
      );
    case 'no-show':
      return (
        <section class="phone-card follow-note follow-note--warn" data-testid="follow-note">
          {t('follow.noShow')}
        </section>
      );
    case 'cancelled':
      return (
        <section class="phone-card follow-note follow-note--warn" data-testid="follow-note">
          {t('follow.cancelled')}
        </section>
      );
  }
}

/** Phones play sound and vibrate only after a tap on the page: one button does it. */
function AlertSetup() {
  const { t } = useAppState();
  const { sound } = useFollow();
  const on = sound.state.value === 'running';
  return (
    <section class="follow-alert-setup">
      {on ? (
        <div class="follow-alert-setup__on" data-testid="alert-on">
          <BellIcon />
          {t('follow.alertOn')}
        </div>
      ) : (
        <button type="button" class="follow-alert-setup__button" data-testid="enable-alert" data-sound-enable onClick={() => sound.enable()}>
          <BellIcon />
          {t('follow.enableAlert')}
        </button>
      )}
      <p class="follow-alert-setup__note">{t('follow.keepOpen')}</p>
    </section>
  );
}

function BellIcon() {
  return (
    <svg class="follow-bell" viewBox="0 0 24 24" aria-hidden="true">
      <path
        d="M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zM9.5 19a2.5 2.5 0 0 0 5 0"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linejoin="round"
      />
    </svg>
  );
}

/** "Mời bạn đến quầy số N", over the whole screen until the visitor closes it. */
function CalledOverlay({ alert, onClose }: { alert: CalledAlert; onClose: () => void }) {
  const { t } = useAppState();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), [alert.key]);
  return (
    <div
      key={alert.key}
      class="follow-called"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="follow-called-go"
      data-testid="called-alert"
    >
      <div class="follow-called__title">{t('follow.called.title')}</div>
      <div class="follow-called__number">{alert.number}</div>
      <div class="follow-called__go" id="follow-called-go" data-testid="called-alert-text">
        {keepLastWordsTogether(t('follow.called.goTo', { counter: alert.counterNumber }))}
      </div>
      <div class="follow-called__counter" aria-hidden="true">
        <span class="follow-called__counter-label">{t('follow.called.counter')}</span>
        <span class="follow-called__counter-number" data-testid="called-alert-counter">
          {alert.counterNumber}
        </span>
      </div>
      <button type="button" ref={button} class="follow-called__ok" onClick={onClose}>
        {t('follow.called.ok')}
      </button>
    </div>
  );
}

/** "quầy số 1" never leaves the "1" alone on a line: the last space becomes a no-break space. */
function keepLastWordsTogether(text: string): string {
  return text.replace(/ (\S+)$/, '\u00a0$1');
}
