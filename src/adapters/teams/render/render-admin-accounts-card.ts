import { describeDisowned } from "../../../messages/describe-disowned.js";
import { describeReroute } from "../../../messages/describe-reroute.js";
import {
  describeReviewUnownedParts,
  REVIEW_UNOWNED_TITLE,
} from "../../../messages/describe-review-unowned.js";
import type { AdminAccountsView } from "../../../notify/outbox-message.js";
import type { AdaptiveCard } from "./adaptive-card.js";
import { cardRichText } from "./card-rich-text.js";
import { cut, textBlock } from "./card-text.js";
import { renderUnownedCard } from "./render-unowned-card.js";

/**
 * The admin channel's card of accounts. Accounts rerouted from an owner warden could not reach
 * (say so, and why), or disowned with "Not mine" (who, when, whose it was): the notice goes under
 * the title, escaped by textBlock. An access review's list says which review, its due date, and
 * that an assigned owner is sent the account to certify.
 */
export function renderAdminAccountsCard(
  view: AdminAccountsView,
  options: { messageId: number; now: Date },
): AdaptiveCard {
  // An access review's accounts are risky or not, and assigning one asks its owner to certify it.
  const heading = view.review
    ? [
        textBlock(REVIEW_UNOWNED_TITLE, { size: "large", weight: "bolder" }),
        textBlock(cardRichText(describeReviewUnownedParts(view.review, view.accounts.length))),
      ]
    : undefined;
  const card = renderUnownedCard(view.accounts, options, heading);
  const notice = describeReroute(view) ?? describeDisowned(view);
  if (notice) card.body.splice(1, 0, textBlock(`ℹ️ ${cut(notice, 900)}`, { weight: "bolder" }));
  return card;
}
