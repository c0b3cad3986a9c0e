import type { BlindSpot, Evidence, Signal } from "./model.js";

/** A blind spot's reason, short enough for a line of evidence (its first sentence). */
export function shortReason(reason: string): string {
  const first = reason.split(/(?<=[^.\d])\. /, 1)[0] ?? reason;
  return first.length > 140 ? `${first.slice(0, 139)}…` : first;
}

/** "Sign-ins: not readable (403: …)" when `signal` is blind in this scan; undefined when readable. */
export function blindEvidence(
  blindSpots: readonly BlindSpot[],
  signal: Signal,
  label: string,
): Evidence | undefined {
  const spot = blindSpots.find((b) => b.signal === signal);
  if (!spot) return undefined;
  return { signal, detail: `${label}: not readable (${shortReason(spot.reason)})` };
}
