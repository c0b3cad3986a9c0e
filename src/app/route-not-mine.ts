import type { Logger } from "../logger.js";
import { buildAccountView } from "../messages/build-account-view.js";
import type { DisownedView } from "../messages/describe-disowned.js";
import { deliverOutbox, type OutboxSender } from "../notify/deliver-outbox.js";
import type { ActionRequest, ActionResult } from "../remediation/handle-action.js";
import { campaignRef } from "../reviews/enqueue-review-messages.js";
import type { Repositories, StoreTx } from "../store/store.js";

type HandleAction = (request: ActionRequest) => Promise<ActionResult>;

/**
 * Wraps the shared action handler for one platform: after a "Not mine", the account is queued to
 * that platform's admin channel for reassignment (through the outbox, so it is sent once), saying
 * who disowned it, when, and who was its owner of record (and, from an access review message, which
 * review: the owner assigned is asked to certify it), and the outbox is flushed. The same for
 * Slack and Teams.
 */
export function withNotMineRouting(
  handleAction: HandleAction,
  options: {
    store: StoreTx;
    /** The same database as `store`, for the account view and the delivery run. */
    now: () => Date;
    logger: Logger;
    platform: string;
    adminChannel: string | undefined;
    sender: () => OutboxSender;
  },
): HandleAction {
  const { store, now, platform, adminChannel } = options;
  return async (request) => {
    const result = await handleAction(request);
    if (result.status !== "done" || request.payload.a !== "not_mine" || !adminChannel) return result;
    const view = await buildAccountView(store, request.payload.s, request.payload.id);
    if (!view) return result;
    const disowned: DisownedView = {
      disowned: {
        by: result.decision.actorEmail ?? `${request.actor.platform}:${request.actor.id}`,
        at: result.decision.decidedAt,
        ...(await ownerOfRecord(store, request.payload.s, request.payload.id)),
      },
    };
    const campaign =
      request.payload.c === undefined ? undefined : await store.reviews.getReviewCampaign(request.payload.c);
    const review = campaign && !campaign.closedAt ? { review: campaignRef(campaign) } : {};
    await store.outbox.enqueue({
      platform,
      recipient: adminChannel,
      dedupeKey: `${platform}:not_mine:${result.decision.id}`,
      message: { kind: "not_mine", view: { accounts: [view], ...disowned, ...review } },
      now: now(),
    });
    await deliverOutbox({ store, sender: options.sender(), now, logger: options.logger });
    return result;
  };
}

/** The account's owner when "Not mine" was clicked: the one assigned in chat, else the source's. */
async function ownerOfRecord(
  store: Pick<Repositories, "accounts" | "ownerOverrides">,
  source: string,
  accountId: string,
) {
  const assigned = await store.ownerOverrides.getOwnerAssignment(source, accountId);
  if (assigned) {
    return {
      ownerOfRecord: { name: assigned.ownerName, email: assigned.ownerEmail },
      ownerFrom: "assigned" as const,
      assignedBy: assigned.assignedBy,
    };
  }
  const owner = (await store.accounts.findAccount(source, accountId))?.identity.owner;
  return {
    ownerOfRecord: owner ? { name: owner.name, email: owner.email } : undefined,
    ownerFrom: "source" as const,
    source,
  };
}
