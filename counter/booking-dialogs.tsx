import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { isCccd, normalizePhone } from '../server/domain/booking';
import type { MessageKey } from '../server/i18n';
import type { BookableServiceView, BookingClosureView, BookingDayView, BookingStaffRow, BookingView } from '../server/protocol/booking-protocol';
import { useAppState } from '../server/ui/app-state';
import { Modal } from '../server/ui/components';
import { WEEKDAY_KEYS } from '../server/ui/format';
import { alreadyClosed, cancelledByClosure, fetchDays, isEmail, reasonOf } from './booking-model';
import { DAY_SHORT } from './config-fields';
import { formatDay, isoWeekday, type IsoDay } from './dates';

/**
 * The booking screen's dialogs: cancel one booking, close a day for bookings, and book for a
 * citizen on the phone. Each says what will happen before it is done, and what the hub answered.
 */

type Translate = ReturnType<typeof useAppState>['t'];

/** "Thứ Sáu 27/11/2026" */
export function dayText(day: IsoDay, t: Translate): string {
  return `${t(WEEKDAY_KEYS[isoWeekday(day) - 1]!)} ${formatDay(day)}`;
}

/** "T6 27/11" */
export function shortDay(day: IsoDay, t: Translate): string {
  return `${t(DAY_SHORT[isoWeekday(day)]!)} ${day.slice(8, 10)}/${day.slice(5, 7)}`;
}

/** A row of days to choose one from (the list's day, the booking's day). */
export function DayButtons(props: {
  label: string;
  days: readonly { day: IsoDay; label: string; disabled?: boolean; title?: string }[];
  chosen: IsoDay | null;
  onChoose: (day: IsoDay) => void;
  testId?: string;
}) {
  return (
    <div class="seg" role="group" aria-label={props.label} data-testid={props.testId}>
      {props.days.map((d) => (
        <button
          key={d.day}
          type="button"
          class={`seg__item ${props.chosen === d.day ? 'seg__item--on' : ''}`}
          aria-pressed={props.chosen === d.day}
          disabled={d.disabled}
          title={d.title}
          data-testid={`book-day-${d.day}`}
          onClick={() => props.onChoose(d.day)}
        >
          {d.label}
        </button>
      ))}
    </div>
  );
}

/** A bookable field to choose (or, with `all`, every field: null). */
export function FieldSelect(props: { services: readonly BookableServiceView[]; value: string | null; onChange: (serviceId: string | null) => void; all?: string; inline?: boolean; testId: string }) {
  const { t, local } = useAppState();
  return (
    <label class={props.inline ? 'inline-field' : 'field'}>
      <span class={props.inline ? undefined : 'field__label'}>{t('supBook.field')}</span>
      <select class={props.inline ? 'date-input' : 'field__input'} value={props.value ?? ''} data-testid={props.testId} onChange={(e) => props.onChange(e.currentTarget.value || null)}>
        {props.all && <option value="">{props.all}</option>}
        {props.services.map((s) => (
          <option key={s.serviceId} value={s.serviceId}>
            {local(s.name)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The dialog's buttons: back out, or do it (a form's submit). */
function DialogButtons(props: { back: string; submit: string; danger?: boolean; busy: boolean; onBack: () => void }) {
  return (
    <div class="dialog-actions">
      <button type="button" class="pad-button pad-button--quiet" onClick={props.onBack}>
        {props.back}
      </button>
      <button type="submit" class={`pad-button ${props.danger ? 'pad-button--danger-solid' : 'pad-button--primary'}`} disabled={props.busy}>
        {props.submit}
      </button>
    </div>
  );
}

function Problem({ text }: { text: string | null }) {
  return text ? (
    <p class="form-error" role="alert" data-testid="dialog-problem">
      {text}
    </p>
  ) : null;
}

/**
 * A dialog that does something to citizens' bookings for a reason, in both languages, as their
 * messages carry it: what comes before the reason, the reason, what comes after it, and the hub's
 * refusal if any. `send` answers with the refusal's words, or null when it was done.
 */
function ReasonDialog(props: {
  title: string;
  before: ComponentChildren;
  after: ComponentChildren;
  back: string;
  submit: string;
  send: (reason: { vi: string; en: string }) => Promise<string | null>;
  onClose: () => void;
}) {
  const { t } = useAppState();
  const vi = useSignal('');
  const en = useSignal('');
  const problem = useSignal<string | null>(null);
  const busy = useSignal(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    const reason = reasonOf(vi.value, en.value);
    if (!reason) return void (problem.value = t('supBook.reason.needed'));
    busy.value = true;
    problem.value = await props.send(reason);
    busy.value = false;
  };
  const missing = problem.value !== null && !vi.value.trim();
  return (
    <Modal title={props.title} onClose={props.onClose} class="book-dialog">
      <form onSubmit={(e) => void submit(e)} autocomplete="off">
        {props.before}
        <div class="book-reason">
          <label class="field">
            <span class="field__label">{t('supBook.reason.vi')}</span>
            <textarea
              class={`field__input book-reason__text ${missing ? 'cfg-input--bad' : ''}`}
              aria-invalid={missing ? 'true' : undefined}
              maxLength={200}
              value={vi.value}
              onInput={(e) => (vi.value = e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span class="field__label">{t('supBook.reason.en')}</span>
            <textarea class="field__input book-reason__text" maxLength={200} value={en.value} onInput={(e) => (en.value = e.currentTarget.value)} />
          </label>
          <p class="sup-hint">{t('supBook.reason.hint')}</p>
        </div>
        {props.after}
        <Problem text={problem.value} />
        <DialogButtons back={props.back} submit={props.submit} danger busy={busy.value} onBack={props.onClose} />
      </form>
    </Modal>
  );
}

/** Cancels one booking by the centre: the citizen is messaged, with the reason. */
export function CancelBookingDialog(props: { row: BookingStaffRow; serviceName: string; onDone: (text: (t: Translate) => string) => void; onClose: () => void }) {
  const state = useAppState();
  const { t } = state;
  const { row } = props;
  const send = async (reason: { vi: string; en: string }) => {
    const answer = await state.client.command('booking:cancel', { bookingId: row.bookingId, reason });
    if (!answer.ok) return answer.message;
    const { name, time } = row;
    props.onDone((tr) => tr('supBook.cancel.done', { name, time }));
    return null;
  };
  return (
    <ReasonDialog
      title={t('supBook.cancel.title')}
      before={<p class="dialog-text">{t('supBook.cancel.text', { name: row.name, phone: row.phone, service: props.serviceName, time: row.time, day: dayText(row.day, t) })}</p>}
      after={<p class="sup-hint">{t('supBook.cancel.told')}</p>}
      back={t('supBook.keep')}
      submit={t('supBook.cancel.do')}
      send={send}
      onClose={props.onClose}
    />
  );
}

/**
 * Closes a day for bookings, for the whole centre or one field, with a reason: the dialog says how
 * many bookings will be cancelled (and that each citizen is told) before it is done.
 */
export function CloseDayDialog(props: {
  day: IsoDay;
  services: readonly BookableServiceView[];
  /** The day's bookings, all fields. */
  rows: readonly BookingStaffRow[];
  closures: readonly BookingClosureView[];
  initialService: string | null;
  onDone: (text: (t: Translate) => string) => void;
  onClose: () => void;
}) {
  const state = useAppState();
  const { t } = state;
  const open = (serviceId: string | null) => !alreadyClosed(props.closures, props.day, serviceId);
  const first = open(props.initialService) ? props.initialService : open(null) ? null : (props.services.find((s) => open(s.serviceId))?.serviceId ?? null);
  const scope = useSignal<string | null>(first);
  const count = cancelledByClosure(props.rows, scope.value, state.now.value);
  const fieldName = (tr: Translate, serviceId: string | null, whole: 'supBook.close.all' | 'supBook.scope.all') =>
    serviceId === null ? tr(whole) : state.local(props.services.find((s) => s.serviceId === serviceId)?.name) || serviceId;

  const send = async (reason: { vi: string; en: string }) => {
    const serviceId = scope.value;
    if (!open(serviceId)) return t('error.ALREADY_CLOSED');
    const answer = await state.client.command('booking:close-day', { day: props.day, serviceId, reason });
    if (!answer.ok) return answer.message;
    const { cancelled } = answer.data;
    const day = props.day;
    props.onDone((tr) => tr('supBook.close.done', { day: formatDay(day), scope: fieldName(tr, serviceId, 'supBook.scope.all'), count: cancelled }));
    return null;
  };

  const choices = (
    <fieldset class="choice-group">
      <legend>{t('supBook.close.scope')}</legend>
      <div class="choice-grid">
        {[null, ...props.services.map((s) => s.serviceId)].map((serviceId) => (
          <label key={serviceId ?? '*'} class={`radio-card ${scope.value === serviceId ? 'radio-card--on' : ''} ${open(serviceId) ? '' : 'radio-card--off'}`}>
            <input type="radio" name="close-scope" checked={scope.value === serviceId} disabled={!open(serviceId)} onChange={() => (scope.value = serviceId)} />
            <span>
              {fieldName(t, serviceId, 'supBook.close.all')}
              {!open(serviceId) && <span class="radio-card__note">{t('supBook.close.closedAlready')}</span>}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
  return (
    <ReasonDialog
      title={t('supBook.close.title', { day: dayText(props.day, t) })}
      before={choices}
      after={
        <p class={`book-consequence ${count > 0 ? 'book-consequence--some' : ''}`} data-testid="close-consequence">
          {count > 0 ? t('supBook.close.willCancel', { count }) : t('supBook.close.noneToCancel')}
        </p>
      }
      back={t('counter.cancel')}
      submit={t('supBook.close.do')}
      send={send}
      onClose={props.onClose}
    />
  );
}

type Person = { phone: string; name: string; email: string; cccd: string };
type PersonField = keyof Person;

function personProblems(p: Person, t: Translate): Partial<Record<PersonField, string>> {
  const out: Partial<Record<PersonField, string>> = {};
  if (!normalizePhone(p.phone)) out.phone = t('supBook.book.badPhone');
  if (p.name.trim().length < 2) out.name = t('supBook.book.badName');
  if (p.email.trim() && !isEmail(p.email.trim())) out.email = t('supBook.book.badEmail');
  if (p.cccd.trim() && !isCccd(p.cccd.trim())) out.cccd = t('supBook.book.badCccd');
  return out;
}

const PERSON_FIELDS: readonly { field: PersonField; label: MessageKey; inputMode?: 'tel' | 'numeric' | 'email'; max: number }[] = [
  { field: 'phone', label: 'supBook.book.phone', inputMode: 'tel', max: 20 },
  { field: 'name', label: 'supBook.book.name', max: 80 },
  { field: 'email', label: 'supBook.book.email', inputMode: 'email', max: 120 },
  { field: 'cccd', label: 'supBook.book.cccd', inputMode: 'numeric', max: 12 },
];

/**
 * Books for a citizen on the phone: a field, a day, a slot with places left, the phone and name
 * (e-mail and CCCD optional). Confirmed at once, no SMS code; the citizen's limits still apply.
 */
export function BookOnBehalfDialog(props: { services: readonly BookableServiceView[]; initialService: string | null; initialDay: IsoDay; onBooked: () => void; onClose: () => void }) {
  const state = useAppState();
  const { t, local, lang } = state;
  const serviceId = useSignal(props.initialService ?? props.services[0]?.serviceId ?? '');
  const days = useSignal<BookingDayView[] | null>(null);
  const day = useSignal<IsoDay | null>(null);
  const slot = useSignal<number | null>(null);
  const person = useSignal<Person>({ phone: '', name: '', email: '', cccd: '' });
  const tried = useSignal(false);
  const problem = useSignal<string | null>(null);
  const busy = useSignal(false);
  const booked = useSignal<BookingView | null>(null);
  const latest = useRef(0);

  const loadDays = async (wantedDay: IsoDay | null) => {
    const mine = ++latest.current;
    days.value = null;
    const answer = await fetchDays(serviceId.value, lang.value);
    if (mine !== latest.current) return;
    if (!answer.ok) {
      problem.value = answer.message ?? t('supBook.loadFailed');
      days.value = [];
      return;
    }
    days.value = answer.data;
    const bookable = answer.data.filter((d) => d.slots.some((s) => s.open && s.left > 0));
    day.value = bookable.find((d) => d.day === wantedDay)?.day ?? bookable[0]?.day ?? null;
    slot.value = null;
  };
  useEffect(() => void loadDays(props.initialDay), [serviceId.value]);

  const problems = personProblems(person.value, t);
  const chosenDay = days.value?.find((d) => d.day === day.value) ?? null;
  const chosenSlot = chosenDay?.slots.find((s) => s.start === slot.value) ?? null;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    tried.value = true;
    problem.value = null;
    if (!chosenSlot) return void (problem.value = t('supBook.book.pickSlot'));
    if (Object.keys(problems).length > 0) return;
    const p = person.value;
    busy.value = true;
    const answer = await state.client.command('booking:book', {
      serviceId: serviceId.value,
      slotStart: chosenSlot.start,
      phone: p.phone.trim(),
      name: p.name.trim(),
      email: p.email.trim() || null,
      cccd: p.cccd.trim() || null,
    });
    busy.value = false;
    if (!answer.ok) {
      problem.value = answer.message;
      if (answer.error === 'SLOT_FULL' || answer.error === 'SLOT_CLOSED' || answer.error === 'SLOT_NOT_OFFERED') void loadDays(day.value);
      return;
    }
    booked.value = answer.data;
    props.onBooked();
  };

  const again = () => {
    booked.value = null;
    tried.value = false;
    person.value = { phone: '', name: '', email: '', cccd: '' };
    void loadDays(day.value);
  };

  const done = booked.value;
  if (done)
    return (
      <Modal title={t('supBook.book.title')} onClose={props.onClose} class="book-dialog">
        <div class="book-done" role="status" data-testid="booked">
          <p class="book-done__lead">{t('supBook.book.done', { name: done.name })}</p>
          <p class="book-done__code">
            <span class="sup-muted">{t('supBook.code')}</span> <strong data-testid="booked-code">{done.code}</strong>
          </p>
          <p>
            {local(done.serviceName)} · {done.time} · {dayText(done.day, t)}
          </p>
          <p class="sup-hint">{t('supBook.book.doneHint')}</p>
        </div>
        <div class="dialog-actions">
          <button type="button" class="pad-button pad-button--quiet" onClick={again}>
            {t('supBook.book.another')}
          </button>
          <button type="button" class="pad-button pad-button--primary" onClick={props.onClose}>
            {t('counter.closeDialog')}
          </button>
        </div>
      </Modal>
    );

  return (
    <Modal title={t('supBook.book.title')} onClose={props.onClose} class="book-dialog book-dialog--wide">
      <form onSubmit={(e) => void submit(e)} autocomplete="off" class="book-form">
        <FieldSelect services={props.services} value={serviceId.value} onChange={(v) => v && (serviceId.value = v)} testId="book-service" />

        <fieldset class="choice-group">
          <legend>{t('supBook.book.day')}</legend>
          {days.value === null ? (
            <p class="sup-muted">{t('sup.loading')}</p>
          ) : (
            <DayButtons
              label={t('supBook.book.day')}
              chosen={day.value}
              testId="book-days"
              days={days.value.map((d) => {
                const free = d.slots.some((s) => s.open && s.left > 0);
                const title = d.closed === 'day-off' ? t('supBook.book.dayOff') : d.closed ? local(d.closed.reason) : free ? undefined : t('supBook.book.noPlaces');
                return { day: d.day, label: shortDay(d.day, t), disabled: !free, ...(title ? { title } : {}) };
              })}
              onChoose={(d) => {
                day.value = d;
                slot.value = null;
              }}
            />
          )}
        </fieldset>

        {chosenDay && (
          <fieldset class="choice-group">
            <legend>{t('supBook.book.slot', { day: dayText(chosenDay.day, t) })}</legend>
            <div class="choice-grid book-slots" data-testid="book-slots">
              {chosenDay.slots.map((s) => {
                const free = s.open && s.left > 0;
                return (
                  <label key={s.start} class={`radio-card ${slot.value === s.start ? 'radio-card--on' : ''} ${free ? '' : 'radio-card--off'}`}>
                    <input type="radio" name="book-slot" checked={slot.value === s.start} disabled={!free} onChange={() => (slot.value = s.start)} />
                    <span>
                      <strong>{s.time}</strong>{' '}
                      <span class="radio-card__note">
                        {!s.open ? t('supBook.book.slotClosed') : s.left > 0 ? t('supBook.book.left', { left: s.left, places: s.places }) : t('supBook.book.full')}
                      </span>
                    </span>
                  </label>
                );
              })}
            </div>
          </fieldset>
        )}
        {days.value !== null && !chosenDay && <p class="sup-muted">{t('supBook.book.noDays')}</p>}

        <div class="book-person">
          {PERSON_FIELDS.map(({ field, label, inputMode, max }) => {
            const bad = tried.value ? problems[field] : undefined;
            return (
              <label key={field} class="field">
                <span class="field__label">{t(label)}</span>
                <input
                  class={`field__input ${bad ? 'cfg-input--bad' : ''}`}
                  type="text"
                  inputMode={inputMode}
                  maxLength={max}
                  value={person.value[field]}
                  aria-invalid={bad ? 'true' : undefined}
                  aria-describedby={bad ? `book-${field}-problem` : undefined}
                  data-testid={`book-${field}`}
                  onInput={(e) => (person.value = { ...person.value, [field]: e.currentTarget.value })}
                />
                {bad && (
                  <span class="book-person__problem" id={`book-${field}-problem`}>
                    {bad}
                  </span>
                )}
              </label>
            );
          })}
        </div>
        <p class="sup-hint">{t('supBook.book.hint')}</p>
        <Problem text={problem.value} />
        <DialogButtons back={t('counter.cancel')} submit={t('supBook.book.do')} busy={busy.value} onBack={props.onClose} />
      </form>
    </Modal>
  );
}
