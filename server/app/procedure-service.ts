import { readFile } from 'node:fs/promises';
import type { ConfigSource } from '../config/centre-config';
import { catalogDiff, type CatalogDiff } from '../domain/procedure-catalog-diff';
import { codesByName, offeredProcedures } from '../domain/procedure-offer';
import type { ConfigChange } from '../protocol/config-types';
import type { Logger } from '../logger';
import { translate } from '../i18n';
import type { OfferedProcedure, ProcedureCatalog, ProcedureCatalogView } from '../protocol/procedure-catalog';
import { catalogFromFile } from '../tools/procedure-file';
import type { ProcedureStore, StoredProcedures } from '../store/procedure-store';

/**
 * The centre's procedure catalog (docs/procedures.md): read from the data folder at start (or,
 * the first time, from the seed file: the demo centre's, or LUOT_PROCEDURES), offered to the
 * screens with the service each procedure's number is taken in.
 */
export class ProcedureService {
  private stored: StoredProcedures | null = null;
  private made: { version: number; config: unknown; view: ProcedureCatalogView; byCode: Map<string, OfferedProcedure>; codeOf?: (name: string) => string | null } | null = null;

  constructor(
    private readonly deps: {
      store: ProcedureStore;
      config: ConfigSource;
      /** A catalog file to start from when the data folder has none (null: start with none). */
      seedFile: string | null;
      clock: () => number;
      log: Logger;
      /** Records a change in the centre's audit trail. */
      audit?: (by: string, action: string, changes: ConfigChange[]) => Promise<unknown>;
      /** The catalog changed: the screens are sent their views again (the version in the public view). */
      onChange?: () => void;
    },
  ) {}

  async start(): Promise<{ procedures: number; seeded: boolean }> {
    this.stored = await this.deps.store.read();
    if (this.stored || !this.deps.seedFile) return { procedures: this.stored?.catalog.procedures.length ?? 0, seeded: false };
    const catalog = await readCatalogFile(this.deps.seedFile);
    const stored: StoredProcedures = {
      version: 1,
      catalog,
      updatedAt: this.deps.clock(),
      updatedBy: 'seed',
    };
    await this.deps.store.write(stored);
    this.stored = stored;
    this.deps.log.info('procedures: the catalog was started from its seed file', { file: this.deps.seedFile, procedures: catalog.procedures.length });
    return { procedures: catalog.procedures.length, seeded: true };
  }

  /** The catalog's version: 0 when the centre has none. */
  get version(): number {
    return this.stored?.version ?? 0;
  }

  /** The catalog as the screens read it; null when the centre has none. */
  view(): ProcedureCatalogView | null {
    return this.current()?.view ?? null;
  }

  /** One procedure as offered here, or null. */
  find(code: string): OfferedProcedure | null {
    return this.current()?.byCode.get(code) ?? null;
  }

  /** What replacing the catalog by `catalog` would change. */
  preview(catalog: ProcedureCatalog): CatalogDiff {
    return catalogDiff(this.stored?.catalog.procedures ?? [], catalog.procedures);
  }

  /**
   * Replaces the catalog, if it is still the version the supervisor previewed (`baseVersion`),
   * stored before anyone is told; audited with what changed.
   */
  async replace(catalog: ProcedureCatalog, by: string, baseVersion: number): Promise<{ ok: true; version: number; diff: CatalogDiff } | { ok: false; error: 'CATALOG_CHANGED' }> {
    if (baseVersion !== this.version) return { ok: false, error: 'CATALOG_CHANGED' };
    const diff = this.preview(catalog);
    const stored: StoredProcedures = { version: this.version + 1, catalog, updatedAt: this.deps.clock(), updatedBy: by };
    await this.deps.store.write(stored);
    this.stored = stored;
    await this.deps.audit?.(by, 'procedures.imported', [
      { path: 'procedures', before: baseVersion, after: { version: stored.version, procedures: catalog.procedures.length, added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length } },
    ]);
    this.deps.onChange?.();
    return { ok: true, version: stored.version, diff };
  }

  /** The code of the catalog's procedure of that name (a dossier's procedure), or null. */
  codeOfName(name: string): string | null {
    const current = this.current();
    if (!current) return null;
    current.codeOf ??= codesByName(current.view.procedures);
    return current.codeOf(name);
  }

  /** Why a number cannot be taken for this procedure in this service, or null (it can). */
  takeProblem(serviceId: string, code: string): 'UNKNOWN_PROCEDURE' | 'PROCEDURE_NOT_IN_SERVICE' | null {
    const found = this.find(code);
    if (!found) return 'UNKNOWN_PROCEDURE';
    return found.serviceId === serviceId ? null : 'PROCEDURE_NOT_IN_SERVICE';
  }

  private current() {
    const stored = this.stored;
    if (!stored) return null;
    const config = this.deps.config.current;
    if (this.made?.version !== stored.version || this.made.config !== config) {
      const procedures = offeredProcedures(stored.catalog.procedures, config.procedures, config.services, config.counters);
      this.made = {
        version: stored.version,
        config,
        view: { version: stored.version, source: stored.catalog.source, procedures },
        byCode: new Map(procedures.map((p) => [p.code, p])),
      };
    }
    return this.made;
  }
}

/** Reads and validates a catalog file (JSON, as an import reads it); the error names the first problem. */
async function readCatalogFile(file: string): Promise<ProcedureCatalog> {
  const read = await catalogFromFile(await readFile(file), 'json', '9999-12-31', (key, params) => translate('en', `procFile.${key}`, params));
  if (read.ok) return read.catalog;
  const first = read.problems[0];
  throw new Error(`the procedure catalog ${file} is not valid: ${first ? `${first.column ?? ''}: ${first.message}` : 'invalid'}`);
}
