import type { App } from "@slack/bolt";
import { decodeActionPayload } from "../../../../actions/action-payload.js";
import { keep } from "../../../../actions/keep.js";
import { unseal } from "../../../../remediation/seal.js";
import { messageArgs } from "../../render/slack-message.js";
import { applyClick } from "../apply-click.js";
import type { SlackListenerContext } from "../listener-context.js";

/**
 * The Keep modal's submission: a reason is required (answered as a field error); the click's
 * context is read back from the sealed private_metadata, and refused (audited) when warden did not
 * seal it or another user submits it. https://docs.slack.dev/tools/bolt-js/concepts/view-submissions
 */
export function registerSubmitKeepModal(app: App, ctx: SlackListenerContext): void {
  app.view(keep.id, async ({ ack, body, view }) => {
    const values = view.state.values;
    const reason = values.reason?.reason?.value ?? "";
    if (reason.trim() === "") {
      await ack({ response_action: "errors", errors: { reason: "Say why the account should be kept." } });
      return;
    }
    await ack();
    const meta = unseal(await ctx.modalKey(), view.private_metadata) as
      | { payload: unknown; channel?: string; ts?: string; user?: string; home?: string }
      | undefined;
    const payload = decodeActionPayload(meta?.payload);
    if (!meta || !payload || meta.user !== body.user.id) {
      await ctx.store.audit.appendAudit({
        at: ctx.now(),
        event: "decision.invalid",
        actor: `slack:${body.user.id}`,
        detail: {
          action: "keep",
          reason: "modal metadata not sealed by warden, or submitted by another user",
        },
      });
      ctx.logger.warn({ user: body.user.id }, "refused a Keep modal whose metadata warden did not seal");
      return;
    }
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
      { payload, reason, keepDays: values.expiry?.expiry?.selected_option?.value },
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
