import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/project-root';
import { openDatabase, type Db } from '../../server/province/db/database';
import { migrate } from '../../server/province/db/migrations';
import { CentreRegistry } from '../../server/province/centre-registry';
import { ProvinceAccounts } from '../../server/province/province-accounts';
import { createTestDatabase, type TestDatabase } from '../helpers/database-servers';

/** `npm run province:admin` for accounts: the first admin, a new password, a disabled account. */

let database: TestDatabase;
let db: Db;

function cli(args: string[], options: { password?: string; stdin?: string } = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, LUOT_PROVINCE_DATABASE_URL: database.url, USER: 'tester' };
    delete env.LUOT_PROVINCE_PASSWORD;
    if (options.password !== undefined) env.LUOT_PROVINCE_PASSWORD = options.password;
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'server/province/province-admin-cli.ts'), ...args], { env, cwd: PROJECT_ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.stdin.end(options.stdin ?? '');
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

beforeAll(async () => {
  database = await createTestDatabase('admin_cli');
  db = openDatabase(database.url, 2);
  await migrate(db);
  await new CentreRegistry(db).add({ id: 'xa-a', name: { vi: 'Xã A', en: 'A' }, area: 'Hà Nội' }, 'test', Date.now());
});
afterAll(async () => {
  await db?.end();
  await database?.drop();
});

describe('province:admin for accounts', { timeout: 60_000 }, () => {
  it('makes the first admin with the password from the environment, and a centre supervisor with it from standard input', async () => {
    const made = await cli(['add-account', 'quantri', 'Nguyễn Văn Trị', 'admin'], { password: 'mat-khau-quan-tri' });
    expect(made).toMatchObject({ code: 0, out: 'account quantri (admin) added\n' });
    const accounts = new ProvinceAccounts(db);
    expect(await accounts.check('quantri', 'mat-khau-quan-tri')).toMatchObject({ id: 'quantri', name: 'Nguyễn Văn Trị', role: 'admin' });

    expect((await cli(['add-account', 'gs-a', 'Lê Thị A', 'centre-supervisor', 'xa-a'], { stdin: 'giam-sat-xa-a-2026\n' })).code).toBe(0);
    expect(await accounts.check('gs-a', 'giam-sat-xa-a-2026')).toMatchObject({ role: 'centre-supervisor', centreId: 'xa-a' });
    const audit = await db.query<{ actor: string; action: string }>(`SELECT actor, action FROM audit WHERE action = 'account.added' ORDER BY id`);
    expect(audit.rows).toEqual([
      { actor: 'cli:tester', action: 'account.added' },
      { actor: 'cli:tester', action: 'account.added' },
    ]);
  });

  it('refuses a short password, a role without its centre, a password on the command line, and changes nothing', async () => {
    const before = (await db.query('SELECT count(*)::int AS n FROM province_accounts')).rows[0].n;
    expect((await cli(['add-account', 'ngan', 'Ngắn', 'supervisor'], { password: 'ngan' })).code).toBe(2);
    expect((await cli(['add-account', 'gs-b', 'B', 'centre-supervisor'], { password: 'mat-khau-du-dai' })).code).toBe(2);
    expect((await cli(['add-account', 'gs-c', 'C', 'supervisor', 'xa-a'], { password: 'mat-khau-du-dai' })).code).toBe(2);
    expect((await cli(['add-account', 'gs-d', 'D', 'centre-supervisor', 'khong-co'], { password: 'mat-khau-du-dai' })).err).toContain('no centre "khong-co"');
    expect((await cli(['add-account', 'quantri', 'Lại', 'admin'], { password: 'mat-khau-du-dai' })).err).toContain('exists already');
    expect((await cli(['set-password', 'quantri', 'mat-khau-moi-o-day'])).err).toContain('usage');
    expect((await db.query('SELECT count(*)::int AS n FROM province_accounts')).rows[0].n).toBe(before);
  });

  it('sets a new password (ending the sessions) and disables an account', async () => {
    const accounts = new ProvinceAccounts(db);
    const account = (await accounts.check('quantri', 'mat-khau-quan-tri'))!;
    const session = await accounts.openSession(account, '127.0.0.1', Date.now());
    expect((await cli(['set-password', 'quantri'], { stdin: 'mat-khau-moi-2026\n' })).out).toContain('password of quantri set');
    expect(await accounts.check('quantri', 'mat-khau-quan-tri')).toBeNull();
    expect(await accounts.check('quantri', 'mat-khau-moi-2026')).not.toBeNull();
    expect((await accounts.signedIn(session.token, Date.now())).ok).toBe(false);
    expect((await cli(['disable-account', 'gs-a'])).out).toBe('account gs-a disabled\n');
    expect(await accounts.check('gs-a', 'giam-sat-xa-a-2026')).toBeNull();
    expect((await cli(['set-password', 'khong-co'], { password: 'mat-khau-du-dai' })).err).toContain('no account');
    expect((await cli(['list'])).out).toContain('account gs-a\tLê Thị A\tcentre-supervisor of xa-a\tdisabled');
  });
});
