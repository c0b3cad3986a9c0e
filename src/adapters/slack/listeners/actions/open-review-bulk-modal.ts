import type { App } from "@slack/bolt";
import { bulkChoices } from "../../../../remediation/bulk-choices.js";
import { seal } from "../../../../remediation/seal.js";
import { REVIEW_BULK_OPEN_ACTION_ID, renderReviewBulkModal } from "../../render/render-review-bulk-modal.js";
import { messageArgs, noticeMessage } from "../../render/slack-message.js";
import type { SlackListenerContext } from "../listener-context.js";

/**
 * "Still needed for all…" opens the one-reason modal over the accounts of the access review
 * message it is in not yet answered (from its stored view, so those summarised under the first
 * ten are listed too). The message, its location and the user ride in the modal sealed; the
 * submission is checked against them and every decision against the message
 * (views/submit-review-bulk-modal.ts).
 */
export function registerOpenReviewBulkModal(app: App, ctx: SlackListenerContext): void {
  app.action(REVIEW_BULK_OPEN_ACTION_ID, async ({ ack, body, action, respond }) => {
    await ack();
    if (body.type !== "block_actions") return;
    let m: unknown;
    try {
      m = (JSON.parse((action as { value?: string }).value ?? "") as { m?: unknown }).m;
    } catch {}
    const item = typeof m === "number" ? await ctx.store.outbox.getOutboxItem(m) : undefined;
    if (item?.message?.kind !== "review_request" || item.platform !== "slack") {
      await respond({
        response_type: "ephemeral",
        replace_original: false,
        ...messageArgs(noticeMessage("warden does not know this message any more. Nothing was changed.")),
      });
      return;
    }
    const open = bulkChoices(item.message.view).accounts.filter(({ account }) =>
      account.actions.includes("certify"),
    );
    if (open.length === 0) {
      await respond({
        response_type: "ephemeral",
        replace_original: false,
        ...messageArgs(noticeMessage("Every account of this review message is answered already.")),
      });
      return;
    }
    const container = (body as { container?: { channel_id?: string; message_ts?: string } }).container;
    const privateMetadata = seal(await ctx.modalKey(), {
      m,
      channel: container?.channel_id,
      ts: container?.message_ts,
      user: body.user.id,
      // The submission takes the accounts open now, and those answered since (each then skipped).
      opened: ctx.now().toISOString(),
    });
    await ctx.client.views.open({
      trigger_id: body.trigger_id,
      view: renderReviewBulkModal(item.message.view, open, privateMetadata),
    });
  });
}
