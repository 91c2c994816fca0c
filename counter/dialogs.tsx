import { useSignal } from '@preact/signals';
import type { MessageKey } from '../server/i18n';
import type { CounterTicket, CounterView, PublicView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { Modal } from '../server/ui/components';

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
