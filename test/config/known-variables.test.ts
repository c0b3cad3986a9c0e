import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findUnknownVariables } from "../../src/config/find-unknown-variables.js";
import { KNOWN_VARIABLES, loadConfig } from "../../src/config/load-config.js";

/** Runs loadConfig on `env` and returns every variable name it read (set or not). */
function variablesRead(env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const spy = new Proxy(env, {
    get(target, name) {
      if (typeof name === "string") read.add(name);
      return Reflect.get(target, name);
    },
  });
  try {
    loadConfig(spy);
  } catch {
    // A configuration with problems was read all the same.
  }
  return read;
}

describe("the variables warden knows", () => {
  it("are all the variables loadConfig reads, whatever the configuration", () => {
    const full = {
      SERVICENOW_URL: "https://acme.service-now.com",
      SERVICENOW_USERNAME: "bot",
      SERVICENOW_PASSWORD: "pw",
      SERVICENOW_CLIENT_ID: "id",
      SERVICENOW_CLIENT_SECRET: "secret",
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "s",
      TEAMS_APP_ID: "11111111-2222-4333-8444-555555555555",
      TEAMS_APP_PASSWORD: "p",
      TEAMS_ENABLED: "true",
      WARDEN_ADMINS: "a@acme.example",
      WARDEN_ALLOW_INSTANCE_CHANGE: "true",
    };
    const read = new Set([...variablesRead({}), ...variablesRead(full)]);
    expect(read.size).toBeGreaterThan(30);
    const known = new Set<string>(KNOWN_VARIABLES);
    expect([...read].filter((name) => !known.has(name))).toEqual([]);
  });

  it("include every variable the README's Configuration table names", () => {
    const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
    const section = readme.slice(
      readme.indexOf("\n## Configuration\n"),
      readme.indexOf("\n## ", readme.indexOf("\n## Configuration\n") + 5),
    );
    const named = [...section.matchAll(/^\| `([^|]+)\|/gm)].flatMap((m) =>
      [...(m[1] ?? "").matchAll(/`?([A-Z][A-Z0-9_]+)`?/g)].map((n) => n[1] ?? ""),
    );
    expect(named.length).toBeGreaterThan(20);
    const known = new Set<string>(KNOWN_VARIABLES);
    expect(named.filter((name) => !known.has(name) && !name.endsWith("_"))).toEqual([]);
  });

  it("include those the product contract names, implemented or not, so they are not warned about", () => {
    const contract = [
      "SERVICENOW_TICKET_TABLE",
      "SERVICENOW_TICKET_FIELDS",
      "WARDEN_LOOKUP",
      "WARDEN_DATABASE_URL",
      "WARDEN_RETENTION_DAYS",
      "REVIEW_SCHEDULE",
      "REVIEW_DEFAULT",
      "ENTRA_TENANT_ID",
      "ENTRA_CLIENT_ID",
      "ENTRA_CLIENT_SECRET",
      "ENTRA_AUTHORITY_HOST",
      "ENTRA_GRAPH_URL",
      "ENTRA_DORMANT_DAYS",
      "CREDENTIAL_WARN_DAYS",
    ];
    expect(findUnknownVariables(Object.fromEntries(contract.map((name) => [name, "x"])))).toEqual([]);
  });

  it("suggest the closest known name for a look-alike, and leave other variables alone", () => {
    const env = {
      SERVICENOW_PASWORD: "x",
      SLACK_DIGEST_CHANEL: "x",
      TEAMS_APPID: "x",
      WARDEN_ADMIN: "x",
      WARDEN_LOG_LEVEL: "x",
      ENTRA_TENNANT_ID: "x",
      REVIEW_SCHEDUEL: "x",
      HOME: "/root",
      SERVICE_URL: "x",
      TEAMSPEAK: "x",
      PORT: "3000",
    };
    expect(findUnknownVariables(env)).toEqual([
      { name: "ENTRA_TENNANT_ID", suggestion: "ENTRA_TENANT_ID" },
      { name: "REVIEW_SCHEDUEL", suggestion: "REVIEW_SCHEDULE" },
      { name: "SERVICENOW_PASWORD", suggestion: "SERVICENOW_PASSWORD" },
      { name: "SLACK_DIGEST_CHANEL", suggestion: "SLACK_DIGEST_CHANNEL" },
      { name: "TEAMS_APPID", suggestion: "TEAMS_APP_ID" },
      { name: "WARDEN_ADMIN", suggestion: "WARDEN_ADMINS" },
      { name: "WARDEN_LOG_LEVEL", suggestion: "LOG_LEVEL" },
    ]);
  });
});
