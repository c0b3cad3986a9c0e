import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { OutboxClaim } from "../store/outbox-claims.js";
import { isProcessAlive } from "../store/process-liveness.js";

/** Who claims the outbox items a delivery run sends: one process (or one store in a test). */
export interface DeliveryHolder {
  /** Unique to this process's life: a restarted container keeps its host name and pid, not this. */
  id: string;
  host: string;
  pid: number;
}

/** A new holder for this process (`warden serve` builds one at start; `warden notify` too). */
export function createDeliveryHolder(): DeliveryHolder {
  return {
    id: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    host: hostname(),
    pid: process.pid,
  };
}

/**
 * How long a send claimed on another machine counts as still going on. One send is a few chat API
 * calls of at most 30 s each (the Slack client's timeout) plus the pacer's short waits; a 429's
 * wait renews the claim. Past this, its process is taken for dead.
 */
export const SEND_CLAIM_LIVE_MS = 10 * 60_000;

/**
 * Whether an item found 'sending' when a run starts was left by a send that can no longer finish
 * (its process died, or it was this holder's earlier run: one holder's runs take turns,
 * src/notify/delivery-lane.ts), so the run marks it "unknown". A send of another live process
 * (another replica, a `warden notify` beside `warden serve`) is left to that process. An item
 * claimed before claims were recorded (schema 25) has no claim and counts as abandoned, as it did.
 */
export function isSendAbandoned(claim: OutboxClaim | undefined, self: DeliveryHolder, now: Date): boolean {
  if (!claim || claim.holder === self.id) return true;
  const fresh = now.getTime() - claim.claimedAt.getTime() <= SEND_CLAIM_LIVE_MS;
  if (claim.host !== self.host) return !fresh;
  // On this machine the pid can be checked; the same pid under another holder is an earlier life
  // of this process (a restarted container starts as pid 1 again).
  return claim.pid === self.pid || !isProcessAlive(claim.pid) || !fresh;
}
