import type { ReadonlySignal } from '@preact/signals';
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { PublicCall, PublicCounter, PublicView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { Connecting, OfflineBadge } from '../server/ui/components';
import { useBoardPhase } from './board-rotation';
import type { CallFeed } from './call-feed';
import { CentreClock } from './centre-clock';
import { CarriedOverBand, ClosingBanner } from './day-status';
import { NoticeTicker } from './notice-ticker';
import type { Orientation } from './orientation';
import { hasBoardContent, ResultsBoard, type PageCursor } from './results-board';
import type { VoiceAnnouncer } from './voice/announcer';

/** What the display's main.tsx starts once per page: the call feed, the voice, the layout. */
export interface DisplayServices {
  feed: CallFeed | null;
  voice: VoiceAnnouncer | null;
  orientation: ReadonlySignal<Orientation>;
}

export const DisplayContext = createContext<DisplayServices | null>(null);

export const RECENT_CALLS_SHOWN = 8;

/**
 * The wall display: the newest call very large, every counter, the last calls, who is waiting, and
 * the centre's notice scrolling along the bottom. Landscape (1920x1080 TV) puts the newest call
 * beside the counters; portrait (1080x1920) stacks them. Under the header: a banner once the day
 * is closed, and the numbers carried over from the last working day. The results board of dossiers
 * goes beside the queue, or takes turns with it (PublicView.dossiers.layout).
 */
export function DisplayApp() {
  const { publicView, local } = useAppState();
  const services = useContext(DisplayContext);
  const orientation = services?.orientation.value ?? 'landscape';
  const view = publicView.value?.view ?? null;
  return (
    <div class={`display display--${orientation}`} data-orientation={orientation}>
      <header class="display-header">
        <div class="display-header__names">
          {view?.centre.authority && <div class="display-header__authority">{local(view.centre.authority)}</div>}
          <div class="display-header__centre">{local(view?.centre.name)}</div>
        </div>
        <CentreClock timeZone={view?.centre.timeZone} />
      </header>
      {view?.closing && <ClosingBanner closing={view.closing} />}
      {view && view.carriedOver.length > 0 && <CarriedOverBand carried={view.carriedOver} />}
      {view ? <Board view={view} orientation={orientation} /> : <Connecting />}
      {view?.display.notice && <NoticeTicker notice={view.display.notice} />}
      {view?.display.voice.enabled && <SoundHint />}
      <OfflineBadge />
    </div>
  );
}

/** How long the sound may stay locked before the hint shows (it unlocks by itself on a kiosk TV). */
const SOUND_HINT_DELAY_MS = 1_500;

/** "Chạm để bật âm thanh": shown while the browser keeps the sound off until someone taps. */
function SoundHint() {
  const { t } = useAppState();
  const voice = useContext(DisplayContext)?.voice ?? null;
  const locked = voice !== null && voice.soundState.value !== 'running';
  const [late, setLate] = useState(false);
  useEffect(() => {
    if (!locked) {
      setLate(false);
      return;
    }
    const timer = setTimeout(() => setLate(true), SOUND_HINT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [locked]);
  if (!voice || !locked || !late) return null;
  return (
    <button type="button" class="sound-hint" data-testid="sound-hint" onClick={() => void voice.unlock()}>
      <svg class="sound-hint__icon" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor" />
        <path
          d="M16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12"
          fill="none"
          stroke="currentColor"
          stroke-width="2"
          stroke-linecap="round"
        />
      </svg>
      {t('display.soundHint')}
    </button>
  );
}

/**
 * How the board is laid out: the queue alone ('plain'), the results board beside it ('beside'),
 * or the results board in place of the queue's lower part for a turn ('results'). The newest call
 * is in every one of them, at its full size.
 */
export type BoardLayout = 'plain' | 'beside' | 'results';

function Board({ view, orientation }: { view: PublicView; orientation: Orientation }) {
  const feed = useContext(DisplayContext)?.feed ?? null;
  const fresh = feed?.highlighted.value ?? null;
  // Only a `ticket:called` event highlights; a snapshot shows the newest call calmly.
  const shown = fresh?.call ?? view.recentCalls[0] ?? null;
  const dossiers = hasBoardContent(view.dossiers) ? view.dossiers : null;
  const rotate = dossiers?.layout === 'rotate';
  const phase = useBoardPhase(rotate, dossiers?.rotateSeconds ?? 20, fresh?.key ?? null);
  const cursor = useRef<PageCursor>({ next: 0 }).current;
  const layout: BoardLayout = !dossiers ? 'plain' : !rotate ? 'beside' : phase === 'board' ? 'results' : 'plain';
  const queue = layout !== 'results';
  return (
    <main class={`board board--${layout}`} data-layout={layout}>
      <CurrentCall call={shown} highlightKey={fresh?.key ?? null} />
      {queue && <Counters counters={view.counters} fresh={fresh?.call ?? null} orientation={orientation} />}
      {queue && <RecentCalls calls={view.recentCalls.slice(0, RECENT_CALLS_SHOWN)} />}
      {queue && <WaitingPerService view={view} />}
      {dossiers && layout !== 'plain' && <ResultsBoard board={dossiers} cursor={rotate ? cursor : undefined} />}
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
        {call.booked && (
          <span class="current__booked" data-testid="current-call-booked">
            {t('displayBook.mark')}
          </span>
        )}
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

function Counters(props: { counters: PublicCounter[]; fresh: PublicCall | null; orientation: Orientation }) {
  const { counters, fresh } = props;
  const { t } = useAppState();
  // Rows share the height; the type shrinks when a centre has many counters. Portrait gives the
  // counters about a third of the (taller) screen.
  const rowFont =
    props.orientation === 'portrait' ? Math.min(4.4, 24 / (counters.length + 1)) : Math.min(8, 46 / (counters.length + 1));
  return (
    <section class="counters" style={{ '--row-font': `${rowFont}vh`, '--rows': Math.max(1, counters.length) }}>
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
            <li
              key={`${call.at}-${call.number}-${i}`}
              class={`recent__item ${i === 0 ? 'recent__item--newest' : ''} ${call.booked ? 'recent__item--booked' : ''}`}
            >
              <span class="recent__number">{call.number}</span>
              <span class="recent__arrow" aria-hidden="true" />
              <span class="recent__counter" title={t('display.counterShort', { number: call.counterNumber })}>
                {call.counterNumber}
              </span>
              {call.booked && <span class="recent__booked">{t('displayBook.mark')}</span>}
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
