import { decodeRuleBits } from "../rule-bits.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

/**
 * src/store/accounts-shown-to.ts listAccountsShownTo: the recipient's messages on
 * outbox_by_recipient, their accounts on message_accounts' primary key.
 */
export async function listAccountsShownTo(
  db: PgDb,
  query: { platform: string; kind: string; recipient: string; since: Date },
): Promise<Map<string, Set<string>>> {
  const rows = await db.query<{ source: string; account_id: string; rules: number }>(
    `SELECT m.source, m.account_id, m.rules FROM outbox o
       JOIN message_accounts m ON m.outbox_id = o.id
      WHERE o.platform = $1 AND o.kind = $2 AND o.recipient = $3 AND o.status = 'sent' AND o.sent_at >= $4
      ORDER BY o.id, m.source COLLATE "C", m.account_id COLLATE "C"`,
    [query.platform, query.kind, query.recipient, query.since.toISOString()],
  );
  const shown = new Map<string, Set<string>>();
  for (const row of rows) {
    const key = `${row.source}:${row.account_id}`;
    const rules = shown.get(key) ?? new Set<string>();
    for (const rule of decodeRuleBits(row.rules)) rules.add(rule);
    shown.set(key, rules);
  }
  return shown;
}

/** The accounts-shown method of the outbox repository of the PostgreSQL store. */
export const ACCOUNTS_SHOWN_TO_PG = { listAccountsShownTo } satisfies Partial<PostgresQueries["outbox"]>;
