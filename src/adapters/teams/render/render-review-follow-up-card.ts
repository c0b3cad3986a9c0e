import { describeReviewFollowUp } from "../../../messages/describe-review-follow-up.js";
import type { ReviewFollowUpView } from "../../../messages/review-follow-up-view.js";
import { type AdaptiveCard, createCard } from "./adaptive-card.js";
import { cardRichText, withMentions } from "./card-rich-text.js";
import { joinMarkdown, textBlock } from "./card-text.js";

/**
 * An access review's reminder or warning (in the owner's chat, under their review card) or its
 * escalation to the admins (owners mentioned where warden knows their Teams user), as a card.
 */
export function renderReviewFollowUpCard(view: ReviewFollowUpView): AdaptiveCard {
  const { headlineParts, lines, hint } = describeReviewFollowUp(view);
  // Every part is escaped by cardRichText; "\n\n" separates lines. The due date is a DATE function.
  const card = createCard([
    textBlock(cardRichText(headlineParts), { weight: "bolder" }),
    textBlock(hint),
    textBlock(
      joinMarkdown(
        lines.map((line) => cardRichText(line)),
        "\n\n",
      ),
    ),
  ]);
  const people = view.owners.flatMap((o) => (o.email && o.ref ? [{ display: o.email, ...o.ref }] : []));
  return withMentions(card, people);
}
