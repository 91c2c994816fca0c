/**
 * A USB barcode / QR scanner plugged into a kiosk "types" what it read, very fast, and ends with
 * Enter. This tells such a burst from a person typing, and reads what a dossier receipt's code
 * holds. Browser-safe; the pure parts are unit-tested.
 */

export interface ScanOptions {
  /**
   * Longest mean pause between the characters of one scan. Scanners type a character every 2-30 ms;
   * people, even fast ones, 100 ms and more on average. (A mean, because a busy page or the USB bus
   * can hold back a single character now and then.)
   */
  meanGapMs: number;
  /** A pause this long starts a new burst: what came before it is not part of a scan. */
  pauseMs: number;
  /** Shorter bursts are not receipts. */
  minLength: number;
}

export const DEFAULT_SCAN_OPTIONS: ScanOptions = { meanGapMs: 50, pauseMs: 300, minLength: 6 };

/** Feeds keystrokes (their `key` and time); calls `onScan` with the text of a burst that ends in Enter. */
export class ScanDetector {
  private buffer = '';
  private first = 0;
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly onScan: (text: string) => void,
    private readonly options: ScanOptions = DEFAULT_SCAN_OPTIONS,
  ) {}

  /** One key pressed at `at` (ms). True when it was the Enter ending a scan (the caller swallows it). */
  key(key: string, at: number): boolean {
    if (key === 'Enter') {
      const chars = [...this.buffer].length;
      const meanGap = chars > 1 ? (this.last - this.first) / (chars - 1) : Number.POSITIVE_INFINITY;
      const scanned =
        chars >= this.options.minLength && meanGap <= this.options.meanGapMs && at - this.last <= this.options.pauseMs;
      const text = this.buffer;
      this.reset();
      if (scanned) this.onScan(text);
      return scanned;
    }
    // Shift, CapsLock and other named keys come inside bursts too: they neither add nor break.
    if ([...key].length !== 1) return false;
    if (at - this.last > this.options.pauseMs) {
      this.buffer = '';
      this.first = at;
    }
    this.buffer += key;
    this.last = at;
    return false;
  }

  reset(): void {
    this.buffer = '';
    this.first = 0;
    this.last = Number.NEGATIVE_INFINITY;
  }
}

export interface ScannedLookup {
  code: string;
  /** Empty when the receipt's code holds only the dossier code. */
  key: string;
}

const MAX_CODE = 60;
const MAX_KEY = 20;

/**
 * What a receipt's QR code or barcode holds: "code|key", a link with `?code=..&key=..`, or the
 * dossier code alone. Null when it is none of these.
 */
export function parseScannedLookup(raw: string): ScannedLookup | null {
  const text = raw.trim();
  if (!text || text.length > 500) return null;
  let code: string;
  let key: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /[?&]code=/i.test(text)) {
    let url: URL;
    try {
      url = new URL(text, 'http://receipt.invalid/');
    } catch {
      return null;
    }
    const param = (name: string) => {
      for (const [k, v] of url.searchParams) if (k.toLowerCase() === name) return v;
      return null;
    };
    code = param('code') ?? '';
    key = param('key') ?? '';
  } else if (text.includes('|')) {
    const at = text.indexOf('|');
    code = text.slice(0, at);
    key = text.slice(at + 1);
  } else {
    if (/\s/.test(text)) return null;
    code = text;
    key = '';
  }
  code = code.trim().toUpperCase();
  key = key.trim().toUpperCase();
  if (!code || code.length > MAX_CODE || key.length > MAX_KEY) return null;
  return { code, key };
}

/**
 * Listens for scans anywhere on the page (capture phase, so no field swallows them). The Enter
 * that ends a scan is stopped. Returns the function that stops listening.
 */
export function listenForScans(onScan: (text: string) => void, options: ScanOptions = DEFAULT_SCAN_OPTIONS): () => void {
  const detector = new ScanDetector(onScan, options);
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
    // The time the key was pressed (not handled): a busy page must not split a scanner's burst.
    if (detector.key(e.key, e.timeStamp > 0 ? e.timeStamp : performance.now())) {
      e.preventDefault();
      e.stopPropagation();
    }
  };
  window.addEventListener('keydown', onKey, true);
  return () => window.removeEventListener('keydown', onKey, true);
}
