import { useSignal, type Signal } from '@preact/signals';
import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { MessageKey } from '../server/i18n';
import { useAppState } from '../server/ui/app-state';
import { useCountdown } from '../server/ui/hooks';
import { Pictogram } from '../server/ui/icons';
import { OnScreenKeyboard } from '../server/ui/on-screen-keyboard';
import { useActivity } from './activity';

/**
 * What the kiosk's screens for typing codes from a paper or a phone share (the dossier lookup, the
 * booking check-in): the fields on the left (portrait: above), the on-screen keyboard, the caret
 * kept in the fields, the hub's "wait n seconds" after too many tries, the friendly problem box,
 * and going back to the start when nobody touches the screen.
 */

/** Without a touch for this long the screen gives up and the kiosk goes back to the start. */
export const ENTRY_IDLE_MS = 90_000;
/** The "going back in n seconds" line shows only near the end: nobody should feel rushed while typing. */
const COUNTDOWN_SHOWN_BELOW_S = 20;

/** The keyboard types where the caret is: after a tap elsewhere (the language button), give it back. */
export function useCaretInFields(fields: readonly RefObject<HTMLInputElement | null>[]): void {
  useEffect(() => {
    let last: HTMLInputElement | null = null;
    const ours = (el: EventTarget | Element | null) => fields.some((f) => f.current !== null && f.current === el);
    const remember = (e: FocusEvent) => {
      if (e.target instanceof HTMLInputElement && ours(e.target)) last = e.target;
    };
    const restore = () => {
      if (ours(document.activeElement)) return;
      if (last?.isConnected) last.focus();
    };
    document.addEventListener('focusin', remember);
    document.addEventListener('click', restore);
    return () => {
      document.removeEventListener('focusin', remember);
      document.removeEventListener('click', restore);
    };
  }, []);
}

/** The hub slows a kiosk's wrong tries down: until when it refuses, counted down in the hub's time. */
export function useTriesWait(): { seconds: number; start: (retryAfterSeconds: number | undefined) => void; blocked: () => boolean } {
  const state = useAppState();
  const until = useSignal(0);
  const total = useSignal(0);
  return {
    seconds: Math.min(total.value, Math.max(0, Math.ceil((until.value - state.now.value) / 1000))),
    start(retryAfterSeconds) {
      total.value = retryAfterSeconds ?? 30;
      until.value = state.client.serverNow() + total.value * 1000;
    },
    blocked: () => until.peek() > state.client.serverNow(),
  };
}

/** One code to type: a big label, the field (no touch-screen keyboard of its own), an example below. */
export function CodeField(props: {
  label: string;
  name: string;
  hint: string;
  value: Signal<string>;
  maxLength: number;
  inputRef: RefObject<HTMLInputElement | null>;
  onEdit: () => void;
  wide?: boolean;
}) {
  const hintId = `${props.name}-hint`;
  return (
    <label class="lookup-field">
      <span class="lookup-field__label">{props.label}</span>
      <input
        ref={props.inputRef}
        class={`lookup-field__input ${props.wide === false ? 'lookup-field__input--key' : ''}`}
        name={props.name}
        inputMode="none"
        autocomplete="off"
        autocapitalize="characters"
        spellcheck={false}
        maxLength={props.maxLength}
        aria-describedby={hintId}
        value={props.value}
        onInput={(e) => {
          props.value.value = e.currentTarget.value;
          props.onEdit();
        }}
      />
      <span class="lookup-field__hint" id={hintId}>
        {props.hint}
      </span>
    </label>
  );
}

/** A problem of a code-entry screen: one of its own (worded by its table), the hub's wait, or a failure. */
export type EntryProblemState<K extends string> = { kind: K } | { kind: 'wait' } | { kind: 'failed'; message: string };

/** A screen's own problems: [title or null, text]; `gentle` ones (something missing) are hints, not errors. */
export type ProblemTexts<K extends string> = Record<K, { title: MessageKey | null; body: MessageKey; gentle?: true }>;

/** What went wrong, in a friendly box: a gentle hint (something missing) or a problem. */
export function EntryProblem<K extends string>(props: {
  testId: string;
  problem: EntryProblemState<K>;
  texts: ProblemTexts<K>;
  failedTitle: MessageKey;
  waitSeconds: number;
}) {
  const { t } = useAppState();
  const { problem } = props;
  let title: string | null;
  let body: string;
  let gentle = false;
  if (problem.kind === 'wait') {
    title = t('lookup.wait.title');
    body = t('lookup.wait', { seconds: props.waitSeconds });
  } else if (problem.kind === 'failed' && 'message' in problem) {
    title = t(props.failedTitle);
    body = problem.message;
  } else {
    const text = props.texts[problem.kind as K];
    title = text.title && t(text.title);
    body = t(text.body);
    gentle = !!text.gentle;
  }
  return (
    <div class={`lookup-problem ${gentle ? 'lookup-problem--hint' : ''}`} role="alert" data-testid={props.testId} data-kind={problem.kind}>
      {title && <p class="lookup-problem__title">{title}</p>}
      <p class="lookup-problem__body">{body}</p>
    </div>
  );
}

/** "Or hold the QR code to the kiosk's scanner", with the QR pictogram. */
export function ScanHint({ text, class: className }: { text: string; class?: string }) {
  return (
    <p class={`lookup__scan ${className ?? ''}`}>
      <span class="lookup__scan-icon">
        <Pictogram name="qr" />
      </span>
      <span>{text}</span>
    </p>
  );
}

/**
 * The screen: title, introduction, what comes before the form (`lead`), the fields, the status
 * line (busy, or the problem), the submit and back buttons, what comes after (`after`), and the
 * keyboard. Back to the start by itself after ENTRY_IDLE_MS without a touch.
 */
export function CodeEntryScreen(props: {
  testId: string;
  title: string;
  intro: string;
  lead?: ComponentChildren;
  children: ComponentChildren;
  busyText: string | null;
  problem: ComponentChildren;
  submitLabel: string;
  submitDisabled: boolean;
  onSubmit: () => void;
  onBack: () => void;
  after?: ComponentChildren;
}) {
  const { t } = useAppState();
  const section = useRef<HTMLElement>(null);
  const activity = useActivity();
  const secondsLeft = useCountdown(ENTRY_IDLE_MS, props.onBack, activity);
  return (
    <section class="lookup" ref={section} data-testid={props.testId}>
      <div class="lookup__side">
        <h1 class="lookup__title">{props.title}</h1>
        <p class="lookup__intro">{props.intro}</p>
        {props.lead}
        <form
          class="lookup__form"
          autocomplete="off"
          onSubmit={(e) => {
            e.preventDefault();
            props.onSubmit();
          }}
        >
          {props.children}
          <div class="lookup__status" aria-live="polite">
            {props.busyText && <p class="lookup__busy">{props.busyText}</p>}
            {props.problem}
          </div>
          <div class="lookup__actions">
            <button type="submit" class="big-button big-button--primary lookup__submit" disabled={props.submitDisabled}>
              {props.submitLabel}
            </button>
            <button type="button" class="big-button" onClick={props.onBack}>
              {t('kiosk.back')}
            </button>
          </div>
        </form>
        {props.after}
        {secondsLeft <= COUNTDOWN_SHOWN_BELOW_S && <p class="lookup__auto">{t('kiosk.autoReturn', { seconds: secondsLeft })}</p>}
      </div>
      <OnScreenKeyboard layout="latin" capitals="always" scope={section} class="lookup__keyboard" />
    </section>
  );
}
