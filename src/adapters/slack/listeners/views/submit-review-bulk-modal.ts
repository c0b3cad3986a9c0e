import type { App } from "@slack/bolt";
import { certify } from "../../../../actions/certify.js";
import { showsActionButtons } from "../../../../messages/describe-decision.js";
import { unseal } from "../../../../remediation/seal.js";
import { renderBulkResultModal } from "../../render/render-bulk-modal.js";
import {
  REVIEW_BULK_CALLBACK_ID,
  REVIEW_BULK_REASON_MISSING,
  REVIEW_BULK_TITLE,
} from "../../render/render-review-bulk-modal.js";
import type { SlackListenerContext } from "../listener-context.js";
import { applyBulkFromModal, readBulkModalMeta } from "./apply-bulk-from-modal.js";

/**
 * The "Still needed for all…" modal's submission. An empty reason is a field error (nothing
 * recorded); metadata warden did not seal, or another user's submission, is refused and audited.
 * Otherwise each account the modal named (those of the review message not yet answered when it
 * was opened) becomes its own Still needed decision through the shared bulk decider (the same
 * checks as its button; one answered since is skipped), the message is re-rendered once, and the
 * modal shows what was done and skipped.
 */
export function registerSubmitReviewBulkModal(app: App, ctx: SlackListenerContext): void {
  app.view(REVIEW_BULK_CALLBACK_ID, async ({ ack, body, view }) => {
    const reason = view.state.values.reason?.reason?.value ?? "";
    if (reason.trim() === "") {
      await ack({ response_action: "errors", errors: { reason: REVIEW_BULK_REASON_MISSING } });
      return;
    }
    const sealed = unseal(await ctx.modalKey(), view.private_metadata);
    const meta = await readBulkModalMeta(ctx, sealed, body.user.id, "review_bulk");
    if (!meta) {
      await ack();
      return;
    }
    await ack({
      response_action: "update",
      view: renderBulkResultModal(
        "Applying…",
        ["warden is recording each account; this view shows the result when done."],
        REVIEW_BULK_TITLE,
      ),
    });
    // The accounts the modal named: those still open, and those answered since it was opened (a
    // second submission, a click meanwhile), which the decider then skips, saying why. The set
    // only shrinks after the message was sent: an account assigned later comes in a new message.
    const opened = Date.parse(String((sealed as { opened?: unknown }).opened));
    const item = await ctx.store.outbox.getOutboxItem(meta.m);
    const accounts: number[] = [];
    if (item?.message?.kind === "review_request") {
      item.message.view.accounts.forEach((account, index) => {
        if (!account.actions.includes("certify")) return;
        const answeredSince = account.decision && account.decision.at.getTime() > opened;
        if (showsActionButtons(account) || answeredSince) accounts.push(index);
      });
    }
    await applyBulkFromModal(ctx, {
      userId: body.user.id,
      view,
      meta,
      request: { action: certify.kind, accounts, reason },
      title: REVIEW_BULK_TITLE,
    });
  });
}
