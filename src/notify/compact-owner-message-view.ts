import type { OwnerMessageView } from "../messages/build-owner-messages.js";
import { isUndoOpen } from "../messages/describe-decision.js";

/**
 * What a superseded owner message keeps once no Undo is left on it: the owner, and of each account
 * what says which account it was and what was found and decided (names, state, findings with
 * their summary and remediation, risk, the decision, who assigned it). Dropped: evidence, what a
 * change would touch (API calls, authentication, usage), the console link and the actions offered;
 * a superseded message's buttons are dead (verifyOrigin refuses them) and the newer message shows
 * all of it. A later in-place update of the message (a ticket done, a decision settled) renders
 * what is kept. Undefined while an Undo is still open on one of its accounts (the Undo button
 * needs the whole account), or when the message is not superseded.
 */
export function compactOwnerMessageView(view: OwnerMessageView, now: Date): OwnerMessageView | undefined {
  if (!view.supersededBy) return undefined;
  if (view.accounts.some((account) => isUndoOpen(account.decision, now))) return undefined;
  return {
    ...view,
    accounts: view.accounts.map((account) => ({
      source: account.source,
      sourceKind: account.sourceKind,
      accountId: account.accountId,
      userName: account.userName,
      name: account.name,
      active: account.active,
      webServiceAccessOnly: account.webServiceAccessOnly,
      findings: account.findings.map((finding) => ({ ...finding, evidence: [] })),
      risk: account.risk,
      uniqueApiCalls7d: [],
      authMethods30d: undefined,
      sourceTitle: account.sourceTitle,
      usage: [],
      actions: [],
      ticketMode: account.ticketMode,
      decision: account.decision,
      assigned: account.assigned,
    })),
  };
}

/** When the last Undo open on the message closes (undefined: none is open at `now`). */
export function lastUndoUntil(view: OwnerMessageView, now: Date): Date | undefined {
  const open = view.accounts
    .map((account) => account.decision)
    .filter((decision) => isUndoOpen(decision, now))
    .map((decision) => decision?.undoUntil?.getTime() ?? 0);
  return open.length > 0 ? new Date(Math.max(...open)) : undefined;
}
