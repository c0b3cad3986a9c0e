import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { ConfigError } from "../../src/errors.js";

describe("SERVICENOW_TICKET_TABLE and SERVICENOW_TICKET_FIELDS", () => {
  it("default to the incident table with no extra fields", () => {
    expect(loadConfig({}).tickets).toEqual({ table: "incident", fields: {} });
  });

  it("read the table and the extra fields, numbers and booleans as the text ServiceNow stores", () => {
    const config = loadConfig({
      SERVICENOW_TICKET_TABLE: "change_request",
      SERVICENOW_TICKET_FIELDS: '{"assignment_group":"Identity & Access","urgency":2,"active":true}',
    });
    expect(config.tickets).toEqual({
      table: "change_request",
      fields: { assignment_group: "Identity & Access", urgency: "2", active: "true" },
    });
  });

  it("refuse invalid JSON at start, naming the variable", () => {
    expect(() => loadConfig({ SERVICENOW_TICKET_FIELDS: "{assignment_group: Identity}" })).toThrow(
      /SERVICENOW_TICKET_FIELDS must be a JSON object/,
    );
    expect(() => loadConfig({ SERVICENOW_TICKET_FIELDS: '["a"]' })).toThrow(ConfigError);
  });

  it("refuse fields warden writes itself, bad names and nested values, listing each", () => {
    let error: unknown;
    try {
      loadConfig({
        SERVICENOW_TICKET_TABLE: "incident; drop",
        SERVICENOW_TICKET_FIELDS: '{"description":"x","Bad Name":"y","caller":{"id":1}}',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = String((error as Error).message);
    expect(text).toContain(
      'SERVICENOW_TICKET_TABLE must be a table name such as incident (got "incident; drop")',
    );
    expect(text).toContain("description is written by warden");
    expect(text).toContain('"Bad Name" is not a field name');
    expect(text).toContain("the value of caller must be a string, number or boolean");
  });
});

describe("ALERT_RULES", () => {
  it("defaults to privileged, basic_auth and credential_expired", () => {
    expect(loadConfig({}).alertRules).toEqual(["privileged", "basic_auth", "credential_expired"]);
  });

  it("reads a list, or none", () => {
    expect(loadConfig({ ALERT_RULES: "dormant, privileged" }).alertRules).toEqual(["dormant", "privileged"]);
    expect(loadConfig({ ALERT_RULES: "None" }).alertRules).toEqual([]);
  });

  it("refuses an unknown rule name instead of silently dropping its alerts", () => {
    expect(() => loadConfig({ ALERT_RULES: "privilegd" })).toThrow(
      /ALERT_RULES must list rule names .* \(got "privilegd"\)/,
    );
  });
});

describe("WARDEN_MODE=ticket", () => {
  it("is accepted, with ServiceNow configured or simulated", () => {
    expect(loadConfig({ WARDEN_MODE: "ticket" }).mode).toBe("ticket");
    expect(
      loadConfig({
        WARDEN_MODE: "ticket",
        SERVICENOW_URL: "https://acme.service-now.com",
        SERVICENOW_USERNAME: "warden",
        SERVICENOW_PASSWORD: "x",
      }).mode,
    ).toBe("ticket");
  });

  it("is refused for an Entra-only warden: tickets are opened in ServiceNow", () => {
    expect(() =>
      loadConfig({
        WARDEN_MODE: "ticket",
        ENTRA_TENANT_ID: "contoso.onmicrosoft.com",
        ENTRA_CLIENT_ID: "c",
        ENTRA_CLIENT_SECRET: "s",
      }),
    ).toThrow(/WARDEN_MODE=ticket opens its tickets in ServiceNow: set SERVICENOW_URL/);
  });
});
