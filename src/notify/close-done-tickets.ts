import type { MachineIdentity } from "../core/model.js";
import type { DecisionRecord } from "../store/decisions.js";
import type { Store } from "../store/store.js";
import { enqueueMessageUpdate } from "./enqueue-message-update.js";
import { recordDecisionInMessage } from "./record-decision-in-message.js";

/**
 * Whether the last scan shows the change a ticket asked for: a Disable once the account cannot
 * log in (inactive, or locked out in ServiceNow), a Restrict once it is Web Service Access Only.
 * Other actions are judged by their findings alone.
 */
function showsChange(identity: MachineIdentity, action: DecisionRecord["action"]): boolean {
  const { attributes } = identity;
  if (action === "disable")
    return !identity.active || (attributes.kind === "servicenow" && attributes.lockedOut);
  if (action === "restrict") return attributes.kind === "servicenow" && attributes.webServiceAccessOnly;
  return false;
}

/**
 * Ticket mode's done-check, after a scan: an open ticket is done once the scan shows the change it
 * asked for (showsChange), or its account has no open finding left (fixed another way, or gone
 * from the source). The ticket is marked done, audited, and every owner message showing the
 * account is updated in place ("Done in INC0010001"): the one the click came from, and each live
 * one (the owner's message on the other platform, a newer message that replaced the clicked one),
 * so none still offers buttons for a change already made. warden never closes the ticket itself:
 * the people who worked it do. Returns how many tickets were found done.
 */
export async function closeDoneTickets(store: Store, now: Date): Promise<number> {
  let closed = 0;
  for (const ticket of await store.tickets.listOpenTickets()) {
    const decision = await store.decisions.getDecision(ticket.decisionId);
    const stored = await store.accounts.findAccount(ticket.source, ticket.accountId);
    const open = await store.findings.listOpenFindings({
      source: ticket.source,
      accountId: ticket.accountId,
    });
    const done =
      open.length === 0 ||
      (stored !== undefined && decision !== undefined && showsChange(stored.identity, decision.action));
    if (!done) continue;
    await store.transaction(async (tx) => {
      if (!(await tx.tickets.markTicketDone(ticket.decisionId, now))) return;
      closed++;
      await tx.audit.appendAudit({
        at: now,
        event: "ticket.done",
        actor: "warden",
        subject: `${ticket.source}:${ticket.accountId}`,
        detail: { decisionId: ticket.decisionId, ticket: ticket.number, table: ticket.table },
      });
      const current = await tx.decisions.getDecision(ticket.decisionId);
      if (!current) return;
      // The message the click came from, and every live one showing the account: the owner's
      // message on the other platform, or a newer one that replaced the clicked one.
      const messages = new Set(await tx.outbox.listLiveMessagesShowing(ticket.source, ticket.accountId));
      if (current.messageId !== undefined) messages.add(current.messageId);
      for (const messageId of messages) {
        const platform = (await tx.outbox.getOutboxItem(messageId))?.platform;
        if (platform && (await recordDecisionInMessage(tx, platform, messageId, current))) {
          await enqueueMessageUpdate(tx, messageId, now);
        }
      }
    });
  }
  return closed;
}
