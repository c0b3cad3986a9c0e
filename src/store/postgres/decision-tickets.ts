import { type DecisionTicket, type TicketRow, toTicket } from "../decision-tickets.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

/**
 * src/store/decision-tickets.ts recordDecisionTicket. A second open ticket of one account is
 * refused by the partial UNIQUE index decision_tickets_one_open, as in SQLite.
 */
export async function recordDecisionTicket(db: PgDb, ticket: Omit<DecisionTicket, "doneAt">): Promise<void> {
  await db.execute(
    `INSERT INTO decision_tickets (decision_id, source, account_id, ticket_table, sys_id, number, url, opened_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      ticket.decisionId,
      ticket.source,
      ticket.accountId,
      ticket.table,
      ticket.sysId,
      ticket.number,
      ticket.url,
      ticket.openedAt.toISOString(),
    ],
  );
}

/** src/store/decision-tickets.ts getDecisionTicket. */
export async function getDecisionTicket(db: PgDb, decisionId: number): Promise<DecisionTicket | undefined> {
  const [row] = await db.query<TicketRow>("SELECT * FROM decision_tickets WHERE decision_id = $1", [
    decisionId,
  ]);
  return row ? toTicket(row) : undefined;
}

/** src/store/decision-tickets.ts findOpenTicket. */
export async function findOpenTicket(
  db: PgDb,
  source: string,
  accountId: string,
): Promise<DecisionTicket | undefined> {
  const [row] = await db.query<TicketRow>(
    "SELECT * FROM decision_tickets WHERE source = $1 AND account_id = $2 AND done_at IS NULL",
    [source, accountId],
  );
  return row ? toTicket(row) : undefined;
}

/** src/store/decision-tickets.ts listOpenTickets. */
export async function listOpenTickets(db: PgDb): Promise<DecisionTicket[]> {
  const rows = await db.query<TicketRow>(
    "SELECT * FROM decision_tickets WHERE done_at IS NULL ORDER BY decision_id",
  );
  return rows.map(toTicket);
}

/**
 * src/store/decision-tickets.ts markTicketDone: a conditional UPDATE, so of two scans marking one
 * ticket at once the second waits for the first's row lock, re-checks done_at and answers false.
 */
export async function markTicketDone(db: PgDb, decisionId: number, at: Date): Promise<boolean> {
  return (
    (await db.execute("UPDATE decision_tickets SET done_at = $1 WHERE decision_id = $2 AND done_at IS NULL", [
      at.toISOString(),
      decisionId,
    ])) === 1
  );
}

/** The tickets repository of the PostgreSQL store. */
export const TICKETS_PG = {
  recordDecisionTicket,
  getDecisionTicket,
  findOpenTicket,
  listOpenTickets,
  markTicketDone,
} satisfies Partial<PostgresQueries["tickets"]>;
