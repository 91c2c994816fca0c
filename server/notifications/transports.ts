import type { Transporter } from 'nodemailer';
import type { EmailConfig, SmsConfig } from './notification-config';

/**
 * The two ways a message leaves the hub. A transport resolves once the gateway or the SMTP server
 * has taken the message, and throws otherwise. What it throws is described for the log by
 * `describeFailure`, which never uses an error's message (that may hold an address or a number).
 */

export interface OutgoingSms {
  /** Stable id of the message (the same on every attempt): {id} in the gateway request. */
  id: string;
  to: string;
  text: string;
}

export interface OutgoingEmail {
  /** Stable id of the message: the Message-ID header is made from it. */
  id: string;
  to: string;
  subject: string;
  text: string;
}

export interface SmsTransport {
  send(message: OutgoingSms): Promise<void>;
  close?(): Promise<void> | void;
}

export interface EmailTransport {
  send(message: OutgoingEmail): Promise<void>;
  close?(): Promise<void> | void;
}

/** A failure with a reason that is safe to log and store (no personal data, no keys). */
export class DeliveryError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'DeliveryError';
  }
}

/** A short reason for a failed send: a status, an error code, never a message text. */
export function describeFailure(error: unknown): string {
  if (error instanceof DeliveryError) return error.reason;
  if (error && typeof error === 'object') {
    const e = error as { name?: unknown; code?: unknown; responseCode?: unknown; command?: unknown };
    const parts: string[] = [];
    if (typeof e.code === 'string' && /^[A-Z0-9_]{2,40}$/.test(e.code)) parts.push(e.code);
    if (typeof e.responseCode === 'number') parts.push(`SMTP ${e.responseCode}`);
    if (typeof e.command === 'string' && /^[A-Z ]{2,20}$/.test(e.command)) parts.push(`at ${e.command}`);
    if (parts.length > 0) return parts.join(' ');
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timeout';
    if (typeof e.name === 'string' && /^[A-Za-z]{2,40}$/.test(e.name)) return e.name;
  }
  return 'unknown error';
}

// ---------------------------------------------------------------------------------------------
// E-mail

/** The domain of the sender's address, for Message-IDs. */
export function senderDomain(from: string): string {
  const match = /@([^<>@\s]+?)>?\s*$/.exec(from);
  return match?.[1]?.toLowerCase() ?? 'luot.invalid';
}

/** The Message-ID header for a message id: `<id@sender-domain>`. */
export function messageIdHeader(id: string, from: string): string {
  return `<${id}@${senderDomain(from)}>`;
}

/**
 * Sends e-mail through the configured SMTP server (nodemailer; one connection per message).
 * nodemailer is loaded at the first message, not at the hub's start: most centres send none.
 */
export function createSmtpTransport(config: EmailConfig): EmailTransport {
  const { host, port, secure, user, password } = config.smtp;
  let transporter: Promise<Transporter> | null = null;
  const open = async (): Promise<Transporter> => {
    const { createTransport } = (await import('nodemailer')).default;
    return createTransport({
      host,
      port,
      secure,
      ...(user !== undefined && password !== undefined ? { auth: { user, pass: password } } : {}),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
      // Never let the library write message contents or addresses anywhere.
      logger: false,
      debug: false,
    });
  };
  return {
    async send(message) {
      try {
        await (await (transporter ??= open())).sendMail({
          from: config.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          messageId: messageIdHeader(message.id, config.from),
          headers: { 'X-Luot-Message-Id': message.id },
        });
      } catch (error) {
        throw new DeliveryError(`smtp: ${describeFailure(error)}`);
      }
    },
    async close() {
      await transporter?.then((t) => t.close()).catch(() => undefined);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// SMS over an HTTP gateway

/** Fills {phone} {text} {id} in a template, each value escaped by `escape`. Unknown braces stay. */
export function fillTemplate(template: string, values: Record<'phone' | 'text' | 'id', string>, escape: (v: string) => string): string {
  return template.replace(/\{(phone|text|id)\}/g, (_, name: 'phone' | 'text' | 'id') => escape(values[name]));
}

/** How a value is escaped inside a body of the given content type. */
export function escaperFor(contentType: string): (value: string) => string {
  const type = contentType.toLowerCase();
  if (type.includes('json')) return (v) => JSON.stringify(v).slice(1, -1);
  if (type.includes('x-www-form-urlencoded')) return (v) => encodeURIComponent(v);
  if (type.includes('xml'))
    return (v) =>
      v.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
  return (v) => v;
}

/** A phone number in the form the gateway wants. Vietnam's country code is 84. */
export function formatPhone(phone: string, format: SmsConfig['phoneFormat']): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (format === 'as-given') return digits;
  const bare = digits.replace(/^\+/, '');
  if (format === 'international') return bare.startsWith('0') ? `84${bare.slice(1)}` : bare;
  if (bare.startsWith('84') && bare.length >= 11) return `0${bare.slice(2)}`;
  return bare;
}

/**
 * Sends SMS through an HTTP gateway: the configured method, URL, headers and body. A response
 * other than 2xx, a network error or a timeout is a failure.
 */
export function createHttpSmsTransport(config: SmsConfig, fetchImpl: typeof fetch = fetch): SmsTransport {
  const bodyEscape = escaperFor(config.contentType);
  return {
    async send(message) {
      const values = { phone: formatPhone(message.to, config.phoneFormat), text: message.text, id: message.id };
      const url = fillTemplate(config.url, values, encodeURIComponent);
      const init: RequestInit = { method: config.method, signal: AbortSignal.timeout(config.timeoutMs), redirect: 'error' };
      if (config.method === 'POST') {
        init.headers = { 'content-type': config.contentType, ...config.headers };
        init.body = fillTemplate(config.bodyTemplate, values, bodyEscape);
      } else {
        init.headers = { ...config.headers };
      }
      let response: Response;
      try {
        response = await fetchImpl(url, init);
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        throw new DeliveryError(`sms: ${describeFailure(cause ?? error)}`);
      }
      // Read the answer to the end so the connection can be reused; its content is not logged.
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new DeliveryError(`sms: HTTP ${response.status}`);
    },
  };
}
