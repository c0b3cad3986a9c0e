import type { ViewOutput } from "@slack/bolt";
import {
  type BulkRequest,
  createBulkDecider,
  describeBulkOutcome,
} from "../../../../remediation/bulk-decide.js";
import { renderOwnerMessageBlocks } from "../../render/index.js";
import { renderBulkResultModal } from "../../render/render-bulk-modal.js";
import { renderReviewRequestBlocks } from "../../render/render-review-request-blocks.js";
import { messageArgs, noticeMessage } from "../../render/slack-message.js";
import type { SlackListenerContext } from "../listener-context.js";

/** A bulk modal's sealed context: the message it was opened from, where it is, and who opened it. */
export interface BulkModalMeta {
  m: number;
  channel?: string | undefined;
  ts?: string | undefined;
  user: string;
}

/**
 * Reads a bulk modal's sealed context back; undefined (the submission refused and audited) when
 * warden did not seal it or another user submits it.
 */
export async function readBulkModalMeta(
  ctx: SlackListenerContext,
  sealed: unknown,
  userId: string,
  action: string,
): Promise<BulkModalMeta | undefined> {
  const meta = sealed as Partial<BulkModalMeta> | undefined;
  if (meta && typeof meta.m === "number" && meta.user === userId) return meta as BulkModalMeta;
  await ctx.store.audit.appendAudit({
    at: ctx.now(),
    event: "decision.invalid",
    actor: `slack:${userId}`,
    detail: { action, reason: "modal metadata not sealed by warden, or submitted by another user" },
  });
  ctx.logger.warn({ user: userId, action }, "refused a bulk modal whose metadata warden did not seal");
  return undefined;
}

/**
 * After the modal was answered with "Applying…": the decisions run through the shared bulk
 * decider (the core decides each account), the message they came from (an owner or access review
 * message) is updated in place once with all of them, and the modal shows the result, or the
 * user is told privately when the modal was closed meanwhile.
 */
export async function applyBulkFromModal(
  ctx: SlackListenerContext,
  input: {
    userId: string;
    view: Pick<ViewOutput, "id">;
    meta: BulkModalMeta;
    request: Pick<BulkRequest, "action" | "accounts" | "rules" | "reason" | "keepDays">;
    /** The result modal's title. */
    title?: string | undefined;
  },
): Promise<void> {
  const { meta, userId } = input;
  const bulkDecide = createBulkDecider({ store: ctx.store, handleAction: ctx.handleAction, now: ctx.now });
  const email = await ctx.emailOf(userId);
  const outcome = await bulkDecide({
    actor: { platform: "slack", id: userId, email },
    messageId: meta.m,
    origin: meta.channel && meta.ts ? { conversation: meta.channel, message: meta.ts } : undefined,
    ...input.request,
  });
  const result = outcome.ok ? describeBulkOutcome(outcome) : { summary: outcome.notice, lines: [] };
  const recorded = outcome.ok ? outcome.recorded : undefined;
  if (recorded && meta.channel && meta.ts) {
    const options = { messageId: meta.m, now: ctx.now() };
    const message =
      recorded.kind === "review_request"
        ? renderReviewRequestBlocks(recorded.view, options)
        : renderOwnerMessageBlocks(recorded.view, options);
    try {
      await ctx.client.chat.update({ channel: meta.channel, ts: meta.ts, ...messageArgs(message) });
    } catch (error) {
      // The decisions stand and are in the stored message; only this copy is out of date.
      ctx.logger.warn({ err: error }, "could not update the message after a bulk decision");
    }
  }
  try {
    await ctx.client.views.update({
      view_id: input.view.id,
      view: renderBulkResultModal(result.summary, result.lines, input.title),
    });
  } catch (error) {
    // The modal was closed meanwhile: the result goes to the user privately instead.
    ctx.logger.warn({ err: error }, "could not show the bulk result in the modal");
    if (meta.channel) {
      await ctx.client.chat.postEphemeral({
        channel: meta.channel,
        user: userId,
        ...messageArgs(noticeMessage([result.summary, ...result.lines].join("\n"))),
      });
    }
  }
}
