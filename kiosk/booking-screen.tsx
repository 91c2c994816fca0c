import { tokenInScan } from '../server/domain/booking-token';
import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { DeviceCondition } from '../hardware/device-contract';
import type { BookingCheckInView, BookingOptionsView } from '../server/protocol/booking-protocol';
import type { ErrorCode } from '../server/protocol/error-codes';
import type { ClientAckError } from '../server/protocol/hub-client';
import { useAppState } from '../server/ui/app-state';
import { formatTime } from '../server/ui/format';
import { Pictogram } from '../server/ui/icons';
import { CodeEntryScreen, CodeField, EntryProblem, useCaretInFields, useTriesWait, type EntryProblemState, type ProblemTexts } from './code-entry';
import { NoticeScreen } from './notice-screen';
import { printerCondition } from './printing';

/**
 * "Tôi đã đặt lịch": a visitor who booked online checks in at the kiosk, by holding the booking's
 * QR code (on the phone or on paper) under the scanner, or by typing the booking code and the last
 * 4 digits of the phone on the on-screen keyboard. Inside the check-in window the hub issues a
 * ticket marked as booked, printed like any other; too early, too late, already checked in or
 * cancelled get a plain notice with the way on (a regular number is on the start screen).
 */

/** Whether this centre takes bookings (GET /api/booking/options): the start screen shows the tile only then. */
export const bookingOpen = signal(false);

/** Asks the hub again whether bookings are on (when the start screen opens; a failure keeps what was known). */
export async function refreshBookingOptions(): Promise<void> {
  try {
    const res = await fetch('/api/booking/options', { headers: { accept: 'application/json' } });
    if (!res.ok) return;
    const options = (await res.json()) as BookingOptionsView;
    bookingOpen.value = options.enabled && options.services.length > 0;
  } catch {
    // Offline: the tile stays as it was; the check-in itself says when it cannot be done.
  }
}

/**
 * What a booking's QR holds, as the scanner typed it: the booking page's address
 * (`?b=<code>.<check tag>`), or a province booking's signed token (`?t=1~...`). Anything else held
 * to the scanner is a dossier receipt.
 */
export function isBookingScan(text: string): boolean {
  return /[?&#]b=[0-9A-Za-z]{10}\.[0-9A-Za-z_-]{8,16}$/.test(text.trim()) || tokenInScan(text) !== null;
}

/** Refusals that end the check-in: said on a notice of their own, with the way on. */
const FINAL_REFUSALS = ['CHECK_IN_TOO_EARLY', 'CHECK_IN_TOO_LATE', 'BOOKING_CHECKED_IN', 'BOOKING_CANCELLED', 'BOOKING_OFF'] as const;
export type BookingRefusalCode = (typeof FINAL_REFUSALS)[number];

export interface BookingRefusal {
  error: BookingRefusalCode;
  /** The hub's message, in the visitor's language: it says from when, or the ticket's number. */
  message: string;
  /** Too early: when the check-in opens. */
  opensAt: number | null;
}

function refusalOf(answer: ClientAckError): BookingRefusal | null {
  if (!(FINAL_REFUSALS as readonly ErrorCode[]).includes(answer.error as ErrorCode)) return null;
  const opensAt = 'details' in answer ? answer.details?.opensAt : undefined;
  return { error: answer.error as BookingRefusalCode, message: answer.message, opensAt: typeof opensAt === 'number' ? opensAt : null };
}

/** The booking code as printed, K7QM3-XPA9D: 10 letters and digits, with a dash (or not) and any case. */
const CODE_CHARS = 10;
const MAX_CODE = 16;

type Problem = EntryProblemState<'missing-code' | 'missing-phone' | 'not-found' | 'scan-not-found'>;

const PROBLEMS: ProblemTexts<'missing-code' | 'missing-phone' | 'not-found' | 'scan-not-found'> = {
  'missing-code': { title: null, body: 'kioskBook.missing.code', gentle: true },
  'missing-phone': { title: null, body: 'kioskBook.missing.phone', gentle: true },
  'not-found': { title: 'kioskBook.notFound.title', body: 'kioskBook.notFound.body' },
  'scan-not-found': { title: 'kioskBook.notFound.title', body: 'kioskBook.notFound.scanned' },
};

export function BookingScreen(props: {
  /** The QR as the scanner typed it: checked in at once. */
  scan: string | null;
  onBack: () => void;
  onCheckedIn: (view: BookingCheckInView, printerAtTake: DeviceCondition | null | undefined) => void;
  onRefused: (refusal: BookingRefusal) => void;
}) {
  const state = useAppState();
  const { t } = state;
  const code = useSignal('');
  const last4 = useSignal('');
  const problem = useSignal<Problem | null>(null);
  const busy = useSignal(false);
  const codeField = useRef<HTMLInputElement>(null);
  const phoneField = useRef<HTMLInputElement>(null);
  const wait = useTriesWait();
  const waiting = wait.seconds > 0;

  const checkIn = async (input: { scan: string } | { code: string; phoneLast4: string }) => {
    if (busy.peek() || wait.blocked()) return;
    busy.value = true;
    problem.value = null;
    // The printer as it was when the visitor asked: if it was down, the number is for writing down.
    const printerAtTake = printerCondition.peek();
    const answer = await state.client.command('booking:check-in', input);
    busy.value = false;
    if (answer.ok) return props.onCheckedIn(answer.data, printerAtTake);
    const refusal = refusalOf(answer);
    if (refusal) return props.onRefused(refusal);
    if (answer.error === 'RATE_LIMITED') {
      wait.start(answer.retryAfterSeconds);
      problem.value = { kind: 'wait' };
    } else if (answer.error === 'BOOKING_NOT_FOUND' || answer.error === 'INVALID_PAYLOAD') {
      problem.value = { kind: 'scan' in input ? 'scan-not-found' : 'not-found' };
      codeField.current?.focus();
    } else problem.value = { kind: 'failed', message: answer.message };
  };

  const submit = () => {
    const typed = code.peek().trim().toUpperCase().replace(/[\s-]/g, '');
    const digits = last4.peek().trim();
    if (typed.length !== CODE_CHARS) {
      problem.value = { kind: 'missing-code' };
      codeField.current?.focus();
      return;
    }
    if (!/^\d{4}$/.test(digits)) {
      problem.value = { kind: 'missing-phone' };
      phoneField.current?.focus();
      return;
    }
    void checkIn({ code: typed, phoneLast4: digits });
  };

  useCaretInFields([codeField, phoneField]);

  useEffect(() => {
    codeField.current?.focus();
    if (props.scan) void checkIn({ scan: props.scan });
  }, []);

  const shownProblem = problem.value?.kind === 'wait' && !waiting ? null : problem.value;
  const edited = () => {
    if (problem.peek()?.kind !== 'wait') problem.value = null;
  };

  return (
    <CodeEntryScreen
      testId="booking-check-in"
      title={t('kioskBook.title')}
      intro={t('kioskBook.intro')}
      lead={
        <div class="booking-scan">
          <span class="booking-scan__icon">
            <Pictogram name="qr" />
          </span>
          <span class="booking-scan__text">{t('kioskBook.scan')}</span>
        </div>
      }
      busyText={busy.value ? t('kioskBook.checking') : null}
      problem={shownProblem && <EntryProblem testId="booking-problem" problem={shownProblem} texts={PROBLEMS} failedTitle="kioskBook.failed.title" waitSeconds={wait.seconds} />}
      submitLabel={t('kioskBook.submit')}
      submitDisabled={busy.value || waiting}
      onSubmit={submit}
      onBack={props.onBack}
    >
      <p class="booking-or">{t('kioskBook.or')}</p>
      <div class="booking-fields">
        <CodeField label={t('kioskBook.code')} name="booking-code" hint={t('kioskBook.code.example')} value={code} maxLength={MAX_CODE} inputRef={codeField} onEdit={edited} />
        <CodeField label={t('kioskBook.phone')} name="booking-phone" hint={t('kioskBook.phone.hint')} value={last4} maxLength={4} inputRef={phoneField} onEdit={edited} />
      </div>
    </CodeEntryScreen>
  );
}

export const REFUSAL_SHOWN_MS = 30_000;

/**
 * The check-in refused: too early (from when, the time very large), too late or cancelled (a
 * regular number instead, from the field tiles), already checked in (with the number).
 */
export function BookingRefusedScreen(props: { refusal: BookingRefusal; onHome: () => void }) {
  const { t } = useAppState();
  const { refusal } = props;
  const walkIn = refusal.error === 'CHECK_IN_TOO_LATE' || refusal.error === 'BOOKING_CANCELLED';
  const kind = refusal.error === 'CHECK_IN_TOO_EARLY' ? 'early' : refusal.error === 'CHECK_IN_TOO_LATE' ? 'late' : refusal.error === 'BOOKING_CHECKED_IN' ? 'checkedIn' : refusal.error === 'BOOKING_CANCELLED' ? 'cancelled' : 'off';
  return (
    <NoticeScreen
      kind={`booking-${kind}`}
      icon={kind === 'early' || kind === 'late' ? 'clock' : 'ticket'}
      title={t(`kioskBook.${kind}.title`)}
      message={refusal.message}
      extra={
        kind === 'early' && refusal.opensAt !== null ? (
          <div class="booking-opens" data-testid="booking-opens">
            <span class="booking-opens__label">{t('kioskBook.early.from')}</span>
            <span class="booking-opens__time">{formatTime(refusal.opensAt)}</span>
          </div>
        ) : null
      }
      testId="booking-refused"
      reason={refusal.error}
      shownMs={REFUSAL_SHOWN_MS}
      onTimeout={props.onHome}
    >
      <button type="button" class="big-button big-button--primary" data-testid={walkIn ? 'booking-walk-in' : undefined} onClick={props.onHome}>
        {t(walkIn ? 'kioskBook.walkIn' : 'kiosk.toStart')}
      </button>
    </NoticeScreen>
  );
}

/** The start screen's tile, beside the fields: "Tôi đã đặt lịch". */
export function BookingTile({ onStart }: { onStart: () => void }) {
  const { t } = useAppState();
  return (
    <button type="button" class="tile tile--booking" data-testid="start-booking" onClick={onStart}>
      <span class="tile__icon">
        <Pictogram name="qr" />
      </span>
      <span class="tile__text">
        <span class="tile__name">{t('kioskBook.tile.title')}</span>
        <span class="tile__alt">{t('kioskBook.tile.note')}</span>
      </span>
    </button>
  );
}
