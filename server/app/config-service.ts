import { centreConfig, describeConfigIssues, type CentreConfig, type ConfigSource } from '../config/centre-config';
import { hashPassword } from '../config/passwords';
import type { Logger } from '../logger';
import type { ErrorCode } from '../protocol/error-codes';
import type { AuditEntry, ConfigChange } from '../protocol/config-types';
import type { AdminEffect, AdminState, AdminStore, SessionEndReason } from '../store/admin-store';

export type ConfigResult =
  | { ok: true; version: number }
  | { ok: false; error: ErrorCode; problems?: string[] };

/** Says why a new configuration cannot be applied to the running day, or null when it can. */
export type SafetyCheck = (next: CentreConfig, previous: CentreConfig) => string | null;

/** A command's idempotency key and fingerprint (server/app/idempotency.ts). */
export interface CommandIdentity {
  key: string;
  fp: string;
}

/**
 * The live configuration of the centre. The file given at start (LUOT_CONFIG, or the demo) seeds a
 * new data folder; from then on the configuration lives in the data folder's administration
 * journal (admin-store.ts) and the supervisor changes it while the centre runs. Every change is
 * validated whole, refused if unsafe for the running day, stored with its audit entry (and the end
 * of the sessions it ends) before anything uses it, then told to every service at once.
 */
export class ConfigService implements ConfigSource {
  private readonly listeners = new Set<(next: CentreConfig, previous: CentreConfig) => void>();

  constructor(
    private readonly store: AdminStore,
    private readonly deps: { log: Logger },
  ) {
    store.onApplied((record, previous) => {
      if (!record.effects.some((e) => e.t === 'config')) return;
      const next = store.currentConfig;
      this.deps.log.info('configuration changed', { by: record.audit?.by, action: record.audit?.action, version: store.configVersion, paths: record.audit?.changes.map((c) => c.path) });
      for (const listener of this.listeners) {
        try {
          listener(next, previous);
        } catch (error) {
          this.deps.log.error('configuration listener failed', { error: String(error) });
        }
      }
    });
  }

  get current(): CentreConfig {
    return this.store.currentConfig;
  }

  get version(): number {
    return this.store.configVersion;
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
    return this.store.state.audit.slice(-limit).reverse();
  }

  /**
   * Replaces the whole configuration. Officers come without password hashes (the hub keeps the
   * ones it has; a new officer brings a `password`, hashed here). Officers removed or disabled, and
   * officers whose password changed, are logged out everywhere in the same stored change.
   */
  async replace(input: unknown, by: string, baseVersion: number, safety: SafetyCheck, command?: CommandIdentity, keepSessionId?: string): Promise<ConfigResult> {
    const withHashes = await this.restoreHashes(input);
    if (!withHashes.ok) return withHashes;
    const parsed = centreConfig.safeParse(withHashes.config);
    const result = await this.store.commit<{ version: number }>({
      ...command,
      decide: (state) => {
        if (baseVersion !== state.version) return { refused: 'CONFIG_CONFLICT' };
        if (!parsed.success) return { refused: 'INVALID_CONFIG', problems: describeConfigIssues(parsed.error) };
        const unsafe = safety(parsed.data, state.config);
        if (unsafe) return { refused: 'UNSAFE_CONFIG_CHANGE', problems: [unsafe] };
        return this.change(state, parsed.data, by, 'config.replace', [], keepSessionId);
      },
    });
    return result.ok ? { ok: true, version: result.data.version } : result;
  }

  async setPassword(officerId: string, password: string, by: string, command?: CommandIdentity, keepSessionId?: string): Promise<ConfigResult> {
    const passwordHash = await hashPassword(password);
    const result = await this.store.commit<{ version: number }>({
      ...command,
      decide: (state) => {
        if (!state.config.officers.some((o) => o.id === officerId)) return { refused: 'UNKNOWN_OFFICER' };
        const next = { ...state.config, officers: state.config.officers.map((o) => (o.id === officerId ? { ...o, passwordHash } : o)) };
        return this.change(state, next, by, 'officer.password', [{ path: `officers[${officerId}].password`, before: null, after: '(changed)' }], keepSessionId);
      },
    });
    return result.ok ? { ok: true, version: result.data.version } : result;
  }

  /** Records a supervisor's action that is not a configuration change (closing the day), done at `at`. */
  async recordAction(by: string, action: string, changes: ConfigChange[], at?: number): Promise<boolean> {
    const result = await this.store.commit({
      decide: (state) =>
        // Once: the record of an action is not made twice (a start repairing a missing one).
        at !== undefined && state.audit.some((a) => a.action === action && a.at === at)
          ? { effects: [], answer: null }
          : { effects: [], audit: { by, action, changes, ...(at !== undefined ? { at } : {}) }, answer: null },
    });
    return result.ok;
  }

  /** A new version of the configuration, its audit entry, and the sessions it ends. */
  private change(state: AdminState, next: CentreConfig, by: string, action: string, extra: ConfigChange[] = [], keepSessionId?: string) {
    // Password hashes are left out of the diff (they are secrets): a new one is a change of its own.
    const passwords: ConfigChange[] = next.officers
      .filter((o) => {
        const before = state.config.officers.find((b) => b.id === o.id);
        return before !== undefined && before.passwordHash !== o.passwordHash;
      })
      .map((o) => ({ path: `officers[${o.id}].password`, before: null, after: '(changed)' }));
    const changes = [...diff(redact(state.config), redact(next), '').map(maskSecret), ...(extra.length > 0 ? extra : passwords)];
    if (changes.length === 0) return { effects: [], answer: { version: state.version } };
    const version = state.version + 1;
    const effects: AdminEffect[] = [{ t: 'config', version, config: next }, ...sessionsEndedBy(state, next, keepSessionId)];
    return { effects, audit: { by, action, changes }, answer: { version } };
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
}

/**
 * The sessions a new configuration ends: of officers removed, disabled, or with a new password
 * (but the session `keep`, a supervisor changing their own password from it).
 */
function sessionsEndedBy(state: AdminState, next: CentreConfig, keep?: string): AdminEffect[] {
  const ended = new Map<SessionEndReason, string[]>();
  for (const session of state.sessions.values()) {
    if (session.id === keep) continue;
    const before = state.config.officers.find((o) => o.id === session.officerId);
    const after = next.officers.find((o) => o.id === session.officerId);
    const reason: SessionEndReason | null = !after
      ? 'officer-removed'
      : after.disabled && !before?.disabled
        ? 'officer-disabled'
        : before && before.passwordHash !== after.passwordHash
          ? 'password-changed'
          : null;
    if (reason) ended.set(reason, [...(ended.get(reason) ?? []), session.id]);
  }
  return [...ended].map(([reason, ids]) => ({ t: 'session-ended', ids, reason }));
}

/** Paths whose values are secrets (the SMTP password, the SMS gateway's headers: its API key). */
const SECRET_PATHS = [/^notifications\.email\.smtp\.password$/, /^notifications\.sms\.headers(\.|$)/];

/** The audit trail says that a secret changed, never what it is (also inside a whole new section). */
function maskSecret(change: ConfigChange): ConfigChange {
  return { path: change.path, before: masked(change.path, change.before), after: masked(change.path, change.after) };
}

function masked(path: string, value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (SECRET_PATHS.some((p) => p.test(path))) return '(secret)';
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(`${path}.${k}`, v)]));
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
