import { describeReviewFollowUp } from "../../../messages/describe-review-follow-up.js";
import type { ReviewFollowUpView } from "../../../messages/review-follow-up-view.js";
import type { RichText } from "../../../messages/rich-text.js";
import { sectionBlock } from "./slack-blocks.js";
import { type SlackMessage, slackMessage } from "./slack-message.js";
import { slackRichText } from "./slack-rich-text.js";

/** "• a\n• b": the lines as one list of parts. */
const bulleted = (lines: readonly RichText[]): RichText =>
  lines.flatMap((line, i) => [i === 0 ? "• " : "\n• ", ...line]);

/**
 * An access review's reminder or warning (a reply under the owner's review message, whose buttons
 * still work) or its escalation to the admin channel (owners mentioned where warden knows their
 * Slack user). The due date is a date token, shown in each reader's time zone.
 */
export function renderReviewFollowUpBlocks(view: ReviewFollowUpView): SlackMessage {
  const { headline, headlineParts, lines, hint } = describeReviewFollowUp(view);
  return slackMessage(headline, [
    sectionBlock([slackRichText(headlineParts), ` ${hint}`]),
    sectionBlock([slackRichText(bulleted(lines))], 2900),
  ]);
}
