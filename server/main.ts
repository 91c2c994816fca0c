// The hub process: reads its settings, starts the hub, stops it cleanly on SIGINT/SIGTERM.
import { ConfigError, loadCentreConfig } from './config/load-config';
import { readRuntimeSettings } from './config/runtime-settings';
import { createLogger } from './logger';
import { DataFolderLockedError } from './store/data-lock';
import { startHub } from './hub';

const DEMO_ACCOUNTS = [
  'Demo accounts (user / password):',
  '  canbo1, canbo2, canbo4 / canbo123   officers, any counter',
  '  canbo3 / canbo123                   officer, counter 3 only',
  '  giamsat / giamsat123                supervisor',
];

async function main(): Promise<void> {
  let settings;
  let config;
  try {
    settings = readRuntimeSettings();
    config = loadCentreConfig(settings.configFile);
  } catch (error) {
    console.error(`Lượt cannot start: ${(error as Error).message}`);
    process.exit(error instanceof ConfigError ? 78 : 2);
  }
  const log = createLogger(settings.logLevel);
  let hub;
  try {
    hub = await startHub({ config, dataDir: settings.dataDir, port: settings.port, host: settings.host, log, province: settings.province, proceduresFile: settings.proceduresFile });
  } catch (error) {
    if (error instanceof DataFolderLockedError) {
      console.error(`Lượt cannot start: ${error.message}`);
      process.exit(75);
    }
    throw error;
  }
  const base = `http://localhost:${hub.port}`;
  console.log(
    [
      '',
      `Lượt is running: ${config.centre.name.vi}`,
      `  Kiosk (take a number):      ${base}/kiosk/`,
      `  Wall display:               ${base}/display/`,
      `  Counter pad (officers):     ${base}/counter/`,
      `  REST API (OpenAPI 3):       ${base}/api/openapi.json`,
      `  Data folder:                ${settings.dataDir}`,
      ...(settings.isDemo ? ['', ...DEMO_ACCOUNTS] : []),
      '',
    ].join('\n'),
  );
  const shutdown = (signal: string) => {
    log.info('stopping', { signal });
    // The writes under way take milliseconds; a stop that hangs (a stuck disk) must not keep a
    // service manager waiting: out within 2 s whatever happens.
    setTimeout(() => {
      log.error('the hub did not stop within 1.9 s: exiting anyway');
      process.exit(1);
    }, 1_900).unref();
    hub.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('Lượt stopped on an unexpected error:', error);
  process.exit(1);
});
