import type { ReviewCampaignRef } from "./review-message-view.js";
import { dayOf, plainRichText, type RichText } from "./rich-text.js";
import { plural } from "./rule-text.js";

/** The title of the admin channel's list of an access review's accounts nobody reachable owns. */
export const REVIEW_UNOWNED_TITLE = "Access review: machine identities with no reachable owner";

/**
 * The opening of that list, as parts (the due date in each reader's time zone): which review,
 * by when, and that assigning an owner sends that owner the account to certify.
 */
export function describeReviewUnownedParts(review: ReviewCampaignRef, count: number): RichText {
  return [
    `Access review #${review.id}${review.source ? ` of ${review.source}` : ""} asks each owner to confirm their machine identities by `,
    dayOf(review.dueAt),
    `. ${plural(count, "machine identity", "machine identities")} ${count === 1 ? "has" : "have"} no reachable owner: pick an owner for each, and warden sends that owner the account to certify in this review (Still needed, Disable or Not mine).`,
  ];
}

/** The same opening as one plain string. */
export function describeReviewUnowned(review: ReviewCampaignRef, count: number): string {
  return plainRichText(describeReviewUnownedParts(review, count));
}
