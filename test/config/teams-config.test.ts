import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";

describe("Teams configuration", () => {
  it("is enabled by TEAMS_APP_ID, or by TEAMS_ENABLED=true for emulator mode", () => {
    expect(loadConfig({}).teams.enabled).toBe(false);
    expect(loadConfig({ TEAMS_ENABLED: "true" }).teams).toMatchObject({ enabled: true, appId: undefined });
    expect(
      loadConfig({ TEAMS_APP_ID: "11111111-2222-4333-8444-555555555555", TEAMS_APP_PASSWORD: "s" }).teams
        .enabled,
    ).toBe(true);
  });

  it("lists a wrong TEAMS_ENABLED and an app id without its password", () => {
    expect(() => loadConfig({ TEAMS_ENABLED: "yes", TEAMS_APP_ID: "x" })).toThrow(
      /TEAMS_ENABLED must be "true" or "false"[\s\S]*TEAMS_APP_PASSWORD/,
    );
  });
});
