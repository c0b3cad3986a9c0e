import { buildLookup } from "../../../messages/build-lookup.js";
import { recordDecisionInMessage } from "../../../notify/record-decision-in-message.js";
import type { ActionRequest, ActionResult } from "../../../remediation/handle-action.js";
import { renderLookupBlocks, renderOwnerMessageBlocks } from "../render/index.js";
import { messageArgs, noticeMessage, type SlackMessage } from "../render/slack-message.js";
import type { SlackListenerContext } from "./listener-context.js";

/** Where a click came from: the user, and the message its button was in. */
export interface SlackClickOrigin {
  user: { id: string };
  container?: { channel_id?: string; message_ts?: string };
}

/**
 * A decision click (a button, or the Keep modal's submission) through the shared action handler:
 * the owner message it came from is updated in place with its decision, and anything but "done"
 * is told to the clicking user only, with the account's current state when the click was stale.
 */
export async function applyClick(
  ctx: SlackListenerContext,
  body: SlackClickOrigin,
  request: Omit<ActionRequest, "actor" | "origin">,
  /** Shows `message` to the clicking user only. */
  tell: (message: SlackMessage) => Promise<unknown>,
): Promise<ActionResult> {
  const channel = body.container?.channel_id;
  const ts = body.container?.message_ts;
  const email = await ctx.emailOf(body.user.id);
  const result = await ctx.handleAction({
    ...request,
    actor: { platform: "slack", id: body.user.id, email },
    origin: channel && ts ? { conversation: channel, message: ts } : undefined,
  });
  // Only the message the core verified the click came from, and only with its own decision.
  if (
    "decision" in result &&
    result.decision.outcome !== "pending" &&
    result.decision.messageId === request.payload.m
  ) {
    await updateMessage(ctx, result.decision.messageId, channel, ts, result);
  }
  if (result.status !== "done") {
    const current =
      result.status === "stale"
        ? renderLookupBlocks(await buildLookup(ctx.store, request.payload.id)).blocks
        : undefined;
    await tell(noticeMessage(result.notice, current));
  }
  return result;
}

/** Updates the owner message in place after a decision on one of its accounts. */
async function updateMessage(
  ctx: SlackListenerContext,
  outboxId: number | undefined,
  channel: string | undefined,
  ts: string | undefined,
  result: ActionResult,
): Promise<void> {
  if (outboxId === undefined || !channel || !ts || !("decision" in result)) return;
  const view = await recordDecisionInMessage(ctx.store, "slack", outboxId, result.decision);
  if (!view) return;
  const message = renderOwnerMessageBlocks(view, { messageId: outboxId, now: ctx.now() });
  await ctx.client.chat.update({ channel, ts, ...messageArgs(message) });
}
