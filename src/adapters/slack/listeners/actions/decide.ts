import type { App } from "@slack/bolt";
import { decodeActionPayload } from "../../../../actions/action-payload.js";
import { ACTIONS } from "../../../../actions/action-registry.js";
import { messageArgs } from "../../render/slack-message.js";
import { applyClick, type SlackClickOrigin } from "../apply-click.js";
import type { SlackListenerContext } from "../listener-context.js";

/** The actions a button applies at once: every one but those that ask why first (Keep's modal). */
export const DECIDE_ACTIONS = ACTIONS.filter((action) => !("asksReason" in action && action.asksReason));

/** The action_ids of those buttons, from the action registry (not restated here). */
export const DECIDE_ACTION_PATTERN = new RegExp(
  `^(?:${DECIDE_ACTIONS.map((action) => action.id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`,
);

/**
 * Disable, Restrict, Not mine and Undo buttons: acknowledged at once (Slack's 3 seconds), then
 * applied; what is not done is told to the clicker only.
 * https://docs.slack.dev/tools/bolt-js/concepts/actions
 */
export function registerDecide(app: App, ctx: SlackListenerContext): void {
  app.action(DECIDE_ACTION_PATTERN, async ({ ack, body, action, respond }) => {
    await ack();
    const payload = decodeActionPayload((action as { value?: string }).value);
    if (!payload || body.type !== "block_actions") return;
    await applyClick(
      ctx,
      body as SlackClickOrigin,
      { payload },
      (message) => respond({ response_type: "ephemeral", replace_original: false, ...messageArgs(message) }),
      (message) => respond({ response_type: "ephemeral", replace_original: true, ...messageArgs(message) }),
    );
  });
}
