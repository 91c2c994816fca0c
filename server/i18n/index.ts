import { vi, type MessageKey } from './vi';
import { en } from './en';

export type Lang = 'vi' | 'en';
export const LANGS: readonly Lang[] = ['vi', 'en'];
export type { MessageKey };

const dictionaries: Record<Lang, Record<MessageKey, string>> = { vi, en };

/** Looks a text up and fills `{name}` placeholders. Browser-safe; used by the hub and the apps. */
export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const template = dictionaries[lang][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function isLang(value: unknown): value is Lang {
  return value === 'vi' || value === 'en';
}
