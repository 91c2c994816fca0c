import type { ServiceConfig } from '../server/config/centre-config';
import type { MessageKey } from '../server/i18n';
import { useAppState } from '../server/ui/app-state';
import { Card, Check, FieldProblems, NumberField, Radio, SectionHead, TextField, WindowFields } from './config-fields';
import {
  BOOKING_RULES,
  bookingProblems,
  edit,
  ruleValue,
  setRule,
  SLOT_LIMITS,
  slotsOf,
  type BookableServiceConfig,
  type BookingField,
  type EditableConfig,
  type SlotTemplateConfig,
} from './config-model';

type Rules = EditableConfig['booking'];

const GROUPS = [...new Set(BOOKING_RULES.map((r) => r.group))];

const PHONE_CHECKS = [
  { value: 'sms', label: 'sup.cfg.booking.sms', hint: 'sup.cfg.booking.smsHint' },
  { value: 'off', label: 'sup.cfg.booking.off', hint: 'sup.cfg.booking.offHint' },
] as const;
const POLICIES = [
  { value: 'slot', label: 'sup.cfg.booking.policy.slot', hint: 'sup.cfg.booking.policy.slotHint' },
  { value: 'remote', label: 'sup.cfg.booking.policy.remote', hint: 'sup.cfg.booking.policy.remoteHint' },
] as const;

/** One of a few choices, each a radio card with a line saying what it means. */
function Choices<V extends string>(props: {
  legend: string;
  name: string;
  choices: readonly { value: V; label: MessageKey; hint: MessageKey }[];
  value: V;
  onChange: (value: V) => void;
}) {
  const { t } = useAppState();
  return (
    <fieldset class="cfg-choices cfg-choices--stack">
      <legend>{props.legend}</legend>
      {props.choices.map((c) => (
        <Radio key={c.value} name={props.name} label={t(c.label)} hint={t(c.hint)} checked={props.value === c.value} onChange={() => props.onChange(c.value)} />
      ))}
    </fieldset>
  );
}

/** A field's first slot template: in its opening hours when it has them, else mornings on weekdays. */
function firstTemplate(service: ServiceConfig): SlotTemplateConfig {
  const hours = service.hours?.[0];
  return { days: hours ? [...hours.days] : [1, 2, 3, 4, 5], from: hours?.from ?? '07:30', to: hours?.to ?? '11:30', slotMinutes: 30, places: 2 };
}

/**
 * Online booking: on or off, how phones are checked, the rules (how far ahead, limits per person,
 * the check-in window, no-shows and bans, reminders), and per field whether it takes bookings, how
 * booked visitors are called, and its slot templates per weekday with slot length and places.
 */
export function BookingSection({ config }: { config: EditableConfig }) {
  const { t, lang } = useAppState();
  const rules = config.booking;
  const problems = bookingProblems(config, t, lang.value);
  const bad = (field: BookingField) => problems.some((p) => p.field === field);
  const set = (change: (b: Rules) => void) => edit((c) => change(c.booking));
  return (
    <>
      <SectionHead title={t('sup.cfg.booking.section')} intro={t('sup.cfg.booking.intro')} />
      <Card title={t('sup.cfg.booking.onOff')} testId="cfg-booking-on">
        <div class="cfg-row">
          <Check label={t('sup.cfg.booking.enabled')} checked={rules.enabled} onChange={(on) => set((b) => (b.enabled = on))} />
        </div>
        <Choices legend={t('sup.cfg.booking.phoneCheck')} name="phone-check" choices={PHONE_CHECKS} value={rules.phoneCheck} onChange={(v) => set((b) => (b.phoneCheck = v))} />
        <FieldProblems problems={problems} fields={(f) => f === 'phoneCheck'} />
        {rules.enabled && rules.services.length === 0 && <p class="sup-hint sup-hint--bad">{t('sup.cfg.booking.noFields')}</p>}
      </Card>

      <Card title={t('sup.cfg.booking.rules')} testId="cfg-booking-rules">
        {GROUPS.map((group) => (
          <div key={group} class="cfg-limit" role="group" aria-labelledby={`cfg-booking-${group}`}>
            <h4 class="cfg-limit__title" id={`cfg-booking-${group}`}>
              {t(group)}
            </h4>
            <div class="cfg-grid">
              {BOOKING_RULES.filter((r) => r.group === group).map((rule) => (
                <NumberField
                  key={rule.key}
                  label={t(rule.label)}
                  value={ruleValue(rules, rule.key)}
                  min={rule.min}
                  max={rule.max}
                  bad={bad(`rule:${rule.key}`)}
                  testId={`cfg-booking-${rule.key}`}
                  onChange={(v) => set((b) => setRule(b, rule.key, v ?? Number.NaN))}
                />
              ))}
              {group === 'sup.cfg.booking.group.reminders' && (
                <TextField
                  label={t('sup.cfg.booking.evening')}
                  value={rules.reminders.eveningAt}
                  maxLength={5}
                  placeholder="18:00"
                  onInput={(v) => set((b) => (b.reminders.eveningAt = v.trim()))}
                />
              )}
            </div>
          </div>
        ))}
        <FieldProblems problems={problems} fields={(f) => f.startsWith('rule:') || f === 'eveningAt'} />
      </Card>

      <SectionHead title={t('sup.cfg.booking.fields')} intro={t('sup.cfg.booking.fieldsIntro')} spaced />
      {config.services.map((service) => {
        const index = rules.services.findIndex((b) => b.serviceId === service.id);
        return (
          <BookableCard
            key={service.id}
            service={service}
            bookable={index >= 0 ? rules.services[index]! : null}
            problems={problems}
            onToggle={(on) =>
              set((b) => {
                if (on && !b.services.some((x) => x.serviceId === service.id)) b.services.push({ serviceId: service.id, policy: 'slot', slots: [firstTemplate(service)] });
                if (!on) b.services = b.services.filter((x) => x.serviceId !== service.id);
              })
            }
            onChange={(change) =>
              set((b) => {
                const target = b.services.find((x) => x.serviceId === service.id);
                if (target) change(target);
              })
            }
          />
        );
      })}
    </>
  );
}

function BookableCard(props: {
  service: ServiceConfig;
  bookable: BookableServiceConfig | null;
  problems: { field: BookingField; text: string }[];
  onToggle: (on: boolean) => void;
  onChange: (change: (b: BookableServiceConfig) => void) => void;
}) {
  const { t, local } = useAppState();
  const { service, bookable } = props;
  const field = `service:${service.id}` as const;
  const changeSlot = (i: number, patch: Partial<SlotTemplateConfig>) => props.onChange((b) => (b.slots[i] = { ...b.slots[i]!, ...patch }));
  return (
    <Card title={local(service.name) || service.id} testId={`cfg-booking-${service.id}`}>
      <div class="cfg-row">
        <Check label={t('sup.cfg.booking.takes')} checked={bookable !== null} onChange={props.onToggle} />
      </div>
      {bookable && (
        <>
          <Choices
            legend={t('sup.cfg.booking.policy')}
            name={`policy-${service.id}`}
            choices={POLICIES}
            value={bookable.policy}
            onChange={(v) => props.onChange((b) => (b.policy = v))}
          />
          <fieldset class="cfg-hours">
            <legend>{t('sup.cfg.booking.templates')}</legend>
            {bookable.slots.map((slot, i) => {
              const count = slotsOf(slot);
              return (
                <div key={i} class="cfg-hours__row cfg-slot" data-testid={`cfg-slot-${service.id}-${i}`}>
                  <WindowFields window={slot} onChange={(patch) => changeSlot(i, patch)} />
                  <NumberField
                    label={t('sup.cfg.booking.slotMinutes')}
                    value={slot.slotMinutes}
                    min={SLOT_LIMITS.slotMinutes.min}
                    max={SLOT_LIMITS.slotMinutes.max}
                    step={5}
                    onChange={(v) => changeSlot(i, { slotMinutes: v ?? Number.NaN })}
                  />
                  <NumberField
                    label={t('sup.cfg.booking.places')}
                    value={slot.places}
                    min={SLOT_LIMITS.places.min}
                    max={SLOT_LIMITS.places.max}
                    onChange={(v) => changeSlot(i, { places: v ?? Number.NaN })}
                  />
                  <button
                    type="button"
                    class="pad-button pad-button--small pad-button--quiet"
                    disabled={bookable.slots.length === 1}
                    onClick={() => props.onChange((b) => b.slots.splice(i, 1))}
                  >
                    {t('sup.cfg.remove')}
                  </button>
                  {count > 0 && Number.isInteger(slot.places) && slot.places > 0 && (
                    <p class="sup-hint cfg-slot__sum">{t('sup.cfg.booking.perDay', { slots: count, places: slot.places, total: count * slot.places })}</p>
                  )}
                </div>
              );
            })}
            <button type="button" class="pad-button pad-button--small" onClick={() => props.onChange((b) => b.slots.push({ ...firstTemplate(service), from: '13:30', to: '16:30' }))}>
              {t('sup.cfg.booking.addTemplate')}
            </button>
          </fieldset>
          <FieldProblems problems={props.problems} fields={(f) => f === field} />
        </>
      )}
    </Card>
  );
}
