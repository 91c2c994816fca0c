import { signal } from '@preact/signals';
import { buildProcedureIndex, searchProcedures, type ProcedureIndex } from '../domain/procedure-search';
import type { OfferedProcedure, ProcedureCatalogView } from '../protocol/procedure-catalog';

/**
 * The centre's procedure catalog in a screen (the kiosk, the phone page): read from the hub
 * (GET /api/procedures) when the public view shows a version the screen does not have, indexed
 * once, searched in the browser as the visitor types (server/domain/procedure-search.ts), so
 * results come without a round trip.
 */
export interface ScreenCatalog {
  view: ProcedureCatalogView;
  index: ProcedureIndex;
  byCode: Map<string, OfferedProcedure>;
}

export const catalogInScreen = signal<ScreenCatalog | null>(null);
let asked: number | null = null;

/** Brings the catalog up to `version` (null: the centre has none). */
export async function refreshCatalog(version: number | null): Promise<void> {
  if (version === null) {
    catalogInScreen.value = null;
    asked = null;
    return;
  }
  if (catalogInScreen.peek()?.view.version === version || asked === version) return;
  asked = version;
  try {
    const res = await fetch('/api/procedures', { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(String(res.status));
    const view = (await res.json()) as ProcedureCatalogView;
    catalogInScreen.value = { view, index: buildProcedureIndex(view.procedures), byCode: new Map(view.procedures.map((p) => [p.code, p])) };
  } catch {
    // Offline or the hub restarting: asked again with the next public view.
    asked = null;
  }
}

/** The procedures for what was typed, best first. */
export function findProcedures(catalog: ScreenCatalog, query: string, limit = 8): OfferedProcedure[] {
  return searchProcedures(catalog.index, query, { limit }).flatMap((hit) => {
    const p = catalog.byCode.get(hit.code);
    return p ? [p] : [];
  });
}
