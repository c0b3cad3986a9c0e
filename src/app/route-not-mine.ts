import type { Database } from "better-sqlite3";
import type { Logger } from "../logger.js";
import { deliverOutbox, type OutboxSender } from "../notify/deliver-outbox.js";
import type { ActionRequest, ActionResult } from "../remediation/handle-action.js";
import { enqueue } from "../store/outbox.js";
import { buildAccountView } from "../views/build-account-view.js";

type HandleAction = (request: ActionRequest) => Promise<ActionResult>;

/**
 * Wraps the shared action handler for one platform: after a "Not mine", the account is queued to
 * that platform's admin channel for reassignment (through the outbox, so it is sent once) and the
 * outbox is flushed. The same for Slack and Teams.
 */
export function withNotMineRouting(
  handleAction: HandleAction,
  options: {
    db: Database;
    now: () => Date;
    logger: Logger;
    platform: string;
    adminChannel: string | undefined;
    sender: () => OutboxSender;
  },
): HandleAction {
  const { db, now, platform, adminChannel } = options;
  return async (request) => {
    const result = await handleAction(request);
    if (result.status !== "done" || request.payload.a !== "not_mine" || !adminChannel) return result;
    const view = buildAccountView(db, request.payload.s, request.payload.id);
    if (!view) return result;
    enqueue(db, {
      platform,
      kind: "not_mine",
      recipient: adminChannel,
      dedupeKey: `${platform}:not_mine:${result.decision.id}`,
      payload: JSON.stringify({ accounts: [view] }),
      now: now(),
    });
    await deliverOutbox({ db, sender: options.sender(), now, logger: options.logger });
    return result;
  };
}
