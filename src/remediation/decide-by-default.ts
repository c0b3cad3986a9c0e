import type { ActionKind } from "../actions/action-registry.js";
import {
  type ActionRequest,
  type ActionResult,
  type Actor,
  WARDEN_ACTOR_PLATFORM,
} from "./action-request.js";
import { checkRepeat } from "./check-repeat.js";
import { claimAndApply, type DecisionDeps, decisionAuditor } from "./claim-and-apply.js";
import { duplicateRefusal } from "./duplicate-refusal.js";

/** Who takes an access review's default decision: warden itself, on the operator's REVIEW_DEFAULT. */
export const REVIEW_DEFAULT_ACTOR: Actor = { platform: WARDEN_ACTOR_PLATFORM, id: "review default" };

/** One decision warden takes by itself on an account nobody answered about. */
export interface DefaultDecisionRequest {
  action: ActionKind;
  source: string;
  accountId: string;
  /** The campaign whose default it is. */
  campaignId: number;
  /** Why, as the decision records it (the report's reason column). */
  reason: string;
  /**
   * When the account was asked about (the campaign's start): a decision older than that was
   * followed by a new question, so the same action is not a repeat of it.
   */
  askedAt: Date;
}

/**
 * Decisions warden takes itself: an access review's default on silence (REVIEW_DEFAULT=disable).
 * Nobody clicked, so there is no one to authorize and no message to check the origin of: the
 * operator chose the decision by configuration, and the owner was warned. Everything after that is
 * the click's path (claimAndApply): one pending decision per account, applied through the
 * account's connector in WARDEN_MODE (dry-run writes nothing, ticket mode opens a ticket), audited
 * with actor "warden:review default", and recorded as the answer of the campaign's account.
 */
export function createDefaultDecider(deps: DecisionDeps) {
  const { auditRefusal, refuse } = decisionAuditor(deps);
  return async function decideByDefault(decision: DefaultDecisionRequest): Promise<ActionResult> {
    const request: ActionRequest = {
      actor: REVIEW_DEFAULT_ACTOR,
      payload: {
        a: decision.action,
        s: decision.source,
        id: decision.accountId,
        r: [],
        c: decision.campaignId,
      },
      reason: decision.reason,
    };
    const stored = await deps.store.accounts.findAccount(decision.source, decision.accountId);
    if (!stored) {
      await auditRefusal("decision.invalid", request, { reason: "unknown account" });
      return { status: "invalid", notice: "warden does not know this account any more." };
    }
    const { identity } = stored;
    const repeat = await checkRepeat(deps.store, identity, request.payload, decision.askedAt, deps.now);
    if (!repeat.ok) {
      return refuse(
        request,
        repeat.duplicate ? duplicateRefusal(repeat.duplicate, identity.userName) : repeat.refusal,
      );
    }
    return claimAndApply(deps, request, {
      account: identity,
      actorEmail: undefined,
      undone: undefined,
      keepDays: undefined,
      messageId: undefined,
    });
  };
}
