import { parseDateTime, parseInteger } from "./parse-values.js";
import type { SignalReader } from "./signal-reader.js";

/** One account's Basic-auth usage record. */
export interface BasicAuthUse {
  lastSeen: Date | undefined;
  /** Cumulative uses the record counts (1 when the instance leaves the count empty). */
  count: number;
}

/**
 * Basic-auth use per account (sys_id) from the Basic Auth Exception table, which keeps one record
 * per account that used Basic auth for APIs, with when it was last seen. Every record counts, old
 * ones too: an account whose only trace of API use is a Basic-auth record from long ago is exactly
 * the dormant integration account warden must not miss. One grouped Aggregate API call (by
 * account, the latest sighting and the largest count) answers it without paging through records.
 */
export async function readBasicAuthUse(reader: SignalReader): Promise<Map<string, BasicAuthUse>> {
  const { table, userField, lastSeenField, countField } = reader.mapping.basicAuth;
  const byUser = new Map<string, BasicAuthUse>();
  await reader.client.aggregateEach(
    table,
    { groupBy: [userField], count: true, max: [lastSeenField, countField] },
    (row) => {
      const user = row.groupBy[userField];
      if (!user) return;
      // One record per account is expected; should there be several, the latest sighting and
      // the largest count stand for them.
      byUser.set(user, {
        lastSeen: parseDateTime(row.max[lastSeenField]),
        count: parseInteger(row.max[countField]) ?? 1,
      });
    },
  );
  return byUser;
}

export interface OAuthTokens {
  /** Per account (sys_id): tokens issued in 30 days, and the latest token the instance still holds. */
  byUser: Map<string, { count30d: number; last: Date | undefined }>;
  /** The oldest token the instance still holds (it cleans up expired ones). */
  since: Date | undefined;
}

/**
 * OAuth tokens issued per account, as two grouped Aggregate API calls (never by reading token
 * rows, which are secrets): the latest and oldest token of every account over the whole table,
 * and the count issued in 30 days. A token issued to an account means it uses the API.
 */
export async function readOAuthTokens(reader: SignalReader): Promise<OAuthTokens> {
  const { table, userField, issuedField } = reader.mapping.oauthToken;
  const byUser: OAuthTokens["byUser"] = new Map();
  let since: Date | undefined;
  await reader.client.aggregateEach(
    table,
    { groupBy: [userField], max: [issuedField], min: [issuedField] },
    (row) => {
      const oldest = parseDateTime(row.min[issuedField]);
      if (oldest && (!since || oldest < since)) since = oldest;
      const user = row.groupBy[userField];
      if (user) byUser.set(user, { count30d: 0, last: parseDateTime(row.max[issuedField]) });
    },
  );
  await reader.client.aggregateEach(
    table,
    { query: `${issuedField}>=${reader.ago(30)}`, groupBy: [userField], count: true },
    (row) => {
      const user = row.groupBy[userField];
      if (!user) return;
      const entry = byUser.get(user) ?? { count30d: 0, last: undefined };
      entry.count30d = row.count;
      byUser.set(user, entry);
    },
  );
  return { byUser, since };
}
