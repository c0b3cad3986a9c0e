/**
 * For the few waits with no event to hang on (a background scan finishing in the database):
 * re-checks every 25 ms, generously bounded. Prefer a fake's `until()`, which wakes on calls.
 */
export async function eventually<T>(
  check: () => T | undefined | null | false,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
