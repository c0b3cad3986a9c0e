import type { ReviewDefault } from "../store/reviews.js";
import type { OwnerAccountView } from "./build-owner-messages.js";

/** The campaign a review message belongs to, as every review message names it. */
export interface ReviewCampaignRef {
  id: number;
  startedAt: Date;
  /** Answers are asked by then; with REVIEW_DEFAULT=disable, what is not certified is disabled then. */
  dueAt: Date;
  defaultDecision: ReviewDefault;
  /** The one source it covers; absent: every source. */
  source?: string | undefined;
}

/**
 * One owner's access review message: each of their active machine identities, risky or not, with
 * Still needed…, Disable and Not mine (each account's `campaignId` set, its `actions` those), and
 * its latest certification if any.
 */
export interface ReviewMessageView {
  campaign: ReviewCampaignRef;
  owner: { email: string; name: string; directoryId?: string | undefined };
  accounts: OwnerAccountView[];
}
