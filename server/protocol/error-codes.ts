/**
 * Every error the hub can answer with. An ack never carries a raw exception message:
 * it carries one of these codes and a message from the dictionaries in server/i18n.
 */
export const ERROR_CODES = [
  'INVALID_PAYLOAD',
  'UNKNOWN_SERVICE',
  'UNKNOWN_PRIORITY_GROUP',
  'SERVICE_CLOSED',
  'DAILY_LIMIT_REACHED',
  'NUMBERS_EXHAUSTED',
  'UNKNOWN_COUNTER',
  'COUNTER_NOT_OPEN',
  'COUNTER_PAUSED',
  'COUNTER_NOT_PAUSED',
  'COUNTER_OCCUPIED',
  'COUNTER_BUSY',
  'NO_CURRENT_TICKET',
  'NO_TICKET_WAITING',
  'UNKNOWN_TICKET',
  'TICKET_NOT_WAITING',
  'TICKET_NOT_CALLED',
  'SERVICE_NOT_AT_COUNTER',
  'INVALID_TRANSFER',
  'UNKNOWN_DEVICE',
  'UNKNOWN_BRIDGE',
  'INVALID_DOSSIER_CODE',
  'DUE_BEFORE_RECEIVED',
  'UNKNOWN_DOSSIER',
  'DOSSIER_NOT_FOUND',
  'TICKET_NOT_DONE',
  'ALREADY_RATED',
  'RATING_EXPIRED',
  'CONFIG_CONFLICT',
  'DAY_CLOSED',
  'INVALID_CONFIG',
  'UNSAFE_CONFIG_CHANGE',
  'UNKNOWN_OFFICER',
  'NOT_LOGGED_IN',
  'SESSION_EXPIRED',
  'FORBIDDEN',
  'BAD_CREDENTIALS',
  'RATE_LIMITED',
  'STORAGE_FAILED',
  'NOT_FOUND',
  'IDEMPOTENCY_CONFLICT',
  'SHUTTING_DOWN',
  'ORIGIN_NOT_ALLOWED',
  'UNTRUSTED_KIOSK',
  'UNKNOWN_SESSION',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
