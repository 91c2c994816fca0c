import { z } from 'zod';

/**
 * The register of dossiers (hồ sơ) that the centre's one-stop software pushes to Lượt, so visitors
 * can look up their status. Pure: validation, the changes, and how a change applies.
 *
 * National status codes (as the public service portal uses them):
 * 1 new, 2 accepted, 3 not accepted, 4 processing, 5 more documents needed, 6 payment needed,
 * 7 withdrawn, 8 stopped, 9 result ready, 10 result returned.
 */
export const DOSSIER_STATUSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
export type DossierStatus = (typeof DOSSIER_STATUSES)[number];
/** Statuses after which the centre's work on the dossier is over (for early / on time / late). */
export const FINISHED_STATUSES: readonly DossierStatus[] = [9, 10];
/** Statuses that close a dossier without a result. */
export const CLOSED_STATUSES: readonly DossierStatus[] = [3, 7, 8];

export type Delivery = 'centre' | 'post' | 'electronic';

export interface DossierHistoryEntry {
  at: number;
  status: DossierStatus;
  note: string | null;
  /** Brought by a bulk load (a first CSV import): applicants are not messaged for it. */
  quiet?: true;
}

export interface Dossier {
  code: string;
  /** The short key printed on the receipt: without it a lookup shows nothing. */
  lookupKey: string;
  procedure: string;
  field: string | null;
  applicant: { name: string; phone: string | null; email: string | null; lang: 'vi' | 'en' };
  receivedAt: number;
  dueAt: number;
  status: DossierStatus;
  delivery: Delivery;
  /** Where the result is collected (shown on the results board). */
  collectAt: string | null;
  /** When the result was ready (first status 9 or 10): decides early / on time / late. */
  finishedAt: number | null;
  history: DossierHistoryEntry[];
  updatedAt: number;
}

/** A dossier as the one-stop software pushes it (create, or replace the fields of, by code). */
export const dossierInputSchema = z.strictObject({
  code: z.string().trim().min(5).max(60),
  lookupKey: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{4,12}$/, '4-12 letters or digits'),
  procedure: z.string().trim().min(1).max(300),
  field: z.string().trim().min(1).max(120).nullable().default(null),
  applicant: z.strictObject({
    name: z.string().trim().min(1).max(120),
    phone: z
      .string()
      .trim()
      .regex(/^\+?\d{8,15}$/, 'digits, optionally with a leading +')
      .nullable()
      .default(null),
    email: z.email().max(200).nullable().default(null),
    lang: z.enum(['vi', 'en']).default('vi'),
  }),
  receivedAt: z.iso.datetime({ offset: true }),
  dueAt: z.iso.datetime({ offset: true }),
  status: z.number().int().min(1).max(10),
  delivery: z.enum(['centre', 'post', 'electronic']).default('centre'),
  collectAt: z.string().trim().min(1).max(120).nullable().default(null),
  note: z.string().trim().max(500).nullable().default(null),
});
export type DossierInput = z.infer<typeof dossierInputSchema>;

export const statusChangeSchema = z.strictObject({
  status: z.number().int().min(1).max(10),
  at: z.iso.datetime({ offset: true }),
  note: z.string().trim().max(500).nullable().default(null),
});
export type StatusChangeInput = z.infer<typeof statusChangeSchema>;

/** What the journal of the register stores. */
export type DossierChange =
  | { type: 'dossier-upserted'; dossier: Omit<Dossier, 'history' | 'finishedAt' | 'updatedAt'>; note: string | null; at: number; quiet?: true }
  | { type: 'dossier-status'; code: string; status: DossierStatus; note: string | null; at: number; quiet?: true };

/** The same change, marked as part of a bulk load (its history entries are quiet). */
export function quietChange(change: DossierChange): DossierChange {
  return { ...change, quiet: true };
}

function historyEntry(at: number, status: DossierStatus, note: string | null, quiet: boolean): DossierHistoryEntry {
  return quiet ? { at, status, note, quiet: true } : { at, status, note };
}

export type RegisterError = 'INVALID_DOSSIER_CODE' | 'DUE_BEFORE_RECEIVED' | 'UNKNOWN_DOSSIER';

/**
 * The change an upsert makes, null when it would change nothing (the same push twice is one change),
 * or an error.
 */
export function decideUpsert(
  existing: Dossier | undefined,
  input: DossierInput,
  codePattern: RegExp,
  now: number,
): { ok: true; change: DossierChange | null } | { ok: false; error: RegisterError } {
  if (!codePattern.test(input.code)) return { ok: false, error: 'INVALID_DOSSIER_CODE' };
  const receivedAt = Date.parse(input.receivedAt);
  const dueAt = Date.parse(input.dueAt);
  if (dueAt < receivedAt) return { ok: false, error: 'DUE_BEFORE_RECEIVED' };
  const dossier = {
    code: input.code,
    lookupKey: input.lookupKey.toUpperCase(),
    procedure: input.procedure,
    field: input.field,
    applicant: input.applicant,
    receivedAt,
    dueAt,
    status: input.status as DossierStatus,
    delivery: input.delivery,
    collectAt: input.collectAt,
  };
  if (existing && sameFields(existing, dossier)) return { ok: true, change: null };
  return { ok: true, change: { type: 'dossier-upserted', dossier, note: input.note, at: now } };
}

export function decideStatus(
  existing: Dossier | undefined,
  input: StatusChangeInput,
): { ok: true; change: DossierChange | null } | { ok: false; error: RegisterError } {
  if (!existing) return { ok: false, error: 'UNKNOWN_DOSSIER' };
  const at = Date.parse(input.at);
  const status = input.status as DossierStatus;
  if (existing.history.some((h) => h.at === at && h.status === status)) return { ok: true, change: null };
  return { ok: true, change: { type: 'dossier-status', code: existing.code, status, note: input.note, at } };
}

/** Applies a change to the register in place (one map entry: the cost does not grow with it). */
export function applyDossierChange(register: Map<string, Dossier>, change: DossierChange): void {
  if (change.type === 'dossier-upserted') {
    const existing = register.get(change.dossier.code);
    const history = existing?.history ?? [];
    // A new dossier's first status dates from its receipt; a later change of status, from the push.
    const quiet = change.quiet === true;
    if (!existing) history.push(historyEntry(change.dossier.receivedAt, change.dossier.status, change.note, quiet));
    else if (existing.status !== change.dossier.status) history.push(historyEntry(change.at, change.dossier.status, change.note, quiet));
    history.sort((a, b) => a.at - b.at);
    const next: Dossier = { ...change.dossier, history, finishedAt: existing?.finishedAt ?? null, updatedAt: change.at };
    if (next.finishedAt === null && FINISHED_STATUSES.includes(next.status)) next.finishedAt = change.at;
    register.set(next.code, next);
    return;
  }
  const dossier = register.get(change.code);
  if (!dossier) return;
  dossier.history.push(historyEntry(change.at, change.status, change.note, change.quiet === true));
  dossier.history.sort((a, b) => a.at - b.at);
  const latest = dossier.history[dossier.history.length - 1]!;
  dossier.status = latest.status;
  if (dossier.finishedAt === null && FINISHED_STATUSES.includes(change.status)) dossier.finishedAt = change.at;
  dossier.updatedAt = Math.max(dossier.updatedAt, change.at);
}

function sameFields(a: Dossier, b: Omit<Dossier, 'history' | 'finishedAt' | 'updatedAt'>): boolean {
  return (
    a.lookupKey === b.lookupKey &&
    a.procedure === b.procedure &&
    a.field === b.field &&
    a.applicant.name === b.applicant.name &&
    a.applicant.phone === b.applicant.phone &&
    a.applicant.email === b.applicant.email &&
    a.applicant.lang === b.applicant.lang &&
    a.receivedAt === b.receivedAt &&
    a.dueAt === b.dueAt &&
    a.status === b.status &&
    a.delivery === b.delivery &&
    a.collectAt === b.collectAt
  );
}

/** "Nguyễn Văn An" -> "Nguyễn V. A.": the family name and initials, for public screens. */
export function maskName(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '';
  if (parts.length === 1) return `${[...parts[0]!][0]}.`;
  return [parts[0], ...parts.slice(1).map((p) => `${[...p][0]!.toUpperCase()}.`)].join(' ');
}

export type Timeliness =
  | { kind: 'early' | 'on-time' | 'late'; finished: true; workingDaysLate: number }
  | { kind: 'in-time'; finished: false; msLeft: number }
  | { kind: 'late'; finished: false; workingDaysLate: number }
  | { kind: 'closed'; finished: true };
