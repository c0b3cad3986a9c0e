import { describeReviewIntroParts, REVIEW_TITLE } from "../../../messages/describe-review-message.js";
import type { ReviewMessageView } from "../../../messages/review-message-view.js";
import { plural } from "../../../messages/rule-text.js";
import { fitAccountBlocks } from "./fit-account-blocks.js";
import { headerBlock, sectionBlock } from "./slack-blocks.js";
import { type SlackMessage, slackMessage } from "./slack-message.js";
import { slackRichText } from "./slack-rich-text.js";

/**
 * An owner's access review message: what is asked and by when (the due date in each reader's time
 * zone), then each account with Still needed…, Disable and Not mine (their `actions`), or the
 * answer once given; the accounts that do not fit are counted, as in owner messages.
 */
export function renderReviewRequestBlocks(
  view: ReviewMessageView,
  options: { messageId?: number | undefined; now: Date },
): SlackMessage {
  const head = [headerBlock(REVIEW_TITLE), sectionBlock([slackRichText(describeReviewIntroParts(view))])];
  const blocks = fitAccountBlocks(head, view.accounts, options, "owner");
  return slackMessage(
    `warden: access review #${view.campaign.id}: please confirm ${plural(view.accounts.length, "machine identity", "machine identities")} you own`,
    blocks,
  );
}
