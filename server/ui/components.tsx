import type { ComponentChildren } from 'preact';
import { useAppState } from './app-state';
import { formatDate, formatTime } from './format';

/** One tap between Vietnamese and English; it names the language it switches to. */
export function LanguageToggle({ class: className }: { class?: string }) {
  const { lang, t } = useAppState();
  return (
    <button
      type="button"
      class={`lang-toggle ${className ?? ''}`}
      lang={lang.value === 'vi' ? 'en' : 'vi'}
      onClick={() => (lang.value = lang.value === 'vi' ? 'en' : 'vi')}
    >
      {t('lang.switch')}
    </button>
  );
}

/** Shown only after the hub has been unreachable for a few seconds. */
export function OfflineBadge() {
  const { offline, t } = useAppState();
  if (!offline.value) return null;
  return (
    <div class="offline-badge" role="status" aria-live="assertive" data-testid="offline-badge">
      <span class="offline-badge__dot" aria-hidden="true" />
      {t('conn.offline')}
    </div>
  );
}

/** The hub's time in the centre's zone, "08:15", and optionally the date below it. */
export function Clock({ showDate = false }: { showDate?: boolean }) {
  const { now, t } = useAppState();
  return (
    <div class="clock">
      <div class="clock__time">{formatTime(now.value)}</div>
      {showDate && <div class="clock__date">{formatDate(now.value, t)}</div>}
    </div>
  );
}

/** Centred text while the first view is on its way. */
export function Connecting() {
  const { t } = useAppState();
  return <div class="connecting">{t('conn.connecting')}</div>;
}

/**
 * A modal box: a labelled dialog over a dimmed page. A tap beside it closes it, unless
 * `closeOnBackdrop` is false (a dialog whose content cannot be shown again).
 */
export function Modal(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  class?: string;
  closeOnBackdrop?: boolean;
}) {
  const closable = props.closeOnBackdrop ?? true;
  return (
    <div class="modal-backdrop" onClick={(e) => closable && e.target === e.currentTarget && props.onClose()}>
      <div class={`modal ${props.class ?? ''}`} role="dialog" aria-modal="true" aria-label={props.title}>
        <h2 class="modal__title">{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}
