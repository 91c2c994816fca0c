import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { translate, type MessageKey } from '../server/i18n';
import type { PublicView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';

const CLOSING_KEYS: Record<NonNullable<PublicView['closing']>['mode'], MessageKey> = {
  cancel: 'display.closing.cancel',
  serve: 'display.closing.serve',
  'carry-over': 'display.closing.carryOver',
};

/**
 * The supervisor closed the day: what that means for those still holding a number, in Vietnamese
 * and in English (a TV is not switched: both are on it, like the notice).
 */
export function ClosingBanner({ closing }: { closing: NonNullable<PublicView['closing']> }) {
  const key = CLOSING_KEYS[closing.mode];
  return (
    <section class={`closing closing--${closing.mode}`} data-testid="closing-banner" data-mode={closing.mode} role="status">
      <svg class="closing__icon" viewBox="0 0 24 24" aria-hidden="true">
        <circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" stroke-width="2.2" />
        <path d="M12 6.5V12l3.6 2.2" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />
      </svg>
      <div class="closing__text">
        <p class="closing__vi" lang="vi">
          {translate('vi', key)}
        </p>
        <p class="closing__en" lang="en">
          {translate('en', key)}
        </p>
      </div>
    </section>
  );
}

/** Scrolling speed of a band too long for the screen, in screen heights per second (as the notice). */
const SPEED_SCREEN_HEIGHTS_PER_SECOND = 0.08;

/**
 * "Số chuyển từ hôm trước: A025 → A001, ...": visitors carried over from the last working day find
 * their number of today. Still when it fits; otherwise it moves slowly, without a jump.
 */
export function CarriedOverBand({ carried }: { carried: PublicView['carriedOver'] }) {
  const { t } = useAppState();
  const area = useRef<HTMLDivElement>(null);
  const copy = useRef<HTMLOListElement>(null);
  const [seconds, setSeconds] = useState<number | null>(null);
  const signature = carried.map((c) => `${c.from}>${c.to}`).join(',');

  useLayoutEffect(() => {
    const box = area.current;
    const list = copy.current;
    if (!box || !list) return;
    const measure = () => {
      const overflow = list.scrollWidth > box.clientWidth + 1;
      const speed = window.innerHeight * SPEED_SCREEN_HEIGHTS_PER_SECOND;
      setSeconds(overflow ? Math.max(10, list.scrollWidth / Math.max(1, speed)) : null);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    return () => observer.disconnect();
  }, [signature]);

  const items = (hidden: boolean) => (
    <ol class="carried__list" ref={hidden ? undefined : copy} aria-hidden={hidden ? 'true' : undefined}>
      {carried.map((c) => (
        <li key={`${c.from}-${c.to}`} class="carried__item" data-testid={hidden ? undefined : 'carried-item'}>
          <span class="carried__from">{c.from}</span>
          <span class="carried__arrow" aria-label={t('display.carried.becomes')}>
            →
          </span>
          <span class="carried__to">{c.to}</span>
        </li>
      ))}
    </ol>
  );
  return (
    <section class="carried" data-testid="carried-over">
      <div class="carried__label">
        <span class="carried__title">{t('display.carried.title')}</span>
        <span class="carried__hint">{t('display.carried.hint')}</span>
      </div>
      <div class="carried__area" ref={area}>
        <div
          class={`carried__track ${seconds !== null ? 'carried__track--moving' : ''}`}
          style={seconds !== null ? { animationDuration: `${seconds}s` } : undefined}
        >
          {items(false)}
          {seconds !== null && items(true)}
        </div>
      </div>
    </section>
  );
}
