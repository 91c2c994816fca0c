import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { DossierLookupView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { useCountdown } from '../server/ui/hooks';
import { Pictogram } from '../server/ui/icons';
import { OnScreenKeyboard } from '../server/ui/on-screen-keyboard';
import { useActivity } from './activity';

/** What a receipt held to the scanner gave: its code (and key), or nothing readable. */
export type LookupScan = { kind: 'read'; code: string; key: string } | { kind: 'unreadable' };

/** Without a touch for this long the lookup gives up and the kiosk goes back to the start. */
export const LOOKUP_IDLE_MS = 90_000;
/** The "going back in n seconds" line shows only near the end: nobody should feel rushed while typing. */
const COUNTDOWN_SHOWN_BELOW_S = 20;
/** The hub's limits (longer is refused as a bad payload). */
const MAX_CODE = 60;
const MAX_KEY = 20;

type Problem =
  | { kind: 'missing-code' }
  | { kind: 'missing-key' }
  | { kind: 'not-found' }
  | { kind: 'wait' }
  | { kind: 'unreadable' }
  | { kind: 'need-key' }
  | { kind: 'failed'; message: string };

/**
 * Looking a dossier up: the code and the lookup key from the receipt, typed on the on-screen
 * keyboard, or read from the receipt's QR code by the scanner (then it looks up at once). A wrong
 * code or key gets one friendly message that tells nothing about which was wrong; too many tries
 * get "please wait n seconds", counted down.
 */
export function LookupScreen(props: { scan: LookupScan | null; onBack: () => void; onFound: (result: DossierLookupView) => void }) {
  const state = useAppState();
  const { t } = state;
  const scanned = props.scan?.kind === 'read' ? props.scan : null;
  const code = useSignal(scanned?.code ?? '');
  const key = useSignal(scanned?.key ?? '');
  const problem = useSignal<Problem | null>(
    props.scan?.kind === 'unreadable' ? { kind: 'unreadable' } : scanned && !scanned.key ? { kind: 'need-key' } : null,
  );
  const busy = useSignal(false);
  /** In the hub's time: until then the hub refuses lookups from here. */
  const waitUntil = useSignal(0);
  const waitTotal = useSignal(0);
  const section = useRef<HTMLElement>(null);
  const codeField = useRef<HTMLInputElement>(null);
  const keyField = useRef<HTMLInputElement>(null);
  const activity = useActivity();
  const secondsLeft = useCountdown(LOOKUP_IDLE_MS, props.onBack, activity);
  const waitSeconds = Math.min(waitTotal.value, Math.max(0, Math.ceil((waitUntil.value - state.now.value) / 1000)));
  const waiting = waitSeconds > 0;

  const submit = async () => {
    if (busy.peek()) return;
    const wantedCode = code.peek().trim().toUpperCase();
    const wantedKey = key.peek().trim().toUpperCase();
    if (!wantedCode) {
      problem.value = { kind: 'missing-code' };
      codeField.current?.focus();
      return;
    }
    if (!wantedKey) {
      problem.value = { kind: 'missing-key' };
      keyField.current?.focus();
      return;
    }
    if (waitUntil.peek() > state.client.serverNow()) return;
    busy.value = true;
    problem.value = null;
    const answer = await state.client.request('dossier:lookup', { code: wantedCode, key: wantedKey });
    busy.value = false;
    if (answer.ok) return props.onFound(answer.data);
    if (answer.error === 'RATE_LIMITED') {
      waitTotal.value = answer.retryAfterSeconds ?? 30;
      waitUntil.value = state.client.serverNow() + waitTotal.value * 1000;
      problem.value = { kind: 'wait' };
    } else if (answer.error === 'DOSSIER_NOT_FOUND' || answer.error === 'INVALID_PAYLOAD') problem.value = { kind: 'not-found' };
    else problem.value = { kind: 'failed', message: answer.message };
  };

  // The keyboard types where the caret is: after a tap elsewhere (the language button), give it back.
  useEffect(() => {
    let last: HTMLInputElement | null = null;
    const remember = (e: FocusEvent) => {
      if (e.target instanceof HTMLInputElement && (e.target === codeField.current || e.target === keyField.current)) last = e.target;
    };
    const restore = () => {
      const active = document.activeElement;
      if (active === codeField.current || active === keyField.current) return;
      if (last?.isConnected) last.focus();
    };
    document.addEventListener('focusin', remember);
    document.addEventListener('click', restore);
    return () => {
      document.removeEventListener('focusin', remember);
      document.removeEventListener('click', restore);
    };
  }, []);

  useEffect(() => {
    // A scanned receipt with both codes is looked up at once; with the code only, the key is asked for.
    if (scanned?.code && scanned.key) void submit();
    else if (scanned?.code) keyField.current?.focus();
    else codeField.current?.focus();
  }, []);

  const shownProblem = problem.value?.kind === 'wait' && !waiting ? null : problem.value;
  const edited = () => {
    if (problem.peek()?.kind !== 'wait') problem.value = null;
  };

  return (
    <section class="lookup" ref={section} data-testid="lookup">
      <div class="lookup__side">
        <h1 class="lookup__title">{t('lookup.title')}</h1>
        <p class="lookup__intro">{t('lookup.intro')}</p>
        <form
          class="lookup__form"
          autocomplete="off"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <label class="lookup-field">
            <span class="lookup-field__label">{t('lookup.code')}</span>
            <input
              ref={codeField}
              class="lookup-field__input"
              name="dossier-code"
              inputMode="none"
              autocomplete="off"
              autocapitalize="characters"
              spellcheck={false}
              maxLength={MAX_CODE}
              aria-describedby="lookup-code-hint"
              value={code}
              onInput={(e) => {
                code.value = e.currentTarget.value;
                edited();
              }}
            />
            <span class="lookup-field__hint" id="lookup-code-hint">
              {t('lookup.code.example')}
            </span>
          </label>
          <label class="lookup-field">
            <span class="lookup-field__label">{t('lookup.key')}</span>
            <input
              ref={keyField}
              class="lookup-field__input lookup-field__input--key"
              name="lookup-key"
              inputMode="none"
              autocomplete="off"
              autocapitalize="characters"
              spellcheck={false}
              maxLength={MAX_KEY}
              aria-describedby="lookup-key-hint"
              value={key}
              onInput={(e) => {
                key.value = e.currentTarget.value;
                edited();
              }}
            />
            <span class="lookup-field__hint" id="lookup-key-hint">
              {t('lookup.key.hint')}
            </span>
          </label>
          <div class="lookup__status" aria-live="polite">
            {busy.value && <p class="lookup__busy">{t('lookup.searching')}</p>}
            {shownProblem && <ProblemBox problem={shownProblem} waitSeconds={waitSeconds} />}
          </div>
          <div class="lookup__actions">
            <button type="submit" class="big-button big-button--primary lookup__submit" disabled={busy.value || waiting}>
              {t('lookup.submit')}
            </button>
            <button type="button" class="big-button" onClick={props.onBack}>
              {t('kiosk.back')}
            </button>
          </div>
        </form>
        <p class="lookup__scan">
          <span class="lookup__scan-icon">
            <Pictogram name="qr" />
          </span>
          <span>{t('lookup.scanHint')}</span>
        </p>
        {secondsLeft <= COUNTDOWN_SHOWN_BELOW_S && <p class="lookup__auto">{t('kiosk.autoReturn', { seconds: secondsLeft })}</p>}
      </div>
      <OnScreenKeyboard layout="latin" capitals="always" scope={section} class="lookup__keyboard" />
    </section>
  );
}

function ProblemBox({ problem, waitSeconds }: { problem: Problem; waitSeconds: number }) {
  const { t } = useAppState();
  let title: string | null = null;
  let body: string;
  switch (problem.kind) {
    case 'missing-code':
      body = t('lookup.missing.code');
      break;
    case 'missing-key':
      body = t('lookup.missing.key');
      break;
    case 'need-key':
      body = t('lookup.scan.needKey');
      break;
    case 'unreadable':
      body = t('lookup.scan.unreadable');
      break;
    case 'not-found':
      title = t('lookup.notFound.title');
      body = t('lookup.notFound.body');
      break;
    case 'wait':
      title = t('lookup.wait.title');
      body = t('lookup.wait', { seconds: waitSeconds });
      break;
    case 'failed':
      title = t('lookup.failed.title');
      body = problem.message;
      break;
  }
  const gentle = problem.kind === 'need-key' || problem.kind === 'missing-code' || problem.kind === 'missing-key';
  return (
    <div class={`lookup-problem ${gentle ? 'lookup-problem--hint' : ''}`} role="alert" data-testid="lookup-problem" data-kind={problem.kind}>
      {title && <p class="lookup-problem__title">{title}</p>}
      <p class="lookup-problem__body">{body}</p>
    </div>
  );
}
