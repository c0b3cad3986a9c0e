/** Eight block heights, lowest to highest (U+2581..U+2588): plain text both Slack and Teams show. */
const BARS = "▁▂▃▄▅▆▇█";

/** How many scores a digest's sparkline shows. */
export const SPARKLINE_SCORES = 12;

/**
 * Fewest score points the eight heights span: scores 80 and 81 differ by one bar, not by the
 * whole height, so a drift of a point or two does not look like a collapse.
 */
const MIN_SPAN = 8;

/**
 * "▃▄▄▅▇█": the last twelve scores (0..100, oldest first), scaled between the lowest shown and at
 * least MIN_SPAN above it. Empty with fewer than two scores (no trend to draw).
 */
export function scoreSparkline(scores: readonly number[]): string {
  const shown = scores.slice(-SPARKLINE_SCORES);
  if (shown.length < 2) return "";
  const low = Math.min(...shown);
  const span = Math.max(Math.max(...shown) - low, MIN_SPAN);
  return shown
    .map((score) => BARS[Math.min(BARS.length - 1, Math.floor(((score - low) / span) * BARS.length))])
    .join("");
}
