import './on-screen-keyboard.css';
import { useSignal } from '@preact/signals';
import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { MessageKey } from '../i18n';
import { useAppState } from './app-state';
import { applyTone, deleteBackward, TONES, typeCharacter, type Tone, type ToneStyle } from './vietnamese-input';

/**
 * A big on-screen keyboard for touch screens without a physical one (kiosks): digits, QWERTY
 * letters, '.', '-', backspace and clear; in the Vietnamese layout also ă â đ ê ô ơ ư and the five
 * tone keys, which put the tone on the right vowel of the word just typed (see vietnamese-input.ts).
 * A digits-only mode shows a number pad.
 *
 * It types into the focused text field (or the one focused last, inside `scope`), at the caret,
 * and tells the field with an `input` event, so a controlled field's `onInput` sees every key. Its
 * keys never take the focus away from the field. Give the fields `inputMode="none"` so that a touch
 * screen's own keyboard does not pop up over this one.
 */
export interface OnScreenKeyboardProps {
  /** 'vietnamese': with ă â đ ê ô ơ ư, the tones and a space bar; 'latin': codes (letters, digits, '.', '-'). */
  layout?: 'vietnamese' | 'latin';
  /** Start on the number pad; with `digitsOnly` there is no way to the letters. */
  digits?: boolean;
  digitsOnly?: boolean;
  /** 'always': every letter is a capital (codes); 'shift': a Capitals key. */
  capitals?: 'always' | 'shift';
  toneStyle?: ToneStyle;
  /** The fields it may type into are inside this element (default: anywhere on the page). */
  scope?: RefObject<HTMLElement | null>;
  /** An Enter key with this label, when given. */
  onEnter?: () => void;
  enterLabel?: string;
  class?: string;
  'data-testid'?: string;
}

type Field = HTMLInputElement | HTMLTextAreaElement;

const TEXT_TYPES = new Set(['text', 'search', 'tel', 'url', 'email', 'password', '']);

function isField(el: EventTarget | Element | null): el is Field {
  if (el instanceof HTMLTextAreaElement) return !el.readOnly && !el.disabled;
  return el instanceof HTMLInputElement && TEXT_TYPES.has(el.type) && !el.readOnly && !el.disabled;
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];
const LETTER_ROWS = [
  ['q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p'],
  ['a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l'],
  ['z', 'x', 'c', 'v', 'b', 'n', 'm', '.', '-'],
];
const VIETNAMESE_LETTERS = ['ă', 'â', 'đ', 'ê', 'ô', 'ơ', 'ư'];
const PAD_ROWS = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
  ['.', '0', '-'],
];
/** The tone keys show their mark on an "a". */
const TONE_SAMPLES: Record<Tone, string> = { sac: 'á', huyen: 'à', hoi: 'ả', nga: 'ã', nang: 'ạ' };

export function OnScreenKeyboard(props: OnScreenKeyboardProps) {
  const { t } = useAppState();
  const layout = props.layout ?? 'vietnamese';
  const capitalsMode = props.capitals ?? 'shift';
  const digitsMode = useSignal(props.digitsOnly || !!props.digits);
  const shift = useSignal(false);
  const lastField = useRef<Field | null>(null);
  const style = props.toneStyle ?? 'classic';

  // Remember the field focused last, so a key pressed after the focus moved still types there.
  useEffect(() => {
    const onFocus = (e: FocusEvent) => {
      if (!isField(e.target)) return;
      const scope = props.scope?.current;
      if (scope && !scope.contains(e.target)) return;
      lastField.current = e.target;
    };
    document.addEventListener('focusin', onFocus);
    if (isField(document.activeElement)) lastField.current = document.activeElement;
    return () => document.removeEventListener('focusin', onFocus);
  }, [props.scope]);

  const target = (): Field | null => {
    const active = document.activeElement;
    const scope = props.scope?.current;
    if (isField(active) && (!scope || scope.contains(active))) return active;
    const last = lastField.current;
    return last && last.isConnected && isField(last) ? last : null;
  };

  /** Replaces the text before the caret (a selection is replaced too); the text after stays. */
  const edit = (change: (before: string) => string, grows: boolean) => {
    const field = target();
    if (!field) return;
    const value = field.value;
    const start = field.selectionStart ?? value.length;
    const end = field.selectionEnd ?? start;
    const after = value.slice(end);
    const before = change(value.slice(0, start));
    const max = field.maxLength > 0 ? field.maxLength : Number.POSITIVE_INFINITY;
    if (grows && before.length + after.length > max) return;
    field.value = before + after;
    field.focus();
    field.setSelectionRange(before.length, before.length);
    field.dispatchEvent(new Event('input', { bubbles: true }));
  };

  const upper = capitalsMode === 'always' || shift.value;
  const typeKey = (ch: string) => {
    const letter = upper ? ch.toLocaleUpperCase('vi') : ch;
    edit((before) => typeCharacter(before, letter, style), true);
    if (capitalsMode === 'shift' && shift.peek()) shift.value = false;
  };
  const backspace = () => edit((before) => deleteBackward(before, style), false);
  const clear = () => {
    const field = target();
    if (!field) return;
    field.value = '';
    field.focus();
    field.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const tone = (which: Tone) => edit((before) => applyTone(before, which, style), false);

  const shown = (ch: string) => (upper ? ch.toLocaleUpperCase('vi') : ch);
  const charKey = (ch: string, extra = '') => (
    <Key key={ch} class={`osk__key--char ${extra}`} onPress={() => typeKey(ch)}>
      {shown(ch)}
    </Key>
  );

  const modeKey = !props.digitsOnly && (
    <Key
      class="osk__key--mode"
      label={t(digitsMode.value ? 'keyboard.letters' : 'keyboard.digits')}
      onPress={() => (digitsMode.value = !digitsMode.peek())}
    >
      {digitsMode.value ? 'ABC' : '123'}
    </Key>
  );
  const editKeys = (
    <>
      <Key class="osk__key--edit" label={t('keyboard.backspace.label')} onPress={backspace} testid="osk-backspace">
        <span aria-hidden="true" class="osk__glyph">
          ⌫
        </span>
        <span class="osk__word">{t('keyboard.backspace')}</span>
      </Key>
      <Key class="osk__key--edit" onPress={clear} testid="osk-clear">
        {t('keyboard.clear')}
      </Key>
      {props.onEnter && (
        <Key class="osk__key--enter" onPress={props.onEnter}>
          {props.enterLabel ?? '↵'}
        </Key>
      )}
    </>
  );

  return (
    <div
      class={`osk osk--${layout} ${digitsMode.value ? 'osk--digits' : ''} ${props.class ?? ''}`}
      role="group"
      aria-label={t('keyboard.label')}
      data-testid={props['data-testid'] ?? 'osk'}
      // Keys never take the focus from the field (touch and mouse alike).
      onPointerDown={(e) => e.preventDefault()}
      onMouseDown={(e) => e.preventDefault()}
    >
      {digitsMode.value ? (
        <>
          {PAD_ROWS.map((row, i) => (
            <div key={i} class="osk__row">
              {row.map((ch) => charKey(ch))}
            </div>
          ))}
          <div class="osk__row osk__row--bottom">
            {modeKey}
            {editKeys}
          </div>
        </>
      ) : (
        <>
          <div class="osk__row">{DIGITS.map((ch) => charKey(ch, 'osk__key--digit'))}</div>
          {LETTER_ROWS.map((row, i) => (
            <div key={i} class="osk__row">
              {row.map((ch) => charKey(ch))}
            </div>
          ))}
          {layout === 'vietnamese' && (
            <>
              <div class="osk__row osk__row--marks">{VIETNAMESE_LETTERS.map((ch) => charKey(ch, 'osk__key--mark'))}</div>
              <div class="osk__row osk__row--tones">
                {TONES.map((which) => (
                  <Key
                    key={which}
                    class="osk__key--tone"
                    label={t(`keyboard.tone.${which}.label` as MessageKey)}
                    onPress={() => tone(which)}
                  >
                    <span class="osk__tone-sample" lang="vi" aria-hidden="true">
                      {TONE_SAMPLES[which]}
                    </span>
                    <span class="osk__tone-name" aria-hidden="true">
                      {t(`keyboard.tone.${which}` as MessageKey)}
                    </span>
                  </Key>
                ))}
              </div>
            </>
          )}
          <div class="osk__row osk__row--bottom">
            {capitalsMode === 'shift' && (
              <Key class="osk__key--shift" label={t('keyboard.shift')} pressed={shift.value} onPress={() => (shift.value = !shift.peek())}>
                <span aria-hidden="true">⇧</span>
              </Key>
            )}
            {modeKey}
            {layout === 'vietnamese' && (
              <Key class="osk__key--space" onPress={() => typeKey(' ')}>
                {t('keyboard.space')}
              </Key>
            )}
            {editKeys}
          </div>
        </>
      )}
    </div>
  );
}

function Key(props: {
  class?: string;
  label?: string;
  pressed?: boolean;
  testid?: string;
  onPress: () => void;
  children: ComponentChildren;
}) {
  return (
    <button
      type="button"
      class={`osk__key ${props.class ?? ''}`}
      aria-label={props.label}
      aria-pressed={props.pressed === undefined ? undefined : props.pressed}
      data-testid={props.testid}
      onClick={props.onPress}
    >
      {props.children}
    </button>
  );
}
