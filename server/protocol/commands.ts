import { z } from 'zod';
import { procedureCode } from './procedure-catalog';

/**
 * Every command a client can send, as zod schemas: the hub validates each payload with these at the
 * edge, and the apps get their payload types from them. Browser-safe.
 *
 * Every state-changing command carries a client-made `commandId`: a button pressed twice, or an emit
 * replayed after a reconnect, is answered with the first answer and changes nothing more.
 */
export const commandIdSchema = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only');

const lang = z.enum(['vi', 'en']).optional();
const entityId = z.string().min(1).max(40);
const envelope = { commandId: commandIdSchema, lang };
const atCounter = { ...envelope, counterId: entityId };

export const takeTicketSchema = z.strictObject({
  ...envelope,
  serviceId: entityId,
  priorityGroup: entityId.nullable().default(null),
  /** The procedure chosen at the kiosk (its catalog code), in the service that gives its numbers. */
  procedureCode: procedureCode.nullable().default(null),
});

export const loginSchema = z.strictObject({
  username: z.string().min(1).max(40),
  password: z.string().min(1).max(200),
  lang,
});

export const ticketStatusSchema = z.strictObject({ ticketId: z.string().min(1).max(80), lang });

export const stateRequestSchema = z.strictObject({ counterId: entityId.optional(), lang });

export const openCounterSchema = z.strictObject({ ...atCounter, force: z.boolean().default(false) });
export const counterActionSchema = z.strictObject(atCounter);
export const transferSchema = z
  .strictObject({
    ...atCounter,
    toServiceId: entityId.nullable().default(null),
    toCounterId: entityId.nullable().default(null),
  })
  .refine((t) => t.toServiceId !== null || t.toCounterId !== null, {
    message: 'name a service or a counter to transfer to',
  });
export const callNumberSchema = z.strictObject({
  ...atCounter,
  number: z.string().trim().min(1).max(10).regex(/^[A-Za-z]?\d{1,5}$/, 'a ticket number such as A025 or 1015'),
});
export const pauseSchema = z.strictObject({ ...atCounter, reason: z.string().trim().min(1).max(80) });

/** Print a ticket again: by id or number, on a given printer or the one that printed it. */
export const reprintSchema = z.strictObject({
  ...envelope,
  ticket: z.string().trim().min(1).max(60),
  printerId: entityId.nullable().default(null),
});
/** The kiosk prints a procedure's papers to bring (docs/procedures.md). */
export const printChecklistSchema = z.strictObject({ ...envelope, procedureCode });
export const dossierLookupSchema = z.strictObject({
  code: z.string().trim().min(1).max(60),
  key: z.string().trim().min(1).max(20),
  lang,
});
const integrationId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes');
/** What an API key may be used for: pushing dossiers, taking tickets (and listing the day's). */
export const apiKeyScopeSchema = z.enum(['dossiers', 'tickets']);
export const apiKeyIssueSchema = z.strictObject({
  ...envelope,
  integrationId,
  scopes: z.array(apiKeyScopeSchema).min(1).max(2).default(() => ['dossiers' as const]),
});
export const apiKeySchema = z.strictObject({ ...envelope, integrationId });
/** A kiosk or a counter's rating screen paired with the hub: the secret it then shows in its handshake. */
export const pairingSchema = z.strictObject({
  ...envelope,
  kind: z.enum(['kiosk', 'rating']),
  /** The kiosk's id, or the counter whose rating screen it is. */
  targetId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes'),
});
/** The supervisor ends an officer's session (session:list gives the ids). */
export const sessionEndSchema = z.strictObject({ ...envelope, sessionId: z.string().min(1).max(40) });
export const ratingWatchSchema = z.strictObject({ counterId: entityId, lang });
export const ratingSubmitSchema = z.strictObject({
  promptId: z.string().uuid(),
  /** 3 Rất hài lòng, 2 Hài lòng, 1 Không hài lòng. */
  level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  reason: z.string().trim().min(1).max(200).nullable().default(null),
  lang,
});
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
export const reportRequestSchema = z
  .strictObject({
    from: isoDay,
    to: isoDay,
    groupBy: z.enum(['service', 'counter', 'officer', 'procedure']).default('service'),
    lang,
  })
  .refine((r) => r.from <= r.to, { message: '"from" must not be after "to"', path: ['to'] })
  .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= 365 * 86_400_000, { message: 'at most a year', path: ['to'] });
export const configReplaceSchema = z.strictObject({
  ...envelope,
  /** The version the supervisor edited: a change made meanwhile by someone else is not overwritten. */
  baseVersion: z.number().int().positive(),
  /** The whole configuration; validated by the hub (server/config/centre-config.ts). */
  config: z.record(z.string(), z.unknown()),
});
export const setPasswordSchema = z.strictObject({
  ...envelope,
  officerId: entityId,
  password: z.string().min(8).max(200),
});
export const auditListSchema = z.strictObject({ limit: z.number().int().min(1).max(1000).default(100), lang });
export const closeDaySchema = z.strictObject({ ...envelope, mode: z.enum(['serve', 'cancel', 'carry-over']) });
export const testPrintSchema = z.strictObject({ ...envelope, deviceId: entityId });
export const bridgeTokenSchema = z.strictObject({ ...envelope, bridgeId: entityId });

/** The procedure the visitor at the counter came for (a catalog code), or null: none. */
export const setProcedureSchema = z.strictObject({ ...atCounter, procedureCode: procedureCode.nullable() });

/** Command name -> payload schema. The socket handlers are registered from this table. */
export const counterCommandSchemas = {
  'counter:open': openCounterSchema,
  'counter:call-next': counterActionSchema,
  'counter:recall': counterActionSchema,
  'counter:start': counterActionSchema,
  'counter:skip': counterActionSchema,
  'counter:postpone': counterActionSchema,
  'counter:done': counterActionSchema,
  'counter:transfer': transferSchema,
  'counter:call-number': callNumberSchema,
  'counter:pause': pauseSchema,
  'counter:resume': counterActionSchema,
  'counter:close': counterActionSchema,
  'counter:set-procedure': setProcedureSchema,
} as const;

export type CounterCommandName = keyof typeof counterCommandSchemas;
export const COUNTER_COMMANDS = Object.keys(counterCommandSchemas) as CounterCommandName[];
export type CounterCommandPayload<N extends CounterCommandName> = z.input<(typeof counterCommandSchemas)[N]>;
export type ParsedCounterCommand<N extends CounterCommandName> = z.output<(typeof counterCommandSchemas)[N]>;

export type TakeTicketPayload = z.input<typeof takeTicketSchema>;
export type ReprintPayload = z.input<typeof reprintSchema>;
export type PrintChecklistPayload = z.input<typeof printChecklistSchema>;
export type TestPrintPayload = z.input<typeof testPrintSchema>;
export type BridgeTokenPayload = z.input<typeof bridgeTokenSchema>;
export type LoginPayload = z.input<typeof loginSchema>;
export type StateRequestPayload = z.input<typeof stateRequestSchema>;
