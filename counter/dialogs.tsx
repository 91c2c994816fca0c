import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { MessageKey } from '../server/i18n';
import type { CounterTicket, CounterView, PublicView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { Modal } from '../server/ui/components';
import { CONDITION_LABELS } from './device-words';

/** A ticket number as an officer types it: A025, 1015. */
export const TICKET_NUMBER = /^[A-Za-z]?\d{1,5}$/;

/** Pause reasons are sent as codes and shown in the reader's language. */
export const PAUSE_REASONS: readonly { code: string; label: MessageKey }[] = [
  { code: 'break', label: 'counter.pauseReason.break' },
  { code: 'meeting', label: 'counter.pauseReason.meeting' },
  { code: 'other', label: 'counter.pauseReason.other' },
];

export function PauseDialog(props: { onChoose: (reason: string) => void; onCancel: () => void }) {
  const { t } = useAppState();
  return (
    <Modal title={t('counter.pauseReason')} onClose={props.onCancel}>
      <div class="dialog-choices">
        {PAUSE_REASONS.map((reason) => (
          <button key={reason.code} type="button" class="pad-button" onClick={() => props.onChoose(reason.code)}>
            {t(reason.label)}
          </button>
        ))}
      </div>
      <div class="dialog-actions">
        <button type="button" class="pad-button pad-button--quiet" onClick={props.onCancel}>
          {t('counter.cancel')}
        </button>
      </div>
    </Modal>
  );
}

/** Transfer the current ticket to another service, and optionally to one counter. */
export function TransferDialog(props: {
  view: CounterView;
  publicView: PublicView;
  /** Counters with the services they serve (from the staff view). */
  counters: { id: string; number: number; services: string[] }[];
  ticket: CounterTicket;
  onConfirm: (toServiceId: string, toCounterId: string | null) => Promise<void>;
  onCancel: () => void;
}) {
  const { t, local } = useAppState();
  const serviceId = useSignal(props.ticket.serviceId);
  const counterId = useSignal<string | null>(null);
  const busy = useSignal(false);
  const targets = props.counters.filter((c) => c.id !== props.view.counterId && c.services.includes(serviceId.value));
  // Moving to the same service with no counter named would change nothing.
  const valid = serviceId.value !== props.ticket.serviceId || counterId.value !== null;

  const confirm = async () => {
    if (!valid || busy.value) return;
    busy.value = true;
    await props.onConfirm(serviceId.value, counterId.value);
    busy.value = false;
  };

  return (
    <Modal title={t('counter.transfer.title', { number: props.ticket.number })} onClose={props.onCancel} class="transfer">
      <fieldset class="choice-group">
        <legend>{t('counter.transfer.toService')}</legend>
        <div class="choice-grid">
          {props.publicView.services.map((service) => (
            <label key={service.id} class={`radio-card ${serviceId.value === service.id ? 'radio-card--on' : ''}`}>
              <input
                type="radio"
                name="transfer-service"
                checked={serviceId.value === service.id}
                onChange={() => {
                  serviceId.value = service.id;
                  counterId.value = null;
                }}
              />
              {local(service.name)}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset class="choice-group">
        <legend>{t('counter.transfer.toCounter')}</legend>
        <div class="choice-grid">
          <label class={`radio-card ${counterId.value === null ? 'radio-card--on' : ''}`}>
            <input type="radio" name="transfer-counter" checked={counterId.value === null} onChange={() => (counterId.value = null)} />
            {t('counter.transfer.any')}
          </label>
          {targets.map((counter) => (
            <label key={counter.id} class={`radio-card ${counterId.value === counter.id ? 'radio-card--on' : ''}`}>
              <input
                type="radio"
                name="transfer-counter"
                checked={counterId.value === counter.id}
                onChange={() => (counterId.value = counter.id)}
              />
              {t('counter.counterN', { number: counter.number })}
            </label>
          ))}
        </div>
      </fieldset>
      <div class="dialog-actions">
        <button type="button" class="pad-button pad-button--quiet" onClick={props.onCancel}>
          {t('counter.cancel')}
        </button>
        <button type="button" class="pad-button pad-button--primary" disabled={!valid || busy.value} onClick={() => void confirm()}>
          {t('counter.confirm')}
        </button>
      </div>
    </Modal>
  );
}

/**
 * Print a ticket again (the visitor lost it, the kiosk's printer jammed): on the printer of the
 * kiosk that issued it, or the first printer. Any officer may; the answer says whether it printed.
 */
export function ReprintDialog(props: { onClose: () => void }) {
  const state = useAppState();
  const { t } = state;
  const number = useSignal('');
  const busy = useSignal(false);
  // Worded when shown, so that it follows a change of language.
  const result = useSignal<{ ok: boolean; text: () => string } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    const wanted = number.value.trim().toUpperCase();
    if (!TICKET_NUMBER.test(wanted)) {
      result.value = { ok: false, text: () => state.t('counter.callNumber.invalid') };
      return;
    }
    busy.value = true;
    result.value = null;
    const answer = await state.client.command('ticket:reprint', { ticket: wanted, printerId: null });
    busy.value = false;
    if (!answer.ok) {
      const message = answer.message;
      result.value = { ok: false, text: () => message };
    } else if (answer.data.state === 'printed') {
      const printed = answer.data.number;
      result.value = { ok: true, text: () => state.t('counter.reprint.printed', { number: printed }) };
      number.value = '';
    } else {
      const failed = answer.data.number;
      const reason = CONDITION_LABELS[answer.data.condition ?? 'printer-error'];
      result.value = { ok: false, text: () => state.t('counter.reprint.failed', { number: failed, reason: state.t(reason) }) };
    }
  };

  return (
    <Modal title={t('counter.reprint.title')} onClose={props.onClose} class="reprint">
      <form class="reprint__form" onSubmit={(e) => void submit(e)} autocomplete="off">
        <label class="field">
          <span class="field__label">{t('counter.reprint.number')}</span>
          <input
            class="field__input reprint__input"
            name="reprint-number"
            value={number.value}
            placeholder={t('counter.callNumber.placeholder')}
            maxLength={6}
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            ref={input}
            onInput={(e) => (number.value = e.currentTarget.value)}
          />
        </label>
        <p class="reprint__hint">{t('counter.reprint.hint')}</p>
        {busy.value && (
          <p class="reprint__result" role="status">
            {t('counter.reprint.printing')}
          </p>
        )}
        {result.value && (
          <p
            class={`reprint__result ${result.value.ok ? 'reprint__result--ok' : 'reprint__result--bad'}`}
            role={result.value.ok ? 'status' : 'alert'}
            data-testid="reprint-result"
          >
            {result.value.text()}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="pad-button pad-button--quiet" onClick={props.onClose}>
            {t('counter.closeDialog')}
          </button>
          <button type="submit" class="pad-button pad-button--primary" disabled={busy.value || !number.value.trim()}>
            {t('counter.reprint.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
