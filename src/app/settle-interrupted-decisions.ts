import { deliverOutbox } from "../notify/deliver-outbox.js";
import { resolvePendingDecisions } from "../remediation/resolve-pending-decisions.js";
import { chatTargets } from "./chat-targets.js";
import type { Warden } from "./open-warden.js";

/**
 * At start: decisions a dead process left pending are settled from the source, and the owner
 * messages they came from are updated in place on their platform. Returns how many were settled.
 */
export async function settleInterruptedDecisions(warden: Warden): Promise<number> {
  const resolved = await resolvePendingDecisions({
    store: warden.store,
    connectors: warden.connectors,
    now: warden.now,
    logger: warden.logger.child({ component: "remediation" }),
  });
  if (resolved.length === 0) return 0;
  for (const target of await chatTargets(warden)) {
    await deliverOutbox({
      store: warden.store,
      sender: target.sender,
      now: warden.now,
      logger: warden.logger,
      adminChannel: target.adminChannel,
    });
  }
  return resolved.length;
}
