import type { App } from "@slack/bolt";
import { ACTION_IDS, type ActionKind, decodeActionPayload } from "../../../../views/action-payload.js";
import { messageArgs } from "../../render/slack-message.js";
import { applyClick, type SlackClickOrigin } from "../apply-click.js";
import type { SlackListenerContext } from "../listener-context.js";

/** The actions a button applies at once: every one but Keep, which asks for a reason first. */
export const DECIDE_ACTIONS = (Object.keys(ACTION_IDS) as ActionKind[]).filter((kind) => kind !== "keep");

/** The action_ids of those buttons, from the action ids table (not restated here). */
export const DECIDE_ACTION_PATTERN = new RegExp(
  `^(?:${DECIDE_ACTIONS.map((kind) => ACTION_IDS[kind].replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`,
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
    await applyClick(ctx, body as SlackClickOrigin, { payload }, (message) =>
      respond({ response_type: "ephemeral", replace_original: false, ...messageArgs(message) }),
    );
  });
}
