import { useMemo } from 'preact/hooks';
import { encode } from 'uqr';

/** Light modules around the code, as the QR standard asks (4), so that phones and scanners find it. */
const QUIET_ZONE = 4;

/**
 * A QR code drawn as an inline SVG (the page's CSP allows it; no innerHTML): one path, a rectangle
 * per run of dark modules in a row. Error correction M: the kiosk's scanner reads it from a
 * scratched phone screen or a creased print-out.
 */
export function QrCode({ value, label, class: className, testId = 'qr-code' }: { value: string; label: string; class?: string; testId?: string }) {
  const { size, path } = useMemo(() => {
    const qr = encode(value, { ecc: 'M', border: 0 });
    let d = '';
    qr.data.forEach((row, y) => {
      for (let x = 0; x < row.length; x++) {
        if (!row[x]) continue;
        let run = 1;
        while (row[x + run]) run++;
        d += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h${run}v1h-${run}z`;
        x += run - 1;
      }
    });
    return { size: qr.size + 2 * QUIET_ZONE, path: d };
  }, [value]);
  return (
    <svg class={className} viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shape-rendering="crispEdges" data-testid={testId}>
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
