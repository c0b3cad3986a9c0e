import type { Store } from "../store/store.js";
import { enqueueMessageUpdate } from "./enqueue-message-update.js";
import { recordDecisionInMessage } from "./record-decision-in-message.js";

/**
 * Ticket mode's done-check, after a scan: an open ticket whose account has no open finding left
 * asked for a change that was made (the account was disabled or restricted as requested, or fixed
 * another way). The ticket is marked done, audited, and the owner message the click came from is
 * updated in place ("Done in INC0010001"). warden never closes the ticket itself: the people who
 * worked it do. Returns how many tickets were found done.
 */
export async function closeDoneTickets(store: Store, now: Date): Promise<number> {
  const done = await store.tickets.listDoneOpenTickets();
  let closed = 0;
  for (const ticket of done) {
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
      const decision = await tx.decisions.getDecision(ticket.decisionId);
      if (decision?.messageId === undefined) return;
      const platform = (await tx.outbox.getOutboxItem(decision.messageId))?.platform;
      if (platform && (await recordDecisionInMessage(tx, platform, decision.messageId, decision))) {
        await enqueueMessageUpdate(tx, decision.messageId, now);
      }
    });
  }
  return closed;
}
