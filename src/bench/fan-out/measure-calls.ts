import type { WindowLimit } from "../../chat-pacing/rate-pacer.js";

/** The most calls that fell in any one window of `windowMs` (times sorted ascending). */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** How close calls came to a limit: the busiest window's count over the limit's count. */
export function peakRatio(times: readonly number[], limit: WindowLimit): number {
  return busiestWindow(times, limit.windowMs) / limit.count;
}
