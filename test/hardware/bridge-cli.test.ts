/**
 * `npm run bridge` as a real process against a real hub: usage, a refused token, a hub that
 * cannot be reached, and a token revoked or replaced while the bridge runs.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { expectOk, newCommandId, send, startTestHub, type HubClient, type TestHub } from '../helpers/hub-fixture';
import { SUPERVISOR_PASSWORD, testCentre } from '../helpers/test-centre';
import { runCli, type CliProcess } from './cli-process';

const BRIDGE = 'hardware/bridge-main.ts';
const TOKEN_REFUSED_EXIT = 77;

let hub: TestHub | null = null;
let bridges: CliProcess[] = [];
afterEach(async () => {
  await Promise.all(bridges.map((b) => b.kill()));
  bridges = [];
  await hub?.stop();
  hub = null;
});

const bridge = (args: string[]) => {
  const cli = runCli(BRIDGE, args);
  bridges.push(cli);
  return cli;
};

async function hubWithBridge(): Promise<TestHub> {
  hub = await startTestHub({
    config: testCentre((c) => {
      c.bridges = [{ id: 'kiosk-pc-2', name: 'Kiosk PC by the entrance' }];
      c.devices = [{ kind: 'printer', id: 'printer-2', bridge: 'kiosk-pc-2', path: '/nonexistent/luot-bridge-test-printer' }];
    }),
  });
  return hub;
}

async function supervisorOf(testHub: TestHub): Promise<HubClient> {
  const socket = await testHub.connect({ app: 'counter' });
  expectOk(await send(socket, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
  return socket;
}

const issueToken = async (supervisor: HubClient) =>
  expectOk(await send<{ token: string }>(supervisor, 'bridge:issue-token', { commandId: newCommandId(), bridgeId: 'kiosk-pc-2' })).token;

/** A TCP port nothing listens on (taken and given back at once). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const bridgeOnline = (testHub: TestHub) => testHub.hub.devices.deviceViews().find((d) => d.id === 'printer-2')?.bridgeOnline;

describe('npm run bridge', () => {
  it('--help and -h print the usage, where the token comes from, and the exit codes; exit 0', async () => {
    for (const flag of ['--help', '-h']) {
      const cli = bridge([flag]);
      expect(await cli.exited()).toBe(0);
      expect(cli.stdout()).toContain('usage: npm run bridge -- --hub http://HUB:3000 --token TOKEN');
      expect(cli.stdout()).toContain('--token TOKEN');
      expect(cli.stdout()).toContain('Cấp mã cầu nối');
      expect(cli.stdout()).toMatch(/77 +the hub refused the token/);
    }
  });

  it('bad arguments: exit 2 with the usage', async () => {
    const cli = bridge(['--hub', 'http://127.0.0.1:3000']);
    expect(await cli.exited()).toBe(2);
    expect(cli.stderr()).toContain('--token is missing');
    expect(cli.stderr()).toContain('usage: npm run bridge');
  });

  it('a wrong token: says the hub refused it and what to do, and exits 77 at once', async () => {
    const testHub = await hubWithBridge();
    const started = Date.now();
    const cli = bridge(['--hub', testHub.hub.url, '--token', 'kiosk-pc-2.not-the-real-secret']);
    expect(await cli.exited(8_000)).toBe(TOKEN_REFUSED_EXIT);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(cli.stderr()).toContain(`The hub at ${testHub.hub.url} refused this bridge's token (NOT_LOGGED_IN)`);
    expect(cli.stderr()).toContain('Ask the supervisor for a new token for bridge "kiosk-pc-2" (counter app: Thiết bị > Cấp mã cầu nối)');
    expect(cli.output()).not.toContain('cannot reach the hub');
  });

  it('a hub that cannot be reached: keeps retrying and says so, never exits by itself', async () => {
    const port = await closedPort();
    const cli = bridge(['--hub', `http://127.0.0.1:${port}`, '--token', 'kiosk-pc-2.whatever']);
    await cli.waitFor(/cannot reach the hub, retrying in 1 s/);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(cli.child.exitCode).toBeNull();
    expect(cli.stdout()).toContain('cannot reach the hub, retrying in 1 s');
    expect(cli.stdout()).toContain('cannot reach the hub, retrying in 2 s');
    expect(cli.stdout()).toContain('ECONNREFUSED');
    expect(cli.stderr()).not.toContain('refused this bridge');
    // Stopped by a signal, it stops cleanly.
    await cli.kill('SIGTERM');
    expect(await cli.exited()).toBe(0);
  });

  it('a hub that comes up later: the retries find it and the bridge runs its devices', async () => {
    // A token from a first run of the hub; the hub then stops, and comes back on the same port
    // and data folder (where tokens live) while the bridge is retrying.
    const first = await hubWithBridge();
    const token = await issueToken(await supervisorOf(first));
    const { port } = first.hub;
    await first.stop();
    hub = null;
    const cli = bridge(['--hub', `http://127.0.0.1:${port}`, '--token', token]);
    await cli.waitFor(/cannot reach the hub, retrying in 1 s/);
    hub = await startTestHub({ config: first.config, dataDir: first.dataDir, port });
    await cli.waitFor(/"msg":"running devices".*"printer-2"/, 15_000);
    await expect.poll(() => bridgeOnline(hub!)).toBe(true);
    expect(cli.child.exitCode).toBeNull();
  });

  it('a valid token runs the devices; revoked while running: refused at reconnect, exit 77', async () => {
    const testHub = await hubWithBridge();
    const supervisor = await supervisorOf(testHub);
    const token = await issueToken(supervisor);
    const cli = bridge(['--hub', testHub.hub.url, '--token', token]);
    await cli.waitFor(/"msg":"running devices","bridge":"kiosk-pc-2","devices":\["printer-2"\]/);
    await expect.poll(() => bridgeOnline(testHub)).toBe(true);

    expectOk(await send(supervisor, 'bridge:revoke-token', { commandId: newCommandId(), bridgeId: 'kiosk-pc-2' }));
    expect(await cli.exited(8_000)).toBe(TOKEN_REFUSED_EXIT);
    expect(cli.stderr()).toContain("refused this bridge's token when it reconnected (NOT_LOGGED_IN)");
    expect(cli.stderr()).toContain('revoked or replaced by a newer one');
    expect(cli.stderr()).toContain('new token for bridge "kiosk-pc-2"');
    expect(bridgeOnline(testHub)).toBe(false);
  });

  it('a new token issued for the bridge: the one running with the old token is refused, exit 77', async () => {
    const testHub = await hubWithBridge();
    const supervisor = await supervisorOf(testHub);
    const cli = bridge(['--hub', testHub.hub.url, '--token', await issueToken(supervisor)]);
    await cli.waitFor(/"msg":"running devices"/);
    await issueToken(supervisor);
    expect(await cli.exited(8_000)).toBe(TOKEN_REFUSED_EXIT);
    expect(cli.stderr()).toContain("refused this bridge's token when it reconnected");
  });
});
