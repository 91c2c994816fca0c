/**
 * Waits for what a probe returns to be truthy (polling every 25 ms), and returns it; fails with
 * what was waited for after `timeoutMs`. For tests across processes and links, where "done" is
 * something to see, never a sleep.
 */
export async function until<T>(what: string, probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
