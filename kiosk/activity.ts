import { useEffect, useState } from 'preact/hooks';

/** After this long without a touch the start screen gives way to the idle screen ("Chạm để lấy số"). */
export const DEFAULT_IDLE_MS = 60_000;

/**
 * How long the start screen waits for a touch before the idle screen, from the page's address:
 * `/kiosk/?kiosk=k1&idle=90` (seconds, 2-600). The kiosk's browser is started with its address, so
 * this is set per kiosk like its id.
 */
export function idleMsFromUrl(search: string = location.search): number {
  const raw = new URLSearchParams(search).get('idle');
  const seconds = raw === null || raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(seconds)) return DEFAULT_IDLE_MS;
  return Math.min(600, Math.max(2, Math.round(seconds))) * 1000;
}

const ACTIVITY_RESOLUTION_MS = 1_000;

/**
 * A number that changes at every touch or key press anywhere on the page: give it to useCountdown
 * as the restart key, so that a screen waits for the visitor as long as they are using it.
 */
export function useActivity(): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    // At most one restart a second: a scanner's burst or fast typing must not re-render every key.
    let last = Number.NEGATIVE_INFINITY;
    const bump = () => {
      const now = performance.now();
      if (now - last < ACTIVITY_RESOLUTION_MS) return;
      last = now;
      setCount((n) => n + 1);
    };
    document.addEventListener('pointerdown', bump, true);
    document.addEventListener('keydown', bump, true);
    return () => {
      document.removeEventListener('pointerdown', bump, true);
      document.removeEventListener('keydown', bump, true);
    };
  }, []);
  return count;
}
