/**
 * A job the printer emulator received, as lines for a terminal: text as the printer would print it
 * (indented when centred or right-aligned), `[QR ...]` and `[cut]` markers, and images either as a
 * size or drawn in braille characters. Used by `npm run sim` and `npm run printer:test`.
 */
import type { Bitmap } from '../escpos/encoder';
import type { PrintedJob } from './printer-emulator';

export function jobLines(job: PrintedJob, title: string, options: { images?: boolean; imageHint?: string } = {}): string[] {
  const out = [`┌─ ${title} (${job.bytes.length} bytes) ${'─'.repeat(30)}`];
  for (const item of job.transcript.items) {
    if (item.kind === 'text') out.push(`│ ${item.align === 'center' ? '   ' : item.align === 'right' ? '      ' : ''}${item.text}`);
    else if (item.kind === 'qr') out.push(`│ [QR ${item.data}]`);
    else if (item.kind === 'cut') out.push('└─ [cut]');
    else if (item.kind === 'image') {
      if (options.images) for (const l of brailleLines(item.bitmap)) out.push(`│ ${l}`);
      else out.push(`│ [image ${item.widthDots}x${item.heightDots}]${options.imageHint ? `  ${options.imageHint}` : ''}`);
    } else if (item.kind === 'unknown' || item.kind === 'truncated') out.push(`│ [${item.kind} at ${item.offset}]`);
  }
  return out;
}

/** An image as braille characters, 2x4 dots each, after halving the resolution. */
export function brailleLines(bitmap: Bitmap): string[] {
  const rowBytes = Math.ceil(bitmap.widthDots / 8);
  const black = (x: number, y: number) => {
    // A dot of the halved image is black when any of its 2x2 source dots is.
    for (let dy = 0; dy < 2; dy++)
      for (let dx = 0; dx < 2; dx++) {
        const sx = x * 2 + dx;
        const sy = y * 2 + dy;
        if (sx < bitmap.widthDots && sy < bitmap.heightDots && ((bitmap.data[sy * rowBytes + (sx >> 3)] ?? 0) & (0x80 >> (sx & 7))) !== 0) return true;
      }
    return false;
  };
  const width = Math.ceil(bitmap.widthDots / 2);
  const height = Math.ceil(bitmap.heightDots / 2);
  const bits = [
    [0x01, 0x08],
    [0x02, 0x10],
    [0x04, 0x20],
    [0x40, 0x80],
  ] as const;
  const lines: string[] = [];
  for (let cy = 0; cy < height; cy += 4) {
    let line = '';
    for (let cx = 0; cx < width; cx += 2) {
      let code = 0;
      for (let r = 0; r < 4; r++) for (let c = 0; c < 2; c++) if (black(cx + c, cy + r)) code |= bits[r]![c]!;
      line += String.fromCharCode(0x2800 + code);
    }
    lines.push(line.replace(/\u2800+$/, ''));
  }
  return lines;
}
