/** A one-line progress bar for a terminal: `[######........] 12000/40000 rows 30%`. */

export function renderProgress(done: number, total: number, width = 30): string {
  const ratio = total <= 0 ? 1 : Math.min(1, Math.max(0, done / total));
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} rows ${Math.floor(ratio * 100)}%`;
}

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * Redraws the bar in place (carriage return) when the whole percent changes. On something that is
 * not a terminal (a log file, CI) it draws nothing until `finish`, which prints the last state.
 */
export class ProgressBar {
  private lastPercent = -1;
  private drawn = false;

  constructor(
    private readonly out: ProgressOutput,
    private readonly total: number,
  ) {}

  update(done: number): void {
    if (!this.out.isTTY) return;
    const percent = this.total <= 0 ? 100 : Math.floor((done / this.total) * 100);
    if (percent === this.lastPercent) return;
    this.lastPercent = percent;
    this.out.write(`\r${renderProgress(done, this.total)}`);
    this.drawn = true;
  }

  finish(done: number): void {
    this.out.write(`${this.drawn ? '\r' : ''}${renderProgress(done, this.total)}\n`);
  }
}
