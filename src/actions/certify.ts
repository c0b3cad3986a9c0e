import type { ActionDefinition } from "./action-definition.js";

/**
 * Still needed: in an access review, the owner certifies that the account is still needed, with
 * a reason (what still uses it). Only warden's records change: the campaign's item is certified
 * by this decision (src/store/reviews.ts answerReviewItems). Offered only in review messages,
 * whose accounts list it explicitly (src/reviews/build-review-messages.ts), never on risk messages.
 */
export const certify = {
  kind: "certify",
  id: "warden_certify",
  title: "Still needed…",
  asksReason: true,
  reversible: false,
  offeredFor: () => false,
  done: "Certified still needed",
  wouldHave: "would have been certified",
  failed: "Certified",
} as const satisfies ActionDefinition<"certify">;
