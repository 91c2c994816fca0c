import { signal } from '@preact/signals';
import { isCccd, normalizePhone } from '../../server/domain/booking';
import type { Lang, MessageKey } from '../../server/i18n';
import type { BookingDayView, BookingHoldView, BookingOptionsView, BookingView } from '../../server/protocol/booking-protocol';

/**
 * The booking page's state and its calls to the hub's REST routes (/api/booking, or the province
 * portal's for a centre: bookingApiBase; docs/protocol.md
 * section 13.2). One step at a time: the field, a day and a slot, the citizen's details, the SMS
 * code, the answer; and the look-up of a booking by its code and phone, to move or cancel it.
 * Nothing is kept on the phone.
 */

export type Step = 'service' | 'day' | 'details' | 'code' | 'done' | 'lookup' | 'found' | 'move';

/** A refusal as the hub gave it (`message` already in the page's language), or OFFLINE / FAILED. */
export interface Refusal {
  error: string;
  message: string;
  details?: Record<string, unknown>;
  issues?: { field: string; reason: string }[];
}

type Answer<T> = { ok: true; data: T } | { ok: false; refusal: Refusal };

/** A slot to book or move to: from the day's list, or one of the next free ones a refusal offers. */
export interface SlotChoice {
  day: string;
  start: number;
  time: string;
}

export interface NextSlot extends SlotChoice {
  left: number;
}

export type PersonField = 'phone' | 'name' | 'email' | 'cccd';
export type Person = Record<PersonField, string>;
export type FieldProblems = Partial<Record<PersonField, MessageKey>>;

/** A slow network is waited for this long; then the press can be made again (same command id). */
export const REQUEST_TIMEOUT_MS = 20_000;
/** A new SMS code may be asked this long after the last one (the old one stops working). */
export const RESEND_AFTER_MS = 30_000;

/** A command id: random, from crypto.getRandomValues (randomUUID needs a secure context; a LAN hub is http). */
export function newCommandId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `b-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** What is wrong with the details typed, before anything is sent (the hub checks them again). */
export function checkPerson(p: Person): FieldProblems {
  const bad: FieldProblems = {};
  if (!p.phone.trim()) bad.phone = 'phoneBook.bad.phoneMissing';
  else if (!normalizePhone(p.phone)) bad.phone = 'phoneBook.bad.phone';
  if (p.name.trim().length < 2) bad.name = 'phoneBook.bad.name';
  if (p.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(p.email.trim())) bad.email = 'phoneBook.bad.email';
  const cccd = cleanCccd(p.cccd);
  if (cccd && !/^\d{12}$/.test(cccd)) bad.cccd = 'phoneBook.bad.cccdLength';
  else if (cccd && !isCccd(cccd)) bad.cccd = 'phoneBook.bad.cccd';
  return bad;
}

/** The card's number as people copy it ("001 203 012 345"). */
export function cleanCccd(input: string): string {
  return input.replace(/[\s.-]/g, '');
}

/** The hub's word on which field was wrong (INVALID_PAYLOAD: `issues`, or `details.field`). */
function problemsOf(refusal: Refusal): FieldProblems {
  const fields = new Set((refusal.issues ?? []).map((i) => i.field));
  if (typeof refusal.details?.field === 'string') fields.add(refusal.details.field);
  const bad: FieldProblems = {};
  if (fields.has('phone')) bad.phone = 'phoneBook.bad.phone';
  if (fields.has('name')) bad.name = 'phoneBook.bad.name';
  if (fields.has('email')) bad.email = 'phoneBook.bad.email';
  if (fields.has('cccd')) bad.cccd = 'phoneBook.bad.cccd';
  return bad;
}

/** The code in a scanned QR's address (`?b=CODE.TAG`), for the look-up form. */
export function codeFromUrl(search: string): string {
  const b = new URLSearchParams(search).get('b') ?? '';
  const code = b.split('.')[0] ?? '';
  return /^[0-9A-Za-z]{10}$/.test(code) ? `${code.slice(0, 5)}-${code.slice(5)}`.toUpperCase() : '';
}

/** The centre in the page's address, when the province's portal serves it: `book.html?centre=<id>`. */
export function centreFromUrl(search: string): string | null {
  const id = new URLSearchParams(search).get('centre') ?? '';
  return /^[a-z0-9][a-z0-9-]{1,39}$/.test(id) ? id : null;
}

/**
 * The booking API: the hub's (`/api/booking`), or the province portal's for one centre, which
 * takes the same requests and gives the same answers.
 */
export function bookingApiBase(centre: string | null): string {
  return centre ? `/api/portal/centres/${encodeURIComponent(centre)}/booking` : '/api/booking';
}

export function createBooking(lang: () => Lang, apiBase = '/api/booking') {
  const step = signal<Step>('service');
  const options = signal<BookingOptionsView | null>(null);
  const serviceId = signal<string | null>(null);
  const days = signal<BookingDayView[]>([]);
  const day = signal<string | null>(null);
  const slot = signal<SlotChoice | null>(null);
  const person = signal<Person>({ phone: '', name: '', email: '', cccd: '' });
  const problems = signal<FieldProblems>({});
  const hold = signal<BookingHoldView | null>(null);
  /** When the hold lapses, by this phone's clock (the hub's may differ). */
  const holdDeadline = signal(0);
  /** When a new code may be asked, by this phone's clock. */
  const resendAt = signal(0);
  const resent = signal(false);
  const otp = signal('');
  const booking = signal<BookingView | null>(null);
  /** What was just done to the booking looked up. */
  const notice = signal<'moved' | 'cancelled' | null>(null);
  /** The slot chosen to move to, waiting for "yes". */
  const moveTo = signal<SlotChoice | null>(null);
  const refusal = signal<Refusal | null>(null);
  const busy = signal(false);
  const access = signal({ code: '', phone: '' });
  /** Command ids of presses whose answer never came: the same press again reuses its id. */
  const retryIds = new Map<string, string>();

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer<T>> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
    try {
      const res = await fetch(`${apiBase}${path}`, {
        method,
        cache: 'no-store',
        signal: abort.signal,
        headers: { 'accept-language': lang(), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const json = (await res.json().catch(() => null)) as (T & Partial<Refusal>) | null;
      if (res.ok && json) return { ok: true, data: json };
      return {
        ok: false,
        refusal: {
          error: json?.error ?? 'FAILED',
          message: json?.message ?? '',
          ...(json?.details ? { details: json.details } : {}),
          ...(json?.issues ? { issues: json.issues } : {}),
        },
      };
    } catch {
      return { ok: false, refusal: { error: 'OFFLINE', message: '' } };
    } finally {
      clearTimeout(timer);
    }
  }

  /** A POST that changes something: a new command id per press, the same one for a retry of it. */
  async function command<T>(path: string, payload: Record<string, unknown>): Promise<Answer<T>> {
    const key = `${path} ${JSON.stringify(payload)}`;
    const commandId = retryIds.get(key) ?? newCommandId();
    retryIds.set(key, commandId);
    const answer = await call<T>('POST', path, { commandId, ...payload, lang: lang() });
    if (answer.ok || answer.refusal.error !== 'OFFLINE') retryIds.delete(key);
    return answer;
  }

  /** One press at a time: busy while it runs, its refusal shown. */
  async function press<T>(run: () => Promise<Answer<T>>): Promise<T | null> {
    if (busy.peek()) return null;
    busy.value = true;
    refusal.value = null;
    try {
      const answer = await run();
      if (answer.ok) return answer.data;
      refusal.value = answer.refusal;
      return null;
    } finally {
      busy.value = false;
    }
  }

  async function load(): Promise<void> {
    const data = await press(() => call<BookingOptionsView>('GET', '/options'));
    if (data) options.value = data;
  }

  const fetchDays = (id: string) => call<{ days: BookingDayView[] }>('GET', `/days?serviceId=${encodeURIComponent(id)}`);

  async function chooseService(id: string, next: 'day' | 'move' = 'day'): Promise<void> {
    const data = await press(() => fetchDays(id));
    if (!data) return;
    serviceId.value = id;
    days.value = data.days;
    // Moving: the booking's own day first, its other times beside the one it has.
    day.value = next === 'move' ? (booking.peek()?.day ?? null) : null;
    moveTo.value = null;
    step.value = next;
  }

  /** After a refusal that says the slot went: the places as they are now. */
  async function refreshDays(): Promise<void> {
    const id = serviceId.peek();
    if (!id) return;
    const answer = await fetchDays(id);
    if (answer.ok) days.value = answer.data.days;
  }

  function chooseDay(d: string): void {
    day.value = d;
    moveTo.value = null;
  }

  function chooseSlot(s: SlotChoice): void {
    slot.value = s;
    day.value = s.day;
    refusal.value = null;
    problems.value = {};
    step.value = 'details';
  }

  function setPerson(field: PersonField, value: string): void {
    person.value = { ...person.peek(), [field]: value };
    if (problems.peek()[field]) problems.value = { ...problems.peek(), [field]: undefined };
  }

  /** Holds the slot with the details typed; true when they were sent (no field to correct). */
  async function submitDetails(): Promise<boolean> {
    const p = person.peek();
    const bad = checkPerson(p);
    problems.value = bad;
    if (Object.keys(bad).length > 0) {
      refusal.value = null;
      return false;
    }
    const chosen = slot.peek()!;
    const sentAt = Date.now();
    const data = await press(() =>
      command<BookingHoldView>('/holds', {
        serviceId: serviceId.peek(),
        slotStart: chosen.start,
        phone: p.phone.trim(),
        name: p.name.trim(),
        email: p.email.trim() || null,
        cccd: cleanCccd(p.cccd) || null,
      }),
    );
    if (!data) {
      const r = refusal.peek();
      if (r?.error === 'INVALID_PAYLOAD') {
        const fromHub = problemsOf(r);
        if (Object.keys(fromHub).length > 0) {
          problems.value = fromHub;
          refusal.value = null;
          return false;
        }
      }
      if (r?.error === 'SLOT_FULL' || r?.error === 'SLOT_CLOSED') void refreshDays();
      return true;
    }
    hold.value = data;
    holdDeadline.value = sentAt + (options.peek()?.holdMinutes ?? 5) * 60_000;
    resendAt.value = Date.now() + RESEND_AFTER_MS;
    resent.value = false;
    otp.value = '';
    if (data.codeRequired) step.value = 'code';
    else await confirm();
    return true;
  }

  /** A next free slot offered by a refusal: booked with the same details, or moved to. */
  async function takeNext(s: NextSlot): Promise<void> {
    if (step.peek() === 'move') {
      day.value = s.day;
      moveTo.value = s;
      refusal.value = null;
      return;
    }
    slot.value = s;
    day.value = s.day;
    await submitDetails();
  }

  async function confirm(): Promise<void> {
    const h = hold.peek();
    if (!h) return;
    const data = await press(() => command<BookingView>('/confirm', { holdId: h.holdId, otp: h.codeRequired ? otp.peek().trim() : null }));
    if (!data) return;
    booking.value = data;
    access.value = { code: data.code, phone: person.peek().phone.trim() };
    step.value = 'done';
  }

  async function resend(): Promise<void> {
    const h = hold.peek();
    if (!h) return;
    const data = await press(() => call<{ codeSentTo: string }>('POST', `/holds/${encodeURIComponent(h.holdId)}/code`, { lang: lang() }));
    if (!data) return;
    hold.value = { ...h, codeSentTo: data.codeSentTo };
    resent.value = true;
    otp.value = '';
    resendAt.value = Date.now() + RESEND_AFTER_MS;
  }

  const accessBody = () => ({ code: access.peek().code.trim(), phone: access.peek().phone.trim() });

  async function lookup(): Promise<void> {
    const data = await press(() => call<BookingView>('POST', '/lookup', { ...accessBody(), lang: lang() }));
    if (!data) return;
    booking.value = data;
    notice.value = null;
    step.value = 'found';
  }

  async function cancel(): Promise<boolean> {
    const data = await press(() => command<BookingView>('/cancel', accessBody()));
    if (!data) return false;
    booking.value = data;
    notice.value = 'cancelled';
    return true;
  }

  async function startMove(): Promise<void> {
    const current = booking.peek();
    if (current) await chooseService(current.serviceId, 'move');
  }

  async function move(): Promise<void> {
    const to = moveTo.peek();
    if (!to) return;
    const data = await press(() => command<BookingView>('/move', { ...accessBody(), slotStart: to.start }));
    if (!data) {
      moveTo.value = null;
      void refreshDays();
      return;
    }
    booking.value = data;
    moveTo.value = null;
    notice.value = 'moved';
    step.value = 'found';
  }

  /** Back to the start of booking, or to the look-up form. */
  function restart(to: 'service' | 'lookup'): void {
    refusal.value = null;
    problems.value = {};
    hold.value = null;
    slot.value = null;
    moveTo.value = null;
    notice.value = null;
    if (to === 'service') booking.value = null;
    step.value = to;
  }

  return {
    step,
    options,
    serviceId,
    days,
    day,
    slot,
    person,
    problems,
    hold,
    holdDeadline,
    resendAt,
    resent,
    otp,
    booking,
    notice,
    moveTo,
    refusal,
    busy,
    access,
    load,
    chooseService,
    chooseDay,
    chooseSlot,
    setPerson,
    submitDetails,
    takeNext,
    confirm,
    resend,
    lookup,
    cancel,
    startMove,
    move,
    restart,
  };
}

export type BookingController = ReturnType<typeof createBooking>;
