import { useAppState } from '../server/ui/app-state';
import { knowsTimeZone } from '../server/domain/local-parts';
import { CENTRE_TIME_ZONE, localParts, WEEKDAY_KEYS } from '../server/ui/format';

/**
 * "08:15" and the date in the centre's own time zone (PublicView.centre.timeZone): TVs are often
 * left on UTC. Same markup as the shared Clock, so the display's clock styles apply.
 */
export function CentreClock({ timeZone }: { timeZone: string | null | undefined }) {
  const { now, t } = useAppState();
  // An unknown zone (the hub validates it, but the browser's list may be older): Vietnam's.
  const p = localParts(now.value, timeZone && knowsTimeZone(timeZone) ? timeZone : CENTRE_TIME_ZONE);
  return (
    <div class="clock">
      <div class="clock__time">{`${p.hour}:${p.minute}`}</div>
      <div class="clock__date">
        {t('date.full', {
          weekday: t(WEEKDAY_KEYS[p.weekday - 1] ?? 'date.weekday.1'),
          day: p.day,
          month: p.month,
          year: p.year,
        })}
      </div>
    </div>
  );
}
