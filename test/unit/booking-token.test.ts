import { describe, expect, it } from 'vitest';
import { newSigningKey, signBookingToken, verifyBookingToken } from '../../server/app/booking-token-crypto';
import { parseBookingToken, tokenInScan } from '../../server/domain/booking-token';

/** The province's signed booking tokens: what a hub checks offline, and what it refuses. */

const claims = { centreId: 'phuong-ba-dinh', bookingId: 'Zq3_x-9AbCdEfGhIjKlMnO', code: 'K7QM3XPA9D', serviceId: 'ho-tich', slotStart: 1_796_000_400_000, slotEnd: 1_796_002_200_000 };

describe('booking tokens', () => {
  const key = newSigningKey('k1');
  const keys = new Map([[key.id, key.publicKey]]);
  const token = signBookingToken(key, claims);

  it('carry the booking and verify with the key that signed them, in a QR address short enough to scan', () => {
    expect(verifyBookingToken(token, keys)).toEqual({ ...claims, keyId: 'k1' });
    const qr = `https://datlich.hanoi.gov.vn/b?t=${token}`;
    expect(qr.length).toBeLessThan(220);
    expect(tokenInScan(qr)).toBe(token);
    expect(tokenInScan(token)).toBe(token);
    expect(tokenInScan('https://x/b?b=K7QM3XPA9D.abcdefgh')).toBeNull();
  });

  it('are refused when any part was changed, signed by another key, or not a token at all', () => {
    for (const [from, to] of [['~ho-tich~', '~dat-dai~'], ['~phuong-ba-dinh~', '~phuong-hoan-kiem~'], ['~K7QM3XPA9D~', '~K7QM3XPA9E~']] as const) {
      const changed = token.replace(from, to);
      expect(changed).not.toBe(token);
      expect(verifyBookingToken(changed, keys)).toBeNull();
    }
    const other = newSigningKey('k1');
    expect(verifyBookingToken(signBookingToken(other, claims), keys)).toBeNull();
    expect(verifyBookingToken(token, new Map())).toBeNull();
    expect(verifyBookingToken(token.replace('~k1~', '~k2~'), new Map([['k2', key.publicKey]]))).toBeNull();
    for (const junk of ['', '1~', token + '~x', token.replace(/^1~/, '2~'), 'x'.repeat(400)]) expect(parseBookingToken(junk)).toBeNull();
  });
});
