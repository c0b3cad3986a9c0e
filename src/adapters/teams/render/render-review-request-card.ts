import { describeReviewIntroParts, REVIEW_TITLE } from "../../../messages/describe-review-message.js";
import type { ReviewMessageView } from "../../../messages/review-message-view.js";
import { type AdaptiveCard, createCard } from "./adaptive-card.js";
import { cardRichText, withMentions } from "./card-rich-text.js";
import { textBlock } from "./card-text.js";
import { fitAccountCardItems } from "./fit-account-card-items.js";
import { renderAccountCardItems } from "./render-account-card-items.js";
import { appendCertifyAllShowCard } from "./render-certify-all-show-card.js";
import { decisionActors } from "./render-owner-message-card.js";

/**
 * An owner's access review card: what is asked and by when (the due date in the reader's time
 * zone), then each account with Still needed…, Disable and Not mine, or the answer once given,
 * and "Still needed for all…" while two or more are unanswered.
 */
export function renderReviewRequestCard(
  view: ReviewMessageView,
  options: { messageId?: number | undefined; now: Date },
): AdaptiveCard {
  const card = createCard([
    textBlock(REVIEW_TITLE, { size: "large", weight: "bolder" }),
    textBlock(cardRichText(describeReviewIntroParts(view))),
  ]);
  const fitted = fitAccountCardItems(card, view.accounts, (account) =>
    renderAccountCardItems(account, options),
  );
  // "Still needed for all…" (one reason, each account its own decision), last.
  const full =
    options.messageId === undefined ? fitted : appendCertifyAllShowCard(fitted, view, options.messageId);
  return withMentions(full, decisionActors(view.accounts));
}
