import { describeDisowned } from "../../../messages/describe-disowned.js";
import { describeReroute } from "../../../messages/describe-reroute.js";
import {
  describeReviewUnownedParts,
  REVIEW_UNOWNED_TITLE,
} from "../../../messages/describe-review-unowned.js";
import { plural } from "../../../messages/rule-text.js";
import type { AdminAccountsView } from "../../../notify/outbox-message.js";
import { checkBlockKitLimits } from "./check-block-kit-limits.js";
import { renderUnownedBlocks } from "./render-unowned-blocks.js";
import { sectionBlock } from "./slack-blocks.js";
import type { SlackMessage } from "./slack-message.js";
import { slackRichText } from "./slack-rich-text.js";

/**
 * The admin channel's list of accounts; when they were rerouted from an owner warden could not
 * reach, it starts by saying so and why; after a "Not mine", who disowned it, when, and whose it
 * was. For an access review (`review` set), it names the review and its due date, and says that
 * an owner assigned is sent the account to certify. Fewer accounts are listed if the notice would
 * not fit.
 */
export function renderAdminAccountsBlocks(
  view: AdminAccountsView,
  options: { messageId: number; now: Date },
): SlackMessage {
  const notice = describeReroute(view) ?? describeDisowned(view);
  const intro = view.review && {
    header: REVIEW_UNOWNED_TITLE,
    text: [slackRichText(describeReviewUnownedParts(view.review, view.accounts.length))],
    fallback: `warden: access review #${view.review.id}: ${plural(view.accounts.length, "machine identity", "machine identities")} with no reachable owner`,
  };
  for (const maxAccounts of [10, 8, 5, 2, 0]) {
    const message = renderUnownedBlocks(view.accounts, { ...options, maxAccounts }, intro);
    if (!notice) return message;
    // sectionBlock escapes the notice (it names people and accounts).
    const blocks = [
      ...message.blocks.slice(0, 1),
      sectionBlock(`:information_source: ${notice}`, 900),
      ...message.blocks.slice(1),
    ];
    if (checkBlockKitLimits(blocks).length === 0) return { text: message.text, blocks };
  }
  return renderUnownedBlocks(view.accounts, options, intro);
}
