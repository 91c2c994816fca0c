import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { ProvinceBookingCaps, ProvinceSettings } from '../../server/protocol/link-protocol';
import { api, t } from './province-state';

/** One date a line (or separated by commas), as YYYY-MM-DD or DD/MM/YYYY: the dates, or the first line that is not one. */
export function parseDays(text: string): { days: string[] } | { bad: string } {
  const days: string[] = [];
  for (const part of text.split(/[\n,;]+/).map((p) => p.trim()).filter(Boolean)) {
    const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(part);
    const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(part);
    const [y, m, d] = iso ? [iso[1]!, iso[2]!, iso[3]!] : vn ? [vn[3]!, vn[2]!.padStart(2, '0'), vn[1]!.padStart(2, '0')] : [];
    const day = y ? `${y}-${m}-${d}` : '';
    if (!y || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) return { bad: part };
    days.push(day);
  }
  return { days };
}

/** The province's booking limits, each a field: [name, smallest, largest]. */
const LIMITS: [keyof ProvinceBookingCaps, number, number][] = [
  ['perPhonePerDay', 1, 10],
  ['perServicePerDay', 1, 10],
  ['horizonDays', 0, 60],
];

/** A limit typed: null when empty, the number when it is one in range, or 'bad'. */
export function parseLimit(text: string, min: number, max: number): number | null | 'bad' {
  const value = text.trim();
  if (value === '') return null;
  if (!/^\d{1,2}$/.test(value)) return 'bad';
  const n = Number(value);
  return n >= min && n <= max ? n : 'bad';
}

const shown = (days: readonly string[]) => days.map((d) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`).join('\n');

/**
 * What the province sets for all its centres (admins): days off and make-up days on top of every
 * centre's own calendar, and a notice for every centre's displays. Saving sends them to every
 * centre; bookings on a new day off are cancelled and their citizens told.
 */
export function SettingsScreen() {
  const loaded = useSignal<ProvinceSettings | null>(null);
  const holidays = useSignal('');
  const workdays = useSignal('');
  const noticeVi = useSignal('');
  const noticeEn = useSignal('');
  const limits = useSignal<Record<keyof ProvinceBookingCaps, string>>({ perPhonePerDay: '', perServicePerDay: '', horizonDays: '' });
  const message = useSignal<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const busy = useSignal(false);

  const fill = (s: ProvinceSettings) => {
    loaded.value = s;
    holidays.value = shown(s.holidays);
    workdays.value = shown(s.workdays);
    noticeVi.value = s.notice?.vi ?? '';
    noticeEn.value = s.notice?.en ?? '';
    const b = s.booking ?? { perPhonePerDay: null, perServicePerDay: null, horizonDays: null };
    limits.value = { perPhonePerDay: b.perPhonePerDay?.toString() ?? '', perServicePerDay: b.perServicePerDay?.toString() ?? '', horizonDays: b.horizonDays?.toString() ?? '' };
  };
  useEffect(() => {
    void api<ProvinceSettings>('GET', '/settings').then((answer) => {
      if (answer.ok) fill(answer.data);
      else message.value = { kind: 'error', text: answer.message ?? t(`error.${answer.error}`) };
    });
  }, []);

  const save = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    const off = parseDays(holidays.value);
    const on = parseDays(workdays.value);
    if ('bad' in off || 'bad' in on) {
      message.value = { kind: 'error', text: t('province.settings.badDay', { day: 'bad' in off ? off.bad : 'bad' in on ? on.bad : '' }) };
      return;
    }
    const vi = noticeVi.value.trim();
    const en = noticeEn.value.trim();
    if (Boolean(vi) !== Boolean(en)) {
      message.value = { kind: 'error', text: t('province.settings.noticeBoth') };
      return;
    }
    const booking = { perPhonePerDay: null, perServicePerDay: null, horizonDays: null } as Record<keyof ProvinceBookingCaps, number | null>;
    for (const [name, min, max] of LIMITS) {
      const value = parseLimit(limits.value[name], min, max);
      if (value === 'bad') {
        message.value = { kind: 'error', text: t('province.settings.badLimit', { value: limits.value[name], min, max }) };
        return;
      }
      booking[name] = value;
    }
    busy.value = true;
    const answer = await api<ProvinceSettings>('PUT', '/settings', { holidays: off.days, workdays: on.days, notice: vi ? { vi, en } : null, booking });
    busy.value = false;
    if (answer.ok) {
      fill(answer.data);
      message.value = { kind: 'ok', text: t('province.settings.saved', { version: answer.data.version }) };
    } else message.value = { kind: 'error', text: answer.message ?? t(`error.${answer.error}`) };
  };

  // The fields only once the settings are read: what is typed is never overwritten by them.
  if (loaded.value === null)
    return (
      <section class="pv-card pv-settings">
        <h2 class="pv-heading">{t('province.settings.title')}</h2>
        {message.value ? (
          <p class="pv-error" role="alert">
            {message.value.text}
          </p>
        ) : (
          <p class="pv-muted">{t('province.loading')}</p>
        )}
      </section>
    );
  return (
    <form class="pv-card pv-settings" onSubmit={(e) => void save(e)} data-testid="pv-settings">
      <h2 class="pv-heading">{t('province.settings.title')}</h2>
      <p class="pv-muted">{t('province.settings.intro')}</p>
      <label class="pv-field">
        <span>{t('province.settings.holidays')}</span>
        <textarea rows={5} value={holidays.value} onInput={(e) => (holidays.value = e.currentTarget.value)} data-testid="pv-settings-holidays" />
      </label>
      <label class="pv-field">
        <span>{t('province.settings.workdays')}</span>
        <textarea rows={2} value={workdays.value} onInput={(e) => (workdays.value = e.currentTarget.value)} data-testid="pv-settings-workdays" />
      </label>
      <label class="pv-field">
        <span>{t('province.settings.noticeVi')}</span>
        <input maxLength={300} value={noticeVi.value} onInput={(e) => (noticeVi.value = e.currentTarget.value)} data-testid="pv-settings-notice-vi" />
      </label>
      <label class="pv-field">
        <span>{t('province.settings.noticeEn')}</span>
        <input maxLength={300} value={noticeEn.value} onInput={(e) => (noticeEn.value = e.currentTarget.value)} data-testid="pv-settings-notice-en" />
      </label>
      <fieldset class="pv-fieldset">
        <legend>{t('province.settings.limits')}</legend>
        <p class="pv-muted">{t('province.settings.limitsHint')}</p>
        {LIMITS.map(([name, min, max]) => (
          <label class="pv-field pv-field-number" key={name}>
            <span>{t(`province.settings.${name}`)}</span>
            <input
              type="text"
              inputMode="numeric"
              size={4}
              maxLength={2}
              placeholder={`${min}–${max}`}
              value={limits.value[name]}
              onInput={(e) => (limits.value = { ...limits.value, [name]: e.currentTarget.value })}
              data-testid={`pv-settings-${name}`}
            />
          </label>
        ))}
      </fieldset>
      {message.value && (
        <p class={message.value.kind === 'ok' ? 'pv-ok' : 'pv-error'} role={message.value.kind === 'ok' ? 'status' : 'alert'} data-testid="pv-settings-message">
          {message.value.text}
        </p>
      )}
      <button type="submit" class="pv-button" disabled={busy.value} data-testid="pv-settings-save">
        {t('province.settings.save')}
      </button>
    </form>
  );
}
