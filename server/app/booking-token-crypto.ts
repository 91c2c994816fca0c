import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { parseBookingToken, tokenPayload, type BookingTokenClaims } from '../domain/booking-token';

/**
 * Signing and checking the province's booking tokens (server/domain/booking-token.ts) with
 * Ed25519: 64-byte signatures, keys of 32 bytes, fast to check on a kiosk PC, and no parameters to
 * get wrong. The province keeps the private key; hubs are given the public keys over the link.
 */

export interface SigningKey {
  id: string;
  /** PKCS#8 PEM. */
  privateKey: string;
  /** The raw 32-byte public key, base64url. */
  publicKey: string;
}

export function newSigningKey(id: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { id, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: rawPublicKey(publicKey) };
}

function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  return String(jwk.x);
}

const publicKeys = new Map<string, KeyObject>();
function publicKeyOf(raw: string): KeyObject {
  let key = publicKeys.get(raw);
  if (!key) {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' });
    publicKeys.set(raw, key);
  }
  return key;
}

const privateKeys = new Map<string, KeyObject>();
export function signBookingToken(key: SigningKey, claims: Omit<BookingTokenClaims, 'keyId'>): string {
  let privateKey = privateKeys.get(key.privateKey);
  if (!privateKey) privateKeys.set(key.privateKey, (privateKey = createPrivateKey(key.privateKey)));
  const payload = tokenPayload({ ...claims, keyId: key.id });
  return `${payload}~${sign(null, Buffer.from(payload), privateKey).toString('base64url')}`;
}

/** The token's claims when a known key signed it; null otherwise (any doubt is a no). */
export function verifyBookingToken(token: string, keys: ReadonlyMap<string, string>): BookingTokenClaims | null {
  const parsed = parseBookingToken(token);
  if (!parsed) return null;
  const raw = keys.get(parsed.claims.keyId);
  if (!raw) return null;
  try {
    return verify(null, Buffer.from(parsed.payload), publicKeyOf(raw), Buffer.from(parsed.signature, 'base64url')) ? parsed.claims : null;
  } catch {
    return null;
  }
}
