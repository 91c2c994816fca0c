// A bridge: runs serial devices on this PC (a kiosk or counter PC) for a hub elsewhere on the LAN.
// Usage: npm run bridge -- --hub http://HUB:3000 --token TOKEN
// The token is issued by the supervisor for this bridge (its id is in the hub's configuration).
import { parseArgs } from 'node:util';
import { connectBridge } from './bridge-client';
import { createDeviceHost } from './device-host';

function usage(message: string): never {
  console.error(`${message}\nusage: npm run bridge -- --hub http://HUB:3000 --token TOKEN`);
  process.exit(2);
}

let values: { hub?: string; token?: string };
try {
  ({ values } = parseArgs({ options: { hub: { type: 'string' }, token: { type: 'string' } } }));
} catch (error) {
  usage((error as Error).message);
}
if (!values.hub || !/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(values.hub)) usage('--hub must be the hub address, e.g. http://192.168.1.10:3000');
if (!values.token) usage('--token is missing');

const log = (message: string, context?: Record<string, unknown>) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), msg: message, ...context }));

const bridge = connectBridge({
  hubUrl: values.hub,
  token: values.token,
  createHost: (devices, hub) => createDeviceHost({ devices, hub, log }),
  log,
});

const stop = () => {
  bridge.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
