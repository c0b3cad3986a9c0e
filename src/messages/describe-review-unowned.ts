import type { ReviewCampaignRef } from "./review-message-view.js";
import { dayOf, type RichText } from "./rich-text.js";
import { plural } from "./rule-text.js";

/** The title of the admin channel's list of an access review's accounts nobody reachable owns. */
export const REVIEW_UNOWNED_TITLE = "Access review: machine identities with no reachable owner";

/**
 * The opening of that list, as parts (the due date in the reader's own time zone): which review,
 * by when, and what assigning an owner does (they are sent the account to certify).
 */
export function describeReviewUnownedParts(review: ReviewCampaignRef, count: number): RichText {
  return [
    `Access review #${review.id}${review.source ? ` of ${review.source}` : ""}, due `,
    dayOf(review.dueAt),
    `: ${plural(count, "machine identity", "machine identities")} ${count === 1 ? "has" : "have"} no active owner with an email, so nobody was asked about ${count === 1 ? "it" : "them"}. `,
    "Assign an owner to each: warden sends that owner the account in their access review message, to certify (Still needed…), disable, or say Not mine.",
  ];
}
