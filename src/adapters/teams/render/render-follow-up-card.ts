import { describeFollowUp } from "../../../messages/follow-up-text.js";
import type { FollowUpView } from "../../../notify/enqueue-follow-ups.js";
import { type AdaptiveCard, createCard } from "./adaptive-card.js";
import { joinMarkdown, textBlock } from "./card-text.js";

/** A reminder (in the owner's chat) or an escalation (to the admins), as a card. */
export function renderFollowUpCard(kind: "reminder" | "escalation", view: FollowUpView): AdaptiveCard {
  const { headline, lines } = describeFollowUp(kind, view);
  // Plain strings: textBlock escapes the names and emails in them; "\n\n" separates lines.
  return createCard([textBlock(headline, { weight: "bolder" }), textBlock(joinMarkdown(lines, "\n\n"))]);
}
