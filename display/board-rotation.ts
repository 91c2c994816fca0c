import { useEffect, useRef, useState } from 'preact/hooks';

export type BoardPhase = 'queue' | 'board';

/** How often the rotation looks at the time (a turn lasts at least 5 s). */
const TICK_MS = 250;

/**
 * The results board taking turns with the queue's lower part (layout 'rotate'): every `seconds`
 * the phase changes. A call is never hidden: while a call is highlighted the queue is shown, at
 * once (derived in render, not after a timer), and a call starts a new turn of the queue, so after
 * a call the queue stays at least `seconds` (and at least as long as the highlight).
 */
export function useBoardPhase(active: boolean, seconds: number, highlightKey: number | null): BoardPhase {
  const [phase, setPhase] = useState<BoardPhase>('queue');
  const since = useRef(Date.now());
  const highlighted = highlightKey !== null;
  const live = useRef({ highlighted, seconds });
  live.current = { highlighted, seconds };

  // A new call: the queue's turn starts again.
  useEffect(() => {
    if (highlightKey === null) return;
    since.current = Date.now();
    setPhase('queue');
  }, [highlightKey]);

  useEffect(() => {
    if (!active) {
      setPhase('queue');
      return;
    }
    since.current = Date.now();
    const timer = setInterval(() => {
      const { highlighted: busy, seconds: turn } = live.current;
      if (busy) return;
      if (Date.now() - since.current < turn * 1000) return;
      since.current = Date.now();
      setPhase((p) => (p === 'queue' ? 'board' : 'queue'));
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [active]);

  return active && !highlighted ? phase : 'queue';
}
