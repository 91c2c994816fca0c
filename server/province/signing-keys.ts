import { newSigningKey, signBookingToken, type SigningKey } from '../app/booking-token-crypto';
import type { Booking } from '../domain/booking';
import type { Db } from './db/database';

/**
 * The province's keys for booking tokens. The first process to start makes one (the others find
 * it: the insert is keyed). Tokens are signed with the newest key not retired; hubs are given the
 * public half of every key not retired, so a key can be replaced without spoiling QR codes already
 * handed out (add a new one, retire the old once its bookings are past).
 */
export class SigningKeys {
  private signing: SigningKey | null = null;

  constructor(private readonly db: Db) {}

  async load(now: number): Promise<void> {
    const fresh = newSigningKey('k1');
    await this.db.query('INSERT INTO signing_keys (id, private_key, public_key, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING', [
      fresh.id,
      fresh.privateKey,
      fresh.publicKey,
      now,
    ]);
    const { rows } = await this.db.query<{ id: string; private_key: string; public_key: string }>(
      'SELECT id, private_key, public_key FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1',
    );
    const row = rows[0];
    if (!row) throw new Error('no signing key that is not retired');
    this.signing = { id: row.id, privateKey: row.private_key, publicKey: row.public_key };
  }

  /** The public keys hubs check tokens with. */
  async publicKeys(): Promise<{ id: string; publicKey: string }[]> {
    const { rows } = await this.db.query<{ id: string; public_key: string }>('SELECT id, public_key FROM signing_keys WHERE retired_at IS NULL ORDER BY id');
    return rows.map((r) => ({ id: r.id, publicKey: r.public_key }));
  }

  /** The token for a confirmed booking's QR. */
  tokenFor(centreId: string, booking: Pick<Booking, 'id' | 'code' | 'serviceId' | 'slotStart' | 'slotEnd'>): string {
    if (!this.signing) throw new Error('the signing keys are not loaded');
    if (!booking.code) throw new Error('a booking without a code has no token');
    return signBookingToken(this.signing, { centreId, bookingId: booking.id, code: booking.code, serviceId: booking.serviceId, slotStart: booking.slotStart, slotEnd: booking.slotEnd });
  }
}
