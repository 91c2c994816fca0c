import { BlockList, isIPv4 } from 'node:net';
import type { ConfigSource } from '../config/centre-config';
import type { RateLimit } from '../config/security-config';

/**
 * Who may take numbers, and how fast. A take must come from a kiosk the centre trusts: one paired
 * by the supervisor, or a machine on the configured kiosk networks (the office LAN by default; an
 * address on the internet is refused). And each kiosk, each address and each integration takes at
 * most a burst, then so many a minute (token buckets, configured by the supervisor): one socket
 * cannot empty a service's daily limit in a burst.
 */
export class TakeLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private networks: { from: readonly string[]; list: BlockList } | null = null;

  constructor(
    private readonly config: ConfigSource,
    private readonly clock: () => number,
  ) {}

  /** Whether an address is on one of the kiosk networks. */
  onKioskNetwork(address: string): boolean {
    const networks = this.kioskNetworks();
    const plain = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
    try {
      return networks.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
    } catch {
      return false;
    }
  }

  /**
   * Takes one token from each bucket, or none and says how many seconds until all have one. The
   * buckets are named by what they limit: `kiosk:<id>`, `address:<ip>`, `integration:<id>`.
   */
  take(buckets: { key: string; limit: RateLimit }[]): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.clock();
    let wait = 0;
    const states = buckets.map(({ key, limit }) => {
      const perMs = limit.perMinute / 60_000;
      const known = this.buckets.get(key);
      const tokens = known ? Math.min(limit.burst, known.tokens + (now - known.at) * perMs) : limit.burst;
      if (tokens < 1) wait = Math.max(wait, (1 - tokens) / perMs);
      return { key, tokens };
    });
    if (wait > 0) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    for (const { key, tokens } of states) this.buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.buckets.size > 50_000) this.forgetFull(now);
    return { ok: true };
  }

  get limits() {
    return this.config.current.security.takeLimits;
  }

  private kioskNetworks(): BlockList {
    const from = this.config.current.security.kioskNetworks;
    if (this.networks?.from === from) return this.networks.list;
    const list = new BlockList();
    for (const cidr of from) {
      const [net, bits] = cidr.split('/') as [string, string];
      try {
        list.addSubnet(net, Number(bits), isIPv4(net) ? 'ipv4' : 'ipv6');
      } catch {
        // The schema checks the shape; a network Node cannot read (e.g. 300.1.1.1/8) matches nothing.
      }
    }
    this.networks = { from, list };
    return list;
  }

  /** Buckets idle long enough to be full again carry nothing: forget them. */
  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) if (now - bucket.at > 10 * 60_000) this.buckets.delete(key);
  }
}
