import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { centreConfig, describeConfigIssues, type CentreConfig } from '../config/centre-config';
import type { AnswerLedger } from '../app/idempotency';
import type { Logger } from '../logger';
import type { AuditEntry } from '../protocol/config-types';
import type { ErrorCode } from '../protocol/error-codes';
import { DurableJsonFile } from './durable-json-file';
import { Journal } from './journal';

/**
 * Everything the centre's administration changes, in one journal: the configuration (with the
 * officers' password hashes), the credentials the supervisor issues (API keys, bridge tokens,
 * paired kiosks and rating screens), the officers' sessions, the audit trail, and the first answer
 * of every supervisor's command. One change is one journal line holding all it does (a password
 * change and the end of that officer's sessions, a key and its audit entry and its answer), written
 * with fsync before anything in memory changes: on a full disk the change is refused whole
 * (STORAGE_FAILED) and nothing changed, now or after a restart.
 *
 * Changes run one at a time (the supervisor's commands are few): each is decided on the state as
 * it is, stored, then applied. At start the snapshot (admin.json) is read and the journal
 * (admin.jsonl) replayed; a long journal is folded into a new snapshot.
 */

const credentialKind = z.enum(['apikey', 'bridge', 'kiosk', 'rating']);
export type CredentialKind = z.infer<typeof credentialKind>;

const credentialSchema = z.object({
  kind: credentialKind,
  /** The bridge, integration, kiosk or counter it belongs to. */
  ownerId: z.string(),
  /** SHA-256 of the secret: the secret itself is shown once and never stored in the clear. */
  sha256: z.string(),
  issuedAt: z.number(),
  issuedBy: z.string(),
  /** What an API key may do. */
  scopes: z.array(z.string()).optional(),
});
export type Credential = z.infer<typeof credentialSchema>;

export const SESSION_END_REASONS = ['logout', 'password-changed', 'officer-removed', 'officer-disabled', 'ended-by-supervisor'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

const sessionSchema = z.object({
  id: z.string(),
  sha256: z.string(),
  officerId: z.string(),
  issuedAt: z.number(),
  expiresAt: z.number(),
  address: z.string(),
  app: z.string(),
});
export type SessionRecord = z.infer<typeof sessionSchema>;

const auditSchema = z.object({
  at: z.number(),
  by: z.string(),
  action: z.string(),
  changes: z.array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() })),
});

const answerSchema = z.object({ key: z.string(), fp: z.string(), at: z.number(), data: z.unknown() });
type AnswerRecord = z.infer<typeof answerSchema>;

const effectSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('config'), version: z.number().int().positive(), config: z.unknown() }),
  z.object({ t: z.literal('credential-issued'), credential: credentialSchema }),
  z.object({ t: z.literal('credential-revoked'), kind: credentialKind, ownerId: z.string() }),
  z.object({ t: z.literal('session-opened'), session: sessionSchema }),
  z.object({ t: z.literal('session-ended'), ids: z.array(z.string()), reason: z.enum(SESSION_END_REASONS) }),
]);
export type AdminEffect =
  | { t: 'config'; version: number; config: CentreConfig }
  | { t: 'credential-issued'; credential: Credential }
  | { t: 'credential-revoked'; kind: CredentialKind; ownerId: string }
  | { t: 'session-opened'; session: SessionRecord }
  | { t: 'session-ended'; ids: string[]; reason: SessionEndReason };

const recordSchema = z.object({
  seq: z.number().int().positive(),
  at: z.number(),
  effects: z.array(effectSchema),
  audit: auditSchema.optional(),
  answer: answerSchema.optional(),
});
export interface AdminRecord {
  seq: number;
  at: number;
  effects: AdminEffect[];
  audit?: AuditEntry;
  answer?: AnswerRecord;
}

interface Snapshot {
  seq: number;
  version: number;
  config: unknown;
  credentials: Credential[];
  sessions: SessionRecord[];
  audit: AuditEntry[];
  answers: AnswerRecord[];
}

/** The state as the services read it. Changed only by the store, after the disk. */
export interface AdminState {
  readonly version: number;
  readonly config: CentreConfig;
  readonly credentials: ReadonlyMap<string, Credential>;
  readonly sessions: ReadonlyMap<string, SessionRecord>;
  readonly audit: readonly AuditEntry[];
}

/** What a change decided: what it does, what it records in the audit trail, and what it answers. */
export interface Decided<T> {
  effects: AdminEffect[];
  /** The audit entry; dated now unless it records something that happened elsewhere at `at`. */
  audit?: Omit<AuditEntry, 'at'> & { at?: number };
  answer: T;
  /** Top-level string fields of the answer that are secrets: kept sealed, for a repeat's answer. */
  sealed?: readonly string[];
}
export type Refused = { refused: ErrorCode; problems?: string[] };
export type AdminResult<T> = { ok: true; data: T } | { ok: false; error: ErrorCode; problems?: string[] };

export interface AdminChange<T> {
  /** The idempotency key (`officer:<id>:<commandId>`) and the command's fingerprint, for commands. */
  key?: string;
  fp?: string;
  decide(state: AdminState, now: number): Decided<T> | Refused;
}

/** Answers are kept this long: a retry comes within seconds; a day covers a hub down overnight. */
const ANSWERS_KEPT_MS = 24 * 3_600_000;
/** A journal longer than this is folded into the snapshot at the next start. */
const COMPACT_AFTER_RECORDS = 500;

export class AdminStore implements AnswerLedger {
  private version = 1;
  private config: CentreConfig;
  private readonly credentials = new Map<string, Credential>();
  /** By token hash. */
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly audit: AuditEntry[] = [];
  private readonly answers = new Map<string, AnswerRecord>();
  private seq = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(record: AdminRecord, previous: CentreConfig) => void>();
  private readonly sealKey: Buffer;
  /** Commands of `once` under way, by key. */
  private readonly running = new Map<string, { fp: string; answer: Promise<AdminResult<unknown>> }>();

  private constructor(
    private journal: Journal<AdminRecord>,
    private readonly paths: { journal: string; snapshot: string },
    initial: CentreConfig,
    secret: Buffer,
    private readonly deps: { clock: () => number; log: Logger },
  ) {
    this.config = initial;
    this.sealKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'luot admin answers', 32));
  }

  /**
   * Opens the store in a data folder: the snapshot and journal if there are any; else the files an
   * earlier version kept (centre-config.json, api-keys.json, bridge-tokens.json, audit.jsonl),
   * or the start-up configuration for a new folder.
   */
  static async open(options: { dataDir: string; seed: CentreConfig; secret: Buffer; clock: () => number; log: Logger }): Promise<AdminStore> {
    const paths = { journal: join(options.dataDir, 'admin.jsonl'), snapshot: join(options.dataDir, 'admin.json') };
    const db = new Low<Snapshot | null>(new DurableJsonFile(paths.snapshot), null);
    await db.read();
    let snapshot = db.data;
    let migrated: string[] = [];
    if (!snapshot && !existsSync(paths.journal)) {
      const legacy = await readLegacy(options.dataDir, options.seed);
      snapshot = legacy.snapshot;
      migrated = legacy.files;
      await writeSnapshot(paths.snapshot, snapshot);
    }
    const opened = await Journal.open(paths.journal, recordSchema);
    if (opened.report.dropped.length > 0) options.log.error('the administration journal was damaged: what is intact was kept', { dropped: opened.report.dropped, keptCopy: opened.report.keptCopy });
    const store = new AdminStore(opened.journal as Journal<AdminRecord>, paths, options.seed, options.secret, options);
    if (snapshot) store.load(snapshot);
    for (const record of opened.records) if (record.seq > store.seq) store.apply(parseRecord(record));
    if (opened.records.length > COMPACT_AFTER_RECORDS) await store.compact();
    // Files of an earlier version, now in the snapshot: kept aside, never read again.
    for (const file of migrated) await rename(join(options.dataDir, file), join(options.dataDir, `${file}.before-admin-journal`)).catch(() => undefined);
    if (migrated.length > 0) options.log.info('the configuration, keys, tokens and audit trail moved into the administration journal', { files: migrated });
    return store;
  }

  get state(): AdminState {
    return { version: this.version, config: this.config, credentials: this.credentials, sessions: this.sessions, audit: this.audit };
  }

  get currentConfig(): CentreConfig {
    return this.config;
  }

  get configVersion(): number {
    return this.version;
  }

  answered(key: string): boolean {
    return this.answers.has(key) || this.running.has(key);
  }

  /** Told after every change is stored and applied (with the configuration before it). */
  onApplied(listener: (record: AdminRecord, previous: CentreConfig) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs a change: a repeat of a command gets its first answer (the same id for another command:
   * IDEMPOTENCY_CONFLICT); otherwise it is decided on the current state, written, then applied.
   */
  commit<T>(change: AdminChange<T>): Promise<AdminResult<T>> {
    const run = this.tail.then(() => this.commitNow(change));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * A command whose effect is not in this store (a printout): done once, its answer recorded after
   * it; a repeat gets that answer, one arriving while it runs waits for it. A crash between the
   * effect and the record lets a retry do it again (a second printout, never a lost answer).
   */
  once<T>(key: string, fp: string, run: () => Promise<AdminResult<T>>): Promise<AdminResult<T>> {
    const known = this.answers.get(key);
    if (known) return Promise.resolve(known.fp === fp ? { ok: true, data: this.unseal(known.data) as T } : { ok: false, error: 'IDEMPOTENCY_CONFLICT' });
    const running = this.running.get(key);
    if (running) return running.fp === fp ? (running.answer as Promise<AdminResult<T>>) : Promise.resolve({ ok: false, error: 'IDEMPOTENCY_CONFLICT' });
    const answer = (async (): Promise<AdminResult<T>> => {
      const result = await run();
      if (!result.ok) return result;
      const data = result.data;
      const recorded = await this.commit({ key, fp, decide: () => ({ effects: [], answer: data }) });
      return recorded.ok ? result : recorded;
    })().finally(() => this.running.delete(key));
    this.running.set(key, { fp, answer });
    return answer;
  }

  /** Resolves when no change is under way. */
  async drained(): Promise<void> {
    await this.tail;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.journal.close();
  }

  private async commitNow<T>(change: AdminChange<T>): Promise<AdminResult<T>> {
    if (change.key) {
      const known = this.answers.get(change.key);
      if (known) {
        if (change.fp !== undefined && known.fp !== change.fp) return { ok: false, error: 'IDEMPOTENCY_CONFLICT' };
        return { ok: true, data: this.unseal(known.data) as T };
      }
    }
    const now = this.deps.clock();
    const decided = change.decide(this.state, now);
    if ('refused' in decided) return { ok: false, error: decided.refused, ...(decided.problems ? { problems: decided.problems } : {}) };
    const record: AdminRecord = {
      seq: this.seq + 1,
      at: now,
      effects: decided.effects,
      ...(decided.audit ? { audit: { ...decided.audit, at: decided.audit.at ?? now } } : {}),
      ...(change.key && change.fp !== undefined ? { answer: { key: change.key, fp: change.fp, at: now, data: this.seal(decided.answer, decided.sealed) } } : {}),
    };
    if (record.effects.length === 0 && !record.audit && !record.answer) return { ok: true, data: decided.answer };
    try {
      await this.journal.append(record);
    } catch (error) {
      this.deps.log.error('administration journal write failed: the change was refused', { error: String(error) });
      await this.reopen();
      return { ok: false, error: 'STORAGE_FAILED' };
    }
    const previous = this.config;
    this.apply(record);
    for (const listener of this.listeners) {
      try {
        listener(record, previous);
      } catch (error) {
        this.deps.log.error('administration listener failed', { error: String(error) });
      }
    }
    return { ok: true, data: decided.answer };
  }

  /** After a failed write the journal was cut back; open it again so the next change can try. */
  private async reopen(): Promise<void> {
    try {
      await this.journal.close();
      this.journal = (await Journal.open(this.paths.journal, recordSchema)).journal as Journal<AdminRecord>;
    } catch (error) {
      this.deps.log.error('could not reopen the administration journal', { error: String(error) });
    }
  }

  private load(snapshot: Snapshot): void {
    this.seq = snapshot.seq;
    this.version = snapshot.version;
    this.config = parseConfig(snapshot.config, 'the configuration in the data folder');
    for (const c of snapshot.credentials) this.credentials.set(credentialKey(c.kind, c.ownerId), c);
    for (const s of snapshot.sessions) this.sessions.set(s.sha256, s);
    this.audit.push(...snapshot.audit);
    for (const a of snapshot.answers) this.answers.set(a.key, a);
  }

  private apply(record: AdminRecord): void {
    this.seq = Math.max(this.seq, record.seq);
    for (const effect of record.effects) {
      switch (effect.t) {
        case 'config':
          this.version = effect.version;
          this.config = effect.config;
          break;
        case 'credential-issued':
          this.credentials.set(credentialKey(effect.credential.kind, effect.credential.ownerId), effect.credential);
          break;
        case 'credential-revoked':
          this.credentials.delete(credentialKey(effect.kind, effect.ownerId));
          break;
        case 'session-opened':
          this.sessions.set(effect.session.sha256, effect.session);
          break;
        case 'session-ended': {
          const ids = new Set(effect.ids);
          for (const [hash, session] of this.sessions) if (ids.has(session.id)) this.sessions.delete(hash);
          break;
        }
      }
    }
    if (record.audit) this.audit.push(record.audit);
    if (record.answer) this.answers.set(record.answer.key, record.answer);
  }

  /** Folds the journal into a new snapshot, leaving out lapsed sessions and old answers. */
  private async compact(): Promise<void> {
    const now = this.deps.clock();
    const snapshot: Snapshot = {
      seq: this.seq,
      version: this.version,
      config: this.config,
      credentials: [...this.credentials.values()],
      sessions: [...this.sessions.values()].filter((s) => s.expiresAt > now),
      audit: this.audit,
      answers: [...this.answers.values()].filter((a) => now - a.at < ANSWERS_KEPT_MS),
    };
    await writeSnapshot(this.paths.snapshot, snapshot);
    // The snapshot holds every record: an empty journal replaces the old one.
    await this.journal.close();
    await rm(this.paths.journal, { force: true });
    this.journal = (await Journal.open(this.paths.journal, recordSchema)).journal as Journal<AdminRecord>;
    for (const s of [...this.sessions.values()]) if (s.expiresAt <= now) this.sessions.delete(s.sha256);
    for (const a of [...this.answers.values()]) if (now - a.at >= ANSWERS_KEPT_MS) this.answers.delete(a.key);
  }

  /** Secret fields of an answer (a key shown once) are kept encrypted with the hub's key. */
  private seal(answer: unknown, fields: readonly string[] | undefined): unknown {
    if (!fields || !answer || typeof answer !== 'object') return answer;
    const copy: Record<string, unknown> = { ...(answer as Record<string, unknown>) };
    const sealed: Record<string, string> = {};
    for (const field of fields) {
      const value = copy[field];
      if (typeof value !== 'string') continue;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
      const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      sealed[field] = `${iv.toString('base64url')}.${body.toString('base64url')}`;
      delete copy[field];
    }
    return { answer: copy, sealed, order: Object.keys(answer as object) };
  }

  private unseal(stored: unknown): unknown {
    if (!stored || typeof stored !== 'object' || !('sealed' in stored) || !('order' in stored)) return stored;
    const { answer, sealed, order } = stored as { answer: Record<string, unknown>; sealed: Record<string, string>; order: string[] };
    const open: Record<string, unknown> = {};
    for (const field of order) {
      const secret = sealed[field];
      if (secret === undefined) {
        open[field] = answer[field];
        continue;
      }
      const [iv, body] = secret.split('.') as [string, string];
      const bytes = Buffer.from(body, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      open[field] = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    }
    return open;
  }
}

export function credentialKey(kind: CredentialKind, ownerId: string): string {
  return `${kind}:${ownerId}`;
}

function parseConfig(raw: unknown, what: string): CentreConfig {
  const parsed = centreConfig.safeParse(raw);
  if (!parsed.success) throw new Error(`${what} is not valid:\n  ${describeConfigIssues(parsed.error).join('\n  ')}`);
  return parsed.data;
}

function parseRecord(raw: z.infer<typeof recordSchema>): AdminRecord {
  return {
    ...raw,
    effects: raw.effects.map((e) => (e.t === 'config' ? { ...e, config: parseConfig(e.config, `the configuration of version ${e.version}`) } : e)),
  } as AdminRecord;
}

async function writeSnapshot(path: string, snapshot: Snapshot): Promise<void> {
  const db = new Low<Snapshot>(new DurableJsonFile(path), snapshot);
  db.data = snapshot;
  await db.write();
}

/** A data folder from before the administration journal (or a new one, seeded by the start-up file). */
async function readLegacy(dataDir: string, seed: CentreConfig): Promise<{ snapshot: Snapshot; files: string[] }> {
  const files: string[] = [];
  const readJson = async <T>(name: string): Promise<T | null> => {
    try {
      const value = JSON.parse((await readFile(join(dataDir, name))).toString('utf8')) as T;
      files.push(name);
      return value;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };
  const stored = await readJson<{ version: number; config: unknown }>('centre-config.json');
  const tokens = async (name: string, kind: CredentialKind): Promise<Credential[]> =>
    ((await readJson<{ tokens: Omit<Credential, 'kind'>[] }>(name))?.tokens ?? []).map((t) => ({
      kind,
      ownerId: t.ownerId,
      sha256: t.sha256,
      issuedAt: t.issuedAt,
      issuedBy: t.issuedBy,
      ...(kind === 'apikey' ? { scopes: ['dossiers'] } : {}),
    }));
  const credentials = [...(await tokens('api-keys.json', 'apikey')), ...(await tokens('bridge-tokens.json', 'bridge'))];
  const audit: AuditEntry[] = [];
  if (existsSync(join(dataDir, 'audit.jsonl'))) {
    const opened = await Journal.open(join(dataDir, 'audit.jsonl'), auditSchema);
    await opened.journal.close();
    audit.push(...(opened.records as AuditEntry[]));
    files.push('audit.jsonl');
  }
  return {
    snapshot: {
      seq: 0,
      version: stored?.version ?? 1,
      config: stored ? parseConfig(stored.config, 'the configuration in the data folder') : seed,
      credentials,
      sessions: [],
      audit,
      answers: [],
    },
    files,
  };
}
