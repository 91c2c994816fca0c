/**
 * Keeps one device's DeviceStatus and reports it only when it changes. `since` is when the
 * condition began: a new detail under the same condition does not move it.
 */
import type { DeviceCondition, DeviceKind, DeviceStatus } from './device-contract';
import type { SerialLinkReport } from './serial/serial-link';

export class StatusKeeper {
  private status: DeviceStatus;

  constructor(
    deviceId: string,
    kind: DeviceKind,
    private readonly clock: () => number,
    private readonly onStatus: (status: DeviceStatus) => void,
  ) {
    this.status = { deviceId, kind, condition: 'starting', detail: null, since: clock() };
  }

  get current(): DeviceStatus {
    return { ...this.status };
  }

  set(condition: DeviceCondition, detail: string | null): void {
    const s = this.status;
    if (s.condition === condition && s.detail === detail) return;
    this.status = { ...s, condition, detail, since: s.condition === condition ? s.since : this.clock() };
    this.onStatus({ ...this.status });
  }
}

/** The device condition while its link is not open. */
export function conditionOfLink(state: SerialLinkReport | 'idle' | 'opening' | 'stopped'): DeviceCondition {
  switch (state) {
    case 'port-missing':
      return 'port-missing';
    case 'disconnected':
    case 'stopped':
      return 'disconnected';
    case 'open':
    case 'idle':
    case 'opening':
      return 'starting';
  }
}
