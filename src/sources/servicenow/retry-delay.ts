/** Backoff base: the first retry waits 500 ms, then 1 s, 2 s, 4 s … */
export const BASE_DELAY_MS = 500;
/** Exponential backoff never waits longer than this. */
export const MAX_BACKOFF_MS = 30_000;
/**
 * The longest Retry-After warden waits out by default (SERVICENOW_MAX_RETRY_AFTER_SECONDS): a
 * longer one makes the client give up at once (see retryAfterTooLongError), since a chat bot
 * should fail visibly rather than hang.
 */
export const MAX_RETRY_AFTER_MS = 120_000;

/**
 * How long to wait before retry number `attempt` (0 for the first retry).
 *
 * A valid `Retry-After` (seconds, or an HTTP date read against `now`) **wins** over the backoff,
 * even when it is shorter: ServiceNow sends it with 429 when a rate-limit rule (counted per hour)
 * denied the request, and it knows when its window reopens; retrying earlier only burns another
 * request against the same limit. It is capped at `maxRetryAfterMs` (default
 * {@link MAX_RETRY_AFTER_MS}) so a bot command never sleeps for most of an hour (the client gives
 * up on a longer Retry-After before it asks for a delay). Without it (or when it is unparseable)
 * the wait is `500 ms × 2^attempt`, capped at {@link MAX_BACKOFF_MS}. No jitter: warden makes requests
 * one at a time, so there is no herd to spread, and tests stay deterministic.
 */
export function retryDelay(
  attempt: number,
  retryAfter?: string | undefined,
  now: number = Date.now(),
  maxRetryAfterMs: number = MAX_RETRY_AFTER_MS,
): number {
  const fromHeader = parseRetryAfter(retryAfter, now);
  if (fromHeader !== undefined) return Math.min(fromHeader, maxRetryAfterMs);
  const n = Math.max(0, Math.floor(attempt));
  // 2^n overflows to Infinity for large n; Math.min still caps it.
  return Math.min(BASE_DELAY_MS * 2 ** n, MAX_BACKOFF_MS);
}

/** Retry-After as milliseconds from `now`; undefined when absent or unreadable. Past dates → 0. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const s = value.trim();
  if (s === "") return undefined;
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  // Only an HTTP date may follow; Date.parse would accept "1.5" or "-3" as dates, so require letters.
  if (!/[a-z]/i.test(s)) return undefined;
  const at = Date.parse(s);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
