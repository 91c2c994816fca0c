import type { Lang } from '../server/i18n';
import { currentToken } from './session';

/** Hands a file to the browser's downloads, as if a link to it had been clicked. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The download has started by now; the address is kept a little for slow browsers.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** The file name the hub suggests (Content-Disposition), or the one given. */
export function suggestedName(response: Response, fallback: string): string {
  const header = response.headers.get('Content-Disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  if (star) {
    try {
      return decodeURIComponent(star);
    } catch {
      // fall through to the plain name
    }
  }
  return /filename="?([^";]+)"?/i.exec(header)?.[1] ?? fallback;
}

export type FetchedFile = { ok: true; blob: Blob; name: string } | { ok: false; message: string | null };

/**
 * GETs a file the hub makes for supervisors, with the session token; the hub words its errors in
 * the screen's language (Accept-Language is always sent: the browser's own may be English).
 */
export async function fetchStaffFile(path: string, lang: Lang, fallbackName: string): Promise<FetchedFile> {
  const token = currentToken();
  let response: Response;
  try {
    response = await fetch(path, {
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Accept-Language': lang },
      cache: 'no-store',
    });
  } catch {
    return { ok: false, message: null };
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { message?: unknown } | null;
    return { ok: false, message: typeof body?.message === 'string' ? body.message : null };
  }
  return { ok: true, blob: await response.blob(), name: suggestedName(response, fallbackName) };
}
