import type { Numbering } from '../config/centre-config';

/**
 * The highest number a ticket may carry (A99999, or 99999 in a range): the wall display reads
 * every number up to this one aloud (MAX_READABLE_NUMBER in display/voice/number-reading.ts), so
 * prefix numbering stops here, and range numbering cannot be configured beyond it.
 */
export const MAX_TICKET_NUMBER = 99_999;

/**
 * The number the `index`-th ticket of the day (1-based) gets, or null when the range is used up.
 * Prefix numbering pads to `digits` and goes on past them (A999, A1000, ...) up to A99999.
 * Numbers are never reused within a day: the index only grows, also across restarts, because it is
 * rebuilt from the journal.
 */
export function ticketNumber(numbering: Numbering, index: number): string | null {
  if (numbering.kind === 'prefix') {
    if (index > MAX_TICKET_NUMBER) return null;
    return `${numbering.prefix}${String(index).padStart(numbering.digits, '0')}`;
  }
  const value = numbering.from + index - 1;
  return value <= numbering.to && value <= MAX_TICKET_NUMBER ? String(value) : null;
}
