import { join } from 'node:path';
import { z } from 'zod';
import { procedureCatalog, type ProcedureCatalog } from '../protocol/procedure-catalog';
import { DurableJsonFile } from './durable-json-file';

/**
 * The centre's procedure catalog on disk (`procedures.json` in the data folder, written whole,
 * durably: temp file, fsync, rename): the catalog as imported, its version, and who changed it
 * last. Which service gives each procedure's numbers is configuration (`procedures` in the
 * centre's configuration), changed and audited with the rest of it.
 */
export interface StoredProcedures {
  version: number;
  catalog: ProcedureCatalog;
  updatedAt: number;
  updatedBy: string;
}

const storedSchema = z.object({
  version: z.number().int().nonnegative(),
  catalog: procedureCatalog,
  updatedAt: z.number().int().nonnegative(),
  updatedBy: z.string(),
});

export interface ProcedureStore {
  /** The stored catalog; null when none was ever stored; throws when the file is damaged. */
  read(): Promise<StoredProcedures | null>;
  write(stored: StoredProcedures): Promise<void>;
}

export class FileProcedureStore implements ProcedureStore {
  private readonly file: DurableJsonFile<unknown>;

  constructor(dataDir: string) {
    this.file = new DurableJsonFile(join(dataDir, 'procedures.json'));
  }

  async read(): Promise<StoredProcedures | null> {
    const data = await this.file.read();
    if (data === null) return null;
    const parsed = storedSchema.safeParse(data);
    if (!parsed.success) throw new Error(`procedures.json does not parse: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }

  write(stored: StoredProcedures): Promise<void> {
    return this.file.write(stored);
  }
}
