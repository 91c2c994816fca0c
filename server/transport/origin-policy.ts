import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import type { ConfigSource } from '../config/centre-config';
import { translate } from '../i18n';

/**
 * Which web pages may use the hub. A browser says where a page came from (`Origin`); a page on
 * another site that a LAN user happens to open (or one that rebinds its DNS name to the hub's
 * address) must not take tickets or act for an officer. Allowed: requests without an Origin (not a
 * browser: bridges and integrations, which prove themselves with tokens), pages served by the hub
 * itself at one of its own addresses (its network interfaces, its host name, localhost, the
 * configured public URL), and the origins the supervisor lists (a reverse proxy's public name).
 */
export class OriginPolicy {
  private names: { at: number; set: Set<string> } | null = null;

  constructor(private readonly config: ConfigSource) {}

  allows(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined || origin === '') return true;
    const url = parseOrigin(origin);
    if (!url) return false;
    const security = this.config.current.security;
    if (security.allowedOrigins.some((allowed) => parseOrigin(allowed)?.origin === url.origin)) return true;
    const publicUrl = this.config.current.centre.publicUrl;
    if (publicUrl && parseOrigin(publicUrl)?.origin === url.origin) return true;
    // The page's origin is the address the browser is talking to (same origin), and that address is
    // one of the hub's own: not a foreign name pointed at the hub.
    return host !== undefined && url.host === host.toLowerCase() && this.hubNames().has(url.hostname);
  }

  /** The names and addresses the hub answers to, refreshed every 30 s (a DHCP lease may change). */
  private hubNames(): Set<string> {
    const now = Date.now();
    if (this.names && now - this.names.at < 30_000) return this.names.set;
    const set = new Set<string>(['localhost', '127.0.0.1', '[::1]']);
    const name = hostname().toLowerCase();
    set.add(name);
    set.add(`${name}.local`);
    for (const addresses of Object.values(networkInterfaces()))
      for (const address of addresses ?? []) set.add(address.family === 'IPv6' ? `[${address.address.toLowerCase()}]` : address.address);
    for (const allowed of this.config.current.security.allowedOrigins) {
      const url = parseOrigin(allowed);
      if (url) set.add(url.hostname);
    }
    this.names = { at: now, set };
    return set;
  }
}

function parseOrigin(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * The same rule for the Engine.IO requests that Socket.IO's own middleware never sees: those of a
 * session already open (each long-polling GET and POST, the upgrade from polling to a WebSocket).
 * Socket.IO checks only the handshake's headers, and a same-origin polling handshake carries no
 * Origin (a rebound name's page gets a session that way); the POST bringing its connect packet
 * does. A handshake itself (no `sid`) is left to the connect check, which answers a typed
 * `connect_error`. Refused: 403 `{ error: 'ORIGIN_NOT_ALLOWED', message }`, an upgrade closed.
 */
export function engineOriginGuard(policy: OriginPolicy) {
  return (req: IncomingMessage, res: ServerResponse, next: (error?: Error) => void): void => {
    const inSession = new URL(req.url ?? '/', 'http://hub').searchParams.has('sid');
    if (!inSession || policy.allows(req.headers.origin, req.headers.host)) return next();
    const lang = /^en\b/i.test(req.headers['accept-language'] ?? '') ? 'en' : 'vi';
    if (!res.headersSent) {
      res.writeHead(403, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: 'ORIGIN_NOT_ALLOWED', message: translate(lang, 'error.ORIGIN_NOT_ALLOWED') }));
    }
    next(new Error('ORIGIN_NOT_ALLOWED'));
  };
}
