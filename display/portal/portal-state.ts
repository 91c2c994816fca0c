import { signal } from '@preact/signals';
import { foldVietnamese } from '../../server/domain/vietnamese-fold';
import type { PortalCentreView } from '../../server/protocol/portal-protocol';

/**
 * The citizens' portal page: every centre of the province with what waits there now, found by
 * name or area (with or without diacritics), to book at one or go where fewer wait. The list is
 * read from the province (GET /api/portal/centres) on opening and every `REFRESH_MS`.
 */
export const REFRESH_MS = 15_000;

export type SortOrder = 'name' | 'waiting';

/** Lower case, no marks at all, đ as d: "Phường Ba Đình" and "phuong ba dinh" are the same words. */
export const foldText = foldVietnamese;

/** The centres whose name or area has every word typed, in the order asked for. */
export function findCentres(centres: readonly PortalCentreView[], query: string, order: SortOrder): PortalCentreView[] {
  const words = foldText(query).split(' ').filter(Boolean);
  const found = centres.filter((c) => {
    const hay = foldText(`${c.name.vi} ${c.name.en} ${c.area}`);
    return words.every((w) => hay.includes(w));
  });
  const byName = (a: PortalCentreView, b: PortalCentreView) => a.name.vi.localeCompare(b.name.vi, 'vi');
  if (order === 'name') return found.sort(byName);
  // Fewest waiting first; centres with no live figures last.
  return found.sort((a, b) => (a.live?.waiting ?? Infinity) - (b.live?.waiting ?? Infinity) || byName(a, b));
}

export function createPortal() {
  const centres = signal<PortalCentreView[] | null>(null);
  /** The province's notice for all its centres, if any. */
  const notice = signal<{ vi: string; en: string } | null>(null);
  const failed = signal(false);
  const query = signal('');
  const order = signal<SortOrder>('name');
  let timer: ReturnType<typeof setTimeout> | null = null;

  async function load(): Promise<void> {
    try {
      const res = await fetch('/api/portal/centres', { cache: 'no-store' });
      if (!res.ok) throw new Error(String(res.status));
      centres.value = ((await res.json()) as { data: PortalCentreView[] }).data;
      failed.value = false;
      const said = await fetch('/api/portal/notice', { cache: 'no-store' });
      if (said.ok) notice.value = ((await said.json()) as { data: { vi: string; en: string } | null }).data;
    } catch {
      failed.value = true;
    } finally {
      timer = setTimeout(() => void load(), REFRESH_MS);
    }
  }

  return {
    centres,
    notice,
    failed,
    query,
    order,
    load,
    dispose() {
      if (timer) clearTimeout(timer);
    },
  };
}
export type PortalController = ReturnType<typeof createPortal>;
