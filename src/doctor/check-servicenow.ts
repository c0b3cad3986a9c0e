import type { Config } from "../config/load-config.js";
import { SourceError } from "../errors.js";
import { redactUrl } from "../redact-url.js";
import type { RawRecord, ServiceNowClient } from "../sources/servicenow/client-types.js";
import type { ServiceNowMapping } from "../sources/servicenow/mapping.js";
import { formatDateTime, parseBool, refValue, str } from "../sources/servicenow/parse-values.js";
import { isSysId } from "../sources/servicenow/sys-id.js";
import type { DoctorBlindSpot, DoctorCheck } from "./doctor-types.js";
import { SIGNAL_EFFECT, type TableProbe, tableProbes } from "./servicenow-tables.js";

const DAY = 86_400_000;
/** Roles that let the bot account write sys_user.active, locked_out and web_service_access_only. */
const WRITE_ROLES = ["user_admin", "admin"];
/** A user_name safe to put into an encoded query (no ^, comma, = or spaces). */
const SAFE_NAME = /^[A-Za-z0-9._@-]{1,80}$/;
/** Errors that still prove the instance answered, authenticated, with JSON. */
const ANSWERED = new Set(["E_SOURCE_FORBIDDEN", "E_SOURCE_BAD_REQUEST", "E_SOURCE_NOT_FOUND"]);

export interface ServiceNowCheckInput {
  config: Config;
  client: ServiceNowClient;
  mapping: ServiceNowMapping;
  now: Date;
  botUserName: string | undefined;
}

export interface ServiceNowCheckResult {
  checks: DoctorCheck[];
  blindSpots: DoctorBlindSpot[];
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const codeOf = (error: unknown): string | undefined =>
  error instanceof SourceError ? error.code : undefined;

/**
 * The ServiceNow half of `warden doctor`. Only GET requests: every check reads (Table API with a
 * small limit, Aggregate API counts), nothing is ever written (see checkWriteAccess).
 */
export async function checkServiceNow(input: ServiceNowCheckInput): Promise<ServiceNowCheckResult> {
  const { config, client, mapping } = input;
  const checks: DoctorCheck[] = [];
  const blindSpots: DoctorBlindSpot[] = [];
  const add = (name: string, status: DoctorCheck["status"], detail: string) =>
    checks.push({ area: "servicenow", name, status, detail });
  const where =
    config.servicenow.url === undefined ? "the simulated instance" : redactUrl(config.servicenow.url);
  const auth = config.servicenow.auth;
  const botName = auth?.kind === "basic" ? auth.username : input.botUserName;
  const userFields = ["sys_id", "user_name", "active", "locked_out", "web_service_access_only"];

  // 1. Reach: one small GET that also finds the bot's own sys_user record.
  let bot: RawRecord | undefined;
  let botVisible = true;
  const started = performance.now();
  try {
    bot = await findBotAccount(client, mapping, botName, userFields);
    add("reach instance", "pass", `${where} answered in ${Math.round(performance.now() - started)} ms.`);
  } catch (error) {
    if (ANSWERED.has(codeOf(error) ?? "")) {
      botVisible = false;
      add("reach instance", "pass", `${where} answered (and refused the sys_user read: see below).`);
    } else {
      add("reach instance", "fail", message(error));
      add(
        "ServiceNow checks",
        "fail",
        "Skipped: nothing else can be checked until the instance answers with JSON to these credentials.",
      );
      return { checks, blindSpots };
    }
  }

  // 2. Authentication the bot itself uses.
  if (config.servicenow.url === undefined) {
    add("authentication", "pass", "Built-in demo account of the simulated instance (protects nothing real).");
  } else if (auth?.kind === "basic") {
    add(
      "authentication",
      "warn",
      `Basic auth as ${auth.username}. From 2026 instances refuse Basic-auth API calls unless the account is web-service-only or holds snc_basic_auth_api_access; prefer OAuth client credentials (SERVICENOW_CLIENT_ID/SERVICENOW_CLIENT_SECRET).`,
    );
  } else if (auth?.kind === "oauth") {
    add("authentication", "pass", `OAuth 2.0 client credentials (client id ${auth.clientId}).`);
  }

  // 3. The bot account itself.
  const who = botName ?? (auth?.kind === "oauth" ? "the OAuth application user" : "the bot account");
  if (bot) {
    const name = str(bot.user_name) ?? who;
    const wsao = parseBool(bot.web_service_access_only) === true;
    add(
      "bot account",
      wsao ? "pass" : "warn",
      wsao
        ? `${name} is web-service-only (cannot log in to the UI).`
        : `${name} is not web-service-only: set web_service_access_only=true on it. An interactive bot account can be used to log in to the UI, and Basic auth is refused for interactive accounts once the Basic-auth restriction is enforced.`,
    );
  } else if (config.servicenow.url === undefined) {
    add(
      "bot account",
      "pass",
      "Not applicable: the simulated instance's demo account has no sys_user record (on a real instance this checks that the bot account is web-service-only).",
    );
  } else {
    add(
      "bot account",
      "warn",
      !botVisible
        ? `Cannot check that ${who} is web-service-only: sys_user is not readable.`
        : botName
          ? `${botName} is not visible in sys_user (an ACL hides it, or the name differs): cannot check that it is web-service-only.`
          : `Cannot identify ${who}: check by hand that the OAuth Application User of the client's oauth_entity record is web-service-only and holds user_admin.`,
    );
  }

  // 4. Write access to sys_user, judged from roles.
  if (config.servicenow.url === undefined && !bot)
    add(
      "write sys_user",
      "pass",
      "Not applicable: the simulated instance accepts the demo account's writes (on a real instance this checks that the bot account holds user_admin).",
    );
  else checks.push(await checkWriteAccess(input, bot, botVisible, botName, who));

  // 5. Read access to every table, then the fields warden reads from each.
  const ago = (days: number) => formatDateTime(new Date(input.now.getTime() - days * DAY));
  for (const probe of tableProbes(mapping, ago)) {
    const result = await probeTable(client, probe);
    checks.push(...result.checks);
    blindSpots.push(...result.blindSpots);
  }

  // 6. What scans will not see on this instance.
  if (blindSpots.length === 0) {
    add("blind spots", "pass", "None: every signal warden uses is readable.");
  } else {
    const bySignal = blindSpots.map((b) => `${SIGNAL_EFFECT[b.signal]} from ${b.table}`);
    add(
      "blind spots",
      "warn",
      `Scans will report these signals as blind spots (unknown, never "no risk"): ${bySignal.join("; ")}.`,
    );
  }
  return { checks, blindSpots };
}

/**
 * The bot's own sys_user record: by user_name (Basic auth, or a configured name), else by the
 * session's own user (`javascript:gs.getUserID()`, the "is (dynamic) Me" filter) for OAuth, where
 * the acting user is the OAuth Application User warden is not told about. One GET either way.
 */
async function findBotAccount(
  client: ServiceNowClient,
  mapping: ServiceNowMapping,
  botName: string | undefined,
  fields: string[],
): Promise<RawRecord | undefined> {
  if (botName !== undefined) {
    const rows = await client.findByField(mapping.user.table, "user_name", botName, fields);
    return rows[0];
  }
  // At most one row matches, so keyset paging stops after the first request.
  for await (const page of client.list(mapping.user.table, {
    query: "sys_id=javascript:gs.getUserID()",
    fields,
    pageSize: 1,
  })) {
    return page[0];
  }
  return undefined;
}

/**
 * Can the bot account write sys_user? Deliberately NOT tested by writing: a PATCH, even one that
 * sets a field to its current value, runs business rules and flows on an identity record, bumps
 * sys_updated_on/sys_mod_count and leaves a sys_audit row, and a read-only doctor must leave the
 * instance exactly as it found it. The Table API has no "would this write be allowed" call (ACLs are
 * evaluated on the write itself), so the right is inferred from the account's roles: user_admin (or
 * admin) may write active, locked_out and web_service_access_only. Anything else is "cannot verify".
 */
async function checkWriteAccess(
  input: ServiceNowCheckInput,
  bot: RawRecord | undefined,
  botVisible: boolean,
  botName: string | undefined,
  who: string,
): Promise<DoctorCheck> {
  const { client, mapping, config } = input;
  const { table, userField, roleNameField } = mapping.userRole;
  const dryRun = config.mode === "dry-run";
  const unverified = (why: string): DoctorCheck => ({
    area: "servicenow",
    name: "write sys_user",
    status: dryRun ? "pass" : "warn",
    detail: dryRun
      ? `WARDEN_MODE=dry-run: warden never writes. For apply mode ${who} needs user_admin (${why}).`
      : `Cannot verify write access: needs user_admin to disable or restrict accounts (${why}). Nothing was written to check.`,
  });

  const sysId = refValue(bot?.sys_id);
  const roles = `${roleNameField}IN${WRITE_ROLES.join(",")}`;
  let query: string;
  if (isSysId(sysId)) query = `${userField}=${sysId}^${roles}`;
  else if (!botVisible && botName !== undefined && SAFE_NAME.test(botName))
    // sys_user refused the read: the roles table may still answer, by the dot-walked name.
    query = `${userField}.user_name=${botName}^${roles}`;
  else if (botName !== undefined && botVisible)
    return unverified(`${botName} is not visible in sys_user, so its roles cannot be read`);
  else return unverified(`${who} could not be identified, so its roles cannot be read`);

  const held = new Set<string>();
  try {
    // At most a couple of rows match: one request.
    for await (const page of client.list(table, {
      query,
      fields: [userField, roleNameField],
      pageSize: 10,
    })) {
      for (const row of page) {
        const role = str(row[roleNameField]);
        if (role) held.add(role);
      }
    }
  } catch (error) {
    return unverified(`its roles are not readable: ${message(error)}`);
  }
  const name = str(bot?.user_name) ?? botName ?? who;
  if (held.has("admin")) {
    return {
      area: "servicenow",
      name: "write sys_user",
      status: "warn",
      detail: `${name} holds admin: it can write sys_user, but warden only needs user_admin plus read access; an admin bot account is itself a privileged machine identity. Nothing was written to check.`,
    };
  }
  if (held.has("user_admin")) {
    return {
      area: "servicenow",
      name: "write sys_user",
      status: "pass",
      detail: `${name} holds user_admin: it may set active, locked_out and web_service_access_only (judged from its roles; nothing was written).`,
    };
  }
  return unverified(`${name} holds neither user_admin nor admin`);
}

/** One table: readable (Aggregate API count), rows visible, and the fields warden reads present. */
async function probeTable(client: ServiceNowClient, probe: TableProbe): Promise<ServiceNowCheckResult> {
  const { table } = probe;
  const name = `read ${table}`;
  const checks: DoctorCheck[] = [];
  const blindSpots: DoctorBlindSpot[] = [];
  const blind = (reason: string) => {
    for (const signal of probe.signals) blindSpots.push({ signal, table, reason });
  };
  const effect = probe.signals.map((s) => SIGNAL_EFFECT[s]).join(", ");

  let count: number;
  let newest: string | undefined;
  try {
    const rows = await client.aggregate(table, {
      ...(probe.query ? { query: probe.query } : {}),
      count: true,
      max: ["sys_created_on"],
    });
    count = rows[0]?.count ?? 0;
    newest = rows[0]?.max.sys_created_on || undefined;
  } catch (error) {
    const code = codeOf(error);
    if (code === "E_SOURCE_FORBIDDEN") {
      checks.push({
        area: "servicenow",
        name,
        status: "fail",
        detail: `403: the bot account cannot read ${table}; grant it ${probe.access}. ${probe.required ? "Scans cannot run without it." : `Until then: blind spot for ${effect}.`}`,
      });
      if (!probe.required) blind(`403: grant ${probe.access}`);
    } else if (code === "E_SOURCE_BAD_REQUEST" || code === "E_SOURCE_NOT_FOUND") {
      checks.push({
        area: "servicenow",
        name,
        status: probe.required ? "fail" : "warn",
        detail: `${table} does not exist on this instance (plugin not installed, or another name in the ServiceNow mapping): blind spot for ${effect}.`,
      });
      if (!probe.required) blind(`${table} does not exist on this instance`);
    } else {
      checks.push({ area: "servicenow", name, status: "fail", detail: message(error) });
    }
    return { checks, blindSpots };
  }

  if (count === 0) {
    if (probe.rowsExpected) {
      checks.push({
        area: "servicenow",
        name,
        status: "warn",
        detail: `Readable, but ${probe.emptyHint}: blind spot for ${effect}.`,
      });
      if (!probe.required) blind(probe.emptyHint);
    } else {
      checks.push({
        area: "servicenow",
        name,
        status: "pass",
        detail: `Readable; no rows${probe.query ? " in the last 30 days" : ""} (none recorded, or an ACL hides them).`,
      });
    }
    return { checks, blindSpots };
  }
  checks.push({
    area: "servicenow",
    name,
    status: "pass",
    detail: `Readable: ${count} row(s)${probe.query ? " in the last 30 days" : ""}.`,
  });
  if (probe.fields.length > 0) checks.push(await probeFields(client, probe, newest));
  return { checks, blindSpots };
}

/**
 * The newest row (found by its exact sys_created_on, one bounded request; a fallback date field
 * where the table has none) must carry every field
 * warden reads: ServiceNow silently drops unknown fields from sysparm_fields, so a missing key
 * means the instance has no such column (or an ACL hides it).
 */
async function probeFields(
  client: ServiceNowClient,
  probe: TableProbe,
  newest: string | undefined,
): Promise<DoctorCheck> {
  const name = `fields of ${probe.table}`;
  const inconclusive = (why: string): DoctorCheck => ({
    area: "servicenow",
    name,
    status: "warn",
    detail: `Could not check ${probe.fields.join(", ")}: ${why}.`,
  });
  let anchor = "sys_created_on";
  let value = newest;
  try {
    if (value === undefined && probe.fallbackAnchor !== undefined) {
      anchor = probe.fallbackAnchor;
      const rows = await client.aggregate(probe.table, {
        ...(probe.query ? { query: probe.query } : {}),
        max: [anchor],
      });
      value = rows[0]?.max[anchor] || undefined;
    }
  } catch (error) {
    return inconclusive(message(error));
  }
  if (value === undefined) return inconclusive(`the Aggregate API gave no newest ${anchor}`);
  let rows: RawRecord[];
  try {
    rows = await client.findByField(probe.table, anchor, value, probe.fields);
  } catch (error) {
    return inconclusive(message(error));
  }
  const row = rows[0];
  if (!row) return inconclusive("the newest row is hidden from the bot account");
  const missing = probe.fields.filter((field) => !(field in row));
  if (missing.length === 0) {
    return { area: "servicenow", name, status: "pass", detail: `Present: ${probe.fields.join(", ")}.` };
  }
  return {
    area: "servicenow",
    name,
    status: "warn",
    detail: `The instance has no column ${missing.join(", ")} on ${probe.table} (or an ACL hides it): ${missing.map((f) => fieldConsequence(probe.table, f)).join("; ")}. Adjust the ServiceNow mapping if the instance names it differently.`,
  };
}

function fieldConsequence(table: string, field: string): string {
  if (table === "syslog_transaction" && field === "http_method")
    return "unique API calls will show method * (path only)";
  if (table === "sys_user" && field === "web_service_access_only")
    return "web-service-only accounts cannot be discovered nor restricted";
  if (table === "sys_user" && !["sys_id", "user_name"].includes(field))
    return `${field} will read as empty for every account`;
  return `${field} will read as empty`;
}
