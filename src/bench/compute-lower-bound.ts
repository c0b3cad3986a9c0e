import type { Inventory, MachineIdentity } from "../core/model.js";
import type { InstanceDescription } from "../sources/servicenow/simulator/describe-instance.js";

/**
 * Bytes of a request line left for the values of an `IN` list: Tomcat's default 8 KB limit
 * (ServiceNow answers 400 "Request header is too large" past it, KB0826932) minus the shortest
 * possible rest of the URL (method, path, the other parameters).
 */
const URL_VALUE_BYTES = 8190 - 400;

/**
 * Aggregate questions every plan asks, one request each (one condition each): REST calls in 30
 * days, the latest call in the dormancy window, the oldest log row, the unique calls of 7 days, UI
 * logins of web-service-only accounts, the oldest login, the latest OAuth token of each account,
 * OAuth tokens in 30 days.
 */
const AGGREGATE_QUESTIONS = 8;

/** What the bound assumes, printed with it. */
export const LOWER_BOUND_ASSUMPTIONS =
  "the best plan any client could use at this page size: a record set selected by a condition costs ceil(rows / page size); owners are dot-walked into the account pages (no requests); roles and Basic-auth use are grouped Aggregate answers, which have no page limit (one request per condition); role names cost one page of sys_user_role (no documented group-by on a dot-walk); accounts known only by a list (REST callers by user_name, accounts seen only in Basic-auth records or OAuth tokens by sys_id) are sent as IN lists of their shortest identifier within an 8 KB request line, once per question that needs them (their records, their roles, their recent logins); every other aggregate question is one request";

/**
 * The fewest requests that can carry what a scan needs at a given page size, whatever the query
 * plan (see LOWER_BOUND_ASSUMPTIONS): the figure warden's request count is held against.
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
  const shortest = (i: MachineIdentity) => (i.userName.length < i.id.length ? i.userName : i.id);
  const others = inventory.identities.filter((i) => !i.discoveredBy.includes("wsao"));
  const restCallers = others.filter((i) => i.discoveredBy.includes("api_activity"));
  const otherEvidenceOnly = others.filter((i) => !i.discoveredBy.includes("api_activity"));
  const since30 = new Date(now.getTime() - 30 * 86_400_000);
  const recentLogins = others.filter((i) => i.lastLoginAt && i.lastLoginAt >= since30);
  const parts: [string, number][] = [
    ["web-service-only accounts with their owners", pages(description.wsaoIdentities)],
    [
      "other identities (REST callers by name, the rest by id)",
      listed([...restCallers.map((i) => i.userName), ...otherEvidenceOnly.map((i) => i.id)]),
    ],
    ["their roles", listed(others.map(shortest))],
    ["web-service-only roles", 1],
    ["role names", 1],
    ["logins of recently logged-in accounts", listed(recentLogins.map(shortest))],
    ["Basic-auth use", 1],
    ["other aggregate questions", AGGREGATE_QUESTIONS],
  ];
  return {
    total: parts.reduce((sum, [, n]) => sum + n, 0),
    explanation: parts.map(([name, n]) => `${name} ${n}`).join(" + "),
  };
}
