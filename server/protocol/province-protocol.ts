import { z } from 'zod';
import type { ErrorCode } from './error-codes';

/**
 * The province supervisor's API (docs/province.md, "Province supervisor"): HTTP under
 * /api/province/ and the live namespace /province. Browser-safe: shared by the province server and
 * its screen (counter/province/).
 */
export const PROVINCE_NAMESPACE = '/province';
/** The HttpOnly cookie that carries a signed-in browser's session token. */
export const PROVINCE_SESSION_COOKIE = 'luot_province';

export const PROVINCE_ROLES = ['admin', 'supervisor', 'centre-supervisor'] as const;
export type ProvinceRole = (typeof PROVINCE_ROLES)[number];

export type ProvinceAnswer<T> = { ok: true; data: T } | { ok: false; error: ErrorCode; message?: string; retryAfterSeconds?: number };

const centreId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/);
export const accountId = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,39}$/);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const text = (max: number) => z.string().trim().min(1).max(max);
/** Passwords of accounts that reach the internet: 10 characters at least. */
export const PASSWORD_MIN = 10;
export const password = z.string().min(PASSWORD_MIN).max(200);

export const loginBody = z.object({ user: z.string().min(1).max(40), password: z.string().min(1).max(200) });
export const newCentreBody = z.object({ id: centreId, name: z.object({ vi: text(120), en: text(120) }), area: text(120) });
export const newAccountBody = z
  .object({ id: accountId, name: text(120), role: z.enum(PROVINCE_ROLES), centreId: centreId.nullable().optional(), password })
  .refine((a) => (a.role === 'centre-supervisor') === (a.centreId !== null && a.centreId !== undefined), {
    message: 'a centre supervisor has one centre; other roles have none',
    path: ['centreId'],
  });
export const REPORT_GROUPINGS = ['centre', 'field', 'month'] as const;
export type ProvinceReportGrouping = (typeof REPORT_GROUPINGS)[number];
/** The longest report: two years of days. */
export const MAX_PROVINCE_REPORT_DAYS = 731;
export const reportQuery = z.object({
  from: day,
  to: day,
  groupBy: z.enum(REPORT_GROUPINGS).default('centre'),
  centre: centreId.optional(),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});
export const auditQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  centre: centreId.optional(),
  action: z.string().regex(/^[a-z0-9.-]{1,60}$/).optional(),
});

export interface ProvinceAccountView {
  id: string;
  name: string;
  role: ProvinceRole;
  centreId: string | null;
  disabled: boolean;
}

export interface SessionView {
  account: ProvinceAccountView;
  expiresAt: number;
  /** The province server's clock, for screens to count minutes by. */
  serverNow: number;
}

export interface FieldWaiting {
  id: string;
  name: { vi: string; en: string };
  waiting: number;
  estimatedWaitMinutes: number | null;
  longestWaitSince: number | null;
  availability: 'open' | 'SERVICE_CLOSED' | 'DAILY_LIMIT_REACHED' | 'NUMBERS_EXHAUSTED';
}

/** One centre on the province's live overview. */
export interface CentreOverviewRow {
  id: string;
  name: { vi: string; en: string };
  area: string;
  /** The centre's hub has linked at least once (the province has its profile). */
  linked: boolean;
  /** A hub is linked now: see docs/province.md ("Province supervisor") for how that is known. */
  connected: boolean;
  /** When its hub last connected (connected: since then). */
  connectedAt: number | null;
  /** Not connected: since when (the hub went away, or its last contact when it fell silent). */
  disconnectedSince: number | null;
  /** The last time the province heard from the hub (a live state or a connection). */
  lastContactAt: number | null;
  lag: {
    /** Province messages the centre has not acknowledged yet (out_seq - out_acked). */
    toCentre: number;
    /** The centre's messages not applied here yet (its outSeq in its live state - in_seq); null without a state. */
    fromCentre: number | null;
  };
  /** The hub's own time of the state shown, and its day (null: no state yet). */
  stateAt: number | null;
  day: string | null;
  waiting: number;
  fields: FieldWaiting[];
  counters: { open: number; paused: number; total: number } | null;
  /** The earliest `longestWaitSince` over the fields: the longest waiter waits since then. */
  longestWaitSince: number | null;
  faults: { deviceId: string; kind: string; condition: string; since: number | null }[];
  alerts: Record<string, number>;
  /** When the province computed this row (its clock): a newer row replaces an older one. */
  computedAt: number;
}

export interface OverviewSnapshot {
  rows: CentreOverviewRow[];
  serverNow: number;
}

export interface ProvinceReportRow {
  key: string;
  label: { vi: string; en: string };
  /** Centre-days reported in the row. */
  days: number;
  tickets: number;
  served: number;
  noShows: number;
  transfers: number;
  cancelled: number;
  /** Weighted averages of the centres' own daily averages, each weighted by its served count. */
  waitAverageMinutes: number | null;
  serviceAverageMinutes: number | null;
  ratings: { veryGood: number; good: number; poor: number };
}

export interface ProvinceReport {
  from: string;
  to: string;
  groupBy: ProvinceReportGrouping;
  centre: string | null;
  rows: ProvinceReportRow[];
  total: ProvinceReportRow;
}

export interface RegistryCentreView {
  id: string;
  name: { vi: string; en: string };
  area: string;
  linked: boolean;
  createdAt: number;
  tokens: { id: string; issuedBy: string; issuedAt: number; revokedAt: number | null }[];
}

export interface AuditRowView {
  id: number;
  at: number;
  actor: string;
  action: string;
  centreId: string | null;
  details: Record<string, unknown>;
}

export interface AuditPage {
  entries: AuditRowView[];
  /** Ask again with `before` = this for older entries (null: none left). */
  next: number | null;
}

/** Staff screen to province, each with an ack. */
export interface ProvinceClientEvents {
  /** The overview as it is now (the rows this account may read). */
  'province:overview': (payload: Record<string, never>, ack: (answer: ProvinceAnswer<OverviewSnapshot>) => void) => void;
}

/** Province to staff screens. */
export interface ProvinceServerEvents {
  /** A centre's new overview row (its state came, or its hub went away). */
  'province:centre': (row: CentreOverviewRow) => void;
}
