import { z } from 'zod';

/**
 * Who may act on the hub, and how much: the officers' session length, the web origins allowed
 * besides the hub's own addresses, the networks whose machines may take numbers without being
 * paired, and how fast a kiosk, an address or an integration may take numbers. Browser-safe.
 */

/** An IPv4 or IPv6 network in CIDR notation, e.g. 192.168.1.0/24 or fd00::/8. */
const cidr = z
  .string()
  .trim()
  .regex(/^(?:\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/, 'must be a network such as 192.168.1.0/24 or fd00::/8');

/** The networks a LAN uses: a kiosk on them is the centre's by default, an internet address is not. */
export const LOCAL_NETWORKS = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
] as const;

const rate = z.object({
  /** Takes allowed at once (a family taking numbers for several fields). */
  burst: z.number().int().min(1).max(1_000_000),
  /** Takes allowed a minute after that. */
  perMinute: z.number().int().min(1).max(10_000_000),
});
export type RateLimit = z.infer<typeof rate>;

const origin = z
  .string()
  .trim()
  .regex(/^https?:\/\/[^\s/?#]+$/, 'must be an origin such as https://motcua.example.gov.vn (scheme, host and port, no path)');

export const securityConfig = z.object({
  /** How long an officer's login lasts, in hours. */
  sessionHours: z.number().min(1).max(168).default(12),
  /** Pages on these origins may use the hub too (a reverse proxy's public name); the hub's own addresses always may. */
  allowedOrigins: z.array(origin).max(50).default(() => []),
  /** Machines on these networks may take numbers without being paired; others need a kiosk pairing. */
  kioskNetworks: z.array(cidr).max(100).default(() => [...LOCAL_NETWORKS]),
  takeLimits: z
    .object({
      perKiosk: rate.default(() => ({ burst: 6, perMinute: 12 })),
      perAddress: rate.default(() => ({ burst: 10, perMinute: 30 })),
      perIntegration: rate.default(() => ({ burst: 30, perMinute: 120 })),
    })
    .default(() => ({ perKiosk: { burst: 6, perMinute: 12 }, perAddress: { burst: 10, perMinute: 30 }, perIntegration: { burst: 30, perMinute: 120 } })),
});
export type SecurityConfig = z.infer<typeof securityConfig>;

export const DEFAULT_SECURITY: SecurityConfig = securityConfig.parse({});
