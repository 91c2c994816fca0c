import type { Lang, MessageKey } from '../i18n';
import type { OfferedProcedure, ProcedureDocument } from '../protocol/procedure-catalog';

/** How a procedure's facts read on a screen (the kiosk's page, the phone's) and on the printed checklist, in the language shown. */

/** A procedure's name in the language shown: the published Vietnamese, or our English gloss when there is one. */
export function procedureName(p: Pick<OfferedProcedure, 'name' | 'nameEn'>, lang: Lang): string {
  return lang === 'en' && p.nameEn ? p.nameEn : p.name;
}

/** Whether it can be done with no visit at all (the result online or by post). */
export function fullyOnline(p: Pick<OfferedProcedure, 'ways'>): boolean {
  return p.ways.includes('online-full');
}

/** The words of one language: a screen's `t`, or `translate` bound to a language (printing). */
type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The time large when it is one number ("5 ngày làm việc"), the published wording otherwise. */
export function timeText(p: Pick<OfferedProcedure, 'time'>, t: T): string {
  const { amount, unit, text } = p.time;
  if (unit === 'same-day') return t('procedure.time.sameDay');
  if (amount !== null && unit !== null) return t(`procedure.time.${unit}`, { count: amount });
  // A bare number with no unit, or "no information": said as it is, and where to ask.
  if (/^\s*[\d.,]+\s*$/.test(text)) return t('procedure.time.noUnit', { text: text.trim() });
  if (/không có thông tin/i.test(text)) return t('procedure.time.unknown');
  return text;
}

export function copiesText(d: ProcedureDocument, t: T): string {
  const parts: string[] = [];
  if (d.originals) parts.push(t('procedure.originals', { count: d.originals }));
  if (d.copies) parts.push(t('procedure.copies', { count: d.copies }));
  return parts.join(', ');
}
