import type { Signal } from "../../core/model.js";
import type { ServiceNowMapping } from "../../sources/servicenow/mapping.js";
import { USER_FIELDS } from "../../sources/servicenow/mapping.js";

/**
 * What a signal feeds, for the blind-spot list. Each API-use signal also finds identities, and
 * dormancy needs all three: an account may be in use where warden cannot see (each rule's `signals`
 * in src/core/rules/).
 */
export const SIGNAL_EFFECT: Readonly<Record<Signal, string>> = {
  api_calls: "API calls (rules dormant, wsao_disabled, ui_and_api)",
  unique_api_calls: "unique API calls (lookups)",
  ui_logins: "UI logins (rules dormant, ui_and_api)",
  auth_methods: "Basic-auth use (discovery; rules basic_auth, dormant, wsao_disabled, ui_and_api)",
  oauth_tokens: "OAuth tokens issued (discovery; rules dormant, wsao_disabled, ui_and_api)",
  roles: "roles (rule privileged)",
  owners: "owners (rule no_owner)",
  sign_ins: "Entra service principal sign-ins (rule dormant)",
  credential_sign_ins: "Entra per-credential sign-ins (lookups)",
  app_permissions: "Entra Microsoft Graph application permissions (rule privileged)",
  directory_roles: "Entra directory roles (rule privileged)",
};

/** One table warden reads, and how the doctor probes it. */
export interface TableProbe {
  table: string;
  /** Signals that become blind spots when the table cannot be read. */
  signals: Signal[];
  /** Unreadable means scans fail outright (not a blind spot). */
  required: boolean;
  /** Encoded query bounding the probe (never an unbounded count of a log table). */
  query: string | undefined;
  /** Whether a healthy instance has rows here: zero visible rows is then a blind spot. */
  rowsExpected: boolean;
  /**
   * Fields to confirm: the newest row must carry each key. Empty for tables whose fields
   * ServiceNow documents.
   */
  fields: string[];
  /**
   * Date field that finds "the newest row" when sys_created_on gives none (every real table has
   * sys_created_on; this is for instances or exports that lack it).
   */
  fallbackAnchor?: string;
  /** Who can read it, for a 403. */
  access: string;
  /** What zero visible rows means when rows are expected. */
  emptyHint: string;
}

/**
 * Every table warden reads, from the mapping (mapping.ts), with what it feeds. `ago(days)` is a
 * literal UTC date for sysparm_query.
 */
export function tableProbes(mapping: ServiceNowMapping, ago: (days: number) => string): TableProbe[] {
  const tx = mapping.transaction;
  return [
    {
      table: mapping.user.table,
      signals: ["owners"],
      required: true,
      query: undefined,
      rowsExpected: true,
      fields: [...new Set([...USER_FIELDS, mapping.user.ownerField])],
      access: `read access to ${mapping.user.table} (role user_admin, or a read ACL on ${mapping.user.table})`,
      emptyHint: "no user is visible: an ACL hides sys_user rows from the bot account",
    },
    {
      table: mapping.userRole.table,
      signals: ["roles"],
      required: false,
      query: undefined,
      rowsExpected: true,
      // user and role.name are documented (the dot-walk example of
      // https://www.servicenow.com/docs/r/zurich/api-reference/rest-api-explorer/c_RESTAPI.html):
      // nothing to confirm.
      fields: [],
      access: `read access to ${mapping.userRole.table} (role user_admin, or a read ACL on ${mapping.userRole.table})`,
      emptyHint: `no role grant is visible: an ACL hides ${mapping.userRole.table} rows`,
    },
    {
      table: tx.table,
      signals: ["api_calls", "unique_api_calls"],
      required: false,
      query: `${tx.typeField}=${tx.restType}^sys_created_on>=${ago(30)}`,
      rowsExpected: true,
      fields: [tx.userField, tx.typeField, tx.urlField, ...(tx.methodField ? [tx.methodField] : [])],
      access: `a read ACL on ${tx.table} (no documented role grants it; admin can read it)`,
      emptyHint: `no REST transaction in 30 days is visible: the bot account probably cannot read ${tx.table}`,
    },
    {
      table: mapping.loginHistory.table,
      signals: ["ui_logins"],
      required: false,
      query: `sys_created_on>=${ago(30)}`,
      rowsExpected: true,
      fields: [mapping.loginHistory.userField],
      access: "role user_login_history_viewer",
      emptyHint:
        "no interactive login in 30 days is visible: the bot account probably lacks role user_login_history_viewer",
    },
    {
      table: mapping.basicAuth.table,
      signals: ["auth_methods"],
      required: false,
      query: undefined,
      rowsExpected: false,
      fields: [mapping.basicAuth.userField, mapping.basicAuth.lastSeenField, mapping.basicAuth.countField],
      fallbackAnchor: mapping.basicAuth.lastSeenField,
      access: `a read ACL on ${mapping.basicAuth.table} (security_admin and admin can read it)`,
      emptyHint: "",
    },
    {
      table: mapping.oauthToken.table,
      signals: ["oauth_tokens"],
      required: false,
      query: `${mapping.oauthToken.issuedField}>=${ago(30)}`,
      rowsExpected: false,
      fields: [mapping.oauthToken.userField, mapping.oauthToken.issuedField],
      access: `a read ACL on ${mapping.oauthToken.table} (role oauth_admin or admin)`,
      emptyHint: "",
    },
  ];
}
