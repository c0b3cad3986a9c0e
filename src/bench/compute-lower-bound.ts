import type { Inventory } from "../core/model.js";
import type { InstanceDescription } from "../sources/servicenow/simulator/describe-instance.js";

/**
 * Bytes of a request line left for the values of an `IN` list: Tomcat's default 8 KB limit
 * (ServiceNow answers 400 "Request header is too large" past it, KB0826932) minus the shortest
 * possible rest of the URL (method, path, the other parameters).
 */
const URL_VALUE_BYTES = 8190 - 400;

/**
 * The fewest requests that can carry what a scan needs at a given page size, whatever the query
 * plan. A record set selected by a condition needs ceil(rows / pageSize) requests; one selected by a
 * list of names or ids (the accounts that use APIs without being web-service-only: by user_name
 * when REST calls show it, by sys_id when only a Basic-auth record or OAuth tokens do; their roles,
 * their owners, their logins) also needs as many requests as it takes to send the list at the URL
 * limit. Each aggregate question is one request: REST calls in 30 days, the latest call in the
 * dormancy window, the oldest log row, the unique calls of 7 days, UI logins of web-service-only
 * accounts, the oldest login, the latest OAuth token of each account, OAuth tokens in 30 days.
 */
export function computeLowerBound(
  description: InstanceDescription,
  inventory: Inventory,
  pageSize: number,
  now: Date,
): { total: number; explanation: string } {
  const pages = (rows: number) => Math.max(1, Math.ceil(rows / pageSize));
  const listed = (values: readonly string[]) =>
    Math.max(
      values.length === 0 ? 0 : 1,
      Math.ceil(values.length / pageSize),
      Math.ceil(values.reduce((n, v) => n + v.length + 1, 0) / URL_VALUE_BYTES),
    );
  const ids = new Set(inventory.identities.map((i) => i.id));
  const others = inventory.identities.filter((i) => !i.discoveredBy.includes("wsao"));
  const restCallers = others.filter((i) => i.discoveredBy.includes("api_activity"));
  const otherEvidenceOnly = others.filter((i) => !i.discoveredBy.includes("api_activity"));
  const owners = [...new Set(inventory.identities.map((i) => i.owner?.id))].filter(
    (id): id is string => !!id && !ids.has(id),
  );
  const since30 = new Date(now.getTime() - 30 * 86_400_000);
  const recentLogins = others.filter((i) => i.lastLoginAt && i.lastLoginAt >= since30);
  const otherRoleRows = others.reduce((n, i) => n + i.roles.length, 0);
  const parts: [string, number][] = [
    ["web-service-only accounts", pages(description.wsaoIdentities)],
    ["other REST-calling accounts", listed(restCallers.map((i) => i.userName))],
    ["accounts seen only in Basic-auth records or OAuth tokens", listed(otherEvidenceOnly.map((i) => i.id))],
    ["their roles", Math.max(pages(otherRoleRows), listed(others.map((i) => i.id)))],
    ["web-service-only roles", pages(description.identityRoleRows - otherRoleRows)],
    ["owners", listed(owners)],
    ["logins of recently logged-in accounts", listed(recentLogins.map((i) => i.id))],
    ["Basic-auth records", pages(description.basicAuthExceptionRows)],
    ["aggregate questions", 8],
  ];
  return {
    total: parts.reduce((sum, [, n]) => sum + n, 0),
    explanation: parts.map(([name, n]) => `${name} ${n}`).join(" + "),
  };
}
