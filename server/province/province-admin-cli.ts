// npm run province:admin -- <command>: the province's centre registry from a shell, for setting up
// before the province supervisor's screens exist (docs/province.md, "Linking a hub").
//   add-centre <id> <name> <area>      a centre (id: lower-case letters, digits and dashes)
//   issue-token <centre-id>            a link token for the centre's hub, printed once
//   revoke-token <token-id>
//   list
import { CentreRegistry } from './centre-registry';
import { openDatabase } from './db/database';
import { migrate } from './db/migrations';

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
    if (command === 'list') {
      for (const c of await registry.list()) console.log(`${c.id}\t${c.name.vi}\t${c.area}\t${c.profile ? 'linked' : 'not linked yet'}`);
      return 0;
    }
    return fail('usage: add-centre <id> <name> <area> | issue-token <centre-id> | revoke-token <token-id> | list');
  } finally {
    await db.end();
  }
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
