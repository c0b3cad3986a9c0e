import { describeReviewIntroParts, REVIEW_TITLE } from "../../../messages/describe-review-message.js";
import type { ReviewMessageView } from "../../../messages/review-message-view.js";
import { plural } from "../../../messages/rule-text.js";
import { bulkChoices } from "../../../remediation/bulk-choices.js";
import { BLOCK_KIT_LIMITS } from "./block-kit-limits.js";
import { fitAccountBlocks } from "./fit-account-blocks.js";
import { REVIEW_BULK_OPEN_ACTION_ID } from "./render-review-bulk-modal.js";
import { headerBlock, sectionBlock } from "./slack-blocks.js";
import { type SlackMessage, slackMessage } from "./slack-message.js";
import { slackRichText } from "./slack-rich-text.js";

/**
 * An owner's access review message: what is asked and by when (the due date in each reader's time
 * zone), then each account with Still needed…, Disable and Not mine (their `actions`), or the
 * answer once given; the accounts that do not fit are counted, as in owner messages. With two
 * or more accounts not yet answered, "Still needed for all…" last (when room is left).
 */
export function renderReviewRequestBlocks(
  view: ReviewMessageView,
  options: { messageId?: number | undefined; now: Date },
): SlackMessage {
  const head = [headerBlock(REVIEW_TITLE), sectionBlock([slackRichText(describeReviewIntroParts(view))])];
  const blocks = fitAccountBlocks(head, view.accounts, options, "owner");
  // It opens the one-reason modal (listeners/actions/open-review-bulk-modal.ts) over every account
  // of the message not yet answered, those summarised in the last line too.
  const open = bulkChoices(view).accounts.filter(({ account }) => account.actions.includes("certify"));
  if (
    options.messageId !== undefined &&
    open.length >= 2 &&
    blocks.length < BLOCK_KIT_LIMITS.blocksPerMessage
  ) {
    blocks.push({
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: REVIEW_BULK_OPEN_ACTION_ID,
          text: { type: "plain_text", text: "Still needed for all…" },
          value: JSON.stringify({ m: options.messageId }),
        },
      ],
    });
  }
  return slackMessage(
    `warden: access review #${view.campaign.id}: please confirm ${plural(view.accounts.length, "machine identity", "machine identities")} you own`,
    blocks,
  );
}
