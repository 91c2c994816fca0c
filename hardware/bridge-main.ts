// A bridge: runs serial devices on this PC (a kiosk or counter PC) for a hub elsewhere on the LAN.
// Usage: npm run bridge -- --hub http://HUB:3000 --token TOKEN   (npm run bridge -- --help)
import { parseArgs } from 'node:util';
import { connectBridge, type BridgeRefusal } from './bridge-client';
import { createDeviceHost } from './device-host';

/** Exit codes, also in docs/hardware.md (5.2). */
const EXIT_BAD_ARGUMENTS = 2;
/** The hub refused the token (sysexits' EX_NOPERM): retrying cannot help, a new token can. */
const EXIT_TOKEN_REFUSED = 77;

const USAGE = 'usage: npm run bridge -- --hub http://HUB:3000 --token TOKEN';

const HELP = `${USAGE}

Runs the ticket printers, keypads and LED displays plugged into this PC for a Lượt hub on the
network. Which devices run here is set in the hub's configuration: the devices whose "bridge" is
this bridge's id.

  --hub URL      the hub's address, e.g. http://192.168.1.10:3000
  --token TOKEN  this bridge's token. The supervisor issues it in the counter app: Thiết bị
                 (Devices) > Cấp mã cầu nối (Issue bridge token) next to the bridge, or with the
                 socket command bridge:issue-token. It is shown once; issuing a new one or
                 revoking it cuts this bridge off.
  -h, --help     this text

While the hub cannot be reached it keeps retrying (every 1 s at first, then up to every 10 s);
it never stops by itself on a network error.

Exit codes:
  0   stopped (Ctrl-C, SIGTERM)
  2   bad arguments
  77  the hub refused the token (wrong, revoked, replaced by a newer one, or the bridge is no
      longer in the hub's configuration): ask the supervisor for a new token`;

function usage(message: string): never {
  console.error(`${message}\n${USAGE}\n(npm run bridge -- --help for more)`);
  process.exit(EXIT_BAD_ARGUMENTS);
}

let values: { hub?: string; token?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: { hub: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  }));
} catch (error) {
  usage((error as Error).message);
}
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
if (!values.hub || !/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(values.hub)) usage('--hub must be the hub address, e.g. http://192.168.1.10:3000');
if (!values.token) usage('--token is missing');
const hubUrl = values.hub;
const token = values.token;

const log = (message: string, context?: Record<string, unknown>) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), msg: message, ...context }));

/** The bridge id a token names: the hub issues tokens as `<bridge id>.<secret>`. Only a hint. */
function bridgeIdOf(value: string): string | null {
  const id = value.split('.')[0] ?? '';
  return /^[a-z0-9][a-z0-9-]{0,39}$/.test(id) && value.includes('.') ? id : null;
}

function refusedMessage(refusal: BridgeRefusal): string {
  const id = bridgeIdOf(token);
  const which = id ? `bridge "${id}"` : 'this bridge';
  return [
    refusal.wasConnected
      ? `The hub at ${hubUrl} refused this bridge's token when it reconnected (${refusal.code}): the token was`
        + '\nrevoked or replaced by a newer one, or the bridge was removed from the hub\'s configuration.'
      : `The hub at ${hubUrl} refused this bridge's token (${refusal.code}): the token is wrong, was revoked or`
        + '\nreplaced by a newer one, or the bridge is not in the hub\'s configuration.',
    `Ask the supervisor for a new token for ${which} (counter app: Thiết bị > Cấp mã cầu nối),`,
    `then run npm run bridge again with it. Exit code ${EXIT_TOKEN_REFUSED}.`,
  ].join('\n');
}

let exiting = false;
const exit = (code: number) => {
  if (exiting) return;
  exiting = true;
  bridge.stop().then(
    () => process.exit(code),
    () => process.exit(code === 0 ? 1 : code),
  );
};

const bridge = connectBridge({
  hubUrl,
  token,
  createHost: (devices, hub) => createDeviceHost({ devices, hub, log }),
  log,
  onRefused: (refusal) => {
    console.error(refusedMessage(refusal));
    exit(EXIT_TOKEN_REFUSED);
  },
});

process.once('SIGINT', () => exit(0));
process.once('SIGTERM', () => exit(0));
