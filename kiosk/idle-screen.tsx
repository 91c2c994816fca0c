import { translate, type Lang } from '../server/i18n';
import type { PublicView } from '../server/protocol/views';
import { useAppState } from '../server/ui/app-state';
import { Clock, LanguageToggle } from '../server/ui/components';
import { useCountdown } from '../server/ui/hooks';
import { Pictogram } from '../server/ui/icons';
import { useActivity } from './activity';

/**
 * What the kiosk shows while nobody uses it: the centre's name and a very large "Chạm để lấy số"
 * with a hand. A touch anywhere opens the start screen; the language button switches the
 * invitation (and then the start screen) to English. Left alone, it comes back to Vietnamese.
 */
export function IdleScreen(props: { view: PublicView; onStart: () => void; idleMs: number }) {
  const { t, lang, local } = useAppState();
  const activity = useActivity();
  useCountdown(
    props.idleMs,
    () => {
      if (lang.peek() !== 'vi') lang.value = 'vi';
    },
    activity,
  );
  const other: Lang = lang.value === 'vi' ? 'en' : 'vi';
  const { centre } = props.view;
  return (
    <main
      class="idle"
      data-testid="idle"
      onClick={(e) => {
        if (e.target instanceof Element && e.target.closest('.lang-toggle')) return;
        props.onStart();
      }}
    >
      <div class="idle__top">
        <div class="idle__names">
          {centre.authority && <div class="idle__authority">{local(centre.authority)}</div>}
          <h1 class="idle__centre">{local(centre.name)}</h1>
        </div>
        <div class="idle__tools">
          <Clock showDate />
          <LanguageToggle class="idle__lang" />
        </div>
      </div>
      <button type="button" class="idle__touch" data-testid="idle-touch">
        <span class="idle__hand" aria-hidden="true">
          <span class="idle__ring" />
          <Pictogram name="touch" />
        </span>
        <span class="idle__call">{t('kiosk.idle.touch')}</span>
        <span class="idle__more">{t('kiosk.idle.more')}</span>
        <span class="idle__alt" lang={other}>
          {translate(other, 'kiosk.idle.touch')}
        </span>
      </button>
    </main>
  );
}
