// The province process (npm run province): reads its settings from the environment, starts, and
// stops cleanly on SIGINT/SIGTERM. Settings: docs/province.md.
import { createLogger, type LogLevel } from '../logger';
import { smsConfig } from '../notifications/notification-config';
import { startProvince } from './province-server';

async function main(): Promise<void> {
  const databaseUrl = process.env.LUOT_PROVINCE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/luot_province';
  const log = createLogger((process.env.LUOT_LOG_LEVEL as LogLevel | undefined) ?? 'info');
  const province = await startProvince({
    databaseUrl,
    redisUrl: process.env.LUOT_REDIS_URL || undefined,
    port: Number(process.env.PORT ?? 4000),
    host: process.env.HOST ?? '0.0.0.0',
    log,
    trustProxy: process.env.LUOT_PROVINCE_TRUST_PROXY || undefined,
    portal: {
      publicUrl: process.env.LUOT_PROVINCE_PUBLIC_URL || undefined,
      sms: process.env.LUOT_PROVINCE_SMS_GATEWAY ? smsConfig.parse(JSON.parse(process.env.LUOT_PROVINCE_SMS_GATEWAY)) : null,
      smsWithoutDiacritics: process.env.LUOT_PROVINCE_SMS_ASCII === '1',
    },
  });
  console.log(`Lượt province server is running on port ${province.port} (process ${province.processId})`);
  const shutdown = () => {
    setTimeout(() => process.exit(1), 5_000).unref();
    province.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(`The province server cannot start: ${(error as Error).message}`);
  process.exit(1);
});
