/**
 * The token a province puts in a booking's QR (docs/province.md, "Checking in a booking the hub
 * has not seen"). It names the centre, the booking, its code, field and slot, and is signed by the
 * province (Ed25519): a hub cut off from the province can check the booking in from the QR alone.
 * Pure text rules here; signing and checking are in server/app/booking-token-crypto.ts.
 *
 * Format: `1~<centre>~<bookingId>~<code>~<service>~<slotStart base 36>~<slotEnd base 36>~<key id>~<signature>`,
 * every part URL-safe, so the token goes in a QR's address as it is (`...?t=<token>`). The
 * signature (base64url) is over everything before its `~`.
 */
export interface BookingTokenClaims {
  centreId: string;
  bookingId: string;
  code: string;
  serviceId: string;
  slotStart: number;
  slotEnd: number;
  keyId: string;
}

const PARTS: [keyof BookingTokenClaims, RegExp][] = [
  ['centreId', /^[a-z0-9][a-z0-9-]{1,39}$/],
  ['bookingId', /^[A-Za-z0-9_-]{1,64}$/],
  ['code', /^[0-9A-Z]{10}$/],
  ['serviceId', /^[a-z0-9][a-z0-9-]{0,39}$/],
  ['slotStart', /^[0-9a-z]{1,11}$/],
  ['slotEnd', /^[0-9a-z]{1,11}$/],
  ['keyId', /^[A-Za-z0-9_-]{1,16}$/],
];

/** The text the province signs. */
export function tokenPayload(c: BookingTokenClaims): string {
  return ['1', c.centreId, c.bookingId, c.code, c.serviceId, c.slotStart.toString(36), c.slotEnd.toString(36), c.keyId].join('~');
}

/** A token's parts, or null when it is not one (nothing checked about the signature yet). */
export function parseBookingToken(token: string): { payload: string; signature: string; claims: BookingTokenClaims } | null {
  const parts = token.split('~');
  if (parts.length !== PARTS.length + 2 || parts[0] !== '1') return null;
  const signature = parts.at(-1)!;
  if (!/^[A-Za-z0-9_-]{80,90}$/.test(signature)) return null;
  const values: Record<string, string | number> = {};
  for (const [index, [name, pattern]] of PARTS.entries()) {
    const value = parts[index + 1]!;
    if (!pattern.test(value)) return null;
    values[name] = name === 'slotStart' || name === 'slotEnd' ? parseInt(value, 36) : value;
  }
  const claims = values as unknown as BookingTokenClaims;
  if (!(claims.slotEnd > claims.slotStart)) return null;
  return { payload: parts.slice(0, -1).join('~'), signature, claims };
}

/** The token in what a scanner typed: a QR address with `t=<token>`, or the token alone. */
export function tokenInScan(scan: string): string | null {
  const match = /(?:[?&#]t=|^)(1~[^&#\s]+)$/.exec(scan.trim());
  return match ? match[1]! : null;
}
