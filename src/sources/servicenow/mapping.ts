/**
 * Every ServiceNow table and field name warden reads or writes, in one place.
 *
 * Several of these are UNCONFIRMED (marked below): no public ServiceNow source names them. The
 * others link where they are documented or verified. An operator whose instance differs adjusts
 * them here (or passes an override to the connector) without touching the discovery logic.
 * `warden doctor` reports which of them the instance actually exposes.
 */
export interface ServiceNowMapping {
  /**
   * Users; their fields are named by the Contact API, whose records extend sys_user
   * (https://www.servicenow.com/docs/r/zurich/api-reference/rest-apis/contact-api.html).
   */
  user: {
    table: string;
    /** Reference field naming the owner; `manager` by default (SERVICENOW_OWNER_FIELD overrides). */
    ownerField: string;
  };
  /**
   * User-to-role m2m, inherited roles included (documented, with the `role.name` dot-walk:
   * https://www.servicenow.com/docs/r/zurich/api-reference/rest-api-explorer/c_RESTAPI.html).
   */
  userRole: {
    table: string;
    userField: string;
    /** The role reference and the role's name through it (`role.name`). */
    roleNameField: string;
    /** The table the role reference points to, whose names the grouped role counts are matched to. */
    roleTable: string;
  };
  /**
   * REST transactions (type=rest is documented in
   * https://www.servicenow.com/docs/r/zurich/api-reference/rest-api-explorer/c_RESTAPI.html;
   * sys_created_by holds the user_name, verified by https://github.com/nowisor/instance-scan-pack).
   */
  transaction: {
    table: string;
    userField: string;
    typeField: string;
    restType: string;
    urlField: string;
    /** UNCONFIRMED: no documented column holds the HTTP method. Calls without it show method "*". */
    methodField: string | undefined;
  };
  /**
   * UNCONFIRMED columns: interactive login history (Identity Center plugin, kept 30 days:
   * https://support.servicenow.com/kb?id=kb_article_view&sysparm_article=KB1638498).
   */
  loginHistory: { table: string; userField: string };
  /**
   * Basic-auth usage per account (Zurich Patch 6+; fields verified by a third party,
   * https://github.com/nowisor/instance-scan-pack).
   */
  basicAuth: { table: string; userField: string; lastSeenField: string; countField: string };
  /**
   * OAuth tokens (access and refresh) the instance issued, one row per token: a token issued to an
   * account is evidence that it uses the API, and when. The table is documented (oauth_credential,
   * columns Token, Type, Expires, Token Received:
   * https://www.servicenow.com/docs/r/zurich/platform-security/authentication/t_ManageTokens.html);
   * its column names are UNCONFIRMED: `user` for the account is assumed, `sys_created_on` (every
   * table has it) is read as the time of issue. Expired tokens are cleaned up by a scheduled job, so the table reaches back
   * about as far as the longest-lived token (refresh tokens: 100 days by default). It also holds
   * tokens third parties issued to the instance, which cannot be told apart without an
   * UNCONFIRMED column: those would count as API use of the account that obtained them.
   */
  oauthToken: { table: string; userField: string; issuedField: string };
}

export const DEFAULT_MAPPING: ServiceNowMapping = Object.freeze({
  user: { table: "sys_user", ownerField: "manager" },
  userRole: {
    table: "sys_user_has_role",
    userField: "user",
    roleNameField: "role.name",
    roleTable: "sys_user_role",
  },
  transaction: {
    table: "syslog_transaction",
    userField: "sys_created_by",
    typeField: "type",
    restType: "rest",
    urlField: "url",
    methodField: "http_method",
  },
  loginHistory: { table: "sys_user_login_history", userField: "user" },
  basicAuth: {
    table: "sys_user_basic_auth_exception",
    userField: "user",
    lastSeenField: "last_seen",
    countField: "usage_count",
  },
  oauthToken: { table: "oauth_credential", userField: "user", issuedField: "sys_created_on" },
});

/** Fields read from sys_user for every identity and owner. */
export const USER_FIELDS = [
  "sys_id",
  "user_name",
  "name",
  "email",
  "active",
  "locked_out",
  "web_service_access_only",
  "internal_integration_user",
  "last_login_time",
  "sys_created_on",
] as const;

/**
 * Fields of the owner read through the owner reference inside each account's record (dot-walked,
 * documented: https://www.servicenow.com/docs/r/zurich/api-reference/rest-api-explorer/c_RESTAPI.html),
 * so owners cost no requests of their own.
 */
export const OWNER_FIELDS = ["user_name", "name", "email", "active", "locked_out"] as const;

/** The roles that count as privileged unless PRIVILEGED_ROLES says otherwise. */
export const DEFAULT_PRIVILEGED_ROLES = [
  "admin",
  "security_admin",
  "user_admin",
  "oauth_admin",
  "impersonator",
  "maint",
] as const;
