import type { MessageKey } from '../server/i18n';
import { useAppState } from '../server/ui/app-state';
import { CENTRE_TIME_ZONE } from '../server/ui/format';

/**
 * "08:15" and the date in the centre's own time zone (PublicView.centre.timeZone): TVs are often
 * left on UTC. Same markup as the shared Clock, so the display's clock styles apply.
 */
export function CentreClock({ timeZone }: { timeZone: string | null | undefined }) {
  const { now, t } = useAppState();
  const p = localParts(now.value, timeZone ?? CENTRE_TIME_ZONE);
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

const WEEKDAY_KEYS: readonly MessageKey[] = [
  'date.weekday.1',
  'date.weekday.2',
  'date.weekday.3',
  'date.weekday.4',
  'date.weekday.5',
  'date.weekday.6',
  'date.weekday.7',
];
const WEEKDAY_INDEX: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    const options: Intl.DateTimeFormatOptions = {
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    };
    try {
      formatter = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
    } catch {
      // An unknown zone (the hub validates it, but the browser's list may be older): Vietnam's.
      formatter = new Intl.DateTimeFormat('en-US', { ...options, timeZone: CENTRE_TIME_ZONE });
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function localParts(ms: number, timeZone: string) {
  const p: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) p[part.type] = part.value;
  return {
    year: p.year ?? '',
    month: p.month ?? '',
    day: p.day ?? '',
    hour: p.hour ?? '',
    minute: p.minute ?? '',
    weekday: WEEKDAY_INDEX[p.weekday ?? ''] ?? 1,
  };
}
