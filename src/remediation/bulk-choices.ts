import { type ActionKind, actionOf, buttonsFor, type OwnerAction } from "../actions/action-registry.js";
import type { RuleName } from "../core/model.js";
import type { OwnerAccountView, OwnerMessageView } from "../messages/build-owner-messages.js";
import { showsActionButtons } from "../messages/describe-decision.js";
import { RULE_TITLES } from "../messages/rule-text.js";

/** One account a bulk form offers: its index in the message's view (the compact value a form sends back). */
export interface BulkAccountChoice {
  index: number;
  account: OwnerAccountView;
}

/** What a "Decide for several…" form lists, the same on Slack and Teams. */
export interface BulkChoices {
  /** Accounts still open in the message (no decision yet, or a failed or undone one). */
  accounts: BulkAccountChoice[];
  /** The message's accounts grouped by finding, in the order rules first appear (riskiest first). */
  groups: { rule: RuleName; title: string; accounts: BulkAccountChoice[] }[];
  /** Actions offered for at least one open account, in button order, with how many offer each. */
  actions: { kind: OwnerAction; title: string; offeredFor: number; asksReason: boolean }[];
  /** Accounts of the message already decided, so not listed. */
  decided: number;
}

/**
 * The choices of a bulk form for one owner (or access review) message: built from the message's
 * own view, so the form lists exactly what the message is about, and the actions come from the
 * registry (an action added there is offered here too).
 */
export function bulkChoices(view: Pick<OwnerMessageView, "accounts">): BulkChoices {
  const accounts: BulkAccountChoice[] = [];
  view.accounts.forEach((account, index) => {
    if (showsActionButtons(account)) accounts.push({ index, account });
  });
  const groups = new Map<RuleName, BulkAccountChoice[]>();
  for (const choice of accounts) {
    for (const rule of new Set(choice.account.findings.map((f) => f.rule))) {
      const list = groups.get(rule) ?? [];
      list.push(choice);
      groups.set(rule, list);
    }
  }
  const offered = new Map<string, number>();
  for (const { account } of accounts) {
    for (const kind of account.actions) offered.set(kind, (offered.get(kind) ?? 0) + 1);
  }
  return {
    accounts,
    groups: [...groups].map(([rule, list]) => ({ rule, title: RULE_TITLES[rule], accounts: list })),
    actions: buttonsFor({ actions: [...offered.keys()] }).map((a) => ({
      kind: a.kind,
      title: a.title.replace(/…$/, ""),
      offeredFor: offered.get(a.kind) ?? 0,
      asksReason: !!a.asksReason,
    })),
    decided: view.accounts.length - accounts.length,
  };
}

/** Whether `kind` needs a reason and a duration (Keep), as the registry declares. */
export const asksReason = (kind: ActionKind) => !!actionOf(kind).asksReason;
