import { z } from 'zod';
import { bridgeConfig, deviceConfig, kioskConfig } from './device-config';
import { notificationConfig } from '../notifications/notification-config';
import { securityConfig } from './security-config';
import { bookingConfig } from './booking-config';

/**
 * The centre's configuration: what the supervisor sets up. Validated at start; a bad file stops
 * the hub with a message naming the field. Browser-safe (the apps import the types).
 */

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lowercase letters, digits and dashes (at most 40)');

export const localizedText = z.object({
  vi: z.string().trim().min(1).max(120),
  en: z.string().trim().min(1).max(120),
});
export type LocalizedText = z.infer<typeof localizedText>;

const clockTime = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'must be HH:MM (00:00-24:00)');

export function minutesOfClockTime(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Days are ISO weekdays: 1 = Monday ... 7 = Sunday. */
const openingWindow = z
  .object({
    days: z.array(z.number().int().min(1).max(7)).min(1),
    from: clockTime,
    to: clockTime,
  })
  .refine((w) => minutesOfClockTime(w.from) < minutesOfClockTime(w.to), {
    message: '"from" must be before "to"',
    path: ['to'],
  });
export type OpeningWindow = z.infer<typeof openingWindow>;

const numbering = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('prefix'),
    prefix: z.string().regex(/^[A-Z]$/, 'must be one capital letter A-Z'),
    digits: z.number().int().min(1).max(4).default(3),
  }),
  z
    .object({
      kind: z.literal('range'),
      from: z.number().int().min(0).max(99_999),
      to: z.number().int().min(0).max(99_999),
    })
    .refine((r) => r.from <= r.to, { message: '"from" must not be above "to"', path: ['to'] }),
]);
export type Numbering = z.infer<typeof numbering>;

export const serviceConfig = z.object({
  id,
  name: localizedText,
  numbering,
  /** Tickets per day; absent means no limit. */
  dailyLimit: z.number().int().positive().optional(),
  /** Absent means always open. */
  hours: z.array(openingWindow).optional(),
  /** Minutes one visitor usually takes, used until real service times are known. */
  defaultServiceMinutes: z.number().positive().max(240).default(10),
  /** Name of a pictogram the kiosk shows on the tile. */
  icon: z.string().max(40).optional(),
});
export type ServiceConfig = z.infer<typeof serviceConfig>;

export const counterConfig = z.object({
  id,
  number: z.number().int().min(1).max(999),
  services: z.array(id).min(1),
});
export type CounterConfig = z.infer<typeof counterConfig>;

export const PASSWORD_HASH_PATTERN = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/;

export const officerConfig = z.object({
  id,
  name: z.string().trim().min(1).max(80),
  role: z.enum(['officer', 'supervisor']),
  passwordHash: z.string().regex(PASSWORD_HASH_PATTERN, 'must be an scrypt hash (npm run hash-password)'),
  /** Counters this officer may work at; absent means any. */
  counters: z.array(id).optional(),
  disabled: z.boolean().default(false),
});
export type OfficerConfig = z.infer<typeof officerConfig>;

export const priorityGroupConfig = z.object({ id, name: localizedText, icon: z.string().max(40).optional() });
export type PriorityGroupConfig = z.infer<typeof priorityGroupConfig>;

export const orderingConfig = z.object({
  /**
   * How priority tickets are mixed with the others: 'interleave' calls `priority` priority tickets
   * after every `normal` normal ones (nobody starves); 'priority-first' always serves priority
   * tickets first; 'fifo' ignores priority groups.
   */
  priority: z.enum(['interleave', 'priority-first', 'fifo']).default('interleave'),
  interleave: z
    .object({ normal: z.number().int().min(1).max(20), priority: z.number().int().min(1).max(20) })
    .default(() => ({ normal: 2, priority: 1 })),
  /**
   * Across the services of a counter: 'oldest-first' takes the ticket that has queued longest;
   * 'counter-order' takes the first service in the counter's list that has anyone waiting.
   */
  acrossServices: z.enum(['oldest-first', 'counter-order']).default('oldest-first'),
});
export type OrderingConfig = z.infer<typeof orderingConfig>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** The dossier register: the code format and the working calendar deadlines count in. */
export const dossierConfig = z.object({
  /**
   * Dossier codes, as a regular expression. Default: Circular 01/2018/TT-VPCP, Art. 19:
   * <unit code>-<YYMMDD>-<NNNN>, e.g. 000.00.15.H40-250312-0027.
   */
  codePattern: z
    .string()
    .default('^\\d{3}\\.\\d{2}\\.\\d{2}\\.[A-Z]\\d{2}-\\d{6}-\\d{4}$')
    .refine(isRegExp, { message: 'must be a valid regular expression' }),
  calendar: z
    .object({
      /** ISO weekdays not worked: 6 = Saturday, 7 = Sunday. */
      weekend: z.array(z.number().int().min(1).max(7)).default(() => ([6, 7])),
      /** Holidays (Tết, national days, days off by decision). */
      holidays: z.array(isoDate).default(() => ([])),
      /** Weekend days worked to make up for a holiday bridge. */
      workdays: z.array(isoDate).default(() => ([])),
    })
    .default(() => ({ weekend: [6, 7], holidays: [], workdays: [] })),
  /** A dossier is "near its deadline" this many working days before it. */
  nearDeadlineWorkingDays: z.number().int().min(0).max(10).default(1),
});
export type DossierConfig = z.infer<typeof dossierConfig>;

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** How the wall display calls numbers, and the notice it scrolls. */
export const displayConfig = z.object({
  notice: localizedText.optional(),
  /** The results board (dossiers with a result ready) and the early / on-time / late counts. */
  dossiers: z
    .object({
      resultsBoard: z.boolean().default(true),
      counts: z.boolean().default(true),
      /** Beside the queue, or in turn with it every `rotateSeconds`. */
      layout: z.enum(['beside', 'rotate']).default('rotate'),
      rotateSeconds: z.number().int().min(5).max(300).default(20),
    })
    .default(() => ({ resultsBoard: true, counts: true, layout: 'rotate', rotateSeconds: 20 } as const)),
  voice: z
    .object({
      /** Reading of numbers: north ("linh", "nghìn") or south ("lẻ", "ngàn"). */
      dialect: z.enum(['north', 'south']).default('north'),
      /** "A025" as a number ("a, hai mươi lăm") or digit by digit ("a, không, hai, năm"). */
      style: z.enum(['number', 'digits']).default('number'),
      repeat: z.number().int().min(1).max(5).default(2),
      english: z.boolean().default(false),
      template: z.enum(['kinh-moi', 'xin-moi']).default('kinh-moi'),
      enabled: z.boolean().default(true),
    })
    .default(() => ({ dialect: 'north', style: 'number', repeat: 2, english: false, template: 'kinh-moi', enabled: true } as const)),
});
export type DisplayConfig = z.infer<typeof displayConfig>;

/** When the supervisor's overview raises an alert. */
export const alertConfig = z.object({
  /** Someone has waited longer than this. */
  longWaitMinutes: z.number().int().min(1).max(600).default(30),
  /** An open counter has called nobody for this long while its services have people waiting. */
  idleCounterMinutes: z.number().int().min(1).max(120).default(5),
});

export const centreConfig = z
  .object({
    centre: z.object({
      name: localizedText,
      /** The authority the centre belongs to, printed above its name. */
      authority: localizedText.optional(),
      level: z.enum(['province', 'commune']),
      unitCode: z.string().trim().min(1).max(40),
      /** How phones reach the hub, for the QR code on tickets, e.g. http://192.168.1.10:3000. */
      publicUrl: z.url().optional(),
      timeZone: z
        .string()
        .default('Asia/Ho_Chi_Minh')
        .refine(isTimeZone, { message: 'must be an IANA time zone such as Asia/Ho_Chi_Minh' }),
    }),
    services: z.array(serviceConfig).min(1),
    counters: z.array(counterConfig).min(1),
    officers: z.array(officerConfig).min(1),
    priorityGroups: z.array(priorityGroupConfig).default(() => ([])),
    display: displayConfig.default(() => ({
      voice: { dialect: 'north', style: 'number', repeat: 2, english: false, template: 'kinh-moi', enabled: true },
      dossiers: { resultsBoard: true, counts: true, layout: 'rotate', rotateSeconds: 20 },
    } as const)),
    dossiers: dossierConfig.default(() => ({
      codePattern: '^\\d{3}\\.\\d{2}\\.\\d{2}\\.[A-Z]\\d{2}-\\d{6}-\\d{4}$',
      calendar: { weekend: [6, 7], holidays: [], workdays: [] },
      nearDeadlineWorkingDays: 1,
    })),
    alerts: alertConfig.default(() => ({ longWaitMinutes: 30, idleCounterMinutes: 5 })),
    /** SMS and e-mail to applicants (off until a channel is configured): docs/notifications.md. */
    notifications: notificationConfig,
    /** Sessions, allowed origins, trusted kiosk networks and take limits: security-config.ts. */
    security: securityConfig.default(() => securityConfig.parse({})),
    kiosks: z.array(kioskConfig).default(() => ([])),
    bridges: z.array(bridgeConfig).default(() => ([])),
    devices: z.array(deviceConfig).default(() => ([])),
    /** Online booking: rules and slot templates (docs/booking.md); off by default. */
    booking: bookingConfig,
    /**
     * Which service gives the numbers for the procedures of the catalog (docs/procedures.md): a
     * published field (lĩnh vực) -> a service id, and single procedures (code -> service id) that
     * differ from their field. A field named like a service needs no entry.
     */
    procedures: z
      .object({
        fields: z.record(z.string().trim().min(1).max(200), z.string()).default(() => ({})),
        codes: z.record(z.string().regex(/^\d{1,2}\.\d{6}$/, 'a procedure code like 1.001193'), z.string()).default(() => ({})),
      })
      .default(() => ({ fields: {}, codes: {} })),
    ordering: orderingConfig.default(() => ({
      priority: 'interleave',
      interleave: { normal: 2, priority: 1 },
      acrossServices: 'oldest-first',
    } as const)),
  })
  .superRefine((config, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    duplicates(config.services.map((s) => s.id)).forEach((i) => issue(['services', i, 'id'], 'is used twice'));
    duplicates(config.counters.map((c) => c.id)).forEach((i) => issue(['counters', i, 'id'], 'is used twice'));
    duplicates(config.counters.map((c) => c.number)).forEach((i) =>
      issue(['counters', i, 'number'], 'is used twice'),
    );
    duplicates(config.officers.map((o) => o.id)).forEach((i) => issue(['officers', i, 'id'], 'is used twice'));
    duplicates(config.priorityGroups.map((g) => g.id)).forEach((i) =>
      issue(['priorityGroups', i, 'id'], 'is used twice'),
    );
    const serviceIds = new Set(config.services.map((s) => s.id));
    const counterIds = new Set(config.counters.map((c) => c.id));
    config.counters.forEach((counter, ci) =>
      counter.services.forEach((sid, si) => {
        if (!serviceIds.has(sid)) issue(['counters', ci, 'services', si], `names unknown service "${sid}"`);
      }),
    );
    config.officers.forEach((officer, oi) =>
      officer.counters?.forEach((cid, i) => {
        if (!counterIds.has(cid)) issue(['officers', oi, 'counters', i], `names unknown counter "${cid}"`);
      }),
    );
    // Two services must never be able to hand out the same number on the same day.
    const prefixes = new Map<string, number>();
    config.services.forEach((service, i) => {
      const n = service.numbering;
      if (n.kind === 'prefix') {
        const other = prefixes.get(n.prefix);
        if (other !== undefined) issue(['services', i, 'numbering', 'prefix'], `is also used by services[${other}]`);
        prefixes.set(n.prefix, i);
      }
    });
    const ranges = config.services.flatMap((s, i) => (s.numbering.kind === 'range' ? [{ i, ...s.numbering }] : []));
    for (const a of ranges)
      for (const b of ranges)
        if (a.i < b.i && a.from <= b.to && b.from <= a.to)
          issue(['services', b.i, 'numbering'], `overlaps the range of services[${a.i}]`);
    config.services.forEach((service, i) => {
      if (!config.counters.some((c) => c.services.includes(service.id)))
        issue(['services', i, 'id'], 'is served by no counter');
    });
    checkDevices(config, issue, counterIds);
    duplicates(config.booking.services.map((b) => b.serviceId)).forEach((i) =>
      issue(['booking', 'services', i, 'serviceId'], 'is used twice'),
    );
    config.booking.services.forEach((b, i) => {
      if (!serviceIds.has(b.serviceId)) issue(['booking', 'services', i, 'serviceId'], `names unknown service "${b.serviceId}"`);
    });
    for (const [kind, map] of [['fields', config.procedures.fields], ['codes', config.procedures.codes]] as const)
      for (const [key, sid] of Object.entries(map))
        if (!serviceIds.has(sid)) issue(['procedures', kind, key], `names unknown service "${sid}"`);
    if (config.booking.enabled && config.booking.phoneCheck === 'sms' && config.notifications.sms === null)
      issue(['booking', 'phoneCheck'], 'needs notifications.sms to send the codes (or set it to "off" for a LAN-only centre)');
  });

function checkDevices(
  config: { kiosks: { id: string; printerId?: string | undefined }[]; bridges: { id: string }[]; devices: z.infer<typeof deviceConfig>[] },
  issue: (path: (string | number)[], message: string) => void,
  counterIds: Set<string>,
): void {
  duplicates(config.kiosks.map((k) => k.id)).forEach((i) => issue(['kiosks', i, 'id'], 'is used twice'));
  duplicates(config.bridges.map((b) => b.id)).forEach((i) => issue(['bridges', i, 'id'], 'is used twice'));
  duplicates(config.devices.map((d) => d.id)).forEach((i) => issue(['devices', i, 'id'], 'is used twice'));
  const bridges = new Set(['hub', ...config.bridges.map((b) => b.id)]);
  const printers = new Set(config.devices.filter((d) => d.kind === 'printer').map((d) => d.id));
  const keypadIds = new Set<string>();
  const ledCounters = new Set<string>();
  config.devices.forEach((device, di) => {
    if (!bridges.has(device.bridge)) issue(['devices', di, 'bridge'], `names unknown bridge "${device.bridge}"`);
    if (device.kind === 'keypad')
      device.keypads.forEach((k, ki) => {
        if (!counterIds.has(k.counterId)) issue(['devices', di, 'keypads', ki, 'counterId'], `names unknown counter "${k.counterId}"`);
        const key = `${device.id}/${k.keypadId}`;
        if (keypadIds.has(key)) issue(['devices', di, 'keypads', ki, 'keypadId'], 'is used twice on this line');
        keypadIds.add(key);
      });
    if (device.kind === 'led')
      device.displays.forEach((d, i) => {
        if (!counterIds.has(d.counterId)) issue(['devices', di, 'displays', i, 'counterId'], `names unknown counter "${d.counterId}"`);
        if (ledCounters.has(d.counterId)) issue(['devices', di, 'displays', i, 'counterId'], 'has a display already');
        ledCounters.add(d.counterId);
      });
  });
  config.kiosks.forEach((kiosk, i) => {
    if (kiosk.printerId && !printers.has(kiosk.printerId))
      issue(['kiosks', i, 'printerId'], `names unknown printer "${kiosk.printerId}"`);
  });
}

export type CentreConfig = z.infer<typeof centreConfig>;
export type CentreConfigInput = z.input<typeof centreConfig>;

function duplicates<T>(values: T[]): number[] {
  const seen = new Set<T>();
  const at: number[] = [];
  values.forEach((v, i) => {
    if (seen.has(v)) at.push(i);
    seen.add(v);
  });
  return at;
}

/** Zones already checked: making an Intl.DateTimeFormat is slow, and a centre's zone is checked on every read of its profile. */
const knownZones = new Map<string, boolean>();

function isTimeZone(tz: string): boolean {
  let known = knownZones.get(tz);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size < 1_000) knownZones.set(tz, known);
  }
  return known;
}

/** Formats zod issues as `services[2].numbering.prefix: must be one capital letter A-Z`. */
export function describeConfigIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
      .join('');
    return `${path || '(root)'}: ${issue.message}`;
  });
}

/** Where services read the configuration: always the current one, changed live by the supervisor. */
export interface ConfigSource {
  readonly current: CentreConfig;
}

/** A fixed configuration (tests, tools). */
export function fixedConfig(config: CentreConfig): ConfigSource {
  return { current: config };
}
