/** The audit trail of configuration changes (browser-safe). */
export interface ConfigChange {
  /** e.g. `services[ho-tich].dailyLimit`, `counters[quay-2]`, `display.notice.vi`. */
  path: string;
  before: unknown;
  after: unknown;
}

export interface AuditEntry {
  at: number;
  /** The supervisor's id. */
  by: string;
  action: string;
  changes: ConfigChange[];
}
