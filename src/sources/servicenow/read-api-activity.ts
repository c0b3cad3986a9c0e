import { parseDateTime } from "./parse-values.js";
import type { SignalReader } from "./signal-reader.js";

export interface ApiActivity {
  /** Per user_name: REST calls in 30 days and the latest call within the dormancy window. */
  byName: Map<string, { calls30d: number; last: Date | undefined }>;
  /** The oldest REST transaction the instance still keeps. */
  since: Date | undefined;
  /** REST transactions in the whole log (0 usually means an ACL hides them). */
  rows: number;
}

/**
 * REST activity per account from three Aggregate API calls, never by reading log rows: counts in
 * 30 days, the latest call within `dormantDays` (the log keeps ~8 weeks), and the oldest row.
 */
export async function readApiActivity(reader: SignalReader, dormantDays: number): Promise<ApiActivity> {
  const { client } = reader;
  const tx = reader.mapping.transaction;
  const rest = `${tx.typeField}=${tx.restType}`;
  const byName: ApiActivity["byName"] = new Map();
  // Row by row: at 50,000 accounts each answer has 50,000 groups.
  await client.aggregateEach(
    tx.table,
    {
      query: `${rest}^sys_created_on>=${reader.ago(Math.max(dormantDays, 30))}`,
      groupBy: [tx.userField],
      max: ["sys_created_on"],
    },
    (row) => {
      const name = row.groupBy[tx.userField];
      if (name) byName.set(name, { calls30d: 0, last: parseDateTime(row.max.sys_created_on) });
    },
  );
  await client.aggregateEach(
    tx.table,
    { query: `${rest}^sys_created_on>=${reader.ago(30)}`, groupBy: [tx.userField], count: true },
    (row) => {
      const name = row.groupBy[tx.userField];
      if (!name) return;
      const entry = byName.get(name) ?? { calls30d: 0, last: undefined };
      entry.calls30d = row.count;
      byName.set(name, entry);
    },
  );
  const oldest = await client.aggregate(tx.table, { query: rest, count: true, min: ["sys_created_on"] });
  return { byName, since: parseDateTime(oldest[0]?.min.sys_created_on), rows: oldest[0]?.count ?? 0 };
}
