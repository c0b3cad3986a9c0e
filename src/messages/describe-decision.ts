import { actionOf } from "../actions/action-registry.js";
import type { DecisionLineView, OwnerAccountView } from "./build-owner-messages.js";
import { dayOf, person, plainRichText, type RichText, timeAt } from "./rich-text.js";
import { truncateText } from "./truncate-text.js";

/**
 * The outcome line shown in place of an account's buttons, in plain words (no markup):
 * "Disabled by alice@acme.example at 2026-11-23 10:02 UTC".
 */
export function describeDecision(
  decision: DecisionLineView,
  /** Where the account lives, in words (OwnerAccountView.sourceTitle; older views: ServiceNow). */
  sourceTitle = "ServiceNow",
): string {
  return plainRichText(describeDecisionParts(decision, sourceTitle));
}

/**
 * The outcome line as parts: who acted (a person the platform can mention) and when (a time each
 * reader sees in their own time zone). Data (reason, error, the actor's email) is cut here, so a
 * renderer never has to cut through a date or mention token.
 */
export function describeDecisionParts(decision: DecisionLineView, sourceTitle = "ServiceNow"): RichText {
  const at = timeAt(decision.at);
  const actor = person({
    display: truncateText(decision.actor, 120),
    platform: decision.actorRef?.platform,
    id: decision.actorRef?.id,
  });
  if (decision.action === "fixed") {
    return ["No longer risky as of ", at, `: fixed in ${sourceTitle} directly, nothing left to do.`];
  }
  if (decision.action === "reassigned") {
    const to = truncateText(decision.reason ?? "another owner", 160);
    return [`Assigned to ${to} by `, actor, " at ", at, ": it is theirs now, nothing left to do here."];
  }
  const action = actionOf(decision.action);
  const by: RichText = ["by ", actor, " at ", at];
  // Keep and Still needed carry the owner's reason (and Keep its end): the line shows it.
  const keep: RichText =
    decision.action === "keep" || decision.action === "certify"
      ? [
          decision.reason ? `: "${truncateText(decision.reason, 300)}"` : "",
          ...(decision.expiresAt ? [", until ", dayOf(decision.expiresAt)] : []),
        ]
      : [];
  const error = truncateText(decision.error ?? "unknown error", 300);
  const detail = decision.detail ? ` (${truncateText(decision.detail, 300)})` : "";
  switch (decision.outcome) {
    case "applied":
      return [`${action.done} `, ...by, ...keep, `${detail}.`];
    case "dry_run":
      return ["Requested ", ...by, `: ${action.wouldHave} (dry run); nothing was written`, ...keep, "."];
    case "already":
      return [
        `${action.already ?? "Already in the wanted state"} when `,
        actor,
        " acted at ",
        at,
        `${detail}; nothing was written.`,
      ];
    case "failed":
      return [`${action.failed} failed (`, actor, " at ", at, `): ${error}. You can try again.`];
    case "ticketed": {
      const number = truncateText(decision.ticket?.number ?? "a ticket", 40);
      if (decision.ticket?.doneAt) {
        return [
          `Done in ${number}: seen done at `,
          timeAt(decision.ticket.doneAt),
          ` (${action.title} requested `,
          ...by,
          ").",
        ];
      }
      return [
        `Ticket ${number} opened `,
        ...by,
        `: ${action.title} requested in ${sourceTitle}. warden changes nothing itself and shows here when it is done.`,
      ];
    }
  }
}

/**
 * How a decision is marked, the same on every platform: a fix ("fixed"), a risk accepted for a
 * while ("accepted": Keep, which changes nothing in the source and comes back when it expires),
 * a change asked for in a ticket not yet done ("ticketed"), or a failure. An accepted risk or an
 * open ticket must not look like a fix.
 */
export type DecisionMark = "fixed" | "accepted" | "failed" | "ticketed";

/** A ticket still open is neither a fix nor a failure ("ticketed"); once done, it is a fix. */
export function decisionMark(
  decision: Pick<DecisionLineView, "action" | "outcome" | "ticket">,
): DecisionMark {
  if (decision.outcome === "failed") return "failed";
  if (decision.outcome === "ticketed") return decision.ticket?.doneAt ? "fixed" : "ticketed";
  return decision.action === "keep" ? "accepted" : "fixed";
}

/** True while the Undo button is offered: the decision changed something and its window is open. */
export function isUndoOpen(decision: DecisionLineView | undefined, now: Date): decision is DecisionLineView {
  return (
    decision !== undefined &&
    decision.outcome !== "failed" &&
    decision.action !== "undo" &&
    decision.undoUntil !== undefined &&
    now.getTime() < decision.undoUntil.getTime()
  );
}

/**
 * Whether the account's action buttons are shown: with no decision, after a failure (so the owner
 * can retry), and after an undo (the account is back as it was).
 */
export function showsActionButtons(account: Pick<OwnerAccountView, "decision">): boolean {
  const d = account.decision;
  return d === undefined || d.outcome === "failed" || (d.action === "undo" && d.outcome !== "dry_run");
}
