import { signal } from '@preact/signals';
import type { CentreConfig, OfficerConfig } from '../server/config/centre-config';
import type { SecurityConfig } from '../server/config/security-config';
import type { HubClient } from '../server/protocol/hub-client';
import type { AppState } from '../server/ui/app-state';

/**
 * The configuration as the supervisor edits it: what config:get gave (no password hashes), a
 * draft changed field by field, and the raw JSON of devices, kiosks and bridges. Kept outside the
 * screen so that looking at another tab does not lose unsaved changes.
 */
export type EditableOfficer = Omit<OfficerConfig, 'passwordHash'> & { password?: string };
export type EditableConfig = Omit<CentreConfig, 'officers'> & { officers: EditableOfficer[] };

export const JSON_PARTS = ['devices', 'kiosks', 'bridges'] as const;
export type JsonPart = (typeof JSON_PARTS)[number];
export type JsonTexts = Record<JsonPart, string>;

export interface Loaded {
  /** Whose edit this is: another supervisor logging in on this tab starts afresh. */
  officerId: string;
  version: number;
  config: EditableConfig;
  texts: JsonTexts;
}

/** The outcome of the last save or import, worded when shown so that it follows the language. */
export type Outcome =
  | { kind: 'saved'; version: number }
  | { kind: 'refused'; code: 'INVALID_CONFIG' | 'UNSAFE_CONFIG_CHANGE' | 'LOCAL'; problems: string[]; sent: Record<string, unknown> | null }
  | { kind: 'conflict' }
  | { kind: 'error'; message: string };

export const outcome = signal<Outcome | null>(null);

export const loaded = signal<Loaded | null>(null);
export const draft = signal<EditableConfig | null>(null);
export const texts = signal<JsonTexts>({ devices: '[]', kiosks: '[]', bridges: '[]' });

/** Changes the draft: a copy, changed, put back (the configuration is small). */
export function edit(change: (config: EditableConfig) => void): void {
  const current = draft.peek();
  if (!current) return;
  const next = structuredClone(current);
  change(next);
  draft.value = next;
}

export function textsOf(config: EditableConfig): JsonTexts {
  return {
    devices: JSON.stringify(config.devices ?? [], null, 2),
    kiosks: JSON.stringify(config.kiosks ?? [], null, 2),
    bridges: JSON.stringify(config.bridges ?? [], null, 2),
  };
}

export function isDirty(): boolean {
  const base = loaded.value;
  const current = draft.value;
  if (!base || !current) return false;
  return JSON.stringify(current) !== JSON.stringify(base.config) || JSON_PARTS.some((p) => texts.value[p] !== base.texts[p]);
}

/** Asks the hub for its configuration and starts a fresh draft of it. */
export async function loadConfig(client: HubClient, officerId: string): Promise<{ ok: true } | { ok: false; message: string }> {
  const answer = await client.request('config:get', {});
  if (!answer.ok) return { ok: false, message: answer.message };
  const config = answer.data.config as EditableConfig;
  const fresh: Loaded = { officerId, version: answer.data.version, config, texts: textsOf(config) };
  loaded.value = fresh;
  draft.value = structuredClone(config);
  texts.value = { ...fresh.texts };
  return { ok: true };
}

export function discardChanges(): void {
  const base = loaded.peek();
  if (!base) return;
  draft.value = structuredClone(base.config);
  texts.value = { ...base.texts };
}

/** The set-password command changed only a hash: the draft is still good for the next version. */
export function versionMovedTo(version: number): void {
  outcome.value = null; // "saved as version N" would now be out of date
  const base = loaded.peek();
  if (base && version === base.version + 1) loaded.value = { ...base, version };
}

/**
 * The configuration to send: the raw JSON parts parsed, empty optional fields left out, and new
 * officers' passwords checked (the hub hashes them). Problems are worded for the supervisor.
 */
export function payloadOf(
  config: EditableConfig,
  raw: JsonTexts,
  base: EditableConfig | null,
  t: AppState['t'],
  lang: 'vi' | 'en' = 'vi',
): { ok: true; config: Record<string, unknown> } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const out = structuredClone(config) as EditableConfig & Record<string, unknown>;
  for (const part of JSON_PARTS) {
    try {
      const value: unknown = JSON.parse(raw[part].trim() || '[]');
      if (!Array.isArray(value)) problems.push(t('sup.cfg.jsonNotList', { part: t(PART_LABELS[part]) }));
      else out[part] = value as never;
    } catch (error) {
      problems.push(t('sup.cfg.jsonBad', { part: t(PART_LABELS[part]), error: (error as Error).message }));
    }
  }
  for (const service of out.services) {
    if (service.dailyLimit === undefined || service.dailyLimit === null || Number.isNaN(service.dailyLimit)) delete service.dailyLimit;
    if (service.hours && service.hours.length === 0) delete service.hours;
    if (!service.icon) delete service.icon;
  }
  for (const officer of out.officers) {
    const known = base?.officers.some((o) => o.id === officer.id) ?? false;
    const password = officer.password ?? '';
    if (!password) delete officer.password;
    if (!known && !password) problems.push(t('sup.cfg.needPassword', { name: officer.name || officer.id || '?' }));
    else if (password && password.length < 8) problems.push(t('sup.cfg.shortPassword', { name: officer.name || officer.id || '?' }));
  }
  if (out.security) problems.push(...securityProblems(out.security, t).map((p) => p.text));
  if (out.booking) problems.push(...bookingProblems(out, t, lang).map((p) => p.text));
  const notice = out.display.notice;
  if (notice && !notice.vi.trim() && !notice.en.trim()) delete out.display.notice;
  out.dossiers.calendar.holidays = [...new Set(out.dossiers.calendar.holidays)].sort();
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: out };
}

/** The hub's own limits (server/config/security-config.ts), checked here to word them for the supervisor. */
export const SECURITY_LIMITS = {
  sessionHours: { min: 1, max: 168 },
  burst: { min: 1, max: 1_000_000 },
  perMinute: { min: 1, max: 10_000_000 },
  origins: 50,
  networks: 100,
} as const;

export const TAKE_SOURCES = [
  { source: 'perKiosk', label: 'sup.cfg.security.perKiosk', hint: 'sup.cfg.security.perKioskHint' },
  { source: 'perAddress', label: 'sup.cfg.security.perAddress', hint: 'sup.cfg.security.perAddressHint' },
  { source: 'perIntegration', label: 'sup.cfg.security.perIntegration', hint: 'sup.cfg.security.perIntegrationHint' },
] as const;
export type TakeSource = (typeof TAKE_SOURCES)[number]['source'];

/** Which field of the security section a problem is about: shown beside it, and listed on saving. */
export type SecurityField = 'sessionHours' | 'allowedOrigins' | 'kioskNetworks' | `${TakeSource}.${'burst' | 'perMinute'}`;

/** A web origin: scheme, host and port, no path (https://motcua.example.gov.vn, http://10.0.0.5:8080). */
export function isOrigin(text: string): boolean {
  if (!/^https?:\/\/[^\s/?#]+$/.test(text)) return false;
  try {
    const url = new URL(text);
    return url.hostname !== '' && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** An IPv4 or IPv6 network in CIDR notation: 192.168.1.0/24, fd00::/8. */
export function isNetwork(text: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (v4) return v4.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(v4[5]) <= 32;
  const v6 = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(text);
  if (!v6 || !v6[1]!.includes(':') || Number(v6[2]) > 128) return false;
  try {
    // The browser's URL parser knows IPv6 addresses (and refuses what is not one).
    new URL(`http://[${v6[1]}]/`);
    return true;
  } catch {
    return false;
  }
}

function inRange(value: number, range: { min: number; max: number }, whole: boolean): boolean {
  return Number.isFinite(value) && value >= range.min && value <= range.max && (!whole || Number.isInteger(value));
}

/** What is wrong in the security section, worded for the supervisor; nothing when it may be sent. */
export function securityProblems(security: SecurityConfig, t: AppState['t']): { field: SecurityField; text: string }[] {
  const problems: { field: SecurityField; text: string }[] = [];
  if (!inRange(security.sessionHours, SECURITY_LIMITS.sessionHours, false)) problems.push({ field: 'sessionHours', text: t('sup.cfg.security.badHours') });
  for (const origin of security.allowedOrigins)
    if (!isOrigin(origin)) problems.push({ field: 'allowedOrigins', text: t('sup.cfg.security.badOrigin', { value: origin }) });
  if (security.allowedOrigins.length > SECURITY_LIMITS.origins)
    problems.push({ field: 'allowedOrigins', text: t('sup.cfg.security.tooMany', { part: t('sup.cfg.security.origins'), max: SECURITY_LIMITS.origins }) });
  for (const network of security.kioskNetworks)
    if (!isNetwork(network)) problems.push({ field: 'kioskNetworks', text: t('sup.cfg.security.badNetwork', { value: network }) });
  if (security.kioskNetworks.length > SECURITY_LIMITS.networks)
    problems.push({ field: 'kioskNetworks', text: t('sup.cfg.security.tooMany', { part: t('sup.cfg.security.networks'), max: SECURITY_LIMITS.networks }) });
  for (const { source, label } of TAKE_SOURCES) {
    const limit = security.takeLimits[source];
    if (!inRange(limit.burst, SECURITY_LIMITS.burst, true)) problems.push({ field: `${source}.burst`, text: t('sup.cfg.security.badBurst', { source: t(label) }) });
    if (!inRange(limit.perMinute, SECURITY_LIMITS.perMinute, true))
      problems.push({ field: `${source}.perMinute`, text: t('sup.cfg.security.badPerMinute', { source: t(label) }) });
  }
  return problems;
}

/* Online booking: the rules and the slot templates (server/config/booking-config.ts). */

type BookingRules = EditableConfig['booking'];
export type BookableServiceConfig = BookingRules['services'][number];
export type SlotTemplateConfig = BookableServiceConfig['slots'][number];

/** The numeric rules, in groups, with the hub's own limits (checked here to word them). */
export const BOOKING_RULES = [
  { group: 'sup.cfg.booking.group.booking', key: 'horizonDays', label: 'sup.cfg.booking.horizonDays', min: 0, max: 60 },
  { group: 'sup.cfg.booking.group.booking', key: 'closeBeforeMinutes', label: 'sup.cfg.booking.closeBefore', min: 0, max: 1440 },
  { group: 'sup.cfg.booking.group.booking', key: 'holdMinutes', label: 'sup.cfg.booking.hold', min: 1, max: 30 },
  { group: 'sup.cfg.booking.group.person', key: 'perPhonePerDay', label: 'sup.cfg.booking.perPhone', min: 1, max: 10 },
  { group: 'sup.cfg.booking.group.person', key: 'perServicePerDay', label: 'sup.cfg.booking.perService', min: 1, max: 10 },
  { group: 'sup.cfg.booking.group.arrival', key: 'checkIn.earlyMinutes', label: 'sup.cfg.booking.early', min: 0, max: 240 },
  { group: 'sup.cfg.booking.group.arrival', key: 'checkIn.lateMinutes', label: 'sup.cfg.booking.late', min: 0, max: 240 },
  { group: 'sup.cfg.booking.group.arrival', key: 'bookedInARow', label: 'sup.cfg.booking.inARow', min: 1, max: 20 },
  { group: 'sup.cfg.booking.group.noShow', key: 'noShow.limit', label: 'sup.cfg.booking.noShowLimit', min: 1, max: 20 },
  { group: 'sup.cfg.booking.group.noShow', key: 'noShow.windowDays', label: 'sup.cfg.booking.noShowWindow', min: 1, max: 365 },
  { group: 'sup.cfg.booking.group.noShow', key: 'noShow.banDays', label: 'sup.cfg.booking.banDays', min: 0, max: 365 },
  { group: 'sup.cfg.booking.group.reminders', key: 'reminders.beforeMinutes', label: 'sup.cfg.booking.remindBefore', min: 10, max: 600 },
] as const;
export type BookingRuleKey = (typeof BOOKING_RULES)[number]['key'];
export const SLOT_LIMITS = { slotMinutes: { min: 5, max: 240 }, places: { min: 1, max: 500 } } as const;

/** The object that holds a rule, and the rule's name in it ("noShow.limit": rules.noShow, "limit"). */
function holderOf(rules: BookingRules, key: BookingRuleKey): [Record<string, number>, string] {
  const parts = key.split('.');
  const root = rules as unknown as Record<string, unknown>;
  return parts.length === 2 ? [root[parts[0]!] as Record<string, number>, parts[1]!] : [root as Record<string, number>, key];
}

export function ruleValue(rules: BookingRules, key: BookingRuleKey): number {
  const [holder, name] = holderOf(rules, key);
  return holder[name] ?? Number.NaN;
}

export function setRule(rules: BookingRules, key: BookingRuleKey, value: number): void {
  const [holder, name] = holderOf(rules, key);
  holder[name] = value;
}

const HHMM = /^([01]\d|2[0-4]):[0-5]\d$/;
function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** The slots a template gives on one of its days (0 when it is not valid). */
export function slotsOf(template: SlotTemplateConfig): number {
  if (!HHMM.test(template.from) || !HHMM.test(template.to) || !(template.slotMinutes >= SLOT_LIMITS.slotMinutes.min)) return 0;
  return Math.max(0, Math.floor((minutesOf(template.to) - minutesOf(template.from)) / template.slotMinutes));
}

/** Which part of the booking section a problem is about: shown beside it, and listed on saving. */
export type BookingField = `rule:${BookingRuleKey}` | 'eveningAt' | 'phoneCheck' | `service:${string}`;

/** What is wrong in the booking section, worded for the supervisor; nothing when it may be sent. */
export function bookingProblems(config: EditableConfig, t: AppState['t'], lang: 'vi' | 'en' = 'vi'): { field: BookingField; text: string }[] {
  const rules = config.booking;
  const problems: { field: BookingField; text: string }[] = [];
  for (const rule of BOOKING_RULES)
    if (!inRange(ruleValue(rules, rule.key), rule, true))
      problems.push({ field: `rule:${rule.key}`, text: t('sup.cfg.booking.badRule', { rule: t(rule.label), min: rule.min, max: rule.max }) });
  if (!HHMM.test(rules.reminders.eveningAt)) problems.push({ field: 'eveningAt', text: t('sup.cfg.booking.badEvening') });
  if (rules.enabled && rules.phoneCheck === 'sms' && !config.notifications?.sms) problems.push({ field: 'phoneCheck', text: t('sup.cfg.booking.needSms') });
  for (const bookable of rules.services) {
    const service = config.services.find((s) => s.id === bookable.serviceId);
    const name = service?.name[lang] || bookable.serviceId;
    const field = `service:${bookable.serviceId}` as const;
    if (!service) problems.push({ field, text: t('sup.cfg.booking.unknownService', { service: name }) });
    if (bookable.slots.length === 0) problems.push({ field, text: t('sup.cfg.booking.noSlots', { service: name }) });
    bookable.slots.forEach((slot, i) => {
      const where = { service: name, n: i + 1 };
      if (slot.days.length === 0) problems.push({ field, text: t('sup.cfg.booking.noDays', where) });
      if (!HHMM.test(slot.from) || !HHMM.test(slot.to)) problems.push({ field, text: t('sup.cfg.booking.badHours', where) });
      else if (!inRange(slot.slotMinutes, SLOT_LIMITS.slotMinutes, true))
        problems.push({ field, text: t('sup.cfg.booking.badSlotMinutes', { ...where, ...SLOT_LIMITS.slotMinutes }) });
      else if (minutesOf(slot.from) + slot.slotMinutes > minutesOf(slot.to)) problems.push({ field, text: t('sup.cfg.booking.noRoom', where) });
      if (!inRange(slot.places, SLOT_LIMITS.places, true)) problems.push({ field, text: t('sup.cfg.booking.badPlaces', { ...where, ...SLOT_LIMITS.places }) });
    });
  }
  return problems;
}

export const PART_LABELS = {
  devices: 'sup.cfg.part.devices',
  kiosks: 'sup.cfg.part.kiosks',
  bridges: 'sup.cfg.part.bridges',
} as const;

/**
 * A problem as the hub words it (`services[2].numbering.prefix: ...`), with the list item named
 * as the supervisor knows it ("Lĩnh vực Hộ tịch") instead of its position.
 */
export function describeProblem(problem: string, config: Record<string, unknown> | null, t: AppState['t'], lang: 'vi' | 'en'): { where: string | null; text: string } {
  if (problem.startsWith('security.')) return { where: t('sup.cfg.sec.security'), text: problem.slice('security.'.length) };
  if (problem.startsWith('booking.')) return { where: t('sup.cfg.booking.section'), text: problem.slice('booking.'.length) };
  const match = /^(services|counters|officers|priorityGroups|devices|kiosks|bridges)\[(\d+)\]\.?(.*)$/.exec(problem);
  if (!match || !config) return { where: null, text: problem };
  const [, list, index, rest] = match as unknown as [string, string, string, string];
  const item = (config[list] as Record<string, unknown>[] | undefined)?.[Number(index)];
  const name = item ? itemName(list, item, lang) : `#${Number(index) + 1}`;
  const kind: Record<string, Parameters<AppState['t']>[0]> = {
    services: 'sup.cfg.where.service',
    counters: 'sup.cfg.where.counter',
    officers: 'sup.cfg.where.officer',
    priorityGroups: 'sup.cfg.where.group',
    devices: 'sup.cfg.part.devices',
    kiosks: 'sup.cfg.part.kiosks',
    bridges: 'sup.cfg.part.bridges',
  };
  return { where: `${t(kind[list]!)} ${name}`, text: rest };
}

function itemName(list: string, item: Record<string, unknown>, lang: 'vi' | 'en'): string {
  if (list === 'counters' && typeof item.number === 'number') return String(item.number);
  const name = item.name;
  if (name && typeof name === 'object' && typeof (name as Record<string, unknown>)[lang] === 'string' && (name as Record<string, string>)[lang])
    return `«${(name as Record<string, string>)[lang]}»`;
  if (typeof name === 'string' && name) return `«${name}»`;
  return typeof item.id === 'string' && item.id ? `«${item.id}»` : '';
}
