import type { Config } from "../config/load-config.js";
import type { DoctorCheck } from "./doctor-types.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A tenant is a GUID or a verified domain such as contoso.onmicrosoft.com. */
const TENANT_DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
/** Teams channel (conversation) ids: 19:…@thread.tacv2 (or the older @thread.skype). */
const TEAMS_CHANNEL = /^19:[^\s@]+@thread\.[a-z0-9]+$/i;

/**
 * The Teams half of `warden doctor`, from configuration alone (no network): the Bot Framework app
 * id, password and tenant are present and consistent, and the channels look like channel ids.
 */
export function checkTeams(config: Config): DoctorCheck[] {
  const { teams } = config;
  const checks: DoctorCheck[] = [];
  const add = (name: string, status: DoctorCheck["status"], detail: string) =>
    checks.push({ area: "teams", name, status, detail });

  if (!teams.appId) {
    add(
      "app",
      "warn",
      "TEAMS_ENABLED=true without TEAMS_APP_ID: emulator mode, requests are not authenticated. Only for local tests; set TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_APP_TENANT_ID in production.",
    );
  } else {
    const problems: string[] = [];
    if (!GUID.test(teams.appId))
      problems.push(`TEAMS_APP_ID must be the bot's Microsoft App ID, a GUID (got "${teams.appId}")`);
    if (!teams.appPassword)
      problems.push("TEAMS_APP_PASSWORD (the app registration's client secret) is not set");
    else if (teams.appPassword === teams.appId || GUID.test(teams.appPassword))
      problems.push(
        "TEAMS_APP_PASSWORD looks like an id, not a client secret (use the secret's Value, not its Secret ID)",
      );
    if (teams.tenantId !== undefined && !GUID.test(teams.tenantId) && !TENANT_DOMAIN.test(teams.tenantId))
      problems.push(`TEAMS_APP_TENANT_ID must be a tenant GUID or domain (got "${teams.tenantId}")`);
    if (problems.length > 0) add("app", "fail", `${problems.join("; ")}.`);
    else if (teams.tenantId === undefined)
      add(
        "app",
        "warn",
        `App ${teams.appId} with a password, but TEAMS_APP_TENANT_ID is not set: the bot authenticates as multi-tenant, which Azure no longer offers for new bots. Set the tenant of a single-tenant app registration.`,
      );
    else add("app", "pass", `App ${teams.appId}, password set, single-tenant in ${teams.tenantId}.`);
  }

  const channels: Array<[string, string, string | undefined]> = [
    ["digest channel", "TEAMS_DIGEST_CHANNEL", teams.digestChannel],
    ["admin channel", "TEAMS_ADMIN_CHANNEL", teams.adminChannel],
  ];
  for (const [name, variable, channel] of channels) {
    if (channel === undefined)
      add(
        name,
        "warn",
        `${variable} is not set: ${name === "digest channel" ? "digests are not posted to Teams" : "unowned accounts, escalations, reassignments and immediate alerts have nowhere to go in Teams"}.`,
      );
    else if (!TEAMS_CHANNEL.test(channel))
      add(
        name,
        "warn",
        `${variable}="${channel}" does not look like a Teams channel id (19:…@thread.tacv2).`,
      );
    else
      add(name, "pass", `${channel} (the bot must be installed in its team; not checked without network).`);
  }
  return checks;
}
