import { useSignal } from '@preact/signals';
import type { MessageKey } from '../server/i18n';
import type { OpeningWindow, ServiceConfig } from '../server/config/centre-config';
import { useAppState } from '../server/ui/app-state';
import { Modal } from '../server/ui/components';
import { formatDay, isIsoDay, isoWeekday } from './dates';
import {
  edit,
  JSON_PARTS,
  PART_LABELS,
  SECURITY_LIMITS,
  securityProblems,
  TAKE_SOURCES,
  texts,
  versionMovedTo,
  type EditableConfig,
  type EditableOfficer,
  type SecurityField,
} from './config-model';
import { BookingSection } from './config-booking';
import { fieldServicesByName } from '../server/domain/procedure-offer';
import { catalogInScreen } from '../server/ui/procedure-catalog';
import { Card, Check, FieldProblems, NumberField, Radio, SectionHead, TextField, WindowFields } from './config-fields';

export type Section = 'services' | 'counters' | 'officers' | 'priority' | 'holidays' | 'booking' | 'procedures' | 'display' | 'security' | 'devices';

export const SECTIONS: readonly { section: Section; label: MessageKey }[] = [
  { section: 'services', label: 'sup.cfg.sec.services' },
  { section: 'counters', label: 'sup.cfg.sec.counters' },
  { section: 'officers', label: 'sup.cfg.sec.officers' },
  { section: 'priority', label: 'sup.cfg.sec.priority' },
  { section: 'holidays', label: 'sup.cfg.sec.holidays' },
  { section: 'booking', label: 'sup.cfg.booking.section' },
  { section: 'procedures', label: 'sup.cfg.sec.procedures' },
  { section: 'display', label: 'sup.cfg.sec.display' },
  { section: 'security', label: 'sup.cfg.sec.security' },
  { section: 'devices', label: 'sup.cfg.sec.devices' },
];

export const WEEKDAY_LONG: Record<number, MessageKey> = {
  1: 'date.weekday.1',
  2: 'date.weekday.2',
  3: 'date.weekday.3',
  4: 'date.weekday.4',
  5: 'date.weekday.5',
  6: 'date.weekday.6',
  7: 'date.weekday.7',
};

export function ConfigSections(props: { section: Section; config: EditableConfig; base: EditableConfig }) {
  switch (props.section) {
    case 'services':
      return <ServicesSection config={props.config} base={props.base} />;
    case 'counters':
      return <CountersSection config={props.config} base={props.base} />;
    case 'officers':
      return <OfficersSection config={props.config} base={props.base} />;
    case 'priority':
      return <PrioritySection config={props.config} base={props.base} />;
    case 'holidays':
      return <HolidaysSection config={props.config} />;
    case 'booking':
      return <BookingSection config={props.config} />;
    case 'procedures':
      return <ProceduresSection config={props.config} />;
    case 'display':
      return <DisplaySection config={props.config} />;
    case 'security':
      return <SecuritySection config={props.config} />;
    case 'devices':
      return <DevicesSection />;
  }
}

/* Services. */

function ServicesSection({ config, base }: { config: EditableConfig; base: EditableConfig }) {
  const { t } = useAppState();
  const add = () =>
    edit((c) => {
      const used = new Set(c.services.flatMap((s) => (s.numbering.kind === 'prefix' ? [s.numbering.prefix] : [])));
      const prefix = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').find((l) => !used.has(l)) ?? 'Z';
      c.services.push({ id: '', name: { vi: '', en: '' }, numbering: { kind: 'prefix', prefix, digits: 3 }, defaultServiceMinutes: 10 });
    });
  return (
    <>
      <SectionHead title={t('sup.cfg.sec.services')} intro={t('sup.cfg.services.intro')} addLabel={t('sup.cfg.services.add')} onAdd={add} />
      {config.services.map((service, i) => {
        const isNew = !base.services.some((s) => s.id === service.id && service.id !== '');
        return <ServiceCard key={i} service={service} index={i} isNew={isNew} />;
      })}
    </>
  );
}

function ServiceCard({ service, index, isNew }: { service: ServiceConfig; index: number; isNew: boolean }) {
  const { t, local } = useAppState();
  const set = (change: (s: ServiceConfig) => void) => edit((c) => change(c.services[index]!));
  const remove = () =>
    edit((c) => {
      const [gone] = c.services.splice(index, 1);
      // A counter no longer serves a service that is gone.
      if (gone) for (const counter of c.counters) counter.services = counter.services.filter((id) => id !== gone.id);
    });
  const n = service.numbering;
  return (
    <Card title={local(service.name) || service.id || t('sup.cfg.services.unnamed')} testId={`cfg-service-${service.id || `new-${index}`}`} isNew={isNew} onRemove={remove}>
      <div class="cfg-grid">
        <TextField label={t('sup.cfg.id')} value={service.id} disabled={!isNew} maxLength={40} placeholder="ho-tich" onInput={(v) => set((s) => (s.id = v.trim().toLowerCase()))} />
        <TextField label={t('sup.cfg.nameVi')} value={service.name.vi} maxLength={120} onInput={(v) => set((s) => (s.name.vi = v))} />
        <TextField label={t('sup.cfg.nameEn')} value={service.name.en} maxLength={120} onInput={(v) => set((s) => (s.name.en = v))} />
      </div>
      <div class="cfg-grid">
        <label class="cfg-field">
          <span class="cfg-field__label">{t('sup.cfg.numbering')}</span>
          <select
            class="cfg-input"
            value={n.kind}
            onChange={(e) =>
              set((s) => {
                s.numbering = e.currentTarget.value === 'range' ? { kind: 'range', from: 1001, to: 1999 } : { kind: 'prefix', prefix: 'A', digits: 3 };
              })
            }
          >
            <option value="prefix">{t('sup.cfg.numbering.prefix')}</option>
            <option value="range">{t('sup.cfg.numbering.range')}</option>
          </select>
        </label>
        {n.kind === 'prefix' ? (
          <>
            <TextField
              label={t('sup.cfg.prefix')}
              value={n.prefix}
              maxLength={1}
              onInput={(v) => set((s) => s.numbering.kind === 'prefix' && (s.numbering.prefix = v.toUpperCase()))}
            />
            <NumberField
              label={t('sup.cfg.digits')}
              value={n.digits}
              min={1}
              max={4}
              onChange={(v) => set((s) => s.numbering.kind === 'prefix' && (s.numbering.digits = v ?? 3))}
            />
          </>
        ) : (
          <>
            <NumberField label={t('sup.cfg.rangeFrom')} value={n.from} min={0} max={99999} onChange={(v) => set((s) => s.numbering.kind === 'range' && (s.numbering.from = v ?? 0))} />
            <NumberField label={t('sup.cfg.rangeTo')} value={n.to} min={0} max={99999} onChange={(v) => set((s) => s.numbering.kind === 'range' && (s.numbering.to = v ?? 0))} />
          </>
        )}
        <NumberField
          label={t('sup.cfg.dailyLimit')}
          value={service.dailyLimit}
          min={1}
          placeholder={t('sup.cfg.noLimit')}
          onChange={(v) =>
            set((s) => {
              if (v === undefined) delete s.dailyLimit;
              else s.dailyLimit = v;
            })
          }
        />
        <NumberField
          label={t('sup.cfg.serviceMinutes')}
          value={service.defaultServiceMinutes}
          min={1}
          max={240}
          step={0.5}
          onChange={(v) => set((s) => (s.defaultServiceMinutes = v ?? 10))}
        />
      </div>
      <HoursEditor hours={service.hours} onChange={(hours) => set((s) => (hours ? (s.hours = hours) : delete s.hours))} />
    </Card>
  );
}

function HoursEditor(props: { hours: OpeningWindow[] | undefined; onChange: (hours: OpeningWindow[] | undefined) => void }) {
  const { t } = useAppState();
  const hours = props.hours ?? [];
  const change = (i: number, patch: Partial<OpeningWindow>) => props.onChange(hours.map((w, j) => (j === i ? { ...w, ...patch } : w)));
  return (
    <fieldset class="cfg-hours">
      <legend>{t('sup.cfg.hours')}</legend>
      {hours.length === 0 && <p class="sup-muted cfg-hours__always">{t('sup.cfg.hours.always')}</p>}
      {hours.map((w, i) => (
        <div key={i} class="cfg-hours__row">
          <WindowFields window={w} onChange={(patch) => change(i, patch)} />
          <button
            type="button"
            class="pad-button pad-button--small pad-button--quiet"
            onClick={() => {
              const rest = hours.filter((_, j) => j !== i);
              props.onChange(rest.length ? rest : undefined);
            }}
          >
            {t('sup.cfg.remove')}
          </button>
        </div>
      ))}
      <button
        type="button"
        class="pad-button pad-button--small"
        onClick={() => props.onChange([...hours, { days: [1, 2, 3, 4, 5], from: '07:30', to: '11:30' }])}
      >
        {t('sup.cfg.hours.add')}
      </button>
    </fieldset>
  );
}

/* Counters. */

function CountersSection({ config, base }: { config: EditableConfig; base: EditableConfig }) {
  const { t, local } = useAppState();
  const add = () =>
    edit((c) => {
      const number = Math.max(0, ...c.counters.map((x) => x.number)) + 1;
      c.counters.push({ id: `quay-${number}`, number, services: [] });
    });
  return (
    <>
      <SectionHead title={t('sup.cfg.sec.counters')} intro={t('sup.cfg.counters.intro')} addLabel={t('sup.cfg.counters.add')} onAdd={add} />
      {config.counters.map((counter, i) => {
        const isNew = !base.counters.some((c) => c.id === counter.id);
        const set = (change: (c: EditableConfig['counters'][number]) => void) => edit((c) => change(c.counters[i]!));
        return (
          <Card
            key={i}
            title={t('counter.counterN', { number: counter.number })}
            testId={`cfg-counter-${counter.id}`}
            isNew={isNew}
            onRemove={() =>
              edit((c) => {
                const [gone] = c.counters.splice(i, 1);
                if (gone) for (const officer of c.officers) if (officer.counters) officer.counters = officer.counters.filter((id) => id !== gone.id);
              })
            }
          >
            <div class="cfg-grid">
              <TextField label={t('sup.cfg.id')} value={counter.id} disabled={!isNew} maxLength={40} onInput={(v) => set((c) => (c.id = v.trim().toLowerCase()))} />
              <NumberField label={t('sup.cfg.counterNumber')} value={counter.number} min={1} max={999} onChange={(v) => set((c) => (c.number = v ?? 0))} />
            </div>
            <fieldset class="cfg-choices">
              <legend>{t('sup.cfg.counterServices')}</legend>
              {config.services.map((service) => (
                <Check
                  key={service.id}
                  label={local(service.name) || service.id}
                  checked={counter.services.includes(service.id)}
                  onChange={(on) =>
                    set((c) => {
                      c.services = on ? [...c.services, service.id] : c.services.filter((id) => id !== service.id);
                    })
                  }
                />
              ))}
            </fieldset>
          </Card>
        );
      })}
    </>
  );
}

/* Officers. */

function OfficersSection({ config, base }: { config: EditableConfig; base: EditableConfig }) {
  const { t } = useAppState();
  const resetting = useSignal<EditableOfficer | null>(null);
  const done = useSignal<string | null>(null);
  const add = () => edit((c) => c.officers.push({ id: '', name: '', role: 'officer', disabled: false, password: '' }));
  return (
    <>
      <SectionHead title={t('sup.cfg.sec.officers')} intro={t('sup.cfg.officers.intro')} addLabel={t('sup.cfg.officers.add')} onAdd={add} />
      {done.value && (
        <p class="outcome outcome--ok" role="status" data-testid="password-outcome">
          {done.value}
        </p>
      )}
      {config.officers.map((officer, i) => {
        const isNew = !base.officers.some((o) => o.id === officer.id && officer.id !== '');
        const set = (change: (o: EditableOfficer) => void) => edit((c) => change(c.officers[i]!));
        const anyCounter = officer.counters === undefined;
        return (
          <Card
            key={i}
            title={officer.name || officer.id || t('sup.cfg.officers.unnamed')}
            testId={`cfg-officer-${officer.id || `new-${i}`}`}
            isNew={isNew}
            onRemove={isNew ? () => edit((c) => c.officers.splice(i, 1)) : null}
          >
            <div class="cfg-grid">
              <TextField label={t('sup.cfg.username')} value={officer.id} disabled={!isNew} maxLength={40} onInput={(v) => set((o) => (o.id = v.trim().toLowerCase()))} />
              <TextField label={t('sup.cfg.fullName')} value={officer.name} maxLength={80} onInput={(v) => set((o) => (o.name = v))} />
              <label class="cfg-field">
                <span class="cfg-field__label">{t('sup.cfg.role')}</span>
                <select class="cfg-input" value={officer.role} onChange={(e) => set((o) => (o.role = e.currentTarget.value === 'supervisor' ? 'supervisor' : 'officer'))}>
                  <option value="officer">{t('sup.cfg.role.officer')}</option>
                  <option value="supervisor">{t('sup.cfg.role.supervisor')}</option>
                </select>
              </label>
              {isNew ? (
                <TextField
                  label={t('sup.cfg.password')}
                  type="password"
                  value={officer.password ?? ''}
                  maxLength={200}
                  onInput={(v) => set((o) => (o.password = v))}
                />
              ) : (
                <div class="cfg-field cfg-field--button">
                  <span class="cfg-field__label">{t('sup.cfg.password')}</span>
                  <button type="button" class="pad-button pad-button--small" onClick={() => (resetting.value = officer)}>
                    {t('sup.cfg.resetPassword')}
                  </button>
                </div>
              )}
            </div>
            <div class="cfg-row">
              <Check label={t('sup.cfg.disabled')} checked={officer.disabled} onChange={(on) => set((o) => (o.disabled = on))} />
            </div>
            <fieldset class="cfg-choices">
              <legend>{t('sup.cfg.allowedCounters')}</legend>
              <Check
                label={t('sup.cfg.anyCounter')}
                checked={anyCounter}
                onChange={(on) =>
                  set((o) => {
                    if (on) delete o.counters;
                    else o.counters = [];
                  })
                }
              />
              {!anyCounter &&
                config.counters.map((counter) => (
                  <Check
                    key={counter.id}
                    label={t('counter.counterN', { number: counter.number })}
                    checked={officer.counters?.includes(counter.id) ?? false}
                    onChange={(on) =>
                      set((o) => {
                        const list = o.counters ?? [];
                        o.counters = on ? [...list, counter.id] : list.filter((id) => id !== counter.id);
                      })
                    }
                  />
                ))}
            </fieldset>
          </Card>
        );
      })}
      {resetting.value && (
        <PasswordDialog
          officer={resetting.value}
          onClose={() => (resetting.value = null)}
          onDone={(text) => {
            resetting.value = null;
            done.value = text;
          }}
        />
      )}
    </>
  );
}

function PasswordDialog(props: { officer: EditableOfficer; onClose: () => void; onDone: (text: string) => void }) {
  const state = useAppState();
  const { t } = state;
  const first = useSignal('');
  const second = useSignal('');
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    if (first.value.length < 8) return void (error.value = t('sup.cfg.passwordShort'));
    if (first.value !== second.value) return void (error.value = t('sup.cfg.passwordMismatch'));
    busy.value = true;
    const answer = await state.client.command('officer:set-password', { officerId: props.officer.id, password: first.value });
    busy.value = false;
    if (!answer.ok) return void (error.value = answer.message);
    versionMovedTo(answer.data.version);
    props.onDone(t('sup.cfg.passwordSet', { name: props.officer.name }));
  };
  return (
    <Modal title={t('sup.cfg.resetTitle', { name: props.officer.name })} onClose={props.onClose}>
      <form class="cfg-password" onSubmit={(e) => void submit(e)} autocomplete="off">
        <label class="field">
          <span class="field__label">{t('sup.cfg.newPassword')}</span>
          <input class="field__input" type="password" autocomplete="new-password" value={first.value} onInput={(e) => (first.value = e.currentTarget.value)} />
        </label>
        <label class="field">
          <span class="field__label">{t('sup.cfg.repeatPassword')}</span>
          <input class="field__input" type="password" autocomplete="new-password" value={second.value} onInput={(e) => (second.value = e.currentTarget.value)} />
        </label>
        <p class="sup-hint">{t('sup.cfg.passwordRule')}</p>
        {error.value && (
          <p class="form-error" role="alert">
            {error.value}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="pad-button pad-button--quiet" onClick={props.onClose}>
            {t('counter.cancel')}
          </button>
          <button type="submit" class="pad-button pad-button--primary" disabled={busy.value}>
            {t('sup.cfg.setPassword')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/* Priority groups and the calling order. */

function PrioritySection({ config, base }: { config: EditableConfig; base: EditableConfig }) {
  const { t, local } = useAppState();
  const o = config.ordering;
  const setOrdering = (change: (x: EditableConfig['ordering']) => void) => edit((c) => change(c.ordering));
  return (
    <>
      <SectionHead
        title={t('sup.cfg.groups')}
        intro={t('sup.cfg.groups.intro')}
        addLabel={t('sup.cfg.groups.add')}
        onAdd={() => edit((c) => c.priorityGroups.push({ id: '', name: { vi: '', en: '' } }))}
      />
      {config.priorityGroups.map((group, i) => {
        const isNew = !base.priorityGroups.some((g) => g.id === group.id && group.id !== '');
        const set = (change: (g: EditableConfig['priorityGroups'][number]) => void) => edit((c) => change(c.priorityGroups[i]!));
        return (
          <Card
            key={i}
            title={local(group.name) || group.id || t('sup.cfg.services.unnamed')}
            testId={`cfg-group-${group.id || `new-${i}`}`}
            isNew={isNew}
            onRemove={() => edit((c) => c.priorityGroups.splice(i, 1))}
          >
            <div class="cfg-grid">
              <TextField label={t('sup.cfg.id')} value={group.id} disabled={!isNew} maxLength={40} onInput={(v) => set((g) => (g.id = v.trim().toLowerCase()))} />
              <TextField label={t('sup.cfg.nameVi')} value={group.name.vi} maxLength={120} onInput={(v) => set((g) => (g.name.vi = v))} />
              <TextField label={t('sup.cfg.nameEn')} value={group.name.en} maxLength={120} onInput={(v) => set((g) => (g.name.en = v))} />
            </div>
          </Card>
        );
      })}

      <div class="cfg-section-head cfg-section-head--spaced">
        <h2 class="sup-heading">{t('sup.cfg.ordering')}</h2>
      </div>
      <article class="cfg-card">
        <fieldset class="cfg-choices cfg-choices--stack">
          <legend>{t('sup.cfg.ordering.priority')}</legend>
          <Radio name="priority" label={t('sup.cfg.ordering.interleave')} hint={t('sup.cfg.ordering.interleaveHint')} checked={o.priority === 'interleave'} onChange={() => setOrdering((x) => (x.priority = 'interleave'))} />
          {o.priority === 'interleave' && (
            <div class="cfg-grid cfg-grid--indent">
              <NumberField label={t('sup.cfg.ordering.normal')} value={o.interleave.normal} min={1} max={20} onChange={(v) => setOrdering((x) => (x.interleave.normal = v ?? 1))} />
              <NumberField label={t('sup.cfg.ordering.priorityCount')} value={o.interleave.priority} min={1} max={20} onChange={(v) => setOrdering((x) => (x.interleave.priority = v ?? 1))} />
            </div>
          )}
          <Radio name="priority" label={t('sup.cfg.ordering.priorityFirst')} hint={t('sup.cfg.ordering.priorityFirstHint')} checked={o.priority === 'priority-first'} onChange={() => setOrdering((x) => (x.priority = 'priority-first'))} />
          <Radio name="priority" label={t('sup.cfg.ordering.fifo')} hint={t('sup.cfg.ordering.fifoHint')} checked={o.priority === 'fifo'} onChange={() => setOrdering((x) => (x.priority = 'fifo'))} />
        </fieldset>
        <fieldset class="cfg-choices cfg-choices--stack">
          <legend>{t('sup.cfg.ordering.across')}</legend>
          <Radio name="across" label={t('sup.cfg.ordering.oldest')} hint={t('sup.cfg.ordering.oldestHint')} checked={o.acrossServices === 'oldest-first'} onChange={() => setOrdering((x) => (x.acrossServices = 'oldest-first'))} />
          <Radio name="across" label={t('sup.cfg.ordering.counterOrder')} hint={t('sup.cfg.ordering.counterOrderHint')} checked={o.acrossServices === 'counter-order'} onChange={() => setOrdering((x) => (x.acrossServices = 'counter-order'))} />
        </fieldset>
      </article>
    </>
  );
}

/* Holidays of the dossier calendar. */

function HolidaysSection({ config }: { config: EditableConfig }) {
  const { t } = useAppState();
  const day = useSignal('');
  const holidays = [...config.dossiers.calendar.holidays].sort();
  const add = () => {
    const value = day.value;
    if (!isIsoDay(value)) return;
    edit((c) => {
      if (!c.dossiers.calendar.holidays.includes(value)) c.dossiers.calendar.holidays = [...c.dossiers.calendar.holidays, value].sort();
    });
    day.value = '';
  };
  return (
    <>
      <SectionHead title={t('sup.cfg.sec.holidays')} intro={t('sup.cfg.holidays.intro')} />
      <article class="cfg-card">
        <form
          class="cfg-row"
          onSubmit={(e) => {
            e.preventDefault();
            add();
          }}
        >
          <label class="cfg-field">
            <span class="cfg-field__label">{t('sup.cfg.holidays.day')}</span>
            <input class="cfg-input" type="date" value={day.value} onInput={(e) => (day.value = e.currentTarget.value)} />
          </label>
          <button type="submit" class="pad-button pad-button--small pad-button--primary" disabled={!isIsoDay(day.value)}>
            {t('sup.cfg.holidays.add')}
          </button>
        </form>
        {holidays.length === 0 ? (
          <p class="sup-muted">{t('sup.cfg.holidays.none')}</p>
        ) : (
          <ul class="cfg-holidays">
            {holidays.map((h) => (
              <li key={h} class="cfg-holidays__item">
                <span>
                  {t(WEEKDAY_LONG[isoWeekday(h)]!)}, {formatDay(h)}
                </span>
                <button
                  type="button"
                  class="pad-message__close"
                  aria-label={t('sup.cfg.holidays.remove', { day: formatDay(h) })}
                  onClick={() => edit((c) => (c.dossiers.calendar.holidays = c.dossiers.calendar.holidays.filter((x) => x !== h)))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </article>
    </>
  );
}

/**
 * Which service gives the numbers for each published field of the procedure catalog: by name
 * unless chosen here (`procedures.fields`); a field with none gets no "take a number" at the kiosk.
 */
function ProceduresSection({ config }: { config: EditableConfig }) {
  const { t, local } = useAppState();
  const catalog = catalogInScreen.value;
  const fields = new Map<string, number>();
  for (const p of catalog?.view.procedures ?? []) fields.set(p.field, (fields.get(p.field) ?? 0) + 1);
  const byName = fieldServicesByName([...fields.keys()], config.services);
  return (
    <>
      <SectionHead title={t('sup.cfg.sec.procedures')} intro={t('sup.cfg.procedures.intro')} />
      {fields.size === 0 ? (
        <p class="sup-muted">{t('supProc.none')}</p>
      ) : (
        <article class="cfg-card" data-testid="cfg-procedures">
          {[...fields.entries()].map(([field, count]) => {
            const chosen = config.procedures.fields[field] ?? '';
            const named = byName[field];
            return (
              <label class="cfg-field cfg-procedure-field" key={field}>
                <span class="cfg-field__label">
                  {field} <span class="sup-muted">({t('procedures.count', { count })})</span>
                </span>
                <select
                  class="cfg-input"
                  value={chosen}
                  onChange={(e) => {
                    const value = e.currentTarget.value;
                    edit((c) => {
                      const next = { ...c.procedures.fields };
                      if (value) next[field] = value;
                      else delete next[field];
                      c.procedures = { ...c.procedures, fields: next };
                    });
                  }}
                >
                  <option value="">
                    {named ? t('sup.cfg.procedures.byName', { service: local(config.services.find((s) => s.id === named)?.name) }) : t('sup.cfg.procedures.noneChosen')}
                  </option>
                  {config.services.map((s) => (
                    <option key={s.id} value={s.id}>
                      {local(s.name)}
                    </option>
                  ))}
                </select>
              </label>
            );
          })}
        </article>
      )}
    </>
  );
}

/* The display's notice and the alert thresholds. */

function DisplaySection({ config }: { config: EditableConfig }) {
  const { t } = useAppState();
  const notice = config.display.notice ?? { vi: '', en: '' };
  const setNotice = (lang: 'vi' | 'en', value: string) =>
    edit((c) => {
      c.display.notice = { ...(c.display.notice ?? { vi: '', en: '' }), [lang]: value };
    });
  return (
    <>
      <SectionHead title={t('sup.cfg.notice')} intro={t('sup.cfg.notice.intro')} />
      <article class="cfg-card">
        <label class="cfg-field cfg-field--wide">
          <span class="cfg-field__label">{t('sup.cfg.notice.vi')}</span>
          <textarea class="cfg-input cfg-textarea cfg-textarea--short" maxLength={120} value={notice.vi} onInput={(e) => setNotice('vi', e.currentTarget.value)} />
        </label>
        <label class="cfg-field cfg-field--wide">
          <span class="cfg-field__label">{t('sup.cfg.notice.en')}</span>
          <textarea class="cfg-input cfg-textarea cfg-textarea--short" maxLength={120} value={notice.en} onInput={(e) => setNotice('en', e.currentTarget.value)} />
        </label>
        <div class="cfg-row">
          <span class="sup-hint">{t('sup.cfg.notice.hint')}</span>
          <button type="button" class="pad-button pad-button--small pad-button--quiet" disabled={!config.display.notice} onClick={() => edit((c) => delete c.display.notice)}>
            {t('sup.cfg.notice.clear')}
          </button>
        </div>
      </article>
      <div class="cfg-section-head cfg-section-head--spaced">
        <div>
          <h2 class="sup-heading">{t('sup.cfg.alerts')}</h2>
          <p class="sup-intro">{t('sup.cfg.alerts.intro')}</p>
        </div>
      </div>
      <article class="cfg-card">
        <div class="cfg-grid">
          <NumberField
            label={t('sup.cfg.alerts.longWait')}
            value={config.alerts.longWaitMinutes}
            min={1}
            max={600}
            onChange={(v) => edit((c) => (c.alerts.longWaitMinutes = v ?? 30))}
          />
          <NumberField
            label={t('sup.cfg.alerts.idle')}
            value={config.alerts.idleCounterMinutes}
            min={1}
            max={120}
            onChange={(v) => edit((c) => (c.alerts.idleCounterMinutes = v ?? 5))}
          />
        </div>
      </article>
    </>
  );
}

/* Security: sessions, allowed origins, kiosk networks, take limits. */

/** Lines of a text area as a list: trimmed, empty lines left out. */
function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * A list edited as text, one item a line. What was typed stays as typed (an empty line while
 * adding one); the draft gets the list. A list changed elsewhere (changes discarded) is shown anew.
 */
function LinesField(props: { label: string; lines: string[]; onChange: (lines: string[]) => void; placeholder?: string; bad: boolean; testId: string; errorId: string }) {
  const raw = useSignal(props.lines.join('\n'));
  const same = JSON.stringify(linesOf(raw.value)) === JSON.stringify(props.lines);
  return (
    <label class="cfg-field cfg-field--wide">
      <span class="cfg-field__label">{props.label}</span>
      <textarea
        class={`cfg-input cfg-textarea cfg-textarea--lines ${props.bad ? 'cfg-input--bad' : ''}`}
        spellcheck={false}
        autocapitalize="off"
        rows={Math.min(12, Math.max(3, props.lines.length + 1))}
        placeholder={props.placeholder}
        aria-invalid={props.bad ? 'true' : undefined}
        aria-describedby={props.bad ? props.errorId : undefined}
        data-testid={props.testId}
        value={same ? raw.value : props.lines.join('\n')}
        onInput={(e) => {
          raw.value = e.currentTarget.value;
          props.onChange(linesOf(raw.value));
        }}
      />
    </label>
  );
}

function SecuritySection({ config }: { config: EditableConfig }) {
  const { t } = useAppState();
  const security = config.security;
  const problems = securityProblems(security, t);
  const bad = (field: SecurityField) => problems.some((p) => p.field === field);
  const set = (change: (s: EditableConfig['security']) => void) => edit((c) => change(c.security));
  return (
    <>
      <SectionHead title={t('sup.cfg.sec.security')} intro={t('sup.cfg.security.intro')} />
      <Card title={t('sup.cfg.security.sessions')} testId="cfg-security-sessions">
        <div class="cfg-grid">
          <NumberField
            label={t('sup.cfg.security.sessionHours')}
            value={security.sessionHours}
            min={SECURITY_LIMITS.sessionHours.min}
            max={SECURITY_LIMITS.sessionHours.max}
            bad={bad('sessionHours')}
            testId="cfg-session-hours"
            onChange={(v) => set((s) => (s.sessionHours = v ?? Number.NaN))}
          />
        </div>
        <p class="sup-hint">{t('sup.cfg.security.sessionHoursHint')}</p>
        <FieldProblems problems={problems} fields={(f) => f === 'sessionHours'} />
      </Card>

      <Card title={t('sup.cfg.security.origins')} testId="cfg-security-origins">
        <p class="sup-intro">{t('sup.cfg.security.originsIntro')}</p>
        <LinesField
          label={t('sup.cfg.security.originsLabel')}
          lines={security.allowedOrigins}
          placeholder="https://motcua.example.gov.vn"
          bad={bad('allowedOrigins')}
          testId="cfg-allowed-origins"
          errorId="cfg-origins-problems"
          onChange={(lines) => set((s) => (s.allowedOrigins = lines))}
        />
        {security.allowedOrigins.length === 0 && <p class="sup-hint">{t('sup.cfg.security.originsNone')}</p>}
        <FieldProblems problems={problems} fields={(f) => f === 'allowedOrigins'} id="cfg-origins-problems" />
      </Card>

      <Card title={t('sup.cfg.security.networks')} testId="cfg-security-networks">
        <p class="sup-intro">{t('sup.cfg.security.networksIntro')}</p>
        <LinesField
          label={t('sup.cfg.security.networksLabel')}
          lines={security.kioskNetworks}
          placeholder="192.168.1.0/24"
          bad={bad('kioskNetworks')}
          testId="cfg-kiosk-networks"
          errorId="cfg-networks-problems"
          onChange={(lines) => set((s) => (s.kioskNetworks = lines))}
        />
        {security.kioskNetworks.length === 0 && <p class="sup-hint sup-hint--bad">{t('sup.cfg.security.networksNone')}</p>}
        <FieldProblems problems={problems} fields={(f) => f === 'kioskNetworks'} id="cfg-networks-problems" />
      </Card>

      <Card title={t('sup.cfg.security.limits')} testId="cfg-security-limits">
        <p class="sup-intro">{t('sup.cfg.security.limitsIntro')}</p>
        {TAKE_SOURCES.map(({ source, label, hint }) => {
          const limit = security.takeLimits[source];
          return (
            <div key={source} class="cfg-limit" role="group" aria-labelledby={`cfg-limit-${source}-title`} data-testid={`cfg-limit-${source}`}>
              <h4 class="cfg-limit__title" id={`cfg-limit-${source}-title`}>
                {t(label)}
              </h4>
              <p class="cfg-limit__hint">{t(hint)}</p>
              <div class="cfg-grid">
                <NumberField
                  label={t('sup.cfg.security.burst')}
                  value={limit.burst}
                  min={SECURITY_LIMITS.burst.min}
                  max={SECURITY_LIMITS.burst.max}
                  bad={bad(`${source}.burst`)}
                  onChange={(v) => set((s) => (s.takeLimits[source].burst = v ?? Number.NaN))}
                />
                <NumberField
                  label={t('sup.cfg.security.perMinute')}
                  value={limit.perMinute}
                  min={SECURITY_LIMITS.perMinute.min}
                  max={SECURITY_LIMITS.perMinute.max}
                  bad={bad(`${source}.perMinute`)}
                  onChange={(v) => set((s) => (s.takeLimits[source].perMinute = v ?? Number.NaN))}
                />
              </div>
              <FieldProblems problems={problems} fields={(f) => f === `${source}.burst` || f === `${source}.perMinute`} />
            </div>
          );
        })}
      </Card>
    </>
  );
}

/* Devices, kiosks and bridges as raw JSON (validated by the hub). */

function DevicesSection() {
  const { t } = useAppState();
  const raw = texts.value;
  return (
    <>
      <SectionHead title={t('sup.cfg.sec.devices')} intro={t('sup.cfg.devices.intro')} />
      {JSON_PARTS.map((part) => {
        let bad: string | null = null;
        try {
          if (!Array.isArray(JSON.parse(raw[part].trim() || '[]'))) bad = t('sup.cfg.jsonNotList', { part: t(PART_LABELS[part]) });
        } catch (error) {
          bad = t('sup.cfg.jsonBad', { part: t(PART_LABELS[part]), error: (error as Error).message });
        }
        return (
          <article key={part} class="cfg-card">
            <label class="cfg-field cfg-field--wide">
              <span class="cfg-field__label">{t(PART_LABELS[part])}</span>
              <textarea
                class={`cfg-input cfg-textarea cfg-textarea--code ${bad ? 'cfg-input--bad' : ''}`}
                spellcheck={false}
                data-testid={`cfg-json-${part}`}
                value={raw[part]}
                onInput={(e) => (texts.value = { ...texts.value, [part]: e.currentTarget.value })}
              />
            </label>
            {bad && <p class="form-error">{bad}</p>}
          </article>
        );
      })}
    </>
  );
}
