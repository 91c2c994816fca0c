import type { MessageKey } from '../server/i18n';
import type { AppState } from '../server/ui/app-state';
import { formatTime, localParts } from '../server/ui/format';
import { loaded } from './config-model';
import { session } from './session';

/**
 * Words and small helpers shared by the supervisor's security screens (sessions, pairings, API
 * keys): what an API key may do, an officer's name from an id, and a moment as a person reads it.
 */

type Translate = AppState['t'];

export type ApiScope = 'dossiers' | 'tickets';

export const API_SCOPES: readonly { scope: ApiScope; label: MessageKey; hint: MessageKey }[] = [
  { scope: 'dossiers', label: 'sup.keys.scope.dossiers', hint: 'sup.keys.scope.dossiersHint' },
  { scope: 'tickets', label: 'sup.keys.scope.tickets', hint: 'sup.keys.scope.ticketsHint' },
];

/** "Đẩy hồ sơ, Lấy số và xem số trong ngày", in the order of API_SCOPES. */
export function scopeText(scopes: readonly string[] | null, t: Translate): string {
  const known = API_SCOPES.filter((s) => scopes?.includes(s.scope)).map((s) => t(s.label));
  return known.length > 0 ? known.join(', ') : t('sup.keys.scope.none');
}

/**
 * Officers' names by id, from what this screen knows: the supervisor's own session, the
 * configuration when it has been loaded, and the officers working at counters now.
 */
export function officerNames(state: AppState): Map<string, string> {
  const names = new Map<string, string>();
  for (const c of state.staffView.value?.view.counters ?? []) if (c.officer) names.set(c.officer.id, c.officer.name);
  for (const o of loaded.value?.config.officers ?? []) names.set(o.id, o.name);
  const me = session.value?.officer;
  if (me) names.set(me.id, me.name);
  return names;
}

/** "08:15" today, "08:15 ngày 26/11" on another day (in the centre's zone). */
export function momentText(ms: number, now: number, t: Translate): string {
  const then = localParts(ms);
  const today = localParts(now);
  const sameDay = then.year === today.year && then.month === today.month && then.day === today.day;
  return sameDay ? formatTime(ms) : t('sup.when.otherDay', { time: formatTime(ms), day: then.day, month: then.month });
}

/** Counter ids as "Quầy 1, Quầy 3" (numbers from the staff view; an unknown id as it is). */
export function counterNames(ids: readonly string[], state: AppState): string {
  const counters = state.staffView.value?.view.counters ?? [];
  return ids
    .map((id) => {
      const counter = counters.find((c) => c.id === id);
      return counter ? state.t('counter.counterN', { number: counter.number }) : id;
    })
    .join(', ');
}
