import { parseDateTime, parseInteger, refValue } from "./parse-values.js";
import type { SignalReader } from "./signal-reader.js";

/**
 * Basic-auth use per account (sys_id) from the Basic Auth Exception table, which records who used
 * Basic auth for APIs and when last, as far back as `days`.
 */
export async function readBasicAuthUse(
  reader: SignalReader,
  days: number,
): Promise<Map<string, { lastSeen: Date | undefined; count: number }>> {
  const { table, userField, lastSeenField, countField } = reader.mapping.basicAuth;
  const byUser = new Map<string, { lastSeen: Date | undefined; count: number }>();
  for await (const page of reader.client.list(table, {
    query: `${lastSeenField}>=${reader.ago(days)}`,
    fields: [userField, lastSeenField, countField],
  })) {
    for (const row of page) {
      const user = refValue(row[userField]);
      if (user)
        byUser.set(user, {
          lastSeen: parseDateTime(row[lastSeenField]),
          count: parseInteger(row[countField]) ?? 1,
        });
    }
  }
  return byUser;
}

/** OAuth tokens issued per account (sys_id) in 30 days: a recent token means the account uses OAuth. */
export async function readOAuthTokens(reader: SignalReader): Promise<Map<string, number>> {
  const { table, userField } = reader.mapping.oauthToken;
  const tokens = new Map<string, number>();
  await reader.client.aggregateEach(
    table,
    { query: `sys_created_on>=${reader.ago(30)}`, groupBy: [userField], count: true },
    (row) => tokens.set(row.groupBy[userField] ?? "", row.count),
  );
  return tokens;
}
