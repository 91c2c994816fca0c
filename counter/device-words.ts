import type { DeviceCondition, DeviceKind } from '../hardware/device-contract';
import type { MessageKey } from '../server/i18n';

/** Device states in plain words (a short label for the badge), in the reader's language. */
export const CONDITION_LABELS: Record<DeviceCondition, MessageKey> = {
  starting: 'device.condition.starting',
  ok: 'device.condition.ok',
  'paper-near-end': 'device.condition.paper-near-end',
  'paper-out': 'device.condition.paper-out',
  'cover-open': 'device.condition.cover-open',
  'printer-error': 'device.condition.printer-error',
  offline: 'device.condition.offline',
  disconnected: 'device.condition.disconnected',
  'port-missing': 'device.condition.port-missing',
};

/** What to do about it, for the supervisor (none when all is well). */
export const CONDITION_HINTS: Record<DeviceCondition, MessageKey | null> = {
  starting: 'device.hint.starting',
  ok: null,
  'paper-near-end': 'device.hint.paper-near-end',
  'paper-out': 'device.hint.paper-out',
  'cover-open': 'device.hint.cover-open',
  'printer-error': 'device.hint.printer-error',
  offline: 'device.hint.offline',
  disconnected: 'device.hint.disconnected',
  'port-missing': 'device.hint.port-missing',
};

export const KIND_LABELS: Record<DeviceKind, MessageKey> = {
  printer: 'device.kind.printer',
  keypad: 'device.kind.keypad',
  led: 'device.kind.led',
};

/** Green when all is well, amber when it soon will not be, red when it does not work; grey while starting. */
export function conditionTone(condition: DeviceCondition): 'ok' | 'warn' | 'bad' | 'unknown' {
  if (condition === 'ok') return 'ok';
  if (condition === 'paper-near-end') return 'warn';
  if (condition === 'starting') return 'unknown';
  return 'bad';
}
