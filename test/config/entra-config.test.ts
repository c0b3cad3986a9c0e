import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { ConfigError } from "../../src/errors.js";

const TENANT = "7d3f6c2a-1b4e-4f8a-9c0d-2e5b6a7c8d9e";
const CLIENT = "0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b";

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("ENTRA_* and CREDENTIAL_WARN_DAYS", () => {
  it("leaves Entra off when no tenant is set, with the contract's defaults", () => {
    const config = loadConfig({});
    expect(config.entra).toBeUndefined();
    expect(config.entraDormantDays).toBe(90);
    expect(config.credentialWarnDays).toBe(30);
  });

  it("reads the sign-in variables with public-cloud hosts by default", () => {
    const config = loadConfig({
      ENTRA_TENANT_ID: TENANT,
      ENTRA_CLIENT_ID: CLIENT,
      ENTRA_CLIENT_SECRET: "s~x",
    });
    expect(config.entra).toEqual({
      tenantId: TENANT,
      clientId: CLIENT,
      clientSecret: "s~x",
      authorityHost: "https://login.microsoftonline.com",
      graphUrl: "https://graph.microsoft.com",
    });
  });

  it("accepts a tenant domain and national-cloud hosts, trimming trailing slashes", () => {
    const config = loadConfig({
      ENTRA_TENANT_ID: "contoso.onmicrosoft.us",
      ENTRA_CLIENT_ID: CLIENT,
      ENTRA_CLIENT_SECRET: "s",
      ENTRA_AUTHORITY_HOST: "https://login.microsoftonline.us/",
      ENTRA_GRAPH_URL: "https://graph.microsoft.us/",
      ENTRA_DORMANT_DAYS: "120",
      CREDENTIAL_WARN_DAYS: "14",
    });
    expect(config.entra?.authorityHost).toBe("https://login.microsoftonline.us");
    expect(config.entra?.graphUrl).toBe("https://graph.microsoft.us");
    expect(config.entraDormantDays).toBe(120);
    expect(config.credentialWarnDays).toBe(14);
  });

  it("lists every problem at once and never shows the secret", () => {
    const secret = "very-secret-value";
    const found = problems({
      ENTRA_TENANT_ID: "not a tenant",
      ENTRA_CLIENT_ID: "app-name",
      ENTRA_CLIENT_SECRET: secret,
      ENTRA_AUTHORITY_HOST: "http://login.example",
      ENTRA_GRAPH_URL: "nope",
      ENTRA_DORMANT_DAYS: "0",
      CREDENTIAL_WARN_DAYS: "soon",
    });
    expect(found).toHaveLength(6);
    expect(found.join("\n")).not.toContain(secret);
    expect(found.some((p) => p.startsWith("ENTRA_AUTHORITY_HOST must be an https URL"))).toBe(true);
  });

  it("asks for the missing half of the sign-in", () => {
    expect(problems({ ENTRA_TENANT_ID: TENANT })).toEqual([
      "ENTRA_TENANT_ID is set but ENTRA_CLIENT_ID (the Application (client) ID of warden's app registration) is not.",
      "ENTRA_TENANT_ID is set but ENTRA_CLIENT_SECRET (a client secret of warden's app registration) is not.",
    ]);
    expect(problems({ ENTRA_CLIENT_SECRET: "x" })[0]).toMatch(/ENTRA_TENANT_ID is not/);
  });
});
