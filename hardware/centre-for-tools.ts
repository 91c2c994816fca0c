/**
 * The centre's configuration as the hardware tools (`npm run sim`, `npm run printer:test`) read it:
 * the start-up file, LUOT_CONFIG or else the demo centre, with the hub's own environment variables
 * (server/config/runtime-settings.ts). Changes the supervisor made in Cấu hình live in the hub's
 * data folder and are not seen here.
 */
import type { CentreConfig } from '../server/config/centre-config';
import { loadCentreConfig } from '../server/config/load-config';
import { readRuntimeSettings } from '../server/config/runtime-settings';

export interface ToolCentre {
  config: CentreConfig;
  /** What was read, for messages: "the demo centre (/…/demo-centre.json)" or the file's path. */
  source: string;
  configFile: string;
  /** No LUOT_CONFIG: the demo centre. */
  isDemo: boolean;
  /** The hub's data folder (LUOT_DATA_DIR), for messages. */
  dataDir: string;
  /** The hub's port (PORT), for addresses in messages. */
  port: number;
}

/** Throws a ConfigError (or an Error for a bad environment variable) naming what is wrong. */
export function readCentreForTools(env: NodeJS.ProcessEnv = process.env): ToolCentre {
  const settings = readRuntimeSettings(env);
  return {
    config: loadCentreConfig(settings.configFile),
    source: settings.isDemo ? `the demo centre (${settings.configFile}; LUOT_CONFIG is not set)` : settings.configFile,
    configFile: settings.configFile,
    isDemo: settings.isDemo,
    dataDir: settings.dataDir,
    port: settings.port,
  };
}
