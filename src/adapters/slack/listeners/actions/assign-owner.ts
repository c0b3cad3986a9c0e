import type { App } from "@slack/bolt";
import { assignOwner } from "../../../../remediation/assign-owner.js";
import { ASSIGN_OWNER_ACTION_ID, parseAssignOwnerBlockId } from "../../render/index.js";
import { messageArgs, noticeMessage } from "../../render/slack-message.js";
import type { SlackListenerContext } from "../listener-context.js";
import { readPickedPerson } from "../read-picked-person.js";

/** Admin channel: a user picker assigns an owner to an account nobody reachable owns. */
export function registerAssignOwner(app: App, ctx: SlackListenerContext): void {
  app.action(ASSIGN_OWNER_ACTION_ID, async ({ ack, body, action, respond }) => {
    await ack();
    const target = parseAssignOwnerBlockId((action as { block_id?: string }).block_id ?? "");
    const picked = (action as { selected_user?: string }).selected_user;
    if (!target || !picked || body.type !== "block_actions") return;
    const email = await ctx.emailOf(body.user.id);
    const owner = await readPickedPerson(ctx)(picked);
    const outcome = await assignOwner(ctx.store, {
      admins: ctx.admins,
      actor: { platform: "slack", id: body.user.id, email },
      source: target.s,
      accountId: target.id,
      ownerEmail: owner.email,
      ownerName: owner.name,
      now: ctx.now(),
    });
    await respond({
      response_type: "ephemeral",
      replace_original: false,
      ...messageArgs(noticeMessage(outcome.notice)),
    });
  });
}
