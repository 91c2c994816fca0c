/**
 * Real-time status replies (`10 04 n` -> one byte). Pure: bytes in, typed status out.
 *
 * Every reply byte has bits 0 and 7 clear and bits 1 and 4 set, so `(b & 0x93) === 0x12`; 0x12
 * alone means "all well". A byte that fails this check is not a status reply (noise, or a byte of
 * something else the printer sent) and is rejected, never read as a status.
 */
import type { StatusRequestKind } from './encoder';

export const STATUS_FIXED_MASK = 0x93;
export const STATUS_FIXED_VALUE = 0x12;

/** n = 1, printer status. */
export interface PrinterStatusReply {
  n: 1;
  /** bit 2: drawer kick-out connector pin 3 is high. */
  drawerPin3High: boolean;
  /** bit 3. */
  offline: boolean;
  /** bit 5: waiting for online recovery. */
  waitingForOnlineRecovery: boolean;
  /** bit 6: the paper feed button is pressed. */
  feedButtonPressed: boolean;
}

/** n = 2, offline cause. */
export interface OfflineCauseReply {
  n: 2;
  /** bit 2. */
  coverOpen: boolean;
  /** bit 3: paper is being fed with the feed button. */
  feedingByButton: boolean;
  /** bit 5: printing stopped because the paper ran out. */
  stoppedForPaperEnd: boolean;
  /** bit 6. */
  error: boolean;
}

/** n = 3, error cause. */
export interface ErrorCauseReply {
  n: 3;
  /** bit 3. */
  autocutterError: boolean;
  /** bit 5. */
  unrecoverableError: boolean;
  /** bit 6: e.g. the print head overheated; clears by itself. */
  autoRecoverableError: boolean;
}

/** n = 4, roll paper sensor. */
export interface PaperSensorReply {
  n: 4;
  /** bits 2-3 (printers set both; either counts). */
  paperNearEnd: boolean;
  /** bits 5-6 (printers set both; either counts). */
  paperOut: boolean;
}

export type StatusReply = PrinterStatusReply | OfflineCauseReply | ErrorCauseReply | PaperSensorReply;

export type StatusParseResult =
  | { ok: true; reply: StatusReply }
  | { ok: false; error: 'INVALID_STATUS_BYTE' | 'INVALID_REQUEST'; byte: number };

const bit = (b: number, k: number): boolean => (b & (1 << k)) !== 0;

export function isValidStatusByte(b: number): boolean {
  return Number.isInteger(b) && b >= 0 && b <= 0xff && (b & STATUS_FIXED_MASK) === STATUS_FIXED_VALUE;
}

/** Reads the one-byte reply to `10 04 n`. */
export function parseStatusReply(n: StatusRequestKind, b: number): StatusParseResult {
  if (!isValidStatusByte(b)) return { ok: false, error: 'INVALID_STATUS_BYTE', byte: b };
  switch (n) {
    case 1:
      return {
        ok: true,
        reply: { n, drawerPin3High: bit(b, 2), offline: bit(b, 3), waitingForOnlineRecovery: bit(b, 5), feedButtonPressed: bit(b, 6) },
      };
    case 2:
      return { ok: true, reply: { n, coverOpen: bit(b, 2), feedingByButton: bit(b, 3), stoppedForPaperEnd: bit(b, 5), error: bit(b, 6) } };
    case 3:
      return { ok: true, reply: { n, autocutterError: bit(b, 3), unrecoverableError: bit(b, 5), autoRecoverableError: bit(b, 6) } };
    case 4:
      return { ok: true, reply: { n, paperNearEnd: (b & 0x0c) !== 0, paperOut: (b & 0x60) !== 0 } };
    default:
      return { ok: false, error: 'INVALID_REQUEST', byte: b };
  }
}

/**
 * What the hub and the admin screen need to know, from whichever replies were read. A field is
 * null when the reply that carries it was not asked for.
 */
export interface PrinterStatus {
  online: boolean | null;
  coverOpen: boolean | null;
  paperOut: boolean | null;
  paperNearEnd: boolean | null;
  /** Any error: the n=2 error bit, or an n=3 cause. */
  error: boolean | null;
  autocutterError: boolean | null;
  unrecoverableError: boolean | null;
  autoRecoverableError: boolean | null;
  feedButtonPressed: boolean | null;
}

export type PrinterProblem =
  | 'OFFLINE'
  | 'COVER_OPEN'
  | 'PAPER_OUT'
  | 'PAPER_NEAR_END'
  | 'CUTTER_ERROR'
  | 'UNRECOVERABLE_ERROR'
  | 'RECOVERABLE_ERROR'
  | 'ERROR';

export type CombinedStatusResult =
  | { ok: true; status: PrinterStatus }
  | { ok: false; error: 'INVALID_STATUS_BYTE'; n: StatusRequestKind; byte: number };

/** Combines the replies to any of the four requests, e.g. `{ 1: 0x12, 4: 0x1e }`. */
export function combineStatus(replies: Partial<Record<StatusRequestKind, number>>): CombinedStatusResult {
  const status: PrinterStatus = {
    online: null,
    coverOpen: null,
    paperOut: null,
    paperNearEnd: null,
    error: null,
    autocutterError: null,
    unrecoverableError: null,
    autoRecoverableError: null,
    feedButtonPressed: null,
  };
  for (const n of [1, 2, 3, 4] as const) {
    const b = replies[n];
    if (b === undefined) continue;
    const parsed = parseStatusReply(n, b);
    if (!parsed.ok) return { ok: false, error: 'INVALID_STATUS_BYTE', n, byte: b };
    const r = parsed.reply;
    switch (r.n) {
      case 1:
        status.online = !r.offline;
        status.feedButtonPressed = r.feedButtonPressed;
        break;
      case 2:
        status.coverOpen = r.coverOpen;
        status.paperOut = r.stoppedForPaperEnd || status.paperOut === true;
        status.error = r.error || status.error === true;
        break;
      case 3:
        status.autocutterError = r.autocutterError;
        status.unrecoverableError = r.unrecoverableError;
        status.autoRecoverableError = r.autoRecoverableError;
        status.error = r.autocutterError || r.unrecoverableError || r.autoRecoverableError || status.error === true;
        break;
      case 4:
        status.paperNearEnd = r.paperNearEnd;
        status.paperOut = r.paperOut || status.paperOut === true;
        break;
    }
  }
  return { ok: true, status };
}

/** The problems to show, most serious first; empty when all that is known is well. */
export function statusProblems(status: PrinterStatus): PrinterProblem[] {
  const problems: PrinterProblem[] = [];
  if (status.coverOpen === true) problems.push('COVER_OPEN');
  if (status.paperOut === true) problems.push('PAPER_OUT');
  if (status.unrecoverableError === true) problems.push('UNRECOVERABLE_ERROR');
  if (status.autocutterError === true) problems.push('CUTTER_ERROR');
  if (status.autoRecoverableError === true) problems.push('RECOVERABLE_ERROR');
  // The generic flags only when no specific cause explains them (a cover open is also "offline").
  if (status.error === true && problems.length === 0) problems.push('ERROR');
  if (status.online === false && problems.length === 0) problems.push('OFFLINE');
  if (status.paperNearEnd === true) problems.push('PAPER_NEAR_END');
  return problems;
}
