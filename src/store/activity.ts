import type { Database } from "better-sqlite3";
import type { ActivityHistory } from "../core/model.js";

/** Warden's remembered activity for every account of a source, keyed by account id. */
export function loadActivityHistory(db: Database, source: string): Map<string, ActivityHistory> {
  const rows = db
    .prepare("SELECT account_id, first_observed_at, last_active_at FROM activity WHERE source = ?")
    .all(source) as { account_id: string; first_observed_at: string; last_active_at: string | null }[];
  return new Map(
    rows.map((row) => [
      row.account_id,
      {
        firstObservedAt: new Date(row.first_observed_at),
        lastActiveAt: row.last_active_at ? new Date(row.last_active_at) : undefined,
      },
    ]),
  );
}
