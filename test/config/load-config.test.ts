import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { ConfigError } from "../../src/errors.js";

describe("loadConfig", () => {
  it("runs with no configuration at all: simulated instance, local database, defaults", () => {
    const config = loadConfig({});
    expect(config.servicenow.url).toBeUndefined();
    expect(config.dbPath).toBe("./data/warden.db");
    expect(config).toMatchObject({ mode: "apply", dormantDays: 100, port: 3000, logLevel: "info" });
    expect(config.scanSchedule).toBe("0 2 * * *");
    expect(config.digestSchedule).toBe("0 9 * * 1");
    expect(config.privilegedRoles).toContain("admin");
    expect(config.slack.apiUrl).toBe("https://slack.com/api/");
  });

  it("prefers OAuth client credentials over Basic auth when both are set", () => {
    const config = loadConfig({
      SERVICENOW_URL: "https://acme.service-now.com/",
      SERVICENOW_USERNAME: "bot",
      SERVICENOW_PASSWORD: "pw",
      SERVICENOW_CLIENT_ID: "id",
      SERVICENOW_CLIENT_SECRET: "secret",
    });
    expect(config.servicenow.url).toBe("https://acme.service-now.com");
    expect(config.servicenow.auth).toEqual({ kind: "oauth", clientId: "id", clientSecret: "secret" });
  });

  it("lists every problem at once", () => {
    let error: unknown;
    try {
      loadConfig({
        SERVICENOW_URL: "https://acme.service-now.com",
        SERVICENOW_CLIENT_ID: "id",
        PORT: "99999",
        LOG_LEVEL: "loud",
        WARDEN_ADMINS: "alice@acme.example, bob",
        SCAN_SCHEDULE: "every night",
        SLACK_BOT_TOKEN: "xoxb-1",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect([...problems].sort()).toEqual(
      [
        "SERVICENOW_CLIENT_ID and SERVICENOW_CLIENT_SECRET must be set together.",
        'WARDEN_ADMINS must list email addresses (got "bob").',
        'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (got "loud").',
        "SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode) is.",
        'PORT must be a whole number from 0 to 65535 (got "99999").',
        'SCAN_SCHEDULE must be a cron expression with 5 or 6 fields, e.g. "0 2 * * *" (got "every night").',
      ].sort(),
    );
    expect(message).not.toContain("xoxb-1");
  });

  it("asks for credentials when only the URL is set", () => {
    expect(() => loadConfig({ SERVICENOW_URL: "https://acme.service-now.com" })).toThrowError(
      /SERVICENOW_URL is set but no credentials are/,
    );
  });

  it("refuses credentials embedded in a URL, naming the variable and never its value", () => {
    const problemsOf = (env: Record<string, string>): readonly string[] => {
      try {
        loadConfig(env);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      throw new Error("loadConfig accepted the configuration");
    };
    expect(
      problemsOf({
        SERVICENOW_URL: "https://bob:hunter2@acme.service-now.com",
        SERVICENOW_USERNAME: "bot",
        SERVICENOW_PASSWORD: "pw",
      }),
    ).toEqual([
      "SERVICENOW_URL must not contain a user name or password (user:password@ before the host): remove them and set SERVICENOW_USERNAME/SERVICENOW_PASSWORD (or SERVICENOW_CLIENT_ID/SERVICENOW_CLIENT_SECRET for OAuth) instead.",
    ]);
    // Only the URL: one problem, not also "no credentials".
    expect(problemsOf({ SERVICENOW_URL: "https://bob:hunter2@acme.service-now.com" })).toHaveLength(1);
    expect(problemsOf({ SLACK_API_URL: "https://bob:hunter2@slack.example/api/" })).toEqual([
      "SLACK_API_URL must not contain a user name or password (user:password@ before the host): remove them.",
    ]);
    // Malformed, yet carrying a password: shown without it.
    const malformed = problemsOf({
      SERVICENOW_URL: "https://bob:hunter2@acme service-now.com",
      SERVICENOW_USERNAME: "bot",
      SERVICENOW_PASSWORD: "pw",
    });
    expect(malformed).toEqual([
      'SERVICENOW_URL must be an http(s) URL such as https://acme.service-now.com (got "https://[redacted]@acme service-now.com").',
    ]);
    expect(problemsOf({ SERVICENOW_URL: "bob:hunter2@acme.service-now.com" }).join(" ")).not.toContain(
      "hunter2",
    );
  });

  it("normalises admins to lower case", () => {
    expect(loadConfig({ WARDEN_ADMINS: "Alice@Acme.example,,bob@acme.example " }).admins).toEqual([
      "alice@acme.example",
      "bob@acme.example",
    ]);
  });

  it("normalises admins by the email rule: ASCII case only, IDN domains in punycode", () => {
    expect(loadConfig({ WARDEN_ADMINS: "SecOps@B\u00FCcher.example,J\u00D6RG@acme.example" }).admins).toEqual(
      ["secops@xn--bcher-kva.example", "j\u00D6rg@acme.example"],
    );
    expect(() => loadConfig({ WARDEN_ADMINS: "secops@acme.example/x" })).toThrowError(
      /WARDEN_ADMINS must list email addresses/,
    );
  });

  it("trusts a chat user's email for WARDEN_USER_CACHE_HOURS, 24 by default, 1 to 720", () => {
    expect(loadConfig({}).userCacheHours).toBe(24);
    expect(loadConfig({ WARDEN_USER_CACHE_HOURS: "1" }).userCacheHours).toBe(1);
    expect(loadConfig({ WARDEN_USER_CACHE_HOURS: "720" }).userCacheHours).toBe(720);
    for (const bad of ["0", "721", "1.5", "a day"]) {
      expect(() => loadConfig({ WARDEN_USER_CACHE_HOURS: bad })).toThrowError(
        /WARDEN_USER_CACHE_HOURS must be a whole number from 1 to 720/,
      );
    }
  });

  it("keeps sent messages, resolved findings and vanished accounts WARDEN_RETENTION_DAYS, 400 by default, 30 to 36500", () => {
    expect(loadConfig({}).retentionDays).toBe(400);
    expect(loadConfig({ WARDEN_RETENTION_DAYS: "90" }).retentionDays).toBe(90);
    for (const bad of ["0", "29", "36501", "1.5", "a year"]) {
      expect(() => loadConfig({ WARDEN_RETENTION_DAYS: bad }), bad).toThrowError(
        /WARDEN_RETENTION_DAYS must be a whole number from 30 to 36500/,
      );
    }
  });

  it("reports messages undelivered after WARDEN_DELIVERY_GIVE_UP_DAYS, 7 by default, 1 to 365", () => {
    expect(loadConfig({}).deliveryGiveUpDays).toBe(7);
    expect(loadConfig({ WARDEN_DELIVERY_GIVE_UP_DAYS: "2" }).deliveryGiveUpDays).toBe(2);
    for (const bad of ["0", "366", "2.5", "a week"]) {
      expect(() => loadConfig({ WARDEN_DELIVERY_GIVE_UP_DAYS: bad }), bad).toThrowError(
        /WARDEN_DELIVERY_GIVE_UP_DAYS must be a whole number from 1 to 365/,
      );
    }
  });

  it("reads the longest Retry-After to wait out, 120 s unless set, and refuses one over an hour", () => {
    expect(loadConfig({}).servicenow.maxRetryAfterSeconds).toBe(120);
    expect(loadConfig({ SERVICENOW_MAX_RETRY_AFTER_SECONDS: "30" }).servicenow.maxRetryAfterSeconds).toBe(30);
    expect(loadConfig({ SERVICENOW_MAX_RETRY_AFTER_SECONDS: "0" }).servicenow.maxRetryAfterSeconds).toBe(0);
    for (const value of ["7200", "-1", "1.5", "soon"]) {
      expect(() => loadConfig({ SERVICENOW_MAX_RETRY_AFTER_SECONDS: value }), value).toThrowError(
        /SERVICENOW_MAX_RETRY_AFTER_SECONDS must be a whole number from 0 to 3600/,
      );
    }
  });
});
