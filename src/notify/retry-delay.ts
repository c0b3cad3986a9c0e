/** The first retry waits a minute; each further failure doubles the wait, up to six hours. */
export const RETRY_FIRST_MS = 60_000;
export const RETRY_MAX_MS = 6 * 3_600_000;

/**
 * How long a message waits after its `failures`-th failed attempt before it is tried again:
 * 1, 2, 4, 8 … minutes, never more than 6 hours (reached after the 10th failure). A message keeps
 * being retried at that pace until it is delivered or refused for good.
 */
export function retryDelayMs(failures: number): number {
  const doublings = Math.min(Math.max(0, failures - 1), 30);
  return Math.min(RETRY_FIRST_MS * 2 ** doublings, RETRY_MAX_MS);
}
