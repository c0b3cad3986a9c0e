import { BASIC_AUTH_ADVICE } from "../../actions/block-basic-auth.js";
import { SourceError } from "../../errors.js";
import type { ServiceNowClient } from "./client-types.js";
import type { ServiceNowMapping } from "./mapping.js";
import { str } from "./parse-values.js";

/**
 * The per-account decision of ServiceNow's Basic Auth Restriction, in the Basic Auth Exception
 * table (sys_user_basic_auth_exception). Its `decision` field holds grant | no_grant | converted |
 * global, as verified on a Zurich Patch 6 instance by
 * https://github.com/nowisor/instance-scan-pack (scripts/check-basic-auth-hybrid-undecided.js);
 * ServiceNow's own page documents the table but not its field names:
 * https://www.servicenow.com/docs/r/australia/platform-security/authentication/basic-auth-restriction.html.
 * "no_grant" denies the account an exception: once the restriction is enforced its Basic-auth API
 * calls are refused, unless it is Web Service Access Only, presents an MFA code or holds
 * snc_basic_auth_api_access (same page). Writing it needs an elevated security_admin.
 */
export const DENY_BASIC_AUTH = "no_grant";

/**
 * The role that lets an account's Basic-auth API calls through the restriction whatever its
 * decision (same page): an account that holds it is not blocked by "no_grant".
 */
export const BASIC_AUTH_API_ROLE = "snc_basic_auth_api_access";

const DECISION_FIELDS = ["sys_id", "decision"] as const;

/** A table warden cannot use: the instance has none, or warden's account may not read or write it. */
const UNUSABLE: ReadonlySet<string> = new Set([
  "E_SOURCE_BAD_REQUEST",
  "E_SOURCE_FORBIDDEN",
  "E_SOURCE_NOT_FOUND",
]);

/** The account's decision record, undefined when it has none; throws when the table is unusable. */
async function findDecision(client: ServiceNowClient, mapping: ServiceNowMapping, userId: string) {
  const { table, userField } = mapping.basicAuth;
  const [row] = await client.findByField(table, userField, userId, DECISION_FIELDS);
  const id = str(row?.sys_id);
  return id ? { id, decision: str(row?.decision) ?? "" } : undefined;
}

/**
 * The decision as account values record it: the record's decision, or null when the account has no
 * record or the table cannot be read (so a Disable never fails for want of this table).
 */
export async function readBasicAuthDecision(
  client: ServiceNowClient,
  mapping: ServiceNowMapping,
  userId: string,
): Promise<string | null> {
  try {
    return (await findDecision(client, mapping, userId))?.decision ?? null;
  } catch (error) {
    if (error instanceof SourceError && UNUSABLE.has(error.code)) return null;
    throw error;
  }
}

/**
 * Sets the account's decision to `decision` (null: removes the record warden created), creating
 * the record when the account has none. A table the instance lacks or refuses fails with what to
 * do instead, and where ServiceNow says how.
 */
export async function writeBasicAuthDecision(
  client: ServiceNowClient,
  mapping: ServiceNowMapping,
  userId: string,
  decision: string | null,
): Promise<void> {
  const { table, userField } = mapping.basicAuth;
  try {
    const current = await findDecision(client, mapping, userId);
    if (decision === null) {
      if (current) await client.remove(table, current.id);
      return;
    }
    if (current) await client.patch(table, current.id, { decision }, DECISION_FIELDS);
    else await client.create(table, { [userField]: userId, decision }, DECISION_FIELDS);
  } catch (error) {
    if (!(error instanceof SourceError && UNUSABLE.has(error.code))) throw error;
    throw new SourceError(
      error.code,
      `this instance has no Basic Auth Exception table warden can use (${table} answered ${error.status ?? error.code}). ${BASIC_AUTH_ADVICE.text}: ${BASIC_AUTH_ADVICE.url}`,
      { status: error.status, method: error.method, url: error.url, cause: error },
    );
  }
}
