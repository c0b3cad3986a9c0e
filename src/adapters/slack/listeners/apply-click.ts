import { buildLookup } from "../../../messages/build-lookup.js";
import { buildMineView } from "../../../messages/build-mine-view.js";
import { recordDecisionInDecidable } from "../../../notify/record-decision-in-message.js";
import type { ActionRequest, ActionResult } from "../../../remediation/handle-action.js";
import {
  readHomeState,
  renderLookupBlocks,
  renderMineBlocks,
  renderOwnerMessageBlocks,
} from "../render/index.js";
import { renderReviewRequestBlocks } from "../render/render-review-request-blocks.js";
import { messageArgs, noticeMessage, type SlackMessage } from "../render/slack-message.js";
import type { SlackListenerContext } from "./listener-context.js";
import { publishHome } from "./publish-home.js";

/** Where a click came from: the user, and the message (or the Home tab) its button was in. */
export interface SlackClickOrigin {
  user: { id: string };
  container?: { type?: string; channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
  /** The view the button was in: the Home tab's carries its page and filter (render-mine-blocks.ts). */
  view?: { type?: string; private_metadata?: string } | undefined;
}

/**
 * A decision click (a button, or the Keep modal's submission) through the shared action handler:
 * the owner message it came from is updated in place with its decision, and anything but "done"
 * is told to the clicking user only, with the account's current state when the click was stale.
 * A click from the Home tab or from `/warden mine` has no owner message (no outbox id): the Home
 * tab is published again with the outcome on top, the private `/warden mine` answer replaced.
 */
export async function applyClick(
  ctx: SlackListenerContext,
  body: SlackClickOrigin,
  request: Omit<ActionRequest, "actor" | "origin">,
  /** Shows `message` to the clicking user only. */
  tell: (message: SlackMessage) => Promise<unknown>,
  /** Replaces the private message the click came from (a response_url's replace_original), when there is one. */
  replace?: (message: SlackMessage) => Promise<unknown>,
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
  const notice = result.status === "done" ? undefined : result.notice;
  if (body.view?.type === "home") {
    // No message to update and no response_url: the tab itself shows the outcome.
    try {
      await publishHome(ctx, body.user.id, readHomeState(body.view.private_metadata), notice);
    } catch (error) {
      ctx.logger.warn({ err: error, user: body.user.id }, "could not publish the Slack Home tab");
    }
    return result;
  }
  if (replace && body.container?.is_ephemeral && request.payload.m === undefined) {
    // The buttons of `/warden mine` (ephemeral, no outbox id): the list is drawn again, first page.
    const view = await buildMineView(ctx.store, {
      email,
      admins: ctx.admins,
      now: ctx.now(),
      ticketMode: ctx.ticketMode,
    });
    await replace(renderMineBlocks(view, { now: ctx.now(), notice }));
    return result;
  }
  if (result.status !== "done") {
    const current =
      result.status === "stale"
        ? renderLookupBlocks(await buildLookup(ctx.store, request.payload.id)).blocks
        : undefined;
    await tell(noticeMessage(result.notice, current, result.noticeParts));
  }
  return result;
}

/** Updates the owner (or access review) message in place after a decision on one of its accounts. */
async function updateMessage(
  ctx: SlackListenerContext,
  outboxId: number | undefined,
  channel: string | undefined,
  ts: string | undefined,
  result: ActionResult,
): Promise<void> {
  if (outboxId === undefined || !channel || !ts || !("decision" in result)) return;
  const recorded = await recordDecisionInDecidable(ctx.store, "slack", outboxId, result.decision);
  if (!recorded) return;
  const options = { messageId: outboxId, now: ctx.now() };
  const message =
    recorded.kind === "review_request"
      ? renderReviewRequestBlocks(recorded.view, options)
      : renderOwnerMessageBlocks(recorded.view, options);
  await ctx.client.chat.update({ channel, ts, ...messageArgs(message) });
}
