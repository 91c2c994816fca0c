import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * Counts down from `ms` once, from when the component appears (re-renders do not restart it), and
 * calls `onEnd` at zero. `restartKey` starts it again (e.g. on a touch). Returns whole seconds left.
 */
export function useCountdown(ms: number, onEnd: () => void, restartKey: unknown = null): number {
  const end = useRef(onEnd);
  end.current = onEnd;
  const [left, setLeft] = useState(Math.ceil(ms / 1000));
  useEffect(() => {
    const deadline = Date.now() + ms;
    setLeft(Math.ceil(ms / 1000));
    const tick = setInterval(() => {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        clearInterval(tick);
        end.current();
      } else setLeft(Math.ceil(remaining / 1000));
    }, 250);
    return () => clearInterval(tick);
  }, [ms, restartKey]);
  return left;
}
