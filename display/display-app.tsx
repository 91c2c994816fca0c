import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { PublicCall, PublicCounter, PublicView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { Clock, Connecting, OfflineBadge } from '../server/ui/components';
import type { CallFeed } from './call-feed';

export const CallFeedContext = createContext<CallFeed | null>(null);

export const RECENT_CALLS_SHOWN = 8;

/** The wall display (1920x1080 TV): the newest call very large, every counter, the last calls. */
export function DisplayApp() {
  const { publicView, local } = useAppState();
  const view = publicView.value?.view ?? null;
  return (
    <div class="display">
      <header class="display-header">
        <div class="display-header__names">
          {view?.centre.authority && <div class="display-header__authority">{local(view.centre.authority)}</div>}
          <div class="display-header__centre">{local(view?.centre.name)}</div>
        </div>
        <Clock showDate />
      </header>
      {view ? <Board view={view} /> : <Connecting />}
      <OfflineBadge />
    </div>
  );
}

function Board({ view }: { view: PublicView }) {
  const feed = useContext(CallFeedContext);
  const fresh = feed?.highlighted.value ?? null;
  // Only a `ticket:called` event highlights; a snapshot shows the newest call calmly.
  const shown = fresh?.call ?? view.recentCalls[0] ?? null;
  return (
    <main class="board">
      <CurrentCall call={shown} highlightKey={fresh?.key ?? null} />
      <Counters counters={view.counters} fresh={fresh?.call ?? null} />
      <RecentCalls calls={view.recentCalls.slice(0, RECENT_CALLS_SHOWN)} />
      <WaitingPerService view={view} />
    </main>
  );
}

function CurrentCall({ call, highlightKey }: { call: PublicCall | null; highlightKey: number | null }) {
  const { t } = useAppState();
  if (!call)
    return (
      <section class="current current--empty" data-testid="current-call">
        <div class="current__empty">{t('display.noCallsYet')}</div>
      </section>
    );
  return (
    <section
      key={highlightKey ?? 'calm'}
      class={`current ${highlightKey !== null ? 'current--fresh' : ''}`}
      data-testid="current-call"
      aria-live="polite"
    >
      <div class="current__label">
        {t('display.newCall')}
        {call.kind === 'recall' && <span class="current__recall">{t('display.recall')}</span>}
      </div>
      <div class="current__number" data-testid="current-call-number">
        {call.number}
      </div>
      <div class="current__to">
        <span class="current__to-label">{t('display.toCounter')}</span>
        <span class="current__counter" data-testid="current-call-counter">
          {call.counterNumber}
        </span>
      </div>
    </section>
  );
}

function Counters({ counters, fresh }: { counters: PublicCounter[]; fresh: PublicCall | null }) {
  const { t } = useAppState();
  // Rows share the height; the type shrinks when a centre has many counters.
  const rowFont = Math.min(8, 46 / (counters.length + 1));
  return (
    <section class="counters" style={{ '--row-font': `${rowFont}vh` }}>
      <div class="counters__head">
        <span>{t('display.nowServing')}</span>
        <span>{t('display.counter')}</span>
      </div>
      <ol class="counters__list">
        {counters.map((counter) => {
          const isFresh = fresh !== null && fresh.counterId === counter.id;
          return (
            <li
              key={counter.id}
              class={`counter-row counter-row--${counter.status} ${isFresh ? 'counter-row--fresh' : ''}`}
              data-testid={`counter-row-${counter.number}`}
            >
              <span class="counter-row__serving">
                {counter.status === 'closed' ? (
                  <span class="counter-row__state">{t('display.counterClosed')}</span>
                ) : counter.status === 'paused' ? (
                  <span class="counter-row__state">{t('display.counterPaused')}</span>
                ) : counter.serving ? (
                  <span class={`counter-row__number counter-row__number--${counter.serving.status}`}>
                    {counter.serving.number}
                  </span>
                ) : (
                  <span class="counter-row__idle">{t('display.counterIdle')}</span>
                )}
              </span>
              <span class="counter-row__counter">{counter.number}</span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function RecentCalls({ calls }: { calls: PublicCall[] }) {
  const { t } = useAppState();
  return (
    <section class="strip recent">
      <h2 class="strip__label">{t('display.lastCalls')}</h2>
      {calls.length === 0 ? (
        <div class="strip__empty">{t('display.noCallsYet')}</div>
      ) : (
        <ol class="recent__list">
          {calls.map((call, i) => (
            <li key={`${call.at}-${call.number}-${i}`} class={`recent__item ${i === 0 ? 'recent__item--newest' : ''}`}>
              <span class="recent__number">{call.number}</span>
              <span class="recent__arrow" aria-hidden="true" />
              <span class="recent__counter" title={t('display.counterShort', { number: call.counterNumber })}>
                {call.counterNumber}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function WaitingPerService({ view }: { view: PublicView }) {
  const { t, local } = useAppState();
  return (
    <section class="strip waiting">
      <h2 class="strip__label">{t('display.waitingPerService')}</h2>
      <ul class="waiting__list">
        {view.services.map((service) => (
          <li key={service.id} class="waiting__item">
            <span class="waiting__name">{local(service.name)}</span>
            <span class="waiting__count">{service.waiting}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
