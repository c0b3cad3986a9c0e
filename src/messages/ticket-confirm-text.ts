/**
 * A button's confirmation in ticket mode (WARDEN_MODE=ticket): the click opens a ticket, it does
 * not change the account, so the action's own confirmation ("will be set inactive… You can undo it
 * for 24 hours") would not be true.
 */
export function ticketConfirmText(actionTitle: string, userName: string): string {
  return `warden opens a ServiceNow ticket asking for this change (${actionTitle}) to ${userName}, and changes nothing itself: the message shows the ticket, and when a later scan finds it done.`;
}
