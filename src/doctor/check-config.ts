import { scansServiceNow } from "../app/resolve-servicenow.js";
import { type Config, DEFAULT_ENTRA_AUTHORITY_HOST, DEFAULT_ENTRA_GRAPH_URL } from "../config/load-config.js";
import { redactUrl } from "../redact-url.js";
import type { DoctorCheck } from "./doctor-types.js";

/** What each mode does with an approved change, for the configuration line. */
const MODE_NOTES: Record<Config["mode"], string> = {
  apply: "",
  "dry-run": " (decisions are recorded, never written)",
  ticket: " (an approved change opens a ServiceNow ticket; warden writes nothing itself)",
};

/**
 * Configuration summary. loadConfig has already refused an invalid environment (a ConfigError
 * lists every problem before the doctor runs), so this says what the valid one means, and warns
 * about settings that are legal but probably not what an operator wants. Never prints a secret.
 */

export function checkConfig(config: Config): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const { servicenow, slack, teams } = config;
  const auth = servicenow.auth;
  const source = !scansServiceNow(config)
    ? "ServiceNow: not scanned (SERVICENOW_URL is not set; Entra ID alone is)"
    : servicenow.url === undefined
      ? "ServiceNow: the built-in simulated instance (SERVICENOW_URL is not set; demo data, nothing real is scanned)"
      : `ServiceNow: ${redactUrl(servicenow.url)} with ${
          auth?.kind === "oauth"
            ? `OAuth 2.0 client credentials (client id ${auth.clientId})`
            : auth?.kind === "basic"
              ? `Basic auth as ${auth.username}`
              : "no credentials"
        }`;
  const entra = config.entra
    ? `Entra ID: tenant ${config.entra.tenantId} as client ${config.entra.clientId}${
        config.entra.authorityHost === DEFAULT_ENTRA_AUTHORITY_HOST &&
        config.entra.graphUrl === DEFAULT_ENTRA_GRAPH_URL
          ? ""
          : ` (sign-in ${redactUrl(config.entra.authorityHost)}, Graph ${redactUrl(config.entra.graphUrl)})`
      }`
    : undefined;
  const chat: string[] = [];
  if (slack.botToken) chat.push(`Slack (${slack.appToken ? "Socket Mode" : "HTTP mode"})`);
  if (teams.enabled) chat.push(teams.appId ? "Teams" : "Teams (emulator mode, no authentication)");
  checks.push({
    area: "config",
    name: "configuration",
    status: "pass",
    detail: [
      source,
      ...(entra ? [entra] : []),
      `mode ${config.mode}${MODE_NOTES[config.mode]}`,
      `database ${config.dbPath}`,
      `chat: ${chat.length > 0 ? chat.join(", ") : "none (terminal only)"}`,
      `scan "${config.scanSchedule}", digest "${config.digestSchedule}"${config.timeZone ? ` (TZ ${config.timeZone})` : " (the server's time zone; TZ unset)"}`,
    ].join("; "),
  });

  if (chat.length === 0) {
    checks.push({
      area: "config",
      name: "chat platform",
      status: "warn",
      detail:
        "Neither Slack (SLACK_BOT_TOKEN) nor Teams (TEAMS_APP_ID) is configured: owners get no messages and digests are only printed.",
    });
  }
  if (config.admins.length === 0) {
    checks.push({
      area: "config",
      name: "admins",
      status: "warn",
      detail:
        "WARDEN_ADMINS is empty: only owners can act on their accounts, and nobody can act on unowned ones or reassign them.",
    });
  }
  return checks;
}
