import { signal } from '@preact/signals';
import type { LocalizedText } from '../../server/config/centre-config';
import { useAppState } from '../../server/ui/app-state';

/** The centre's name when no hub tells it (a page the province's portal serves for a centre). */
export const portalCentreName = signal<LocalizedText | null>(null);
import { LanguageToggle } from '../../server/ui/components';

/** The phone pages' header: the app's name, the centre's, and the language button (see phone-page.css). */
export function PhoneHeader() {
  const { publicView, local, t } = useAppState();
  const centre = publicView.value?.view.centre.name ?? portalCentreName.value;
  return (
    <header class="phone-header">
      <div class="phone-header__names">
        <div class="phone-header__app">{t('app.name')}</div>
        {centre && <div class="phone-header__centre">{local(centre)}</div>}
      </div>
      <LanguageToggle class="phone-header__lang" />
    </header>
  );
}
