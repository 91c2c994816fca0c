import type { ServiceConfig } from '../server/config/centre-config';
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
        <fieldset class="cfg-choices cfg-choices--stack">
          <legend>{t('sup.cfg.booking.phoneCheck')}</legend>
          <Radio name="phone-check" label={t('sup.cfg.booking.sms')} hint={t('sup.cfg.booking.smsHint')} checked={rules.phoneCheck === 'sms'} onChange={() => set((b) => (b.phoneCheck = 'sms'))} />
          <Radio name="phone-check" label={t('sup.cfg.booking.off')} hint={t('sup.cfg.booking.offHint')} checked={rules.phoneCheck === 'off'} onChange={() => set((b) => (b.phoneCheck = 'off'))} />
        </fieldset>
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

      <div class="cfg-section-head cfg-section-head--spaced">
        <div>
          <h2 class="sup-heading">{t('sup.cfg.booking.fields')}</h2>
          <p class="sup-intro">{t('sup.cfg.booking.fieldsIntro')}</p>
        </div>
      </div>
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
          <fieldset class="cfg-choices cfg-choices--stack">
            <legend>{t('sup.cfg.booking.policy')}</legend>
            <Radio
              name={`policy-${service.id}`}
              label={t('sup.cfg.booking.policy.slot')}
              hint={t('sup.cfg.booking.policy.slotHint')}
              checked={bookable.policy === 'slot'}
              onChange={() => props.onChange((b) => (b.policy = 'slot'))}
            />
            <Radio
              name={`policy-${service.id}`}
              label={t('sup.cfg.booking.policy.remote')}
              hint={t('sup.cfg.booking.policy.remoteHint')}
              checked={bookable.policy === 'remote'}
              onChange={() => props.onChange((b) => (b.policy = 'remote'))}
            />
          </fieldset>
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
