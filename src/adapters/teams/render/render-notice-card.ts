import { type AdaptiveCard, createCard } from "./adaptive-card.js";
import { textBlock } from "./card-text.js";

/**
 * A plain-text notice from the core (which may name accounts and people) as a card, followed by
 * the body of `card` when given (the stale notice shows the account's current state).
 */
export function renderNoticeCard(notice: string, card?: AdaptiveCard): AdaptiveCard {
  return createCard([textBlock(notice, { weight: "bolder" }), ...(card?.body ?? [])]);
}
