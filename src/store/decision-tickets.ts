import type { Database } from "better-sqlite3";

/** A ticket a decision opened in ticket mode (WARDEN_MODE=ticket), as decision_tickets holds it. */
export interface DecisionTicket {
  decisionId: number;
  source: string;
  accountId: string;
  table: string;
  sysId: string;
  /** The instance's number, e.g. INC0010001. */
  number: string;
  url: string;
  openedAt: Date;
  /** When a later scan found the change made (the account's findings resolved). */
  doneAt: Date | undefined;
}

/** A row of `decision_tickets` (exported for the PostgreSQL store). */
export interface TicketRow {
  decision_id: number;
  source: string;
  account_id: string;
  ticket_table: string;
  sys_id: string;
  number: string;
  url: string;
  opened_at: string;
  done_at: string | null;
}

export const toTicket = (row: TicketRow): DecisionTicket => ({
  decisionId: row.decision_id,
  source: row.source,
  accountId: row.account_id,
  table: row.ticket_table,
  sysId: row.sys_id,
  number: row.number,
  url: row.url,
  openedAt: new Date(row.opened_at),
  doneAt: row.done_at ? new Date(row.done_at) : undefined,
});

/** Records the ticket decision `decisionId` opened (in the transaction that completes it). */
export function recordDecisionTicket(db: Database, ticket: Omit<DecisionTicket, "doneAt">): void {
  db.prepare(
    `INSERT INTO decision_tickets (decision_id, source, account_id, ticket_table, sys_id, number, url, opened_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    ticket.decisionId,
    ticket.source,
    ticket.accountId,
    ticket.table,
    ticket.sysId,
    ticket.number,
    ticket.url,
    ticket.openedAt.toISOString(),
  );
}

/** The ticket decision `decisionId` opened, if it opened one. */
export function getDecisionTicket(db: Database, decisionId: number): DecisionTicket | undefined {
  const row = db.prepare("SELECT * FROM decision_tickets WHERE decision_id = ?").get(decisionId) as
    | TicketRow
    | undefined;
  return row ? toTicket(row) : undefined;
}

/** The account's open ticket (at most one: a partial UNIQUE index), if any. */
export function findOpenTicket(db: Database, source: string, accountId: string): DecisionTicket | undefined {
  const row = db
    .prepare("SELECT * FROM decision_tickets WHERE source = ? AND account_id = ? AND done_at IS NULL")
    .get(source, accountId) as TicketRow | undefined;
  return row ? toTicket(row) : undefined;
}

/** Every open ticket, oldest first (a handful: one per account at most, until a scan finds it done). */
export function listOpenTickets(db: Database): DecisionTicket[] {
  const rows = db
    .prepare("SELECT * FROM decision_tickets WHERE done_at IS NULL ORDER BY decision_id")
    .all() as TicketRow[];
  return rows.map(toTicket);
}

/** Marks a ticket done; false when it was already. */
export function markTicketDone(db: Database, decisionId: number, at: Date): boolean {
  return (
    db
      .prepare("UPDATE decision_tickets SET done_at = ? WHERE decision_id = ? AND done_at IS NULL")
      .run(at.toISOString(), decisionId).changes === 1
  );
}
