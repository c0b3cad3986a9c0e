import type { App } from "@slack/bolt";
import { isActionKind } from "../../../../actions/action-registry.js";
import { asksReason } from "../../../../remediation/bulk-choices.js";
import { createBulkDecider, describeBulkOutcome } from "../../../../remediation/bulk-decide.js";
import { unseal } from "../../../../remediation/seal.js";
import { renderOwnerMessageBlocks } from "../../render/index.js";
import { BULK_MODAL_CALLBACK_ID, renderBulkResultModal } from "../../render/render-bulk-modal.js";
import { messageArgs, noticeMessage } from "../../render/slack-message.js";
import type { SlackListenerContext } from "../listener-context.js";

type StateValues = Record<
  string,
  Record<
    string,
    {
      selected_options?: { value: string }[];
      selected_option?: { value: string } | null;
      value?: string | null;
    }
  >
>;

/** Every selected value of the inputs whose block_id is `prefix` or starts with `prefix.`. */
function selected(values: StateValues, prefix: string): string[] {
  return Object.entries(values)
    .filter(([blockId]) => blockId === prefix || blockId.startsWith(`${prefix}.`))
    .flatMap(([, actions]) => Object.values(actions).flatMap((a) => a.selected_options ?? []))
    .map((o) => o.value);
}

/**
 * The bulk modal's submission. Field errors (no account, no action, Keep without a reason) keep
 * the modal open; otherwise it turns into "Applying…", the decisions run (the core decides each),
 * the owner message is updated in place once with all of them, and the modal shows the result.
 * Metadata warden did not seal, or another user's submission, is refused and audited.
 * https://docs.slack.dev/tools/bolt-js/concepts/view-submissions
 */
export function registerSubmitBulkModal(app: App, ctx: SlackListenerContext): void {
  app.view(BULK_MODAL_CALLBACK_ID, async ({ ack, body, view }) => {
    const values = view.state.values as unknown as StateValues;
    const rules = selected(values, "rules");
    const accounts = selected(values, "accounts").map(Number);
    const action = values.action?.action?.selected_option?.value;
    const reason = values.reason?.reason?.value ?? "";
    if (rules.length === 0 && accounts.length === 0) {
      const first = Object.keys(values).find((id) => id.startsWith("rules") || id.startsWith("accounts"));
      await ack({ response_action: "errors", errors: { [first ?? "action"]: "Pick at least one account." } });
      return;
    }
    if (!action) {
      await ack({ response_action: "errors", errors: { action: "Choose what to do." } });
      return;
    }
    if (isActionKind(action) && asksReason(action) && reason.trim() === "") {
      await ack({ response_action: "errors", errors: { reason: "Say why the accounts should be kept." } });
      return;
    }
    const meta = unseal(await ctx.modalKey(), view.private_metadata) as
      | { m?: unknown; channel?: string; ts?: string; user?: string }
      | undefined;
    if (!meta || typeof meta.m !== "number" || meta.user !== body.user.id) {
      await ack();
      await ctx.store.audit.appendAudit({
        at: ctx.now(),
        event: "decision.invalid",
        actor: `slack:${body.user.id}`,
        detail: {
          action: "bulk",
          reason: "modal metadata not sealed by warden, or submitted by another user",
        },
      });
      ctx.logger.warn({ user: body.user.id }, "refused a bulk modal whose metadata warden did not seal");
      return;
    }
    // Slack wants an answer within 3 seconds; the decisions take longer, so the modal says so.
    await ack({
      response_action: "update",
      view: renderBulkResultModal("Applying…", [
        "warden is deciding each account; this view shows the result when done.",
      ]),
    });
    const bulkDecide = createBulkDecider({ store: ctx.store, handleAction: ctx.handleAction, now: ctx.now });
    const email = await ctx.emailOf(body.user.id);
    const outcome = await bulkDecide({
      actor: { platform: "slack", id: body.user.id, email },
      messageId: meta.m,
      origin: meta.channel && meta.ts ? { conversation: meta.channel, message: meta.ts } : undefined,
      action,
      accounts,
      rules,
      reason,
      keepDays: values.expiry?.expiry?.selected_option?.value,
    });
    const result = outcome.ok ? describeBulkOutcome(outcome) : { summary: outcome.notice, lines: [] };
    if (outcome.ok && outcome.view && meta.channel && meta.ts) {
      const message = renderOwnerMessageBlocks(outcome.view, { messageId: meta.m, now: ctx.now() });
      try {
        await ctx.client.chat.update({ channel: meta.channel, ts: meta.ts, ...messageArgs(message) });
      } catch (error) {
        // The decisions stand and are in the stored message; only this copy is out of date.
        ctx.logger.warn({ err: error }, "could not update the owner message after a bulk decision");
      }
    }
    try {
      await ctx.client.views.update({
        view_id: view.id,
        view: renderBulkResultModal(result.summary, result.lines),
      });
    } catch (error) {
      // The modal was closed meanwhile: the result goes to the user privately instead.
      ctx.logger.warn({ err: error }, "could not show the bulk result in the modal");
      if (meta.channel) {
        await ctx.client.chat.postEphemeral({
          channel: meta.channel,
          user: body.user.id,
          ...messageArgs(noticeMessage([result.summary, ...result.lines].join("\n"))),
        });
      }
    }
  });
}
