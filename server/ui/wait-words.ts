/**
 * What a visitor is told about the wait, the same on the kiosk's ticket screen and the phone's
 * follow page: nobody ahead and a counter open is "soon"; nobody ahead and no counter open (no
 * estimate) is "next, when a counter opens", never "no estimate"; otherwise the estimate, or that
 * there is none yet.
 */
export type WaitWords = { kind: 'soon' } | { kind: 'next' } | { kind: 'unknown' } | { kind: 'minutes'; minutes: number };

export function waitWords(peopleAhead: number, estimatedMinutes: number | null): WaitWords {
  if (peopleAhead === 0) return estimatedMinutes === null ? { kind: 'next' } : { kind: 'soon' };
  if (estimatedMinutes === null) return { kind: 'unknown' };
  if (estimatedMinutes === 0) return { kind: 'soon' };
  return { kind: 'minutes', minutes: estimatedMinutes };
}
