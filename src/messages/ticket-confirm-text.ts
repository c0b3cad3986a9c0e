import type { ActionDefinition, ActionTarget } from "../actions/action-definition.js";

/**
 * A button's confirmation in ticket mode (WARDEN_MODE=ticket): the click opens a ticket, it does
 * not change the account, so the action's own confirmation ("will be set inactive… You can undo it
 * for 24 hours") would not be true.
 */
export function ticketConfirmText(actionTitle: string, userName: string): string {
  return `warden opens a ServiceNow ticket asking for this change (${actionTitle}) to ${userName}, and changes nothing itself: the message shows the ticket, and when a later scan finds it done.`;
}

/**
 * What a button's confirmation says, on every platform: in ticket mode an action that changes the
 * source (it has an intent, as handle-action decides) opens a ticket instead, so it says that;
 * otherwise the action's own words. `opensTicket`: nothing stops working yet, so no stake is added.
 * Undefined for an action that asks no confirmation.
 */
export function confirmationOf(
  action: Pick<ActionDefinition, "title" | "confirm" | "intent">,
  account: Pick<ActionTarget, "sourceKind"> & { ticketMode?: boolean | undefined },
  userName: string,
): { text: string; opensTicket: boolean } | undefined {
  if (!action.confirm) return undefined;
  if (account.ticketMode && action.intent !== undefined)
    return { text: ticketConfirmText(action.title, userName), opensTicket: true };
  return { text: action.confirm(userName, account), opensTicket: false };
}
