/**
 * The logging the device code needs: the hub's Logger (server/logger.ts) fits it as it is, and so
 * does anything with these three methods. Hardware code never logs per byte or per line of input.
 */
export interface HardwareLog {
  info(msg: string, context?: Record<string, unknown>): void;
  warn(msg: string, context?: Record<string, unknown>): void;
  error(msg: string, context?: Record<string, unknown>): void;
}

/** A plain function also does: the level goes into the context. */
export type LogFunction = (msg: string, context?: Record<string, unknown>) => void;
export type LogSink = HardwareLog | LogFunction;

export function toHardwareLog(sink: LogSink | undefined): HardwareLog {
  if (sink === undefined) return silentLog;
  if (typeof sink !== 'function') return sink;
  return {
    info: (msg, context) => sink(msg, { level: 'info', ...context }),
    warn: (msg, context) => sink(msg, { level: 'warn', ...context }),
    error: (msg, context) => sink(msg, { level: 'error', ...context }),
  };
}

export const silentLog: HardwareLog = {
  info: () => {},
  warn: () => {},
  error: () => {},
};

/**
 * Says something at most once per `intervalMs` for each key, with the number of times it was held
 * back since, so that a flood of bad input gives one log line a minute, not one per line.
 */
export class ThrottledLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly log: HardwareLog,
    private readonly clock: () => number,
    private readonly intervalMs = 60_000,
    private readonly maxKeys = 64,
  ) {}

  warn(key: string, msg: string, context: Record<string, unknown> = {}): void {
    const now = this.clock();
    const seen = this.last.get(key);
    if (seen !== undefined && now - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    const suppressed = seen?.suppressed ?? 0;
    this.last.delete(key);
    this.last.set(key, { at: now, suppressed: 0 });
    while (this.last.size > this.maxKeys) {
      const oldest = this.last.keys().next().value;
      if (oldest === undefined) break;
      this.last.delete(oldest);
    }
    this.log.warn(msg, suppressed > 0 ? { ...context, suppressedSinceLast: suppressed } : context);
  }
}
