import type { OwnerAccountView, OwnerAction } from "./build-owner-messages.js";

/** Button titles, the same on Slack and Teams (the terminal shows them in brackets). */
export const ACTION_TITLES: Readonly<Record<OwnerAction | "undo", string>> = {
  disable: "Disable",
  restrict: "Restrict to API only",
  keep: "Keep…",
  not_mine: "Not mine",
  undo: "Undo",
};

/**
 * What confirming a destructive action does to `account`, for Slack's confirm dialog (≤ 300
 * characters, so the user name is passed in already shortened) and Teams' "Disable…" card.
 */
export function describeConsequence(action: "disable" | "restrict", userName: string): string {
  return action === "disable"
    ? `${userName} will be set inactive and locked out in ServiceNow: every integration using it stops working. You can undo it for 24 hours.`
    : `${userName} will be set to Web Service Access Only: it can no longer log into the UI, API calls keep working. You can undo it for 24 hours.`;
}

/** The actions a renderer offers for `account`, in button order. */
export function offeredActions(account: Pick<OwnerAccountView, "actions">): OwnerAction[] {
  const order: OwnerAction[] = ["disable", "restrict", "keep", "not_mine"];
  return order.filter((a) => account.actions.includes(a));
}
