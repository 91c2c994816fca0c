import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { centreConfig, describeConfigIssues, type CentreConfig, type ConfigSource } from '../config/centre-config';
import { hashPassword } from '../config/passwords';
import type { Logger } from '../logger';
import type { ErrorCode } from '../protocol/error-codes';
import type { AuditEntry, ConfigChange } from '../protocol/config-types';
import { DurableJsonFile } from '../store/durable-json-file';
import { Journal } from '../store/journal';

interface StoredConfig {
  version: number;
  config: CentreConfig;
}

const auditSchema = z.object({
  at: z.number(),
  by: z.string(),
  action: z.string(),
  changes: z.array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() })),
});

export type ConfigResult =
  | { ok: true; version: number }
  | { ok: false; error: ErrorCode; problems?: string[] };

/** Says why a new configuration cannot be applied to the running day, or null when it can. */
export type SafetyCheck = (next: CentreConfig, previous: CentreConfig) => string | null;

/**
 * The live configuration of the centre. The file given at start (LUOT_CONFIG, or the demo) seeds a
 * new data folder; from then on the configuration lives in the data folder (centre-config.json,
 * written durably) and the supervisor changes it while the centre runs. Every change is validated
 * whole, refused if unsafe for the running day, stored before it is applied, told to every
 * service at once, and written to an append-only audit journal.
 */
export class ConfigService implements ConfigSource {
  private readonly listeners = new Set<(next: CentreConfig, previous: CentreConfig) => void>();

  private constructor(
    private readonly db: Low<StoredConfig>,
    private readonly auditJournal: Journal<AuditEntry>,
    private readonly auditEntries: AuditEntry[],
    private readonly deps: { clock: () => number; log: Logger },
  ) {}

  static async open(options: { dataDir: string; initial: CentreConfig; clock: () => number; log: Logger }): Promise<ConfigService> {
    const db = new Low<StoredConfig>(new DurableJsonFile(join(options.dataDir, 'centre-config.json')), { version: 1, config: options.initial });
    await db.read();
    // A new data folder is seeded with the start-up file; an existing one keeps its own configuration.
    const seeded = db.data.config === options.initial;
    const stored = centreConfig.safeParse(db.data.config);
    if (!stored.success) {
      throw new Error(`the configuration in the data folder is not valid:\n  ${describeConfigIssues(stored.error).join('\n  ')}`);
    }
    db.data = { version: db.data.version, config: stored.data };
    if (seeded) await db.write();
    else if (JSON.stringify(stored.data) !== JSON.stringify(centreConfig.parse(options.initial))) {
      options.log.warn('the configuration in the data folder is used; the start-up file differs from it (import the file from the supervisor screen to use it)');
    }
    const { journal, records } = await Journal.open(join(options.dataDir, 'audit.jsonl'), auditSchema);
    return new ConfigService(db, journal as Journal<AuditEntry>, records as AuditEntry[], options);
  }

  get current(): CentreConfig {
    return this.db.data.config;
  }

  get version(): number {
    return this.db.data.version;
  }

  onChange(listener: (next: CentreConfig, previous: CentreConfig) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The configuration for the supervisor's screen: everything but password hashes. */
  forEditing(): { version: number; config: unknown } {
    return { version: this.version, config: redact(this.current) };
  }

  audit(limit: number): AuditEntry[] {
    return this.auditEntries.slice(-limit).reverse();
  }

  /**
   * Replaces the whole configuration. Officers come without password hashes (the hub keeps the
   * ones it has; a new officer brings a `password`, hashed here).
   */
  async replace(input: unknown, by: string, baseVersion: number, safety: SafetyCheck): Promise<ConfigResult> {
    if (baseVersion !== this.version) return { ok: false, error: 'CONFIG_CONFLICT' };
    const withHashes = await this.restoreHashes(input);
    if (!withHashes.ok) return withHashes;
    const parsed = centreConfig.safeParse(withHashes.config);
    if (!parsed.success) return { ok: false, error: 'INVALID_CONFIG', problems: describeConfigIssues(parsed.error) };
    const unsafe = safety(parsed.data, this.current);
    if (unsafe) return { ok: false, error: 'UNSAFE_CONFIG_CHANGE', problems: [unsafe] };
    return this.commit(parsed.data, by, 'config.replace');
  }

  async setPassword(officerId: string, password: string, by: string): Promise<ConfigResult> {
    const officers = this.current.officers;
    if (!officers.some((o) => o.id === officerId)) return { ok: false, error: 'UNKNOWN_OFFICER' };
    const passwordHash = await hashPassword(password);
    const next = { ...this.current, officers: officers.map((o) => (o.id === officerId ? { ...o, passwordHash } : o)) };
    return this.commit(next, by, 'officer.password', [{ path: `officers[${officerId}].password`, before: null, after: '(changed)' }]);
  }

  /** Records a supervisor's action that is not a configuration change (tokens, keys, closing the day). */
  async recordAction(by: string, action: string, changes: ConfigChange[]): Promise<void> {
    const entry: AuditEntry = { at: this.deps.clock(), by, action, changes };
    await this.auditJournal.append(entry);
    this.auditEntries.push(entry);
  }

  private async commit(next: CentreConfig, by: string, action: string, extra: ConfigChange[] = []): Promise<ConfigResult> {
    const previous = this.current;
    const changes = [...diff(redact(previous), redact(next), ''), ...extra];
    if (changes.length === 0) return { ok: true, version: this.version };
    const entry: AuditEntry = { at: this.deps.clock(), by, action, changes };
    // The audit line first: a change nobody can trace is worse than a change not made.
    await this.auditJournal.append(entry);
    this.db.data = { version: this.version + 1, config: next };
    await this.db.write();
    this.auditEntries.push(entry);
    this.deps.log.info('configuration changed', { by, action, version: this.version, paths: changes.map((c) => c.path) });
    for (const listener of this.listeners) {
      try {
        listener(next, previous);
      } catch (error) {
        this.deps.log.error('configuration listener failed', { error: String(error) });
      }
    }
    return { ok: true, version: this.version };
  }

  private async restoreHashes(input: unknown): Promise<{ ok: true; config: unknown } | { ok: false; error: ErrorCode; problems: string[] }> {
    if (!input || typeof input !== 'object' || !Array.isArray((input as { officers?: unknown }).officers))
      return { ok: true, config: input };
    const officers: unknown[] = [];
    for (const [i, raw] of ((input as { officers: unknown[] }).officers).entries()) {
      if (!raw || typeof raw !== 'object') {
        officers.push(raw);
        continue;
      }
      const { password, ...officer } = raw as { id?: unknown; password?: unknown; passwordHash?: unknown };
      if (typeof password === 'string' && password.length > 0) {
        if (password.length < 8) return { ok: false, error: 'INVALID_CONFIG', problems: [`officers[${i}].password: at least 8 characters`] };
        officers.push({ ...officer, passwordHash: await hashPassword(password) });
        continue;
      }
      const known = this.current.officers.find((o) => o.id === officer.id);
      officers.push(officer.passwordHash === undefined && known ? { ...officer, passwordHash: known.passwordHash } : officer);
    }
    return { ok: true, config: { ...(input as object), officers } };
  }

  async close(): Promise<void> {
    await this.auditJournal.close();
  }
}

/** The configuration without password hashes. */
function redact(config: CentreConfig): unknown {
  return { ...config, officers: config.officers.map(({ passwordHash: _hash, ...officer }) => officer) };
}

/** What changed between two configurations, by path; lists of things with ids are compared by id. */
export function diff(before: unknown, after: unknown, path: string): ConfigChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (Array.isArray(before) && Array.isArray(after) && [...before, ...after].every(hasId)) {
    const changes: ConfigChange[] = [];
    const ids = new Set([...before, ...after].map((x) => (x as { id: string }).id));
    for (const id of ids) {
      const b = before.find((x) => (x as { id: string }).id === id);
      const a = after.find((x) => (x as { id: string }).id === id);
      changes.push(...diff(b ?? null, a ?? null, `${path}[${id}]`));
    }
    return changes;
  }
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((k) => diff(before[k] ?? null, after[k] ?? null, path ? `${path}.${k}` : k));
  }
  return [{ path, before: before ?? null, after: after ?? null }];
}

function hasId(x: unknown): boolean {
  return isObject(x) && typeof x.id === 'string';
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
