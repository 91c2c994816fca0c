import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { LocalizedText } from '../server/config/centre-config';

/** Scrolling speed, in screen heights per second (the same reading pace on any TV). */
const SPEED_SCREEN_HEIGHTS_PER_SECOND = 0.11;

/**
 * The centre's notice along the bottom of the display, Vietnamese then English, scrolling from
 * right to left without end. The text is there twice, so the loop has no jump: the track moves by
 * exactly one copy, at a steady speed whatever the length of the notice.
 */
export function NoticeTicker({ notice }: { notice: LocalizedText }) {
  const copy = useRef<HTMLDivElement>(null);
  const [seconds, setSeconds] = useState(30);
  const text = notice.en && notice.en !== notice.vi ? [notice.vi, notice.en] : [notice.vi];

  useLayoutEffect(() => {
    const element = copy.current;
    if (!element) return;
    const measure = () => {
      const speed = window.innerHeight * SPEED_SCREEN_HEIGHTS_PER_SECOND;
      setSeconds(Math.max(8, element.offsetWidth / Math.max(1, speed)));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [notice.vi, notice.en]);

  const item = (hidden: boolean) => (
    <div class="notice__copy" ref={hidden ? undefined : copy} aria-hidden={hidden ? 'true' : undefined}>
      {text.map((part, i) => (
        <span key={i} class="notice__part" lang={i === 0 ? 'vi' : 'en'}>
          {part}
        </span>
      ))}
    </div>
  );
  return (
    <footer class="notice" data-testid="notice" aria-label={text.join(' / ')}>
      <div class="notice__track" style={{ animationDuration: `${seconds}s` }}>
        {item(false)}
        {item(true)}
      </div>
    </footer>
  );
}
