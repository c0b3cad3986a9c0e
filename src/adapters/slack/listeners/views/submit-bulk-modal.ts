import type { App } from "@slack/bolt";
import { isActionKind } from "../../../../actions/action-registry.js";
import { asksReason } from "../../../../remediation/bulk-choices.js";
import { unseal } from "../../../../remediation/seal.js";
import { BULK_MODAL_CALLBACK_ID, renderBulkResultModal } from "../../render/render-bulk-modal.js";
import type { SlackListenerContext } from "../listener-context.js";
import { applyBulkFromModal, readBulkModalMeta } from "./apply-bulk-from-modal.js";

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
    const meta = await readBulkModalMeta(
      ctx,
      unseal(await ctx.modalKey(), view.private_metadata),
      body.user.id,
      "bulk",
    );
    if (!meta) {
      await ack();
      return;
    }
    // Slack wants an answer within 3 seconds; the decisions take longer, so the modal says so.
    await ack({
      response_action: "update",
      view: renderBulkResultModal("Applying…", [
        "warden is deciding each account; this view shows the result when done.",
      ]),
    });
    await applyBulkFromModal(ctx, {
      userId: body.user.id,
      view,
      meta,
      request: { action, accounts, rules, reason, keepDays: values.expiry?.expiry?.selected_option?.value },
    });
  });
}
