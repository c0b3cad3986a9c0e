import type { App } from "@slack/bolt";
import { decodeActionPayload } from "../../../../actions/action-payload.js";
import { certify } from "../../../../actions/certify.js";
import { keep } from "../../../../actions/keep.js";
import { unseal } from "../../../../remediation/seal.js";
import { messageArgs } from "../../render/slack-message.js";
import { CERTIFY_REASON_MISSING } from "../../render-certify-modal.js";
import { applyClick } from "../apply-click.js";
import type { SlackListenerContext } from "../listener-context.js";

/** Each modal that asks why: its action, and the field error of an empty reason. */
const REASON_MODALS = [
  { action: keep, missing: "Say why the account should be kept." },
  { action: certify, missing: CERTIFY_REASON_MISSING },
] as const;

/**
 * The submissions of the Keep and Still needed modals: a reason is required (answered as a field
 * error, nothing recorded); the click's context is read back from the sealed private_metadata,
 * and refused (audited) when warden did not seal it, another user submits it, or it names another
 * action than the modal's. Then it is one click through applyClick, with the reason (and Keep's
 * duration). https://docs.slack.dev/tools/bolt-js/concepts/view-submissions
 */
export function registerSubmitReasonModals(app: App, ctx: SlackListenerContext): void {
  for (const { action, missing } of REASON_MODALS) {
    app.view(action.id, async ({ ack, body, view }) => {
      const values = view.state.values;
      const reason = values.reason?.reason?.value ?? "";
      if (reason.trim() === "") {
        await ack({ response_action: "errors", errors: { reason: missing } });
        return;
      }
      const meta = unseal(await ctx.modalKey(), view.private_metadata) as
        | { payload: unknown; channel?: string; ts?: string; user?: string; home?: string }
        | undefined;
      const payload = decodeActionPayload(meta?.payload);
      if (!meta || !payload || meta.user !== body.user.id || payload.a !== action.kind) {
        await ctx.store.audit.appendAudit({
          at: ctx.now(),
          event: "decision.invalid",
          actor: `slack:${body.user.id}`,
          detail: {
            action: action.kind,
            reason: "modal metadata not sealed by warden, or submitted by another user",
          },
        });
        ctx.logger.warn(
          { user: body.user.id, action: action.kind },
          "refused a modal whose metadata warden did not seal",
        );
        // Answered after the audit entry is written: the refusal is on record when Slack hears back.
        await ack();
        return;
      }
      await ack();
      await applyClick(
        ctx,
        {
          user: { id: body.user.id },
          container: {
            ...(meta.channel ? { channel_id: meta.channel } : {}),
            ...(meta.ts ? { message_ts: meta.ts } : {}),
          },
          view: typeof meta.home === "string" ? { type: "home", private_metadata: meta.home } : undefined,
        },
        {
          payload,
          reason,
          ...(action.kind === "keep" ? { keepDays: values.expiry?.expiry?.selected_option?.value } : {}),
        },
        async (message) => {
          if (meta.channel)
            await ctx.client.chat.postEphemeral({
              channel: meta.channel,
              user: body.user.id,
              ...messageArgs(message),
            });
        },
      );
    });
  }
}
