import type { Database } from "better-sqlite3";
import { decodeRuleBits } from "./rule-bits.js";

/**
 * The accounts (and their rules) that sent messages of `kind` to `recipient` showed since
 * `since`: `source:accountId` → every rule shown with it. The admin channel's list of accounts
 * with no reachable owner is posted with only what it was not shown lately, instead of the whole
 * list again each time it changes. Reads the recipient's messages on `outbox_by_recipient` and
 * their accounts on message_accounts' primary key (`+sent_at`: the planner must not prefer
 * outbox_by_sent, which would read every message sent lately to anyone;
 * https://www.sqlite.org/optoverview.html#disqualifying_where_clause_terms_using_unary_).
 */
export function listAccountsShownTo(
  db: Database,
  query: { platform: string; kind: string; recipient: string; since: Date },
): Map<string, Set<string>> {
  const rows = db
    .prepare(
      `SELECT m.source, m.account_id, m.rules FROM outbox o
         JOIN message_accounts m ON m.outbox_id = o.id
        WHERE o.platform = ? AND o.kind = ? AND o.recipient = ? AND o.status = 'sent'
          AND +o.sent_at >= ?`,
    )
    .all(query.platform, query.kind, query.recipient, query.since.toISOString()) as {
    source: string;
    account_id: string;
    rules: number;
  }[];
  const shown = new Map<string, Set<string>>();
  for (const row of rows) {
    const key = `${row.source}:${row.account_id}`;
    const rules = shown.get(key) ?? new Set<string>();
    for (const rule of decodeRuleBits(row.rules)) rules.add(rule);
    shown.set(key, rules);
  }
  return shown;
}
