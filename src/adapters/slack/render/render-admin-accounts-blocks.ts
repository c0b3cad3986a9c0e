import { describeDisowned } from "../../../messages/describe-disowned.js";
import { describeReroute } from "../../../messages/describe-reroute.js";
import type { AdminAccountsView } from "../../../notify/outbox-message.js";
import { checkBlockKitLimits } from "./check-block-kit-limits.js";
import { renderUnownedBlocks } from "./render-unowned-blocks.js";
import { sectionBlock } from "./slack-blocks.js";
import type { SlackMessage } from "./slack-message.js";

/**
 * The admin channel's list of accounts; when they were rerouted from an owner warden could not
 * reach, it starts by saying so and why; after a "Not mine", who disowned it, when, and whose it
 * was. Fewer accounts are listed if the notice would not fit.
 */
export function renderAdminAccountsBlocks(
  view: AdminAccountsView,
  options: { messageId: number; now: Date },
): SlackMessage {
  const notice = describeReroute(view) ?? describeDisowned(view);
  for (const maxAccounts of [10, 8, 5, 2, 0]) {
    const message = renderUnownedBlocks(view.accounts, { ...options, maxAccounts });
    if (!notice) return message;
    // sectionBlock escapes the notice (it names people and accounts).
    const blocks = [
      ...message.blocks.slice(0, 1),
      sectionBlock(`:information_source: ${notice}`, 900),
      ...message.blocks.slice(1),
    ];
    if (checkBlockKitLimits(blocks).length === 0) return { text: message.text, blocks };
  }
  return renderUnownedBlocks(view.accounts, options);
}
