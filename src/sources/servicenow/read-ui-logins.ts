import { parseDateTime } from "./parse-values.js";
import type { SignalReader } from "./signal-reader.js";

export interface UiLogins {
  byUser: Map<string, { count: number; last: Date | undefined }>;
  since: Date | undefined;
  rows: number;
}

/**
 * Interactive logins in 30 days, as grouped counts: of the given interactive accounts (by id), and
 * of every web-service-only account in one dot-walked query (such an account cannot log in now, but
 * may have been switched to web-service-only within the 30 days).
 */
export async function readUiLogins(
  reader: SignalReader,
  interactiveIds: readonly string[],
): Promise<UiLogins> {
  const { client } = reader;
  const { table, userField } = reader.mapping.loginHistory;
  const byUser: UiLogins["byUser"] = new Map();
  const since = `sys_created_on>=${reader.ago(30)}`;
  const conditions = [
    `${userField}.web_service_access_only=true^${since}`,
    ...reader.batches(interactiveIds).map((batch) => `${userField}IN${batch.join(",")}^${since}`),
  ];
  for (const query of conditions) {
    const rows = await client.aggregate(table, {
      query,
      groupBy: [userField],
      count: true,
      max: ["sys_created_on"],
    });
    for (const row of rows) {
      const user = row.groupBy[userField];
      if (user) byUser.set(user, { count: row.count, last: parseDateTime(row.max.sys_created_on) });
    }
  }
  const oldest = await client.aggregate(table, { count: true, min: ["sys_created_on"] });
  return { byUser, since: parseDateTime(oldest[0]?.min.sys_created_on), rows: oldest[0]?.count ?? 0 };
}
