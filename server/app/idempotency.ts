import { createHash } from 'node:crypto';
import { stableJson } from '../protocol/stable-json';

/**
 * What a command asked for, apart from its commandId and language: a repeat with the same id and
 * the same fingerprint is a retry (it gets the first answer); the same id with another fingerprint
 * was used for something else (IDEMPOTENCY_CONFLICT). Computed from the validated payload, so a
 * default filled in by the schema and the same value sent explicitly are the same command.
 */
export function commandFingerprint(command: string, payload: unknown): string {
  const rest: Record<string, unknown> = payload && typeof payload === 'object' ? { ...(payload as Record<string, unknown>) } : { value: payload };
  delete rest.commandId;
  delete rest.lang;
  return createHash('sha256').update(`${command}\n${stableJson(rest)}`).digest('base64url').slice(0, 22);
}

/** Where a commandId's answer is kept: the queue's journal (moves of the day) or the supervisor's journal. */
export interface AnswerLedger {
  /** Whether this ledger has answered (or is answering) a key. */
  answered(key: string): boolean;
}
