import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../project-root';
import { centreConfig, describeConfigIssues, type CentreConfig } from './centre-config';

export const DEMO_CONFIG_PATH = join(PROJECT_ROOT, 'server', 'config', 'demo-centre.json');
/** The demo centre's procedure catalog: real procedures, with where and when each was read. */
export const DEMO_PROCEDURES_PATH = join(PROJECT_ROOT, 'server', 'config', 'demo-procedures.json');

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`the configuration ${file} is not valid:\n  ${problems.join('\n  ')}`);
  }
}

/** Reads and validates a centre configuration file; a ConfigError names every bad field. */
export function loadCentreConfig(file: string): CentreConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [`is not valid JSON: ${(error as Error).message}`]);
  }
  return parseCentreConfig(json, file);
}

export function parseCentreConfig(json: unknown, source = '(inline)'): CentreConfig {
  const parsed = centreConfig.safeParse(json);
  if (!parsed.success) throw new ConfigError(source, describeConfigIssues(parsed.error));
  return parsed.data;
}
