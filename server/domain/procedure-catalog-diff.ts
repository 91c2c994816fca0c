import type { Procedure } from '../protocol/procedure-catalog';

/**
 * What replacing one catalog by another changes, for the supervisor to read before the import:
 * the procedures added, removed, and changed (with which of their fields), by code. Pure.
 */
export interface CatalogDiff {
  added: { code: string; name: string }[];
  removed: { code: string; name: string }[];
  changed: { code: string; name: string; fields: (keyof Procedure)[] }[];
  unchanged: number;
}

export function catalogDiff(before: readonly Procedure[], after: readonly Procedure[]): CatalogDiff {
  const old = new Map(before.map((p) => [p.code, p]));
  const now = new Map(after.map((p) => [p.code, p]));
  const diff: CatalogDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const p of after) {
    const was = old.get(p.code);
    if (!was) {
      diff.added.push({ code: p.code, name: p.name });
      continue;
    }
    const fields = (Object.keys(p) as (keyof Procedure)[]).filter((k) => JSON.stringify(p[k]) !== JSON.stringify(was[k]));
    if (fields.length > 0) diff.changed.push({ code: p.code, name: p.name, fields });
    else diff.unchanged += 1;
  }
  for (const p of before) if (!now.has(p.code)) diff.removed.push({ code: p.code, name: p.name });
  return diff;
}
