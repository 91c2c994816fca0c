// npm run province:admin -- <command>: the province's centre registry and accounts from a shell,
// for setting up (the first admin) and for when the screens cannot be reached (docs/province.md,
// "Linking a hub" and "Province supervisor").
//   add-centre <id> <name> <area>      a centre (id: lower-case letters, digits and dashes)
//   issue-token <centre-id>            a link token for the centre's hub, printed once
//   revoke-token <token-id>
//   list
//   add-account <user> <name> <role> [<centre-id>]   role: admin | supervisor | centre-supervisor
//   set-password <user>                a new password (the account's sessions end)
//   disable-account <user>             the account can no longer sign in (its sessions end)
// A password is read from LUOT_PROVINCE_PASSWORD, else from standard input (typed, not shown, or
// piped); never from the command line, where other users of the machine could read it.
import { createInterface } from 'node:readline';
import { PASSWORD_MIN, PROVINCE_ROLES, accountId, password as passwordSchema, type ProvinceRole } from '../protocol/province-protocol';
import { CentreRegistry } from './centre-registry';
import { openDatabase } from './db/database';
import { migrate } from './db/migrations';
import { ProvinceAccounts } from './province-accounts';

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  const db = openDatabase(process.env.LUOT_PROVINCE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/luot_province', 2);
  try {
    await migrate(db);
    const registry = new CentreRegistry(db);
    const by = `cli:${process.env.USER ?? 'admin'}`;
    const now = Date.now();
    if (command === 'add-centre' && args.length === 3) {
      const [id, name, area] = args as [string, string, string];
      if (!/^[a-z0-9][a-z0-9-]{1,39}$/.test(id)) return fail('the id must be lower-case letters, digits and dashes (2-40)');
      const added = await registry.add({ id, name: { vi: name, en: name }, area }, by, now);
      if (!added.ok) return fail(added.error === 'CENTRE_EXISTS' ? `a centre "${id}" exists already` : added.error);
      console.log(`centre ${id} added`);
      return 0;
    }
    if (command === 'issue-token' && args.length === 1) {
      const issued = await registry.issueToken(args[0]!, by, now);
      if (!issued.ok) return fail(`no centre "${args[0]}"`);
      console.log(`token ${issued.tokenId} for ${args[0]} (shown once; give it to the hub as LUOT_PROVINCE_TOKEN):\n${issued.token}`);
      return 0;
    }
    if (command === 'revoke-token' && args.length === 1) {
      if (!(await registry.revokeToken(args[0]!, by, now))) return fail(`no live token "${args[0]}"`);
      console.log(`token ${args[0]} revoked`);
      return 0;
    }
    const accounts = new ProvinceAccounts(db);
    if (command === 'add-account' && (args.length === 3 || args.length === 4)) {
      const [id, name, role, centreId] = args as [string, string, string, string | undefined];
      if (!accountId.safeParse(id).success) return fail('the user name must be lower-case letters, digits, dots, dashes or underscores (2-40)');
      if (!(PROVINCE_ROLES as readonly string[]).includes(role)) return fail(`the role is one of ${PROVINCE_ROLES.join(', ')}`);
      if ((role === 'centre-supervisor') !== (centreId !== undefined)) return fail('a centre-supervisor has one centre; admins and supervisors none');
      const password = await readPassword();
      if (password === null) return fail(`the password needs ${PASSWORD_MIN} characters at least`);
      const added = await accounts.add({ id, name, role: role as ProvinceRole, centreId: centreId ?? null, password }, by, now);
      if (!added.ok) return fail(added.error === 'ACCOUNT_EXISTS' ? `an account "${id}" exists already` : `no centre "${centreId}"`);
      console.log(`account ${id} (${role}${centreId ? ` of ${centreId}` : ''}) added`);
      return 0;
    }
    if (command === 'set-password' && args.length === 1) {
      const password = await readPassword();
      if (password === null) return fail(`the password needs ${PASSWORD_MIN} characters at least`);
      const set = await accounts.setPassword(args[0]!, password, by, now);
      if (!set.ok) return fail(`no account "${args[0]}"`);
      console.log(`password of ${args[0]} set; its sessions have ended`);
      return 0;
    }
    if (command === 'disable-account' && args.length === 1) {
      const disabled = await accounts.disable(args[0]!, by, now);
      if (!disabled.ok) return fail(`no account "${args[0]}"`);
      console.log(disabled.changed ? `account ${args[0]} disabled` : `account ${args[0]} was disabled already`);
      return 0;
    }
    if (command === 'list') {
      for (const c of await registry.list()) console.log(`${c.id}\t${c.name.vi}\t${c.area}\t${c.profile ? 'linked' : 'not linked yet'}`);
      for (const a of await accounts.list()) console.log(`account ${a.id}\t${a.name}\t${a.role}${a.centreId ? ` of ${a.centreId}` : ''}${a.disabled ? '\tdisabled' : ''}`);
      return 0;
    }
    return fail(
      'usage: add-centre <id> <name> <area> | issue-token <centre-id> | revoke-token <token-id> | list\n' +
        '       add-account <user> <name> <role> [<centre-id>] | set-password <user> | disable-account <user>\n' +
        '       (passwords from LUOT_PROVINCE_PASSWORD or standard input)',
    );
  } finally {
    await db.end();
  }
}

/**
 * The password from LUOT_PROVINCE_PASSWORD, else standard input: asked twice without echo on a
 * terminal, the first line when piped. Null when it is too short (or the two differ).
 */
async function readPassword(): Promise<string | null> {
  const fromEnv = process.env.LUOT_PROVINCE_PASSWORD;
  if (fromEnv !== undefined) return passwordSchema.safeParse(fromEnv).success ? fromEnv : null;
  if (!process.stdin.isTTY) {
    const lines = createInterface({ input: process.stdin });
    let first = '';
    for await (const line of lines) {
      first = line;
      break;
    }
    lines.close();
    return passwordSchema.safeParse(first).success ? first : null;
  }
  const once = await askHidden('Password: ');
  const again = await askHidden('Again: ');
  return once === again && passwordSchema.safeParse(once).success ? once : null;
}

function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    // What is typed is not echoed: only the prompt is written.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(prompt)) process.stdout.write(prompt);
    };
    rl.question(prompt, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

function fail(message: string): number {
  console.error(message);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`province admin: ${(error as Error).message}`);
    process.exit(1);
  },
);
