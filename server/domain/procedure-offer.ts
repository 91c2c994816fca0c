import type { OfferedProcedure, Procedure } from '../protocol/procedure-catalog';
import { foldVietnamese } from './vietnamese-fold';

/**
 * Which of the centre's services (fields, each with its queue) gives the number for a procedure:
 * the one configured for that procedure, else the one configured for its published field, else
 * the service named like its field. Pure.
 */
export interface ProcedureMapping {
  /** Published field name -> service id. */
  fields: Readonly<Record<string, string>>;
  /** Procedure code -> service id, where it differs from its field's. */
  codes: Readonly<Record<string, string>>;
}

export function offeredProcedures(
  procedures: readonly Procedure[],
  mapping: ProcedureMapping,
  services: readonly { id: string; name: { vi: string } }[],
  counters: readonly { number: number; services: readonly string[] }[] = [],
): OfferedProcedure[] {
  const ids = new Set(services.map((s) => s.id));
  const byName = fieldServicesByName(
    procedures.map((p) => p.field),
    services,
  );
  return procedures.map((p) => {
    const chosen = mapping.codes[p.code] ?? mapping.fields[p.field] ?? byName[p.field] ?? null;
    const serviceId = chosen !== null && ids.has(chosen) ? chosen : null;
    const counterNumbers = serviceId === null ? [] : counters.filter((c) => c.services.includes(serviceId)).map((c) => c.number).sort((a, b) => a - b);
    return { ...p, serviceId, counterNumbers };
  });
}

/** A procedure's name folded for matching: no marks, no case, without "Thủ tục" in front. */
function nameKey(name: string): string {
  return foldVietnamese(name)
    .replace(/[.;:]+$/, '')
    .replace(/^thu tuc\s+/, '');
}

/**
 * The catalog code of a procedure named so elsewhere (a dossier of the one-stop software names its
 * procedure by its published name): the code whose name matches once folded, or null (none, or
 * several procedures of that name).
 */
export function codesByName(procedures: readonly Pick<Procedure, 'code' | 'name'>[]): (name: string) => string | null {
  const codes = new Map<string, string | null>();
  for (const p of procedures) {
    const key = nameKey(p.name);
    codes.set(key, codes.has(key) ? null : p.code);
  }
  return (name) => codes.get(nameKey(name)) ?? null;
}

/**
 * A first mapping of the published fields to the centre's services, by name: a service whose name
 * (Vietnamese, folded) is the field's, or is contained in it, or contains it ("Hộ tịch" and
 * "Hộ tịch"; "Chứng thực" and "Chứng thực"). Fields that match none stay unmapped until the
 * supervisor maps them; the longest name wins when several match.
 */
export function fieldServicesByName(fields: readonly string[], services: readonly { id: string; name: { vi: string } }[]): Record<string, string> {
  const mapped: Record<string, string> = {};
  const named = services.map((s) => ({ id: s.id, name: foldVietnamese(s.name.vi) })).sort((a, b) => b.name.length - a.name.length);
  for (const field of new Set(fields)) {
    const folded = foldVietnamese(field);
    const hit = named.find((s) => s.name === folded) ?? named.find((s) => folded.includes(s.name) || s.name.includes(folded));
    if (hit) mapped[field] = hit.id;
  }
  return mapped;
}
