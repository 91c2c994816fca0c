import { z } from 'zod';

/**
 * Notifications to applicants (SMS and e-mail) about their dossiers. Part of the centre
 * configuration as `notifications`. Absent, or with neither `email` nor `sms`, notifications are
 * off. The centre's name and time zone come from the centre configuration itself.
 */

export const NOTIFICATION_KINDS = ['received', 'more-documents', 'payment', 'result-ready', 'late'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const smtpConfig = z
  .strictObject({
    host: z.string().trim().min(1),
    port: z.number().int().min(1).max(65_535).default(587),
    /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when offered. */
    secure: z.boolean().default(false),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
  })
  .refine((s) => (s.user === undefined) === (s.password === undefined), {
    message: 'give both "user" and "password", or neither',
    path: ['password'],
  });

export const emailConfig = z.strictObject({
  smtp: smtpConfig,
  /** The sender, e.g. "Trung tâm PVHCC <khong-tra-loi@example.gov.vn>". */
  from: z
    .string()
    .trim()
    .min(3)
    .max(200)
    .regex(/^[^<>@\s]+@[^<>@\s]+$|^[^<>]*<[^<>@\s]+@[^<>@\s]+>$/, 'must be an address, or "Name <address>"'),
});
export type EmailConfig = z.infer<typeof emailConfig>;

export const smsConfig = z.strictObject({
  /** The gateway's address; {phone} {text} {id} in it are filled in URL-encoded (for GET gateways). */
  url: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// address'),
  method: z.enum(['POST', 'GET']).default('POST'),
  /** Sent as they are: the gateway's API key usually goes here. Never logged. */
  headers: z.record(z.string(), z.string()).default(() => ({})),
  /**
   * The POST body with {phone} {text} {id}, each escaped for `contentType` (JSON string escapes for
   * JSON, URL encoding for a form, XML escapes for XML, as is otherwise).
   */
  bodyTemplate: z.string().max(4_000).default('{"to":"{phone}","text":"{text}","id":"{id}"}'),
  contentType: z.string().trim().min(1).default('application/json'),
  /**
   * How the gateway wants numbers: as the one-stop software gave them, international without the
   * plus (84912345678), or national (0912345678).
   */
  phoneFormat: z.enum(['as-given', 'international', 'national']).default('as-given'),
  /** A request that takes longer counts as failed (and is retried). */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
});
export type SmsConfig = z.infer<typeof smsConfig>;

export const retryConfig = z
  .strictObject({
    /** Wait after the first failure; each further failure doubles it, up to `maxMs`. */
    initialMs: z.number().int().min(1).default(30_000),
    maxMs: z.number().int().min(1).default(3_600_000),
    /** Attempts in all, the first one included; then the message is given up (stored as failed). */
    maxAttempts: z.number().int().min(1).max(100).default(10),
  })
  .refine((r) => r.initialMs <= r.maxMs, { message: 'must not be below "initialMs"', path: ['maxMs'] });
export type RetryConfig = z.infer<typeof retryConfig>;

export const notificationConfig = z
  .strictObject({
    email: emailConfig.nullable().default(null),
    sms: smsConfig.nullable().default(null),
    /** SMS in plain ASCII: gateways charge double (or more) for Unicode messages. */
    smsWithoutDiacritics: z.boolean().default(true),
    /** Which events are notified. */
    kinds: z.array(z.enum(NOTIFICATION_KINDS)).default(() => ([...NOTIFICATION_KINDS])),
    retry: retryConfig.prefault({}),
    /**
     * Events older than this are not notified: a status change recorded longer ago, a dossier
     * received longer ago, a due date missed longer ago (so a first start over an old register
     * does not message last month's applicants).
     */
    staleAfterHours: z.number().int().min(1).max(24 * 90).default(168),
    /** Wait this long after a due moment before the late notice (time for a new date to be pushed). */
    lateGraceMinutes: z.number().int().min(0).max(7 * 24 * 60).default(0),
    /** Sent and failed messages are dropped from the outbox file this long after they finished. */
    keepDays: z.number().int().min(1).max(3_650).default(30),
  })
  .refine((c) => c.staleAfterHours <= c.keepDays * 24, {
    message: 'must not be longer than keepDays (the outbox must remember what it sent for that long)',
    path: ['staleAfterHours'],
  })
  .prefault({});

export type NotificationConfig = z.infer<typeof notificationConfig>;
export type NotificationConfigInput = z.input<typeof notificationConfig>;

/** True when at least one channel is configured. */
export function notificationsEnabled(config: NotificationConfig): boolean {
  return (config.email !== null || config.sms !== null) && config.kinds.length > 0;
}
