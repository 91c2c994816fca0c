import type { ComponentChildren } from 'preact';
import { useAppState } from '../server/ui/app-state';
import { useCountdown } from '../server/ui/hooks';
import { Pictogram } from '../server/ui/icons';

/**
 * Why the kiosk cannot do what was asked, in plain words with a picture, the way on (the buttons),
 * and back to the start by itself after `shownMs`.
 */
export function NoticeScreen(props: {
  kind: string;
  icon: string;
  title: string;
  message: string;
  /** Below the message: what to remember (a time to come back at). */
  extra?: ComponentChildren;
  testId: string;
  reason: string;
  shownMs: number;
  onTimeout: () => void;
  /** The buttons. */
  children: ComponentChildren;
}) {
  const { t } = useAppState();
  const secondsLeft = useCountdown(props.shownMs, props.onTimeout);
  return (
    <section class={`notice notice--${props.kind}`} role="alert" data-testid={props.testId} data-reason={props.reason}>
      <div class="notice__icon">
        <Pictogram name={props.icon} />
      </div>
      <h1 class="notice__title">{props.title}</h1>
      <p class="notice__message">{props.message}</p>
      {props.extra}
      <div class="notice__actions">{props.children}</div>
      <p class="notice__auto">{t('kiosk.autoReturn', { seconds: secondsLeft })}</p>
    </section>
  );
}
