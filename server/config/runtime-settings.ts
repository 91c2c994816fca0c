import { resolve } from 'node:path';
import { z } from 'zod';
import { DEMO_CONFIG_PATH, DEMO_PROCEDURES_PATH } from './load-config';

/**
 * How this hub process runs, from the environment. The only module that reads process.env.
 *   PORT            HTTP port (default 3000)
 *   HOST            address to listen on (default 0.0.0.0: the office network)
 *   LUOT_DATA_DIR   the data folder (default ./data)
 *   LUOT_CONFIG     the centre configuration file (default: the demo centre)
 *   LUOT_LOG_LEVEL  debug | info | warn | error | silent (default info)
 *   LUOT_PROVINCE_URL, LUOT_PROVINCE_TOKEN  a centre linked to its province (docs/province.md):
 *                   the province's address and the centre token its admin issued; both or neither
 *   LUOT_PROCEDURES the procedure catalog (JSON, docs/procedures.md) a new data folder starts with
 *                   (default: the demo centre's catalog for the demo centre, none otherwise)
 */
const settingsSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LUOT_DATA_DIR: z.string().min(1).default('./data'),
  LUOT_CONFIG: z.string().min(1).optional(),
  LUOT_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  LUOT_PROVINCE_URL: z.url({ protocol: /^https?$/ }).optional(),
  LUOT_PROCEDURES: z.string().min(1).optional(),
  LUOT_PROVINCE_TOKEN: z.string().regex(/^luot-centre\.[a-z0-9-]+\.[A-Za-z0-9_-]+$/, 'a centre token (luot-centre.<centre>.<secret>)').optional(),
});

export interface RuntimeSettings {
  port: number;
  host: string;
  dataDir: string;
  configFile: string;
  isDemo: boolean;
  logLevel: z.infer<typeof settingsSchema>['LUOT_LOG_LEVEL'];
  province: { url: string; token: string } | null;
  /** The catalog file a data folder without one starts from, or null. */
  proceduresFile: string | null;
}

export function readRuntimeSettings(env: NodeJS.ProcessEnv = process.env): RuntimeSettings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    throw new Error(`bad environment variable:\n  ${lines.join('\n  ')}`);
  }
  const s = parsed.data;
  if ((s.LUOT_PROVINCE_URL === undefined) !== (s.LUOT_PROVINCE_TOKEN === undefined))
    throw new Error('bad environment variable:\n  LUOT_PROVINCE_URL and LUOT_PROVINCE_TOKEN go together: set both to link the centre, or neither');
  return {
    port: s.PORT,
    host: s.HOST,
    dataDir: resolve(s.LUOT_DATA_DIR),
    configFile: resolve(s.LUOT_CONFIG ?? DEMO_CONFIG_PATH),
    isDemo: s.LUOT_CONFIG === undefined,
    logLevel: s.LUOT_LOG_LEVEL,
    province: s.LUOT_PROVINCE_URL && s.LUOT_PROVINCE_TOKEN ? { url: s.LUOT_PROVINCE_URL, token: s.LUOT_PROVINCE_TOKEN } : null,
    proceduresFile: s.LUOT_PROCEDURES ? resolve(s.LUOT_PROCEDURES) : s.LUOT_CONFIG === undefined ? DEMO_PROCEDURES_PATH : null,
  };
}
