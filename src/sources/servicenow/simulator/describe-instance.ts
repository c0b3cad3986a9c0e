/**
 * Counts that tell a benchmark (or a test) what a scan of the instance should find, computed
 * from the data with the Machine Identity Console's definitions.
 */
import { DAY_MS, formatGlideDateTime, startOfUtcDay } from "./glide-date-time.js";
import type { InstanceData } from "./instance-data.js";

export interface InstanceDescription {
  /** sys_user rows. */
  users: number;
  /**
   * Machine identities: WSAO users plus non-WSAO users with evidence of API use (REST calls since
   * gs.daysAgoStart(30), a Basic-auth usage record, an OAuth token), internal integration users
   * excluded (active or not).
   */
  machineIdentities: number;
  /** The subset with active=true. */
  activeMachineIdentities: number;
  /** Identities that are WSAO. */
  wsaoIdentities: number;
  /** Identities that are not WSAO but use APIs (the "WSA disabled" finding's population). */
  nonWsaoApiIdentities: number;
  /** The subset of those whose only evidence is a Basic-auth record or OAuth tokens (no REST call). */
  nonWsaoWithoutRestIdentities: number;
  /** Users with internal_integration_user=true (excluded from identities). */
  internalIntegrationUsers: number;
  /**
   * Distinct people owning machine identities: existing users named as `manager` of an identity
   * that are not identities themselves (the owners a scan looks up).
   */
  identityOwners: number;
  /** sys_user_has_role rows whose user is a machine identity. */
  identityRoleRows: number;
  /** Identities with at least one REST call since gs.daysAgoStart(30). */
  identitiesWithApiCalls30d: number;
  /** syslog_transaction rows of every type and age. */
  transactionRows: number;
  /** REST rows (all users) since gs.daysAgoStart(30) and gs.daysAgoStart(7). */
  restTransactions30d: number;
  restTransactions7d: number;
  /** Distinct (identity, URL without query string, method) of REST rows since gs.daysAgoStart(7). */
  uniqueApiCalls7d: number;
  loginHistoryRows: number;
  basicAuthExceptionRows: number;
  oauthCredentialRows: number;
  /** Oldest transaction ("" when the log is empty). */
  transactionLogSince: string;
}

function lowerBound(column: Uint32Array, target: number): number {
  let lo = 0;
  let hi = column.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((column[mid] ?? 0) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Describes `data` as of `data.now`. Linear in the data; about a second at benchmark scale. */
export function describeInstance(data: InstanceData): InstanceDescription {
  const log = data.transactions;
  const nowMs = data.now.getTime();
  const from30 = lowerBound(log.time, startOfUtcDay(nowMs - 30 * DAY_MS) / 1000);
  const from7 = lowerBound(log.time, startOfUtcDay(nowMs - 7 * DAY_MS) / 1000);

  const restUser30 = new Uint8Array(log.userNames.length);
  let rest30 = 0;
  let rest7 = 0;
  for (let i = from30; i < log.count; i++) {
    if (log.type[i] !== 0) continue;
    rest30++;
    if (i >= from7) rest7++;
    restUser30[log.user[i] ?? 0] = 1;
  }
  const restNames = new Set<string>();
  log.userNames.forEach((name, i) => {
    if (restUser30[i]) restNames.add(name);
  });

  const users = data.tables.get("sys_user")?.rows ?? [];
  const otherEvidence = new Set<string>();
  for (const table of ["sys_user_basic_auth_exception", "oauth_credential"])
    for (const row of data.tables.get(table)?.rows ?? []) otherEvidence.add(row.user ?? "");
  const identityIds = new Set<string>();
  const identityNames = new Set<string>();
  let active = 0;
  let wsao = 0;
  let nonWsaoApi = 0;
  let nonWsaoWithoutRest = 0;
  let internal = 0;
  let withCalls = 0;
  for (const user of users) {
    if (user.internal_integration_user === "true") {
      internal++;
      continue;
    }
    const isWsao = user.web_service_access_only === "true";
    const calls = restNames.has(user.user_name ?? "");
    const other = otherEvidence.has(user.sys_id ?? "");
    if (!isWsao && !calls && !other) continue;
    identityIds.add(user.sys_id ?? "");
    identityNames.add(user.user_name ?? "");
    if (user.active === "true") active++;
    if (isWsao) wsao++;
    else nonWsaoApi++;
    if (!isWsao && !calls) nonWsaoWithoutRest++;
    if (calls) withCalls++;
  }

  const userIds = new Set(users.map((u) => u.sys_id ?? ""));
  const owners = new Set<string>();
  for (const user of users) {
    const manager = user.manager ?? "";
    if (identityIds.has(user.sys_id ?? "") && userIds.has(manager) && !identityIds.has(manager))
      owners.add(manager);
  }

  let roleRows = 0;
  for (const row of data.tables.get("sys_user_has_role")?.rows ?? [])
    if (identityIds.has(row.user ?? "")) roleRows++;

  const isIdentity = log.userNames.map((name) => identityNames.has(name));
  const pathIds = new Map<string, number>();
  const urlPath = log.urls.map((url) => {
    const path = url.split("?", 1)[0] ?? url;
    let id = pathIds.get(path);
    if (id === undefined) {
      id = pathIds.size;
      pathIds.set(path, id);
    }
    return id;
  });
  const unique = new Set<number>();
  const paths = Math.max(1, pathIds.size);
  for (let i = from7; i < log.count; i++) {
    if (log.type[i] !== 0) continue;
    const user = log.user[i] ?? 0;
    if (!isIdentity[user]) continue;
    unique.add((user * paths + (urlPath[log.url[i] ?? 0] ?? 0)) * 8 + (log.method[i] ?? 0));
  }

  const count = (table: string) => data.tables.get(table)?.rows.length ?? 0;
  return {
    users: users.length,
    machineIdentities: identityIds.size,
    activeMachineIdentities: active,
    wsaoIdentities: wsao,
    nonWsaoApiIdentities: nonWsaoApi,
    nonWsaoWithoutRestIdentities: nonWsaoWithoutRest,
    internalIntegrationUsers: internal,
    identityOwners: owners.size,
    identityRoleRows: roleRows,
    identitiesWithApiCalls30d: withCalls,
    transactionRows: log.count,
    restTransactions30d: rest30,
    restTransactions7d: rest7,
    uniqueApiCalls7d: unique.size,
    loginHistoryRows: count("sys_user_login_history"),
    basicAuthExceptionRows: count("sys_user_basic_auth_exception"),
    oauthCredentialRows: count("oauth_credential"),
    transactionLogSince: log.count > 0 ? formatGlideDateTime((log.time[0] ?? 0) * 1000) : "",
  };
}
