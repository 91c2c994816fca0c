import type { ComponentChildren } from 'preact';
import type { MessageKey } from '../server/i18n';
import { useAppState } from '../server/ui/app-state';

/**
 * The small pieces the configuration's sections are made of: labelled text and number fields,
 * check boxes, radio cards, a card per item, a section's heading, a window of weekdays and hours,
 * and the problems of some fields under their card.
 */

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export const DAY_SHORT: Record<number, MessageKey> = {
  1: 'sup.cfg.day.1',
  2: 'sup.cfg.day.2',
  3: 'sup.cfg.day.3',
  4: 'sup.cfg.day.4',
  5: 'sup.cfg.day.5',
  6: 'sup.cfg.day.6',
  7: 'sup.cfg.day.7',
};
/** A whole number from a field, or undefined when it is empty (an optional setting left out). */
export function numberOf(text: string): number | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const value = Number(trimmed.replace(',', '.'));
  return Number.isFinite(value) ? value : undefined;
}


export function TextField(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  disabled?: boolean;
  maxLength?: number;
  placeholder?: string;
  wide?: boolean;
  type?: 'text' | 'password';
  testId?: string;
}) {
  return (
    <label class={`cfg-field ${props.wide ? 'cfg-field--wide' : ''}`}>
      <span class="cfg-field__label">{props.label}</span>
      {props.type === 'password' ? (
        <input
          class="cfg-input"
          type="password"
          autocomplete="new-password"
          value={props.value}
          disabled={props.disabled}
          maxLength={props.maxLength}
          data-testid={props.testId}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      ) : (
        <input
          class="cfg-input"
          type="text"
          value={props.value}
          disabled={props.disabled}
          maxLength={props.maxLength}
          placeholder={props.placeholder}
          spellcheck={false}
          data-testid={props.testId}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      )}
    </label>
  );
}

/** A number field; a half-typed value ("2.") is taken only when the field is left, so it is not cut short. */
export function NumberField(props: {
  label: string;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
  min?: number;
  max?: number;
  step?: number;
  placeholder?: string;
  hint?: string;
  /** The value is refused (the reason is shown beside the field's card). */
  bad?: boolean;
  testId?: string;
}) {
  return (
    <label class="cfg-field cfg-field--number">
      <span class="cfg-field__label">{props.label}</span>
      <input
        class={`cfg-input ${props.bad ? 'cfg-input--bad' : ''}`}
        aria-invalid={props.bad ? 'true' : undefined}
        data-testid={props.testId}
        type="number"
        inputMode="decimal"
        value={props.value === undefined || Number.isNaN(props.value) ? '' : String(props.value)}
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        placeholder={props.placeholder}
        onInput={(e) => {
          // A whole value as typed ("60") counts at once; "2." or an empty field wait for the change.
          const text = e.currentTarget.value.trim();
          if (text !== '' && String(Number(text)) === text) props.onChange(Number(text));
        }}
        onChange={(e) => props.onChange(numberOf(e.currentTarget.value))}
      />
      {props.hint && <span class="cfg-field__hint">{props.hint}</span>}
    </label>
  );
}

export function Check(props: { label: string; checked: boolean; onChange: (checked: boolean) => void; disabled?: boolean }) {
  return (
    <label class={`cfg-check ${props.checked ? 'cfg-check--on' : ''}`}>
      <input type="checkbox" checked={props.checked} disabled={props.disabled} onChange={(e) => props.onChange(e.currentTarget.checked)} />
      <span>{props.label}</span>
    </label>
  );
}

export function Radio(props: { name: string; label: string; hint?: string; checked: boolean; onChange: () => void }) {
  return (
    <label class={`radio-card cfg-radio ${props.checked ? 'radio-card--on' : ''}`}>
      <input type="radio" name={props.name} checked={props.checked} onChange={props.onChange} />
      <span>
        <span class="cfg-radio__label">{props.label}</span>
        {props.hint && <span class="cfg-radio__hint">{props.hint}</span>}
      </span>
    </label>
  );
}

export function Card(props: { title: string; testId?: string; isNew?: boolean; onRemove?: (() => void) | null; removeLabel?: string; children: ComponentChildren }) {
  const { t } = useAppState();
  return (
    <article class={`cfg-card ${props.isNew ? 'cfg-card--new' : ''}`} data-testid={props.testId}>
      <header class="cfg-card__head">
        <h3 class="cfg-card__title">{props.title}</h3>
        {props.isNew && <span class="cfg-card__badge">{t('sup.cfg.new')}</span>}
        {props.onRemove && (
          <button type="button" class="pad-button pad-button--small pad-button--danger cfg-card__remove" onClick={props.onRemove}>
            {props.removeLabel ?? t('sup.cfg.remove')}
          </button>
        )}
      </header>
      {props.children}
    </article>
  );
}

export function SectionHead(props: { title: string; intro?: string; addLabel?: string; onAdd?: () => void; spaced?: boolean }) {
  return (
    <div class={`cfg-section-head ${props.spaced ? 'cfg-section-head--spaced' : ''}`}>
      <div>
        <h2 class="sup-heading">{props.title}</h2>
        {props.intro && <p class="sup-intro">{props.intro}</p>}
      </div>
      {props.onAdd && (
        <button type="button" class="pad-button pad-button--small pad-button--primary" onClick={props.onAdd}>
          {props.addLabel}
        </button>
      )}
    </div>
  );
}

/** The weekdays and the hours of a window (opening hours, a slot template). */
export function WindowFields(props: { window: { days: number[]; from: string; to: string }; onChange: (patch: { days?: number[]; from?: string; to?: string }) => void }) {
  const { t } = useAppState();
  const w = props.window;
  return (
    <>
      <div class="cfg-days" role="group" aria-label={t('sup.cfg.hours.days')}>
        {WEEKDAYS.map((d) => (
          <Check
            key={d}
            label={t(DAY_SHORT[d]!)}
            checked={w.days.includes(d)}
            onChange={(on) => props.onChange({ days: on ? [...w.days, d].sort() : w.days.filter((x) => x !== d) })}
          />
        ))}
      </div>
      <TextField label={t('sup.cfg.hours.from')} value={w.from} maxLength={5} placeholder="07:30" onInput={(v) => props.onChange({ from: v.trim() })} />
      <TextField label={t('sup.cfg.hours.to')} value={w.to} maxLength={5} placeholder="11:30" onInput={(v) => props.onChange({ to: v.trim() })} />
    </>
  );
}

/** The problems of some fields, under their card (the same are listed when saving). */
export function FieldProblems<F extends string>(props: { problems: { field: F; text: string }[]; fields: (field: F) => boolean; id?: string }) {
  const mine = props.problems.filter((p) => props.fields(p.field));
  if (mine.length === 0) return null;
  return (
    <div class="cfg-problems" id={props.id}>
      {mine.map((p, i) => (
        <p key={i} class="form-error">
          {p.text}
        </p>
      ))}
    </div>
  );
}
