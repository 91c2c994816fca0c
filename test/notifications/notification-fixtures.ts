import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import {
  applyDossierChange,
  quietChange,
  CLOSED_STATUSES,
  decideUpsert,
  dossierInputSchema,
  FINISHED_STATUSES,
  type Dossier,
  type DossierInput,
} from '../../server/domain/dossier-register';
import type { DossierChangeNotice, DossierSource } from '../../server/notifications/notification-service';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'luot-notify-'));
}

/** Polls until the check passes (no timing is asserted: only that it happens at all). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------

export interface GatewayRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A local HTTP server standing in for an SMS gateway. `failing` makes it answer 500. */
export async function startSmsGateway(): Promise<{
  url: string;
  requests: GatewayRequest[];
  failing: boolean;
  /** Requests it answered with 2xx. */
  accepted(): GatewayRequest[];
  close(): Promise<void>;
}> {
  const requests: GatewayRequest[] = [];
  const state = {
    url: '',
    requests,
    failing: false,
    accepted: () => requests.filter((r) => r.status < 300),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = state.failing ? 500 : 200;
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '{"ok":true}' : '{"error":"busy"}');
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

export interface ReceivedMail {
  from: string;
  to: string[];
  user: string | null;
  mail: ParsedMail;
}

/** A real SMTP server (smtp-server) on a free local port, keeping what it receives. */
export async function startSmtpServer(auth: { user: string; password: string } | null): Promise<{
  port: number;
  received: ReceivedMail[];
  /** Answer this many messages with a temporary failure (451) first. */
  failNext: number;
  close(): Promise<void>;
}> {
  const received: ReceivedMail[] = [];
  const state = { port: 0, received, failNext: 0, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: auth === null,
    allowInsecureAuth: true,
    logger: false,
    closeTimeout: 1_000,
    onAuth(login, _session, callback) {
      if (auth && login.username === auth.user && login.password === auth.password) callback(null, { user: login.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (state.failNext > 0) {
          state.failNext -= 1;
          const error = new Error('Try again later') as Error & { responseCode: number };
          error.responseCode = 451;
          callback(error);
          return;
        }
        simpleParser(Buffer.concat(chunks)).then(
          (mail) => {
            received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              user: typeof session.user === 'string' ? session.user : null,
              mail,
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.port = (server.server.address() as AddressInfo).port;
  return state;
}

// ---------------------------------------------------------------------------------------------

const CODE_PATTERN = /^[\w.]+-\d{6}-\d{4}$/;

/** The dossier register as the one-stop software's pushes change it, with the real rules. */
export class FakeRegister implements DossierSource {
  readonly dossiers = new Map<string, Dossier>();
  private readonly listeners = new Set<(notice: DossierChangeNotice) => void>();

  constructor(private readonly clock: { now: number }) {}

  onChange(listener: (notice: DossierChangeNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  all(): Iterable<Dossier> {
    return this.dossiers.values();
  }

  overdue(now: number): Dossier[] {
    return [...this.dossiers.values()].filter(
      (d) => !FINISHED_STATUSES.includes(d.status) && !CLOSED_STATUSES.includes(d.status) && d.dueAt < now,
    );
  }

  /** Applies a push; returns whether it changed anything. Notifies like the real register. */
  push(raw: Record<string, unknown>, options: { quiet?: boolean } = {}): boolean {
    const input = dossierInputSchema.parse(raw);
    const existing = this.dossiers.get(input.code);
    const decision = decideUpsert(existing, input, CODE_PATTERN, this.clock.now);
    if (!decision.ok) throw new Error(decision.error);
    if (!decision.change) return false;
    const before = existing ? structuredClone(existing) : null;
    applyDossierChange(this.dossiers, options.quiet ? quietChange(decision.change) : decision.change);
    const after = structuredClone(this.dossiers.get(input.code)!);
    const notice: DossierChangeNotice = { before, after, at: this.clock.now, ...(options.quiet ? { quiet: true } : {}) };
    this.listeners.forEach((l) => l(notice));
    return true;
  }

  /** The same notice again (a listener called twice for one change). */
  replay(notice: DossierChangeNotice): void {
    this.listeners.forEach((l) => l(notice));
  }
}

export const T0 = Date.parse('2025-03-12T08:00:00+07:00');
export const HOUR = 60 * 60 * 1000;

/** A dossier push as the one-stop software sends it. */
export function dossierPush(
  overrides: Partial<Omit<DossierInput, 'applicant'>> & { applicant?: Partial<DossierInput['applicant']> } = {},
): Record<string, unknown> {
  const { applicant, ...rest } = overrides;
  return {
    code: '000.00.15.H40-250312-0027',
    lookupKey: 'K7Q2',
    procedure: 'Đăng ký khai sinh',
    field: 'Hộ tịch',
    applicant: { name: 'Nguyễn Văn An', phone: '0912345678', email: 'an.nguyen@example.vn', lang: 'vi', ...applicant },
    receivedAt: '2025-03-12T08:00:00+07:00',
    dueAt: '2025-03-15T10:00:00+07:00',
    status: 2,
    delivery: 'centre',
    collectAt: 'Quầy 3',
    note: null,
    ...rest,
  };
}
