import { describeFollowUp } from "../../../messages/follow-up-text.js";
import type { FollowUpView } from "../../../notify/enqueue-follow-ups.js";
import { type AdaptiveCard, createCard } from "./adaptive-card.js";
import { cardRichText, withMentions } from "./card-rich-text.js";
import { joinMarkdown, textBlock } from "./card-text.js";

/** A reminder (in the owner's chat) or an escalation (to the admins), as a card. */
export function renderFollowUpCard(kind: "reminder" | "escalation", view: FollowUpView): AdaptiveCard {
  const { headlineParts, lines } = describeFollowUp(kind, view);
  // Plain strings: textBlock escapes the names and emails in them; "\n\n" separates lines. The
  // headline's day is a DATE function; an escalation mentions the owner (an entity of the card).
  const card = createCard([
    textBlock(cardRichText(headlineParts), { weight: "bolder" }),
    textBlock(joinMarkdown(lines, "\n\n")),
  ]);
  const owner = view.ownerRef && { display: view.ownerEmail, ...view.ownerRef };
  return owner ? withMentions(card, [owner]) : card;
}
