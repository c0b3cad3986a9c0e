import type { ActionDefinition } from "./action-definition.js";
import { describeRoleGrants } from "./describe-role-grants.js";

/** The rule whose open finding offers the action. */
export const BASIC_AUTH_RULE = "basic_auth";

/**
 * What the owner is told where the instance has no per-account Basic-auth decision warden can set
 * (no Basic Auth Exception table, or none it can read): what to do, and where ServiceNow says how.
 */
export const BASIC_AUTH_ADVICE = {
  text: "warden cannot block Basic auth for this account on this instance (no Basic Auth Exception record it can read). Move the integration to OAuth, then turn on the Basic Auth Restriction (All > Basic Auth Restriction > Properties, security_admin)",
  linkText: "ServiceNow: Basic authentication restriction",
  url: "https://www.servicenow.com/docs/r/australia/platform-security/authentication/basic-auth-restriction.html",
} as const;

/**
 * Sets the account's decision in ServiceNow's Basic Auth Exception table to deny ("no_grant",
 * sources/servicenow/basic-auth-decision.ts): once the restriction is enforced, its Basic-auth API
 * calls are refused. Undo puts the previous decision back. Offered on a ServiceNow account whose
 * Basic-auth finding came from that table and that can log into the UI: the restriction lets a
 * Web Service Access Only account through whatever its decision
 * (https://www.servicenow.com/docs/r/australia/platform-security/authentication/basic-auth-restriction.html),
 * so there the finding's advice stands instead (BASIC_AUTH_ADVICE).
 */
export const blockBasicAuth = {
  kind: "block_basic_auth",
  id: "warden_block_basic_auth",
  title: "Block Basic auth",
  style: "danger",
  fixes: ["move_to_oauth"],
  confirm: (userName) =>
    `Basic auth will be denied for ${userName} (Basic Auth Exception: no_grant): calls with its username and password are refused once the restriction is enforced; OAuth keeps working. You can undo it for 24 hours.`,
  reversible: true,
  offeredFor: (account) =>
    (account.sourceKind ?? "servicenow") === "servicenow" &&
    account.canLogIntoUi &&
    account.findings.some((f) => f.rule === BASIC_AUTH_RULE),
  intent: "block_basic_auth",
  done: "Basic auth blocked",
  wouldHave: "would have had Basic auth blocked",
  failed: "Blocking Basic auth",
  already: "Basic auth was already denied",
  // The restriction lets an account that holds snc_basic_auth_api_access through whatever its
  // decision: say so rather than let "blocked" stand unqualified.
  detail: (_before, after) => {
    const bypass = describeRoleGrants(after?.basicAuthApiRole);
    return bypass.length > 0
      ? `still let through while it holds ${bypass.join(", ")}: remove that role in ServiceNow to block Basic auth`
      : undefined;
  },
} as const satisfies ActionDefinition<"block_basic_auth">;
