import type { WardenMode } from "../config/load-config.js";
import type { MessageRef } from "../notify/message-ref.js";
import type { ReviewCampaignRef } from "./review-message-view.js";

/**
 * What an access review sends after its review messages: a reminder to an owner with accounts left
 * (every REVIEW_REMINDER_DAYS), with REVIEW_DEFAULT=disable a warning two days before the due date,
 * and at the due date an escalation to the admin channel.
 */
export type ReviewFollowUpStage = "reminder" | "warning" | "escalation";

export const REVIEW_FOLLOW_UP_STAGES: readonly ReviewFollowUpStage[] = ["reminder", "warning", "escalation"];

/** An account a follow-up names: what it shows, not the whole account view (kept for retention). */
export interface ReviewFollowUpAccount {
  source: string;
  accountId: string;
  userName: string;
  name: string;
}

/** One owner's unanswered accounts. */
export interface ReviewFollowUpOwner {
  /** The owner asked (email); undefined: accounts nobody reachable owns (the admins were asked to assign). */
  email?: string | undefined;
  /** Their chat user on the message's platform, so an escalation mentions them. */
  ref?: { platform: string; id: string } | undefined;
  /** The first of their unanswered accounts (at most REVIEW_FOLLOW_UP_LISTED). */
  accounts: ReviewFollowUpAccount[];
  /** How many they left unanswered. */
  total: number;
  /** Escalation with REVIEW_DEFAULT=disable: how many of them warden disables now (their owner was warned). */
  disabling?: number | undefined;
}

/** A reminder or warning under an owner's review message, or the escalation to the admins. */
export interface ReviewFollowUpView {
  stage: ReviewFollowUpStage;
  campaign: ReviewCampaignRef;
  /** Reminder and warning: the owner's review message, to reply under. */
  replyTo?: MessageRef | undefined;
  /** Reminder and warning: the one owner; escalation: each owner with overdue accounts (the first ones). */
  owners: ReviewFollowUpOwner[];
  /** How many owners the escalation counts in all (more than `owners` lists in a large one). */
  totalOwners: number;
  /** Escalation with accounts disabled by default: WARDEN_MODE, which says how (absent: apply). */
  mode?: WardenMode | undefined;
}

/** Accounts named per owner, and owners per escalation; the rest are counted. */
export const REVIEW_FOLLOW_UP_LISTED = 20;
