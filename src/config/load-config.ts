import { DEFAULT_CREDENTIAL_WARN_DAYS } from "../core/credential-limits.js";
import type { RuleName } from "../core/model.js";
import { ConfigError } from "../errors.js";
import { normalizeEmail } from "../identity/normalize-email.js";
import { hasUserInfo, redactUrl } from "../redact-url.js";
import type { ServiceNowAuth } from "../sources/servicenow/client-types.js";
import { DEFAULT_PRIVILEGED_ROLES } from "../sources/servicenow/mapping.js";
import { readAlertRules } from "./read-alert-rules.js";
import { readTicketSettings, type TicketSettings } from "./read-ticket-settings.js";

/**
 * apply: decisions are written to the source; dry-run: recorded, never written; ticket: a
 * ServiceNow ticket asks for the change (SERVICENOW_TICKET_*), warden writes nothing itself.
 */
export type WardenMode = "apply" | "dry-run" | "ticket";
/** Who a chat lookup answers: an account's owner and admins (default), or anyone (WARDEN_LOOKUP). */
export type LookupAccess = "owners" | "everyone";

/** Everything warden reads from its environment, typed and validated. See the README's table. */
export interface Config {
  servicenow: {
    /** Undefined: use the built-in simulated instance. */
    url: string | undefined;
    auth: ServiceNowAuth | undefined;
    /** sys_user reference field naming an account's owner (SERVICENOW_OWNER_FIELD, default manager). */
    ownerField: string;
    /** Rows per Table API page (SERVICENOW_PAGE_SIZE, default 10 000). */
    pageSize: number;
    timeoutMs: number;
    /** The longest Retry-After waited out; a longer one fails at once (SERVICENOW_MAX_RETRY_AFTER_SECONDS). */
    maxRetryAfterSeconds: number;
  };
  slack: {
    botToken: string | undefined;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string;
    digestChannel: string | undefined;
    adminChannel: string | undefined;
  };
  teams: {
    /** TEAMS_APP_ID is set, or TEAMS_ENABLED=true (emulator mode: no auth, for local tests). */
    enabled: boolean;
    appId: string | undefined;
    appPassword: string | undefined;
    tenantId: string | undefined;
    digestChannel: string | undefined;
    adminChannel: string | undefined;
  };
  /**
   * Microsoft Entra ID, scanned when ENTRA_TENANT_ID is set (then ENTRA_CLIENT_ID and
   * ENTRA_CLIENT_SECRET must be too); undefined otherwise.
   */
  entra: EntraConfig | undefined;
  /** ENTRA_DORMANT_DAYS (default 90, as Entra's own "Remove unused applications" recommendation). */
  entraDormantDays: number;
  /** CREDENTIAL_WARN_DAYS: a secret or certificate expiring within this many days is reported (default 30). */
  credentialWarnDays: number;
  dbPath: string;
  /**
   * WARDEN_DATABASE_URL (`postgres://…`): PostgreSQL instead of the SQLite file at WARDEN_DB, for
   * replicas; undefined when unset. Never printed whole: it may hold a password (redactUrl).
   */
  databaseUrl: string | undefined;
  /** Emails allowed to act on any account, normalised (normalizeEmail). */
  admins: readonly string[];
  /**
   * Hours a chat user's email, as read from Slack or Teams, is trusted (WARDEN_USER_CACHE_HOURS,
   * default 24). An older entry is read from the platform again before a click or command uses it.
   */
  userCacheHours: number;
  /**
   * Days a message may keep failing before the digest and `warden doctor` report it as undelivered
   * (WARDEN_DELIVERY_GIVE_UP_DAYS, default 7). It is still retried after that.
   */
  deliveryGiveUpDays: number;
  /**
   * Days sent messages, resolved findings, vanished identities and old scans are kept
   * (WARDEN_RETENTION_DAYS, default 400); pruned after each successful scan. Decisions and the
   * audit log are never pruned by it.
   */
  retentionDays: number;
  mode: WardenMode;
  /** SERVICENOW_TICKET_TABLE and SERVICENOW_TICKET_FIELDS: the record ticket mode would open. */
  tickets: TicketSettings;
  /** ALERT_RULES: rules whose new findings are posted to the admin channel after a scan (none: []). */
  alertRules: readonly RuleName[];
  /** WARDEN_LOOKUP: who /warden lookup (Slack) and the Teams lookup answer. */
  lookup: LookupAccess;
  scanSchedule: string;
  digestSchedule: string;
  /** Access reviews (src/reviews/): REVIEW_SCHEDULE, REVIEW_DEFAULT, REVIEW_DAYS, REVIEW_REMINDER_DAYS. */
  reviews: ReviewConfig;
  timeZone: string | undefined;
  dormantDays: number;
  privilegedRoles: readonly string[];
  port: number;
  logLevel: string;
  /**
   * WARDEN_ALLOW_INSTANCE_CHANGE=true: the database may move to another ServiceNow instance than
   * the one it was created for (it then records the new one). Default false: refused.
   */
  allowInstanceChange: boolean;
}

/** How access review campaigns run. */
export interface ReviewConfig {
  /** REVIEW_SCHEDULE: a cron expression that starts a campaign over every source; undefined (default): off. */
  schedule: string | undefined;
  /** REVIEW_DEFAULT: what happens to accounts not certified by the due date ("none", default, or "disable"). */
  defaultDecision: "none" | "disable";
  /** REVIEW_DAYS: how long a scheduled campaign gives owners (default 14; `review start --days` overrides). */
  days: number;
  /** REVIEW_REMINDER_DAYS: an owner with accounts left unanswered is reminded this often (default 3). */
  reminderDays: number;
}

/** The Entra app registration warden signs in as, and where (national clouds and tests set the hosts). */
export interface EntraConfig {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** ENTRA_AUTHORITY_HOST, default https://login.microsoftonline.com (no trailing slash). */
  authorityHost: string;
  /** ENTRA_GRAPH_URL, default https://graph.microsoft.com (no trailing slash, no version). */
  graphUrl: string;
}

/** Public-cloud defaults (https://learn.microsoft.com/en-us/graph/deployments). */
export const DEFAULT_ENTRA_AUTHORITY_HOST = "https://login.microsoftonline.com";
export const DEFAULT_ENTRA_GRAPH_URL = "https://graph.microsoft.com";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A tenant is named "in GUID or domain-name format" (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow). */
const TENANT_DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/**
 * Every environment variable warden knows, the one list: loadConfig reads only these (its helpers
 * take a `KnownVariable`), and `findUnknownVariables` warns about look-alikes of them. It includes
 * the ones the product contract names before they are implemented, so that setting one early is
 * not reported as a typo.
 */
export const KNOWN_VARIABLES = [
  "SERVICENOW_URL",
  "SERVICENOW_USERNAME",
  "SERVICENOW_PASSWORD",
  "SERVICENOW_CLIENT_ID",
  "SERVICENOW_CLIENT_SECRET",
  "SERVICENOW_OWNER_FIELD",
  "SERVICENOW_PAGE_SIZE",
  "SERVICENOW_TIMEOUT_MS",
  "SERVICENOW_MAX_RETRY_AFTER_SECONDS",
  "SERVICENOW_TICKET_TABLE",
  "SERVICENOW_TICKET_FIELDS",
  "SLACK_BOT_TOKEN",
  "SLACK_SIGNING_SECRET",
  "SLACK_APP_TOKEN",
  "SLACK_API_URL",
  "SLACK_DIGEST_CHANNEL",
  "SLACK_ADMIN_CHANNEL",
  "TEAMS_APP_ID",
  "TEAMS_APP_PASSWORD",
  "TEAMS_APP_TENANT_ID",
  "TEAMS_DIGEST_CHANNEL",
  "TEAMS_ADMIN_CHANNEL",
  "TEAMS_ENABLED",
  // Read by `npm run package:teams` only.
  "TEAMS_MANIFEST_ID",
  "ENTRA_TENANT_ID",
  "ENTRA_CLIENT_ID",
  "ENTRA_CLIENT_SECRET",
  "ENTRA_AUTHORITY_HOST",
  "ENTRA_GRAPH_URL",
  "ENTRA_DORMANT_DAYS",
  "CREDENTIAL_WARN_DAYS",
  "REVIEW_SCHEDULE",
  "REVIEW_DEFAULT",
  "REVIEW_DAYS",
  "REVIEW_REMINDER_DAYS",
  "WARDEN_DB",
  "WARDEN_DATABASE_URL",
  "WARDEN_ADMINS",
  "WARDEN_MODE",
  "WARDEN_LOOKUP",
  "WARDEN_RETENTION_DAYS",
  "WARDEN_USER_CACHE_HOURS",
  "WARDEN_DELIVERY_GIVE_UP_DAYS",
  "WARDEN_ALLOW_INSTANCE_CHANGE",
  "SCAN_SCHEDULE",
  "DIGEST_SCHEDULE",
  "TZ",
  "DORMANT_DAYS",
  "PRIVILEGED_ROLES",
  "PORT",
  "LOG_LEVEL",
  "ALERT_RULES",
] as const;

/** The name of a variable warden reads. */
export type KnownVariable = (typeof KNOWN_VARIABLES)[number];

/**
 * WARDEN_RETENTION_DAYS when unset. A little over a year, so a yearly comparison (the same scan or
 * digest a year ago) still has its data.
 */
export const DEFAULT_RETENTION_DAYS = 400;

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];
const EMAIL = /^[^\s@,]+@[^\s@,]+$/;
/** Variables whose value is a secret: a problem with one names it and never shows the value. */
const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|KEY|CREDENTIALS?)$/;

/**
 * ` (got "…")` for a problem message: the value as given for a harmless variable (a port, a cron
 * expression), a URL without its user info, nothing at all for a secret.
 */
function got(name: string, raw: string): string {
  if (SECRET_NAME.test(name)) return "";
  return ` (got "${name.endsWith("_URL") ? redactUrl(raw) : raw}")`;
}

/**
 * Reads and validates the environment. Pure: pass `env` explicitly in tests. Collects every
 * problem and throws one `ConfigError` listing them all, so an operator fixes them in one go.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  const get = (name: KnownVariable): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };

  const integer = (name: KnownVariable, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}${got(name, raw)}.`);
      return fallback;
    }
    return value;
  };

  const url = (name: KnownVariable): string | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error("protocol");
      if (hasUserInfo(raw)) {
        // Refused, not stripped: a URL is printed in many places, credentials belong in their own
        // variables (redacted in logs, never shown).
        problems.push(
          `${name} must not contain a user name or password (user:password@ before the host): ${
            name === "SERVICENOW_URL"
              ? "remove them and set SERVICENOW_USERNAME/SERVICENOW_PASSWORD (or SERVICENOW_CLIENT_ID/SERVICENOW_CLIENT_SECRET for OAuth) instead"
              : "remove them"
          }.`,
        );
        return undefined;
      }
      return raw.replace(/\/+$/, "");
    } catch {
      problems.push(`${name} must be an http(s) URL such as https://acme.service-now.com${got(name, raw)}.`);
      return undefined;
    }
  };

  const cron = (name: KnownVariable, fallback: string): string => {
    const raw = get(name) ?? fallback;
    const fields = raw.split(/\s+/);
    if (fields.length < 5 || fields.length > 6 || !fields.every((f) => /^[\d*,/\-A-Za-z?LW#]+$/.test(f))) {
      problems.push(
        `${name} must be a cron expression with 5 or 6 fields, e.g. "0 2 * * *"${got(name, raw)}.`,
      );
    }
    return raw;
  };

  const snUrl = url("SERVICENOW_URL");
  const username = get("SERVICENOW_USERNAME");
  const password = get("SERVICENOW_PASSWORD");
  const clientId = get("SERVICENOW_CLIENT_ID");
  const clientSecret = get("SERVICENOW_CLIENT_SECRET");
  let auth: ServiceNowAuth | undefined;
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    problems.push("SERVICENOW_CLIENT_ID and SERVICENOW_CLIENT_SECRET must be set together.");
  }
  if ((username === undefined) !== (password === undefined)) {
    problems.push("SERVICENOW_USERNAME and SERVICENOW_PASSWORD must be set together.");
  }
  // OAuth is preferred: instances increasingly refuse Basic auth (the Basic-auth restriction,
  // https://www.servicenow.com/docs/r/australia/platform-security/authentication/basic-auth-restriction.html).
  if (clientId !== undefined && clientSecret !== undefined) {
    auth = { kind: "oauth", clientId, clientSecret };
  } else if (username !== undefined && password !== undefined) {
    auth = { kind: "basic", username, password };
  }
  if (
    env.SERVICENOW_URL?.trim() &&
    auth === undefined &&
    !problems.some((p) => p.startsWith("SERVICENOW_"))
  ) {
    problems.push(
      "SERVICENOW_URL is set but no credentials are: set SERVICENOW_CLIENT_ID/SERVICENOW_CLIENT_SECRET (OAuth, preferred) or SERVICENOW_USERNAME/SERVICENOW_PASSWORD.",
    );
  }

  const mode = (get("WARDEN_MODE") ?? "apply") as WardenMode;
  if (mode !== "apply" && mode !== "dry-run" && mode !== "ticket") {
    problems.push(`WARDEN_MODE must be "apply", "dry-run" or "ticket" (got "${mode}").`);
  }
  if (mode === "ticket" && !get("SERVICENOW_URL") && get("ENTRA_TENANT_ID")) {
    // Tickets go to ServiceNow, for Entra accounts too; an Entra-only warden has nowhere to open them.
    problems.push(
      "WARDEN_MODE=ticket opens its tickets in ServiceNow: set SERVICENOW_URL (and its credentials), or use another mode.",
    );
  }

  const rawLookup = get("WARDEN_LOOKUP");
  const lookup = (rawLookup?.toLowerCase() ?? "owners") as LookupAccess;
  if (lookup !== "owners" && lookup !== "everyone") {
    problems.push(`WARDEN_LOOKUP must be "owners" or "everyone" (got "${rawLookup}").`);
  }

  const admins: string[] = [];
  for (const admin of (get("WARDEN_ADMINS") ?? "").split(",").map((a) => a.trim())) {
    if (admin === "") continue;
    const normalized = normalizeEmail(admin);
    if (!EMAIL.test(admin) || normalized === undefined) {
      problems.push(`WARDEN_ADMINS must list email addresses (got "${admin}").`);
    } else {
      admins.push(normalized);
    }
  }

  const logLevel = get("LOG_LEVEL") ?? "info";
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")} (got "${logLevel}").`);
  }

  const ownerField = get("SERVICENOW_OWNER_FIELD") ?? "manager";
  if (!/^[a-z0-9_]+$/.test(ownerField)) {
    problems.push(`SERVICENOW_OWNER_FIELD must be a field name such as manager (got "${ownerField}").`);
  }

  const privilegedRoles = (get("PRIVILEGED_ROLES") ?? DEFAULT_PRIVILEGED_ROLES.join(","))
    .split(",")
    .map((r) => r.trim())
    .filter((r) => r !== "");

  const slackBotToken = get("SLACK_BOT_TOKEN");
  const slackSigningSecret = get("SLACK_SIGNING_SECRET");
  const slackAppToken = get("SLACK_APP_TOKEN");
  if (slackBotToken !== undefined && slackSigningSecret === undefined && slackAppToken === undefined) {
    problems.push(
      "SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode) is.",
    );
  }

  const teamsEnabled = get("TEAMS_ENABLED")?.toLowerCase();
  if (teamsEnabled !== undefined && teamsEnabled !== "true" && teamsEnabled !== "false") {
    problems.push(`TEAMS_ENABLED must be "true" or "false" (got "${teamsEnabled}").`);
  }
  if (get("TEAMS_APP_ID") !== undefined && get("TEAMS_APP_PASSWORD") === undefined) {
    problems.push("TEAMS_APP_ID is set but TEAMS_APP_PASSWORD (the bot's client secret) is not.");
  }

  const entra = readEntra(get, problems);

  const allowInstanceChange = get("WARDEN_ALLOW_INSTANCE_CHANGE")?.toLowerCase();
  if (
    allowInstanceChange !== undefined &&
    allowInstanceChange !== "true" &&
    allowInstanceChange !== "false"
  ) {
    problems.push(`WARDEN_ALLOW_INSTANCE_CHANGE must be "true" or "false" (got "${allowInstanceChange}").`);
  }

  const config: Config = {
    servicenow: {
      url: snUrl,
      auth,
      ownerField,
      // ServiceNow's default sysparm_limit, which a community thread calls the maximum per
      // response (https://www.servicenow.com/docs/r/zurich/api-reference/rest-apis/c_TableAPI.html);
      // an instance that refuses such pages gets smaller ones, down to 1000 (the client halves the
      // size until a page is served, logging once).
      pageSize: integer("SERVICENOW_PAGE_SIZE", 10_000, 10, 10_000),
      timeoutMs: integer("SERVICENOW_TIMEOUT_MS", 30_000, 100, 600_000),
      maxRetryAfterSeconds: integer("SERVICENOW_MAX_RETRY_AFTER_SECONDS", 120, 0, 3600),
    },
    slack: {
      botToken: slackBotToken,
      signingSecret: slackSigningSecret,
      appToken: slackAppToken,
      apiUrl: url("SLACK_API_URL") ?? "https://slack.com/api/",
      digestChannel: get("SLACK_DIGEST_CHANNEL"),
      adminChannel: get("SLACK_ADMIN_CHANNEL"),
    },
    teams: {
      enabled: get("TEAMS_APP_ID") !== undefined || teamsEnabled === "true",
      appId: get("TEAMS_APP_ID"),
      appPassword: get("TEAMS_APP_PASSWORD"),
      tenantId: get("TEAMS_APP_TENANT_ID"),
      digestChannel: get("TEAMS_DIGEST_CHANNEL"),
      adminChannel: get("TEAMS_ADMIN_CHANNEL"),
    },
    entra,
    entraDormantDays: integer("ENTRA_DORMANT_DAYS", 90, 1, 3650),
    credentialWarnDays: integer("CREDENTIAL_WARN_DAYS", DEFAULT_CREDENTIAL_WARN_DAYS, 1, 3650),
    dbPath: get("WARDEN_DB") ?? "./data/warden.db",
    databaseUrl: readDatabaseUrl(get("WARDEN_DATABASE_URL"), problems),
    admins,
    userCacheHours: integer("WARDEN_USER_CACHE_HOURS", 24, 1, 720),
    deliveryGiveUpDays: integer("WARDEN_DELIVERY_GIVE_UP_DAYS", 7, 1, 365),
    retentionDays: integer("WARDEN_RETENTION_DAYS", DEFAULT_RETENTION_DAYS, 30, 36_500),
    mode,
    tickets: readTicketSettings(get("SERVICENOW_TICKET_TABLE"), get("SERVICENOW_TICKET_FIELDS"), problems),
    alertRules: readAlertRules(get("ALERT_RULES"), problems),
    lookup,
    scanSchedule: cron("SCAN_SCHEDULE", "0 2 * * *"),
    digestSchedule: cron("DIGEST_SCHEDULE", "0 9 * * 1"),
    reviews: {
      schedule: get("REVIEW_SCHEDULE") === undefined ? undefined : cron("REVIEW_SCHEDULE", ""),
      defaultDecision: readReviewDefault(get("REVIEW_DEFAULT"), problems),
      days: integer("REVIEW_DAYS", 14, 1, 90),
      reminderDays: integer("REVIEW_REMINDER_DAYS", 3, 1, 30),
    },
    timeZone: get("TZ"),
    dormantDays: integer("DORMANT_DAYS", 100, 1, 3650),
    privilegedRoles,
    port: integer("PORT", 3000, 0, 65_535),
    logLevel,
    allowInstanceChange: allowInstanceChange === "true",
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** REVIEW_DEFAULT: "none" (default) or "disable" (opt-in: accounts not certified by the due date are disabled). */
function readReviewDefault(raw: string | undefined, problems: string[]): ReviewConfig["defaultDecision"] {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === "" || value === "none") return "none";
  if (value === "disable") return "disable";
  problems.push(`REVIEW_DEFAULT must be "none" or "disable" (got "${raw}").`);
  return "none";
}

/**
 * ENTRA_*: all three sign-in variables or none; the hosts must be https (a client secret and
 * bearer tokens never travel in the clear, and MSAL refuses non-https authorities for the same
 * reason: https://learn.microsoft.com/en-us/entra/identity-platform/msal-client-application-configuration).
 */
function readEntra(
  get: (name: KnownVariable) => string | undefined,
  problems: string[],
): EntraConfig | undefined {
  const tenantId = get("ENTRA_TENANT_ID");
  const clientId = get("ENTRA_CLIENT_ID");
  const clientSecret = get("ENTRA_CLIENT_SECRET");
  const start = problems.length;
  if (tenantId === undefined) {
    if (clientId !== undefined || clientSecret !== undefined) {
      problems.push(
        "ENTRA_CLIENT_ID/ENTRA_CLIENT_SECRET are set but ENTRA_TENANT_ID is not: set the tenant (its id or a domain such as contoso.onmicrosoft.com).",
      );
    }
    return undefined;
  }
  if (!GUID.test(tenantId) && !TENANT_DOMAIN.test(tenantId)) {
    problems.push(
      `ENTRA_TENANT_ID must be the tenant id (a GUID) or a domain such as contoso.onmicrosoft.com (got "${tenantId}").`,
    );
  }
  if (clientId === undefined) {
    problems.push(
      "ENTRA_TENANT_ID is set but ENTRA_CLIENT_ID (the Application (client) ID of warden's app registration) is not.",
    );
  } else if (!GUID.test(clientId)) {
    problems.push(`ENTRA_CLIENT_ID must be the Application (client) ID, a GUID (got "${clientId}").`);
  }
  if (clientSecret === undefined) {
    problems.push(
      "ENTRA_TENANT_ID is set but ENTRA_CLIENT_SECRET (a client secret of warden's app registration) is not.",
    );
  }
  const host = (name: "ENTRA_AUTHORITY_HOST" | "ENTRA_GRAPH_URL", fallback: string): string => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    try {
      const parsed = new URL(raw);
      if (parsed.protocol !== "https:") throw new Error("protocol");
      if (hasUserInfo(raw)) {
        problems.push(`${name} must not contain a user name or password: remove them.`);
        return fallback;
      }
      return raw.replace(/\/+$/, "");
    } catch {
      problems.push(`${name} must be an https URL such as ${fallback} (got "${redactUrl(raw)}").`);
      return fallback;
    }
  };
  const authorityHost = host("ENTRA_AUTHORITY_HOST", DEFAULT_ENTRA_AUTHORITY_HOST);
  const graphUrl = host("ENTRA_GRAPH_URL", DEFAULT_ENTRA_GRAPH_URL);
  if (problems.length > start || clientId === undefined || clientSecret === undefined) return undefined;
  return { tenantId, clientId, clientSecret, authorityHost, graphUrl };
}

/** WARDEN_DATABASE_URL: a postgres:// or postgresql:// URL (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS). */
function readDatabaseUrl(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined) return undefined;
  let protocol: string | undefined;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== "postgres:" && protocol !== "postgresql:") {
    problems.push(
      `WARDEN_DATABASE_URL must be a PostgreSQL URL such as postgres://warden:…@db.internal:5432/warden (got ${redactUrl(raw)}).`,
    );
    return undefined;
  }
  return raw;
}
