import type { Response } from 'express';
import { translate, type Lang, type MessageKey } from '../i18n';

/**
 * The hub's own 404 page, in Vietnamese or English: what was not found, links to the screens and
 * back to the start page. Static: it never echoes the address asked for. Inline CSS only and no
 * script, as the hub's Content-Security-Policy allows.
 */

const SCREENS: readonly { href: string; label: MessageKey }[] = [
  { href: '/kiosk/', label: 'kiosk.pageTitle' },
  { href: '/display/', label: 'display.pageTitle' },
  { href: '/counter/', label: 'counter.pageTitle' },
];

const STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #102a43; }
  h1 { font-size: 1.8rem; }
  p { font-size: 1.15rem; line-height: 1.5; }
  a { display: block; font-size: 1.3rem; padding: 1rem; margin: .75rem 0; border: 2px solid #1d4ed8; border-radius: .75rem; color: #1d4ed8; text-decoration: none; }
  a.home { background: #1d4ed8; color: #fff; }
`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const pages = new Map<Lang, string>();

/** The page's HTML for a language (built once per language). */
export function notFoundPage(lang: Lang): string {
  const cached = pages.get(lang);
  if (cached) return cached;
  const t = (key: MessageKey) => escapeHtml(translate(lang, key));
  const links = SCREENS.map((s) => `<a href="${s.href}">${t(s.label)}</a>`).join('\n');
  const page = `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('notFound.title')}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${t('notFound.title')}</h1>
<p>${t('notFound.body')}</p>
${links}
<a class="home" href="/">${t('notFound.home')}</a>
</main>
</body>
</html>
`;
  pages.set(lang, page);
  return page;
}

/** Answers 404 with the page; caches keep one copy per Accept-Language. */
export function sendNotFoundPage(res: Response, lang: Lang): void {
  res
    .status(404)
    .set({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Language': lang, Vary: 'Accept-Language', 'Cache-Control': 'no-cache' })
    .send(notFoundPage(lang));
}
