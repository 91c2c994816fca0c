import { portalCentreName } from '../phone/phone-header';
import { createContext, type ComponentChildren, type RefObject } from 'preact';
import { useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { MessageKey } from '../../server/i18n';
import type { BookingDayView, BookingSlotView, BookingView } from '../../server/protocol/booking-protocol';
import { useAppState, type AppState } from '../../server/ui/app-state';
import { OfflineBadge } from '../../server/ui/components';
import { formatTime, WEEKDAY_KEYS } from '../../server/ui/format';
import { PhoneHeader } from '../phone/phone-header';
import { bookingIcs } from './book-ics';
import type { BookingController, NextSlot, PersonField, SlotChoice, Step } from './book-state';
import { QrCode } from '../../server/ui/qr-code';

export const BookingContext = createContext<BookingController | null>(null);

function useBooking(): BookingController {
  const booking = useContext(BookingContext);
  if (!booking) throw new Error('useBooking() outside <BookingContext.Provider>');
  return booking;
}

type T = AppState['t'];

/**
 * "Đặt lịch hẹn" on a citizen's phone (390x844 and up; many who book are elderly): one step a
 * screen, big type and big buttons, Vietnamese first and English one tap away, no account. The
 * field, a day and a time with the places left, the phone number and name, the SMS code, then the
 * booking code with its QR and an "add to calendar" file. The second tab looks a booking up by its
 * code and phone, to move or cancel it.
 */
export function BookApp() {
  const { t } = useAppState();
  const b = useBooking();
  const step = b.step.value;
  const options = b.options.value;
  return (
    <div class="phone-page pbook">
      <PhoneHeader />
      <main class="phone-main" aria-live="polite">
        <nav class="pbook-tabs" aria-label={t('phoneBook.tabs')}>
          <button type="button" class="pbook-tab" aria-pressed={!isLookup(step)} onClick={() => b.restart('service')} data-testid="tab-book">
            {t('phoneBook.tab.book')}
          </button>
          <button type="button" class="pbook-tab" aria-pressed={isLookup(step)} onClick={() => b.restart('lookup')} data-testid="tab-lookup">
            {t('phoneBook.tab.lookup')}
          </button>
        </nav>
        <Problem />
        {!options ? (
          !b.refusal.value && <section class="phone-card pbook-loading">{t('phoneBook.loading')}</section>
        ) : !options.enabled ? (
          <section class="phone-card pbook-step" data-testid="book-off">
            <h1 class="pbook-title">{t('phoneBook.off.title')}</h1>
            <p class="pbook-text">{t('phoneBook.off.body')}</p>
          </section>
        ) : (
          <StepView step={step} />
        )}
      </main>
      <OfflineBadge />
    </div>
  );
}

function StepView({ step }: { step: Step }) {
  const b = useBooking();
  switch (step) {
    case 'service':
      return <ServiceStep />;
    case 'day':
    case 'move':
      return <DayAndSlot moving={step === 'move'} />;
    case 'details':
      return <DetailsStep />;
    case 'code':
      return <CodeStep />;
    case 'done':
    case 'found':
      return b.booking.value ? <Booked view={b.booking.value} fresh={step === 'done'} /> : null;
    case 'lookup':
      return <LookupForm />;
  }
}

const isLookup = (step: Step) => step === 'lookup' || step === 'found' || step === 'move';

/** A new step starts at the top of the page, its heading focused (a screen reader reads it). */
function useStepStart(heading: RefObject<HTMLElement | null>, focus?: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    window.scrollTo(0, 0);
    (focus?.current ?? heading.current)?.focus({ preventScroll: true });
  }, []);
}

/** "Thứ Sáu 27/11" (with the year: "Thứ Sáu 27/11/2026"). */
function dayLabel(day: string, t: T, withYear = false): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay() || 7;
  return `${t(WEEKDAY_KEYS[weekday - 1]!)} ${day.slice(8, 10)}/${day.slice(5, 7)}${withYear ? `/${day.slice(0, 4)}` : ''}`;
}

/** "Còn 2 chỗ" ("1 place left", "2 places left"). */
function placesLeft(left: number, t: T): string {
  return left === 1 ? t('phoneBook.slot.leftOne') : t('phoneBook.slot.left', { left });
}

function StepCount({ n }: { n: number }) {
  const { t } = useAppState();
  return <p class="pbook-count">{t('phoneBook.step', { n, total: 4 })}</p>;
}

/** Why the last press gave nothing, as the hub said it; with the next free times when a slot went. */
function Problem() {
  const { t } = useAppState();
  const b = useBooking();
  const box = useRef<HTMLElement>(null);
  const r = b.refusal.value;
  useEffect(() => {
    if (r) box.current?.scrollIntoView({ block: 'nearest' });
  }, [r]);
  if (!r) return null;
  const next = (r.details?.nextSlots as NextSlot[] | undefined) ?? null;
  const text = r.error === 'OFFLINE' ? t('phoneBook.offline') : r.message || t('phoneBook.failed');
  const startAgain = r.error === 'HOLD_NOT_FOUND' || r.error === 'OTP_TRIES_EXCEEDED';
  return (
    <section ref={box} class="phone-card pbook-problem" role="alert" data-testid="book-problem" data-error={r.error}>
      <p class="pbook-problem__text">{text}</p>
      {next && next.length > 0 && (
        <>
          <p class="pbook-text">{t('phoneBook.nextSlots')}</p>
          <div class="pbook-slots">
            {next.map((n) => (
              <button type="button" key={n.start} class="pbook-slot" disabled={b.busy.value} onClick={() => void b.takeNext(n)} data-testid="next-slot">
                <span class="pbook-slot__time">{n.time}</span>
                <span class="pbook-slot__sub">{dayLabel(n.day, t)}</span>
                <span class="pbook-slot__sub">{placesLeft(n.left, t)}</span>
              </button>
            ))}
          </div>
        </>
      )}
      {next && next.length === 0 && <p class="pbook-text">{t('phoneBook.nextSlots.none')}</p>}
      {startAgain && (
        <button type="button" class="pbook-button" onClick={() => b.restart('service')}>
          {t('phoneBook.startAgain')}
        </button>
      )}
      {!b.options.value && (
        <button type="button" class="pbook-button" disabled={b.busy.value} onClick={() => void b.load()}>
          {t('phoneBook.retry')}
        </button>
      )}
    </section>
  );
}

function ServiceStep() {
  const { t, local } = useAppState();
  const b = useBooking();
  const heading = useRef<HTMLHeadingElement>(null);
  useStepStart(heading);
  const options = b.options.value!;
  return (
    <section class="phone-card pbook-step" data-testid="step-service">
      <StepCount n={1} />
      <h1 class="pbook-title" ref={heading} tabIndex={-1}>
        {t('phoneBook.service.title')}
      </h1>
      <p class="pbook-intro">{t('phoneBook.service.intro', { days: options.horizonDays })}</p>
      {options.services.length === 0 && <p class="pbook-text">{t('phoneBook.service.none')}</p>}
      <div class="pbook-list">
        {options.services.map((s) => (
          <button type="button" key={s.serviceId} class="pbook-choice" disabled={b.busy.value} onClick={() => void b.chooseService(s.serviceId)} data-testid={`service-${s.serviceId}`}>
            {local(s.name)}
          </button>
        ))}
      </div>
    </section>
  );
}

function serviceName(b: BookingController, local: AppState['local']): string {
  const s = b.options.value?.services.find((x) => x.serviceId === b.serviceId.value);
  return s ? local(s.name) : '';
}

/** The days of the horizon, then the times of the day chosen; to book, or to move a booking to. */
function DayAndSlot({ moving }: { moving: boolean }) {
  const { t, local } = useAppState();
  const b = useBooking();
  const heading = useRef<HTMLHeadingElement>(null);
  useStepStart(heading);
  const days = b.days.value;
  const chosen = days.find((d) => d.day === b.day.value) ?? null;
  const current = moving ? b.booking.value : null;
  return (
    <>
      <section class="phone-card pbook-step" data-testid="step-day">
        {moving ? (
          <>
            <h1 class="pbook-title" ref={heading} tabIndex={-1}>
              {t('phoneBook.move.title')}
            </h1>
            <p class="pbook-intro">{t('phoneBook.move.intro', { service: current ? local(current.serviceName) : '' })}</p>
          </>
        ) : (
          <>
            <StepCount n={2} />
            <p class="pbook-crumb">{serviceName(b, local)}</p>
            <h1 class="pbook-title" ref={heading} tabIndex={-1}>
              {t('phoneBook.day.title')}
            </h1>
          </>
        )}
        <div class="pbook-days">
          {days.map((d, i) => (
            <DayButton key={d.day} day={d} index={i} chosen={d.day === b.day.value} onChoose={() => b.chooseDay(d.day)} />
          ))}
        </div>
        <button type="button" class="pbook-button" onClick={() => (moving ? (b.step.value = 'found') : b.restart('service'))}>
          {t('phoneBook.back')}
        </button>
      </section>
      {chosen && <SlotCard key={chosen.day} day={chosen} current={current} />}
      {moving && b.moveTo.value && <MoveQuestion to={b.moveTo.value} />}
    </>
  );
}

/** What a day offers, in a word: "Còn 12 chỗ", "Ngày nghỉ", the closure's reason, "Hết chỗ". */
function dayState(day: BookingDayView, t: T, local: AppState['local']): { open: boolean; why: string } {
  if (day.closed === 'day-off') return { open: false, why: t('phoneBook.day.off') };
  if (day.closed) return { open: false, why: local(day.closed.reason) };
  if (day.slots.length === 0) return { open: false, why: t('phoneBook.day.none') };
  const left = day.slots.filter((s) => s.open).reduce((n, s) => n + s.left, 0);
  if (left > 0) return { open: true, why: left === 1 ? t('phoneBook.day.leftOne') : t('phoneBook.day.left', { left }) };
  return { open: false, why: day.slots.some((s) => s.left > 0) ? t('phoneBook.day.past') : t('phoneBook.day.full') };
}

function DayButton({ day, index, chosen, onChoose }: { day: BookingDayView; index: number; chosen: boolean; onChoose: () => void }) {
  const { t, local } = useAppState();
  const state = dayState(day, t, local);
  const near = index === 0 ? t('phoneBook.day.today') : index === 1 ? t('phoneBook.day.tomorrow') : null;
  return (
    <button type="button" class="pbook-day" aria-pressed={chosen} disabled={!state.open} onClick={onChoose} data-testid={`day-${day.day}`}>
      <span class="pbook-day__name">
        {near && <span class="pbook-day__near">{near}</span>}
        {dayLabel(day.day, t)}
      </span>
      <span class="pbook-day__why">{state.why}</span>
    </button>
  );
}

function SlotCard({ day, current }: { day: BookingDayView; current: BookingView | null }) {
  const { t } = useAppState();
  const b = useBooking();
  const card = useRef<HTMLElement>(null);
  useEffect(() => card.current?.scrollIntoView({ block: 'nearest' }), []);
  const pick = (s: BookingSlotView) => {
    const choice: SlotChoice = { day: day.day, start: s.start, time: s.time };
    if (current) {
      b.moveTo.value = choice;
      b.refusal.value = null;
    } else b.chooseSlot(choice);
  };
  return (
    <section ref={card} class="phone-card pbook-step pbook-step--slots" data-testid="step-slot">
      <h2 class="pbook-title pbook-title--small">{t('phoneBook.slot.title', { day: dayLabel(day.day, t) })}</h2>
      <div class="pbook-slots">
        {day.slots.map((s) => {
          const mine = current?.slotStart === s.start;
          const status = mine ? t('phoneBook.slot.current') : s.left === 0 ? t('phoneBook.slot.full') : s.open ? placesLeft(s.left, t) : t('phoneBook.slot.closed');
          return (
            <button
              type="button"
              key={s.start}
              class="pbook-slot"
              aria-pressed={current ? b.moveTo.value?.start === s.start : undefined}
              disabled={mine || !s.open || b.busy.value}
              onClick={() => pick(s)}
              data-testid={`slot-${s.time}`}
            >
              <span class="pbook-slot__time">{s.time}</span>
              <span class="pbook-slot__sub">{status}</span>
            </button>
          );
        })}
      </div>
    </section>
  );
}

function MoveQuestion({ to }: { to: SlotChoice }) {
  const { t } = useAppState();
  const b = useBooking();
  return (
    <Question
      text={t('phoneBook.move.sure', { time: to.time, day: dayLabel(to.day, t) })}
      yes={t('phoneBook.move.yes')}
      onYes={() => void b.move()}
      onNo={() => (b.moveTo.value = null)}
      testId="move"
    />
  );
}

/** "Are you sure?" in the page, before a change that cannot be taken back. */
function Question({ text, yes, onYes, onNo, danger = false, testId }: { text: string; yes: string; onYes: () => void; onNo: () => void; danger?: boolean; testId: string }) {
  const { t } = useAppState();
  const b = useBooking();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.scrollIntoView({ block: 'nearest' }), []);
  return (
    <div ref={box} class="phone-card pbook-question" role="alertdialog" aria-labelledby={`pbook-q-${testId}`} data-testid={`${testId}-question`}>
      <p id={`pbook-q-${testId}`} class="pbook-question__text">
        {text}
      </p>
      <button type="button" class={`pbook-button ${danger ? 'pbook-button--danger' : 'pbook-button--primary'}`} disabled={b.busy.value} onClick={onYes} data-testid={`${testId}-yes`}>
        {b.busy.value ? t('phoneBook.busy') : yes}
      </button>
      <button type="button" class="pbook-button" disabled={b.busy.value} onClick={onNo}>
        {t('phoneBook.no')}
      </button>
    </div>
  );
}

const FIELD_LABELS: Record<PersonField, MessageKey> = {
  phone: 'phoneBook.phone',
  name: 'phoneBook.name',
  email: 'phoneBook.email',
  cccd: 'phoneBook.cccd',
};

function DetailsStep() {
  const { t, local } = useAppState();
  const b = useBooking();
  const heading = useRef<HTMLHeadingElement>(null);
  const form = useRef<HTMLFormElement>(null);
  useStepStart(heading);
  const slot = b.slot.value!;
  const sms = b.options.value?.phoneCheck === 'sms';
  const submit = async (e: Event) => {
    e.preventDefault();
    const sent = await b.submitDetails();
    // Straight to the first box to correct.
    if (!sent) form.current?.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
  };
  return (
    <form ref={form} class="phone-card pbook-step pbook-form" onSubmit={submit} noValidate data-testid="step-details">
      <StepCount n={3} />
      <p class="pbook-crumb" data-testid="details-slot">
        {serviceName(b, local)} · {slot.time}, {dayLabel(slot.day, t)}
      </p>
      <h1 class="pbook-title" ref={heading} tabIndex={-1}>
        {t('phoneBook.details.title')}
      </h1>
      <Field name="phone" required hint={t('phoneBook.phone.hint')}>
        {(props) => <input {...props} type="tel" inputMode="tel" autoComplete="tel" maxLength={20} />}
      </Field>
      <Field name="name" required>
        {(props) => <input {...props} type="text" autoComplete="name" autoCapitalize="words" maxLength={80} />}
      </Field>
      <Field name="email">{(props) => <input {...props} type="email" inputMode="email" autoComplete="email" maxLength={120} />}</Field>
      <Field name="cccd" hint={t('phoneBook.cccd.hint')}>
        {(props) => <input {...props} type="text" inputMode="numeric" autoComplete="off" maxLength={16} />}
      </Field>
      {sms && <p class="pbook-text">{t('phoneBook.details.smsNote')}</p>}
      <button type="submit" class="pbook-button pbook-button--primary" disabled={b.busy.value} data-testid="details-submit">
        {b.busy.value ? t('phoneBook.busy') : sms ? t('phoneBook.details.sendCode') : t('phoneBook.details.confirm')}
      </button>
      <button type="button" class="pbook-button" onClick={() => (b.step.value = 'day')}>
        {t('phoneBook.back')}
      </button>
    </form>
  );
}

interface InputProps {
  id: string;
  class: string;
  value: string;
  onInput: (e: Event) => void;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
  'aria-required': boolean;
  'data-testid': string;
}

/** A labelled box of the form: "bắt buộc" or "không bắt buộc", a hint, and what is wrong with it. */
function Field({ name, required = false, hint, children }: { name: PersonField; required?: boolean; hint?: string; children: (props: InputProps) => ComponentChildren }) {
  const { t } = useAppState();
  const b = useBooking();
  const problem = b.problems.value[name];
  const id = `pbook-${name}`;
  const described = [hint ? `${id}-hint` : '', problem ? `${id}-bad` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`pbook-field${problem ? ' pbook-field--bad' : ''}`}>
      <label class="pbook-field__label" for={id}>
        {t(FIELD_LABELS[name])} <span class="pbook-field__need">({required ? t('phoneBook.required') : t('phoneBook.optional')})</span>
      </label>
      {children({
        id,
        class: 'pbook-input',
        value: b.person.value[name],
        onInput: (e) => b.setPerson(name, (e.currentTarget as HTMLInputElement).value),
        'aria-invalid': Boolean(problem),
        'aria-describedby': described,
        'aria-required': required,
        'data-testid': name,
      })}
      {hint && (
        <span class="pbook-field__hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {problem && (
        <span class="pbook-field__bad" id={`${id}-bad`} data-testid={`${name}-problem`}>
          {t(problem)}
        </span>
      )}
    </div>
  );
}

function CodeStep() {
  const { t, now } = useAppState();
  const b = useBooking();
  const heading = useRef<HTMLHeadingElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useStepStart(heading, input);
  const [short, setShort] = useState(false);
  const hold = b.hold.value!;
  // The app's clock ticks every second: the countdown with it (by this phone's own clock).
  void now.value;
  const held = Math.max(0, Math.ceil((b.holdDeadline.value - Date.now()) / 1000));
  const resendIn = Math.max(0, Math.ceil((b.resendAt.value - Date.now()) / 1000));
  const submit = (e: Event) => {
    e.preventDefault();
    const ok = /^\d{6}$/.test(b.otp.value);
    setShort(!ok);
    if (ok) void b.confirm();
    else input.current?.focus();
  };
  return (
    <form class="phone-card pbook-step pbook-form" onSubmit={submit} noValidate data-testid="step-code">
      <StepCount n={4} />
      <h1 class="pbook-title" ref={heading} tabIndex={-1}>
        {t('phoneBook.code.title')}
      </h1>
      <p class="pbook-text" data-testid="code-sent">
        {b.resent.value ? t('phoneBook.code.resent', { phone: hold.codeSentTo ?? '' }) : t('phoneBook.code.sent', { phone: hold.codeSentTo ?? '' })}
      </p>
      <div class={`pbook-field${short ? ' pbook-field--bad' : ''}`}>
        <label class="pbook-field__label" for="pbook-otp">
          {t('phoneBook.code.label')}
        </label>
        <input
          ref={input}
          id="pbook-otp"
          class="pbook-input pbook-input--otp"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          maxLength={6}
          value={b.otp.value}
          aria-invalid={short}
          aria-describedby={short ? 'pbook-otp-bad' : undefined}
          onInput={(e) => {
            const digits = e.currentTarget.value.replace(/\D/g, '').slice(0, 6);
            e.currentTarget.value = digits;
            b.otp.value = digits;
          }}
          data-testid="otp"
        />
        {short && (
          <span class="pbook-field__bad" id="pbook-otp-bad">
            {t('phoneBook.code.short')}
          </span>
        )}
      </div>
      <p class={`pbook-hold${held === 0 ? ' pbook-hold--over' : ''}`} data-testid="hold-left">
        {held > 0 ? t('phoneBook.code.held', { time: `${Math.floor(held / 60)}:${String(held % 60).padStart(2, '0')}` }) : t('phoneBook.code.lapsed')}
      </p>
      <button type="submit" class="pbook-button pbook-button--primary" disabled={b.busy.value} data-testid="otp-submit">
        {b.busy.value ? t('phoneBook.busy') : t('phoneBook.details.confirm')}
      </button>
      <button type="button" class="pbook-button" disabled={b.busy.value || resendIn > 0} onClick={() => void b.resend()} data-testid="otp-resend">
        {resendIn > 0 ? t('phoneBook.code.resendIn', { seconds: resendIn }) : t('phoneBook.code.resend')}
      </button>
    </form>
  );
}

/** The "add to calendar" file, made here: the slot, the field and the centre; no name, no phone. */
function useIcsUrl(view: BookingView): string {
  const { t, local, publicView, lang } = useAppState();
  const centre = publicView.value?.view.centre.name ?? portalCentreName.value ?? undefined;
  const url = useMemo(() => {
    const text = bookingIcs(
      {
        code: view.code,
        slotStart: view.slotStart,
        slotEnd: view.slotEnd,
        summary: t('phoneBook.ics.summary', { service: local(view.serviceName) }),
        location: centre ? local(centre) : '',
        description: t('phoneBook.ics.description', { code: view.code, from: formatTime(view.checkIn.opensAt), to: formatTime(view.checkIn.closesAt) }),
      },
      Date.now(),
    );
    return URL.createObjectURL(new Blob([text], { type: 'text/calendar;charset=utf-8' }));
  }, [view.code, view.slotStart, view.slotEnd, lang.value, centre?.vi, centre?.en]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return url;
}

function Booked({ view, fresh }: { view: BookingView; fresh: boolean }) {
  const { t, local } = useAppState();
  const b = useBooking();
  const heading = useRef<HTMLHeadingElement>(null);
  useStepStart(heading);
  const [cancelling, setCancelling] = useState(false);
  const ics = useIcsUrl(view);
  const confirmed = view.status === 'confirmed';
  const when = `${view.time}, ${dayLabel(view.day, t, true)}`;
  const notice = b.notice.value;
  return (
    <>
      <section class={`phone-card pbook-booked pbook-booked--${view.status}`} data-testid="booked" data-status={view.status}>
        <h1 class="pbook-title pbook-booked__title" ref={heading} tabIndex={-1} data-testid="booked-title">
          {fresh ? t('phoneBook.done.title') : t(`phoneBook.status.${view.status}`)}
        </h1>
        {notice && (
          <p class="pbook-notice" role="status" data-testid="booked-notice">
            {notice === 'moved' ? t('phoneBook.found.moved', { when }) : t('phoneBook.found.cancelled')}
          </p>
        )}
        <div class="pbook-booked__code">
          <span class="pbook-booked__label">{t('phoneBook.done.code')}</span>
          <span class="pbook-booked__value" data-testid="booking-code">
            {view.code}
          </span>
        </div>
        {confirmed && (
          <figure class="pbook-qr">
            <QrCode value={view.qr} label={t('phoneBook.done.qr', { code: view.code })} testId="booking-qr" />
            <figcaption class="pbook-qr__note">{t('phoneBook.done.qrNote')}</figcaption>
          </figure>
        )}
        <dl class="pbook-facts">
          <div class="pbook-fact">
            <dt>{t('phoneBook.done.service')}</dt>
            <dd data-testid="booked-service">{local(view.serviceName)}</dd>
          </div>
          <div class="pbook-fact">
            <dt>{t('phoneBook.done.when')}</dt>
            <dd data-testid="booked-when">{when}</dd>
          </div>
          <div class="pbook-fact">
            <dt>{t('phoneBook.done.name')}</dt>
            <dd>{view.name}</dd>
          </div>
          {view.ticketNumber && (
            <div class="pbook-fact">
              <dt>{t('phoneBook.done.ticket')}</dt>
              <dd>{view.ticketNumber}</dd>
            </div>
          )}
          {view.cancelReason && (
            <div class="pbook-fact">
              <dt>{t('phoneBook.done.cancelReason')}</dt>
              <dd>{local(view.cancelReason)}</dd>
            </div>
          )}
        </dl>
        {confirmed && (
          <>
            <p class="pbook-checkin" data-testid="check-in-window">
              {t('phoneBook.done.checkIn', { from: formatTime(view.checkIn.opensAt), to: formatTime(view.checkIn.closesAt) })}
            </p>
            <p class="pbook-text">{t('phoneBook.done.bring')}</p>
            <p class="pbook-text pbook-keep">{t('phoneBook.done.keep')}</p>
            <a class="pbook-button" href={ics} download={`lich-hen-${view.code}.ics`} data-testid="add-to-calendar">
              {t('phoneBook.done.calendar')}
            </a>
          </>
        )}
        {!fresh && confirmed && view.canChange && !cancelling && (
          <div class="pbook-actions">
            <button type="button" class="pbook-button" disabled={b.busy.value} onClick={() => void b.startMove()} data-testid="move">
              {t('phoneBook.found.move')}
            </button>
            <button type="button" class="pbook-button pbook-button--danger" disabled={b.busy.value} onClick={() => setCancelling(true)} data-testid="cancel">
              {t('phoneBook.found.cancel')}
            </button>
          </div>
        )}
      </section>
      {cancelling && confirmed && (
        <Question
          text={t('phoneBook.found.cancelSure', { when })}
          yes={t('phoneBook.found.cancelYes')}
          danger
          onYes={() => void b.cancel().then((done) => done && setCancelling(false))}
          onNo={() => setCancelling(false)}
          testId="cancel"
        />
      )}
      <button type="button" class="pbook-button" onClick={() => b.restart(fresh ? 'service' : 'lookup')} data-testid="booked-again">
        {fresh ? t('phoneBook.done.another') : t('phoneBook.found.again')}
      </button>
    </>
  );
}

function LookupForm() {
  const { t } = useAppState();
  const b = useBooking();
  const heading = useRef<HTMLHeadingElement>(null);
  const phone = useRef<HTMLInputElement>(null);
  // Opened from a booking's QR: the code is there, the phone number is what to type.
  const prefilled = b.access.peek().code !== '' && b.access.peek().phone === '';
  useStepStart(heading, prefilled ? phone : undefined);
  const [missing, setMissing] = useState(false);
  const a = b.access.value;
  const submit = (e: Event) => {
    e.preventDefault();
    const empty = !a.code.trim() || !a.phone.trim();
    setMissing(empty);
    if (!empty) void b.lookup();
  };
  return (
    <form class="phone-card pbook-step pbook-form" onSubmit={submit} noValidate data-testid="step-lookup">
      <h1 class="pbook-title" ref={heading} tabIndex={-1}>
        {t('phoneBook.lookup.title')}
      </h1>
      <p class="pbook-intro">{t('phoneBook.lookup.intro')}</p>
      <div class="pbook-field">
        <label class="pbook-field__label" for="pbook-lookup-code">
          {t('phoneBook.done.code')}
        </label>
        <input
          id="pbook-lookup-code"
          class="pbook-input pbook-input--code"
          autoCapitalize="characters"
          autoComplete="off"
          spellcheck={false}
          maxLength={20}
          value={a.code}
          aria-describedby="pbook-lookup-code-hint"
          onInput={(e) => (b.access.value = { ...b.access.value, code: e.currentTarget.value.toUpperCase() })}
          data-testid="lookup-code"
        />
        <span class="pbook-field__hint" id="pbook-lookup-code-hint">
          {t('phoneBook.lookup.codeHint')}
        </span>
      </div>
      <div class="pbook-field">
        <label class="pbook-field__label" for="pbook-lookup-phone">
          {t('phoneBook.phone')}
        </label>
        <input
          ref={phone}
          id="pbook-lookup-phone"
          class="pbook-input"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          maxLength={20}
          value={a.phone}
          onInput={(e) => (b.access.value = { ...b.access.value, phone: e.currentTarget.value })}
          data-testid="lookup-phone"
        />
      </div>
      {missing && (
        <p class="pbook-field__bad" role="alert" data-testid="lookup-missing">
          {t('phoneBook.lookup.missing')}
        </p>
      )}
      <button type="submit" class="pbook-button pbook-button--primary" disabled={b.busy.value} data-testid="lookup-submit">
        {b.busy.value ? t('phoneBook.busy') : t('phoneBook.lookup.submit')}
      </button>
    </form>
  );
}
