import { hostname } from "node:os";

/** Whether a process of this machine is still alive (signal 0 only checks). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether work claimed by process `pid` on `host` since `since` may still be going on: on this
 * machine, while that process lives; on another machine (its pid cannot be checked), until it is
 * older than `maxAgeMs`.
 */
export function isClaimLive(
  claim: { pid: number | null | undefined; host: string | null | undefined; since: Date },
  now: Date,
  maxAgeMs: number,
): boolean {
  if (claim.host === hostname())
    return claim.pid !== null && claim.pid !== undefined && isProcessAlive(claim.pid);
  return now.getTime() - claim.since.getTime() <= maxAgeMs;
}
