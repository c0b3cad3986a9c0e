import { plainRichText, type RichText, timeAt } from "../messages/rich-text.js";
import type { ActionRequest, ActionResult } from "./action-request.js";
import { authorizeAction } from "./authorize-action.js";
import { accessPolicy } from "./can-act-on.js";
import { checkKeepRequest } from "./check-keep-request.js";
import { checkRepeat } from "./check-repeat.js";
import { checkStale } from "./check-stale.js";
import { claimAndApply, type DecisionDeps, decisionAuditor } from "./claim-and-apply.js";
import { duplicateRefusal } from "./duplicate-refusal.js";
import { verifyOrigin } from "./verify-origin.js";

export type { ActionRequest, ActionResult, Actor } from "./action-request.js";

export interface ActionHandlerDeps extends DecisionDeps {
  /** Emails allowed to act on any account (the access policy's admins, see can-act-on.ts). */
  admins: readonly string[];
}

/**
 * The one place a chat click becomes a change: the same for Slack and Teams. In order: the account
 * exists; the actor is its owner of record or an admin (canActOn, via authorizeAction); the button belongs to the message
 * it was clicked in (verifyOrigin); a Keep has a reason and a duration (checkKeepRequest); the
 * message is not stale (checkStale); the click is not a repeat of the account's latest decision
 * (checkRepeat); then the decision is claimed in the database (one pending decision per account, so
 * concurrent clicks and processes produce one write) and applied (applyDecision: the account is
 * re-read, written at most once, and the outcome is recorded with an audit entry in one
 * transaction). Every attempt, refused ones too, is audited.
 */
export function createActionHandler(deps: ActionHandlerDeps) {
  const { store } = deps;
  const policy = accessPolicy(deps.admins);
  const { auditRefusal, refuse } = decisionAuditor(deps);

  return async function handleAction(request: ActionRequest): Promise<ActionResult> {
    const { payload, actor } = request;
    const stored = await store.accounts.findAccount(payload.s, payload.id);
    if (!stored) {
      await auditRefusal("decision.invalid", request, { reason: "unknown account" });
      return { status: "invalid", notice: "warden does not know this account any more." };
    }
    const { identity } = stored;
    const userName = identity.userName;

    const authorization = await authorizeAction(store, policy, actor, identity);
    if (!authorization.ok) return refuse(request, authorization.refusal);
    const email = authorization.actorEmail;

    const origin = await verifyOrigin(store, actor.platform, payload, request.origin);
    if (!origin.ok && (origin.supersededAt || origin.expired)) {
      // A stale button from a message a newer one replaced (the newer one is where to act), or from
      // one so old that retention removed it: answered with the account's current state.
      await auditRefusal("decision.stale", request, { reason: origin.reason, messageId: payload.m ?? null });
      const noticeParts: RichText = origin.supersededAt
        ? [
            "This message was replaced by warden's message of ",
            timeAt(origin.supersededAt),
            `: use that one. Nothing was changed; here is ${userName}'s current state.`,
          ]
        : [
            `This message is older than warden keeps messages (WARDEN_RETENTION_DAYS), so its buttons no longer work. Nothing was changed; here is ${userName}'s current state.`,
          ];
      return {
        status: "stale",
        userName,
        currentRules: (
          await store.findings.listOpenFindings({ source: identity.source, accountId: identity.id })
        ).map((f) => f.rule),
        notice: plainRichText(noticeParts),
        noticeParts,
      };
    }
    if (!origin.ok) {
      await auditRefusal("decision.invalid", request, {
        reason: origin.reason,
        messageId: payload.m ?? null,
      });
      return {
        status: "invalid",
        userName,
        notice: `This button does not belong to the message it was clicked in, so warden ignored it. Nothing was changed.`,
      };
    }

    const keep = checkKeepRequest(request, userName);
    if (!keep.ok) return refuse(request, keep.refusal);
    const { keepDays } = keep;

    const stale = await checkStale(store, identity, payload);
    if (stale) return refuse(request, stale);

    // A click from no message (the Home tab, `mine`) asks about the account as the last scan saw it:
    // a decision older than that scan was followed by the account turning risky again (re-enabled
    // in the source, say), so the same action is a new question, as build-mine-view shows it.
    const askedAt = payload.m === undefined ? stored.lastSeenAt : origin.sentAt;
    const repeat = await checkRepeat(store, identity, payload, askedAt, deps.now);
    if (!repeat.ok) {
      return refuse(
        request,
        repeat.duplicate ? duplicateRefusal(repeat.duplicate, userName) : repeat.refusal,
      );
    }
    const { undone } = repeat;

    return claimAndApply(deps, request, {
      account: identity,
      actorEmail: email,
      undone,
      keepDays,
      messageId: origin.messageId,
    });
  };
}
