import { type DeliveryResult, deliverOutbox } from "../notify/deliver-outbox.js";
import { inDeliveryLane } from "../notify/delivery-lane.js";
import { enqueueReviewMessages } from "../reviews/enqueue-review-messages.js";
import { chatTargets } from "./chat-targets.js";
import type { Warden } from "./open-warden.js";

/**
 * Queues and sends what the open access reviews still have to ask, on every configured platform:
 * each owner's review message and the admin channel's list of accounts nobody owns.
 */
export function sendReviewMessages(
  warden: Warden,
): Promise<{ queued: number; unowned: number } & DeliveryResult> {
  return inDeliveryLane(warden.store, async () => {
    const total = {
      queued: 0,
      unowned: 0,
      sent: 0,
      failed: 0,
      unknown: 0,
      rerouted: 0,
      retrying: 0,
      deferred: 0,
    };
    for (const target of await chatTargets(warden)) {
      const queued = await enqueueReviewMessages(warden.store, {
        platform: target.platform,
        adminChannel: target.adminChannel,
        now: warden.now(),
        ticketMode: warden.config.mode === "ticket",
      });
      const delivered = await deliverOutbox({
        store: warden.store,
        sender: target.sender,
        now: warden.now,
        logger: warden.logger,
        adminChannel: target.adminChannel,
      });
      total.queued += queued.owners;
      total.unowned += queued.unowned;
      for (const key of ["sent", "failed", "unknown", "rerouted", "retrying", "deferred"] as const) {
        total[key] += delivered[key];
      }
    }
    return total;
  });
}
