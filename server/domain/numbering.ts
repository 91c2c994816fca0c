import type { Numbering } from '../config/centre-config';

/**
 * The number the `index`-th ticket of the day (1-based) gets, or null when the range is used up.
 * Numbers are never reused within a day: the index only grows, also across restarts, because it is
 * rebuilt from the journal.
 */
export function ticketNumber(numbering: Numbering, index: number): string | null {
  if (numbering.kind === 'prefix') {
    return `${numbering.prefix}${String(index).padStart(numbering.digits, '0')}`;
  }
  const value = numbering.from + index - 1;
  return value <= numbering.to ? String(value) : null;
}
