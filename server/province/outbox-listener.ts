import pg from 'pg';
import type { Logger } from '../logger';
import { OUTBOX_CHANNEL } from './centre-outbox';
import { SMS_CHANNEL } from './sms-outbox';

/**
 * Listens on PostgreSQL for messages committed to a centre's outbox (NOTIFY is sent by the
 * transaction that numbers the message, and delivered only if it commits) and calls `nudge` for
 * each (and `smsQueued` when an SMS was queued). Every province process listens and nudges only the hubs connected to itself, so a booking
 * made on any process reaches its hub at once, with no broadcast between processes. When the
 * listening connection drops it is made again; `resumed` is called then, as messages may have
 * been missed (the hubs also pull on a timer).
 */
export async function listenForOutbox(
  databaseUrl: string,
  handlers: { nudge: (centreId: string, seq: number) => void; resumed: () => void; smsQueued?: () => void },
  log: Logger,
): Promise<{ stop(): Promise<void> }> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: databaseUrl, application_name: 'luot-province-listen' });
    next.on('notification', (n) => {
      if (n.channel === SMS_CHANNEL) return handlers.smsQueued?.();
      if (n.channel !== OUTBOX_CHANNEL || !n.payload) return;
      const [centreId, seq] = n.payload.split(' ');
      if (centreId && Number.isInteger(Number(seq))) handlers.nudge(centreId, Number(seq));
    });
    next.on('error', (error) => {
      log.warn('province: the outbox listener lost PostgreSQL', { error: String(error) });
      again();
    });
    next.on('end', () => again());
    await next.connect();
    await next.query(`LISTEN ${OUTBOX_CHANNEL}`);
    await next.query(`LISTEN ${SMS_CHANNEL}`);
    client = next;
  };
  const again = () => {
    if (stopped || retry) return;
    client = null;
    retry = setTimeout(() => {
      retry = null;
      connect().then(
        () => handlers.resumed(),
        (error: unknown) => {
          log.warn('province: the outbox listener cannot reach PostgreSQL', { error: String(error) });
          again();
        },
      );
    }, 1_000);
    retry.unref();
  };

  await connect();
  return {
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
