import type { App } from "@slack/bolt";
import { bulkChoices } from "../../../../remediation/bulk-choices.js";
import { seal } from "../../../../remediation/seal.js";
import { BULK_OPEN_ACTION_ID, renderBulkModal } from "../../render/render-bulk-modal.js";
import { messageArgs, noticeMessage } from "../../render/slack-message.js";
import type { SlackListenerContext } from "../listener-context.js";

/**
 * "Decide for several…" opens the bulk modal over the accounts of the owner message it is in (its
 * stored view, so the accounts summarised under the first ten are listed too). The message, its
 * location and the user ride in the modal sealed; the submission is checked against them and
 * every decision against the message (views/submit-bulk-modal.ts).
 */
export function registerOpenBulkModal(app: App, ctx: SlackListenerContext): void {
  app.action(BULK_OPEN_ACTION_ID, async ({ ack, body, action, respond }) => {
    await ack();
    if (body.type !== "block_actions") return;
    let m: unknown;
    try {
      m = (JSON.parse((action as { value?: string }).value ?? "") as { m?: unknown }).m;
    } catch {}
    const item = typeof m === "number" ? await ctx.store.outbox.getOutboxItem(m) : undefined;
    if (item?.message?.kind !== "owner_message" || item.platform !== "slack") {
      await respond({
        response_type: "ephemeral",
        replace_original: false,
        ...messageArgs(noticeMessage("warden does not know this message any more. Nothing was changed.")),
      });
      return;
    }
    const container = (body as { container?: { channel_id?: string; message_ts?: string } }).container;
    const privateMetadata = seal(await ctx.modalKey(), {
      m,
      channel: container?.channel_id,
      ts: container?.message_ts,
      user: body.user.id,
    });
    await ctx.client.views.open({
      trigger_id: body.trigger_id,
      view: renderBulkModal(bulkChoices(item.message.view), privateMetadata),
    });
  });
}
