/**
 * The reliability suite runs at sizes that fit CI by default; LUOT_RELIABILITY=large runs the sizes
 * the issue asks for (10,000 payloads per event, 20 kills, a long soak). Each test prints its counts.
 */
export const LARGE = process.env.LUOT_RELIABILITY === 'large';

export function report(name: string, counts: Record<string, number | string>): void {
  const parts = Object.entries(counts).map(([k, v]) => `${k}=${v}`);
  console.log(`[reliability] ${name}: ${parts.join(' ')}`);
}
