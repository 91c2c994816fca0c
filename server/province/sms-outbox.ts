import type { Logger } from '../logger';
import { describeFailure, type SmsTransport } from '../notifications/transports';
import type { Db, Tx } from './db/database';

/**
 * SMS to citizens from the province (codes, confirmations, moves, cancellations): written in the
 * transaction of what they tell, keyed so a message is queued once, and sent by whichever process
 * gets to it first (FOR UPDATE SKIP LOCKED: a message is in one process's hands at a time). A
 * failed send is tried again later, at most 8 times.
 */
export const SMS_CHANNEL = 'luot_sms';
const MAX_ATTEMPTS = 8;

export async function queueSms(tx: Tx | Db, message: { key: string; to: string; text: string }, now: number): Promise<void> {
  await tx.query('INSERT INTO sms_outbox (key, to_phone, text, created_at, next_at) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (key) DO NOTHING', [message.key, message.to, message.text, now]);
  await tx.query('SELECT pg_notify($1, $2)', [SMS_CHANNEL, '']);
}

export class SmsSender {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly transport: SmsTransport | null,
    private readonly log: Logger,
    private readonly clock: () => number,
  ) {}

  start(everyMs = 2_000): void {
    if (!this.transport) {
      this.log.warn('province: no SMS gateway is set (LUOT_PROVINCE_SMS_GATEWAY): SMS stay queued, and centres that check phones by SMS cannot confirm bookings');
      return;
    }
    this.timer = setInterval(() => this.poke(), everyMs);
    this.timer.unref();
    this.poke();
  }

  /** Something may be due (a notification said a message was queued). */
  poke(): void {
    if (!this.transport) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          while ((await this.sendSome()) > 0);
        } catch (error) {
          this.log.warn('province: SMS could not be read from the outbox', { error: String(error) });
        }
      } while (this.again);
      this.running = null;
    })();
  }

  private async sendSome(): Promise<number> {
    const now = this.clock();
    const { rows } = await this.db.query<{ id: number; key: string; to_phone: string; text: string; attempts: number }>(
      `UPDATE sms_outbox SET attempts = attempts + 1, next_at = $1 + LEAST(3600000, 30000 * (2 ^ attempts)::bigint)
       WHERE id IN (SELECT id FROM sms_outbox WHERE sent_at IS NULL AND next_at <= $1 AND attempts < $2 ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED)
       RETURNING id, key, to_phone, text, attempts`,
      [now, MAX_ATTEMPTS],
    );
    for (const row of rows) {
      try {
        await this.transport!.send({ id: row.key, to: row.to_phone, text: row.text });
        await this.db.query('UPDATE sms_outbox SET sent_at = $2, last_error = NULL WHERE id = $1', [row.id, this.clock()]);
      } catch (error) {
        const reason = describeFailure(error);
        await this.db.query('UPDATE sms_outbox SET last_error = $2 WHERE id = $1', [row.id, reason]);
        this.log.warn('province: an SMS could not be sent', { id: row.id, attempt: row.attempts, reason });
      }
    }
    return rows.length;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.running) await this.running;
    await this.transport?.close?.();
  }
}
