import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { translate, type Lang, type MessageKey } from '../server/i18n';
import type { RatingPrompt } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';

type Level = 1 | 2 | 3;
type Phase = 'idle' | 'ask' | 'reason' | 'thanks' | 'expired';

const LEVELS: readonly { level: Level; label: MessageKey }[] = [
  { level: 3, label: 'rate.level.3' },
  { level: 2, label: 'rate.level.2' },
  { level: 1, label: 'rate.level.1' },
];

/** Why not satisfied: sent as codes, shown in the reader's language. */
export const RATING_REASONS: readonly { code: string; label: MessageKey }[] = [
  { code: 'long-wait', label: 'rate.reason.wait' },
  { code: 'attitude', label: 'rate.reason.attitude' },
  { code: 'unclear-guidance', label: 'rate.reason.guidance' },
  { code: 'other', label: 'rate.reason.other' },
];

const THANKS_MS = 6_000;
const EXPIRED_MS = 4_000;

/**
 * The satisfaction question for the visitor, at a counter: one question, three very large answers
 * with faces, a short reason when not satisfied, then thanks. Anonymous: no ticket number, no name.
 * Vietnamese first, English one tap away; every new question starts in Vietnamese again. The
 * question lapses by itself at the prompt's `expiresAt` (by the hub's clock).
 *
 * Used by the rating tablet beside a counter, and full screen on the pad itself ("turned around"),
 * which passes `onFinished` to get its screen back.
 */
export function RatingPanel(props: {
  counterNumber: number | null;
  prompt: RatingPrompt | null;
  /** The answer was given (and thanked for), or the question went away: the pad takes its screen back. */
  onFinished?: () => void;
  /** The officer takes the pad back without an answer. */
  onClose?: () => void;
}) {
  const state = useAppState();
  const now = state.now.value;
  const live = props.prompt && props.prompt.expiresAt > state.client.serverNow() ? props.prompt : null;
  const lang = useSignal<Lang>('vi');
  const phase = useSignal<Phase>(live ? 'ask' : 'idle');
  /** The question being answered (it stays while the thanks show, after the hub closed it). */
  const asked = useSignal<RatingPrompt | null>(live);
  /** Prompts already answered here: the hub may still show one a moment before closing it. */
  const answered = useRef(new Set<string>());
  const sending = useSignal(false);
  const failed = useSignal(false);
  const retried = useRef(false);
  /** How long the question was open for when it came here, for the bar that runs down. */
  const span = useRef(live ? Math.max(1_000, live.expiresAt - state.client.serverNow()) : 90_000);
  const finished = useRef(props.onFinished);
  finished.current = props.onFinished;
  const tr = (key: MessageKey, params?: Record<string, string | number>) => translate(lang.value, key, params);

  const toIdle = () => {
    phase.value = 'idle';
    asked.value = null;
    failed.value = false;
    lang.value = 'vi';
  };

  // A new question opens: ask it (in Vietnamese). The question closed elsewhere: back to idle.
  const promptId = props.prompt?.promptId ?? null;
  useEffect(() => {
    const prompt = props.prompt;
    if (prompt && !answered.current.has(prompt.promptId) && prompt.promptId !== asked.peek()?.promptId) {
      asked.value = prompt;
      span.current = Math.max(1_000, prompt.expiresAt - state.client.serverNow());
      phase.value = 'ask';
      lang.value = 'vi';
      failed.value = false;
      retried.current = false;
    } else if (!prompt && !sending.peek() && (phase.peek() === 'ask' || phase.peek() === 'reason')) toIdle();
  }, [promptId]);

  // The question lapses by itself.
  const left = asked.value ? asked.value.expiresAt - now : 0;
  const asking = phase.value === 'ask' || phase.value === 'reason';
  useEffect(() => {
    if (asking && left <= 0 && !sending.peek()) toIdle();
  }, [asking, left <= 0]);

  // Thanks (or "too late") stay a few seconds, then the screen is ready for the next visitor.
  useEffect(() => {
    if (phase.value !== 'thanks' && phase.value !== 'expired') return;
    const timer = setTimeout(toIdle, phase.value === 'thanks' ? THANKS_MS : EXPIRED_MS);
    return () => clearTimeout(timer);
  }, [phase.value]);

  // Idle on the pad means the pad is the officer's again.
  useEffect(() => {
    if (phase.value === 'idle') finished.current?.();
  }, [phase.value]);

  const submit = async (level: Level, reason: string | null) => {
    const prompt = asked.peek();
    if (!prompt || sending.peek()) return;
    sending.value = true;
    failed.value = false;
    const answer = await state.client.request('rating:submit', { promptId: prompt.promptId, level, reason });
    sending.value = false;
    if (answer.ok || answer.error === 'ALREADY_RATED' || (answer.error === 'RATING_EXPIRED' && retried.current)) {
      // (An expired answer to a retry most likely means the first try got there.)
      answered.current.add(prompt.promptId);
      phase.value = 'thanks';
    } else if (answer.error === 'RATING_EXPIRED') {
      answered.current.add(prompt.promptId);
      phase.value = 'expired';
    } else {
      failed.value = true;
      retried.current = true;
    }
  };

  const fraction = asking ? Math.max(0, Math.min(1, left / span.current)) : 0;
  const counterText = props.counterNumber !== null ? tr('counter.counterN', { number: props.counterNumber }) : '';

  if (phase.value === 'idle')
    return (
      <div class="rating rating--idle" lang="vi" data-testid="rating-idle">
        {props.onClose && <CloseButton label={tr('rate.close')} onClose={props.onClose} />}
        <div class="rating__idle">
          <RatingFace level={3} class="rating__idle-face" />
          <div class="rating__idle-counter">{translate('vi', 'counter.counterN', { number: props.counterNumber ?? '' })}</div>
          <div class="rating__idle-thanks">{translate('vi', 'rate.idle.thanks')}</div>
          <div class="rating__idle-en" lang="en">
            {translate('en', 'counter.counterN', { number: props.counterNumber ?? '' })} — {translate('en', 'rate.idle.thanks')}
          </div>
        </div>
      </div>
    );

  return (
    <div class={`rating rating--${phase.value}`} lang={lang.value} data-testid={`rating-${phase.value}`}>
      <header class="rating__head">
        <span class="rating__counter">{counterText}</span>
        {asking && (
          <button
            type="button"
            class="lang-toggle rating__lang"
            lang={lang.value === 'vi' ? 'en' : 'vi'}
            onClick={() => (lang.value = lang.value === 'vi' ? 'en' : 'vi')}
          >
            {tr('lang.switch')}
          </button>
        )}
        {props.onClose && <CloseButton label={tr('rate.close')} onClose={props.onClose} />}
      </header>

      {phase.value === 'ask' && (
        <main class="rating__body">
          <h1 class="rating__question">{tr('rate.question')}</h1>
          <div class="rating__choices">
            {LEVELS.map((l) => (
              <button
                key={l.level}
                type="button"
                class={`rating-choice rating-choice--${l.level}`}
                disabled={sending.value}
                data-testid={`rate-${l.level}`}
                onClick={() => (l.level === 1 ? (phase.value = 'reason') : void submit(l.level, null))}
              >
                <RatingFace level={l.level} class="rating-choice__face" />
                <span class="rating-choice__label">{tr(l.label)}</span>
              </button>
            ))}
          </div>
          <p class="rating__note">{tr('rate.anonymous')}</p>
        </main>
      )}

      {phase.value === 'reason' && (
        <main class="rating__body">
          <h1 class="rating__question">{tr('rate.reason.question')}</h1>
          <div class="rating__reasons">
            {RATING_REASONS.map((r) => (
              <button
                key={r.code}
                type="button"
                class="rating-reason"
                disabled={sending.value}
                data-testid={`reason-${r.code}`}
                onClick={() => void submit(1, r.code)}
              >
                {tr(r.label)}
              </button>
            ))}
          </div>
          <button type="button" class="rating__back" disabled={sending.value} onClick={() => (phase.value = 'ask')}>
            {tr('rate.back')}
          </button>
        </main>
      )}

      {phase.value === 'thanks' && (
        <main class="rating__body rating__body--center" aria-live="polite">
          <ThanksMark />
          <h1 class="rating__thanks">{tr('rate.thanks')}</h1>
          <p class="rating__note">{tr('rate.thanks.note')}</p>
        </main>
      )}

      {phase.value === 'expired' && (
        <main class="rating__body rating__body--center" aria-live="polite">
          <h1 class="rating__thanks rating__thanks--quiet">{tr('rate.expired')}</h1>
        </main>
      )}

      {failed.value && asking && (
        <p class="rating__failed" role="alert">
          {tr('rate.sendFailed')}
        </p>
      )}
      {asking && (
        <div class="rating__timer" aria-hidden="true">
          <div class="rating__timer-fill" style={{ width: `${Math.round(fraction * 100)}%` }} />
        </div>
      )}
    </div>
  );
}

function CloseButton(props: { label: string; onClose: () => void }) {
  return (
    <button type="button" class="rating__close" aria-label={props.label} title={props.label} onClick={props.onClose}>
      ×
    </button>
  );
}

/** A tick in a circle: thanks for any answer (a grin would not suit every one). */
function ThanksMark() {
  return (
    <svg class="rating__big-face rating-thanks-mark" viewBox="0 0 100 100" aria-hidden="true" focusable="false">
      <circle cx="50" cy="50" r="46" />
      <path d="M29 52 L44 66 L72 36" />
    </svg>
  );
}

/** A face drawn in SVG: a broad smile, a smile, a frown. */
export function RatingFace({ level, class: className }: { level: Level; class?: string }) {
  const mouth =
    level === 3 ? 'M27 58 Q50 86 73 58 Z' : level === 2 ? 'M31 63 Q50 77 69 63' : 'M31 73 Q50 57 69 73';
  return (
    <svg class={`rating-face rating-face--${level} ${className ?? ''}`} viewBox="0 0 100 100" aria-hidden="true" focusable="false">
      <circle class="rating-face__skin" cx="50" cy="50" r="46" />
      <circle class="rating-face__feature" cx="35" cy="40" r="6" />
      <circle class="rating-face__feature" cx="65" cy="40" r="6" />
      <path class={level === 3 ? 'rating-face__open' : 'rating-face__line'} d={mouth} />
    </svg>
  );
}
