import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AssessOptions, assessIdentity, judgeIdentity } from "../../src/core/assess-identity.js";
import type { BlindSpot, MachineIdentity, ServiceNowAttributes, Signal } from "../../src/core/model.js";

const now = new Date("2026-11-23T12:00:00Z");
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

/** A clean, healthy machine identity; each test changes one thing (ServiceNow's attributes too). */
function identity(
  changes: Partial<MachineIdentity> & Partial<Omit<ServiceNowAttributes, "kind">> = {},
): MachineIdentity {
  const { lockedOut = false, webServiceAccessOnly = true, ...overrides } = changes;
  return {
    source: "servicenow",
    id: "a".repeat(32),
    userName: "svc_clean",
    name: "Clean integration",
    active: true,
    attributes: { kind: "servicenow", lockedOut, webServiceAccessOnly },
    createdAt: daysAgo(400),
    roles: ["itil"],
    privilegedRoles: [],
    ownerRef: "b".repeat(32),
    owner: {
      id: "b".repeat(32),
      userName: "alice",
      name: "Alice",
      email: "alice@acme.example",
      active: true,
    },
    apiCalls30d: 120,
    lastApiCallAt: daysAgo(1),
    uiLogins30d: 0,
    uniqueApiCalls7d: [],
    authMethods30d: { basic: 0, oauth: 4, other: 0 },
    discoveredBy: ["wsao"],
    ...overrides,
  };
}

const options: AssessOptions = { now, dormantDays: 100, blindSpots: [], apiLogSince: daysAgo(56) };
const rules = (i: MachineIdentity, opts = options, history?: Parameters<typeof assessIdentity>[1]) =>
  assessIdentity(i, history, opts).map((f) => f.rule);

describe("assessIdentity", () => {
  it("finds nothing wrong with a clean account", () => {
    expect(rules(identity())).toEqual([]);
  });

  it("flags Basic auth used in the last 30 days", () => {
    const [finding] = assessIdentity(
      identity({ authMethods30d: { basic: 12, oauth: 0, other: 0 }, lastBasicAuthAt: daysAgo(2) }),
      undefined,
      options,
    );
    expect(finding).toMatchObject({ rule: "basic_auth", remediation: "move_to_oauth" });
    expect(finding?.evidence[0]?.detail).toContain("12");
  });

  it("flags API calls with Web Service Access Only off", () => {
    expect(rules(identity({ webServiceAccessOnly: false }))).toEqual(["wsao_disabled"]);
  });

  it("flags UI logins together with API calls", () => {
    expect(rules(identity({ webServiceAccessOnly: false, uiLogins30d: 3 }))).toEqual([
      "wsao_disabled",
      "ui_and_api",
    ]);
  });

  it("flags a missing owner, a departed owner and an owner without email", () => {
    expect(rules(identity({ owner: undefined, ownerRef: undefined }))).toEqual(["no_owner"]);
    const gone = assessIdentity(identity({ owner: undefined }), undefined, options)[0];
    expect(gone?.summary).toMatch(/no longer exists/);
    const left = identity({
      owner: { id: "x", userName: "bob", name: "Bob", email: "bob@acme.example", active: false },
    });
    expect(assessIdentity(left, undefined, options)[0]?.summary).toMatch(/Bob .* no longer active/);
    expect(rules(identity({ owner: { id: "x", userName: "bob", name: "Bob", active: true } }))).toEqual([
      "no_owner",
    ]);
  });

  it("does not flag a missing owner once an admin assigned one in chat, blind owner signal or not", () => {
    const orphan = identity({ owner: undefined, ownerRef: undefined, webServiceAccessOnly: false });
    const assigned = { ...options, assignedOwners: new Set([orphan.id]) };
    expect(rules(orphan, assigned)).toEqual(["wsao_disabled"]);
    const blind: BlindSpot[] = [{ signal: "owners", table: "sys_user", reason: "403: manager not readable" }];
    const judged = judgeIdentity(orphan, undefined, { ...assigned, blindSpots: blind });
    expect(judged.undecided).not.toContain("no_owner");
    // Another account's assignment changes nothing for this one.
    expect(rules(orphan, { ...options, assignedOwners: new Set(["other"]) })).toContain("no_owner");
  });

  it("flags privileged roles, more severely when the account can log into the UI", () => {
    const wsao = assessIdentity(
      identity({ roles: ["admin"], privilegedRoles: ["admin"] }),
      undefined,
      options,
    )[0];
    expect(wsao).toMatchObject({ rule: "privileged", severity: "high" });
    const ui = identity({
      roles: ["admin"],
      privilegedRoles: ["admin"],
      webServiceAccessOnly: false,
      apiCalls30d: 0,
      lastApiCallAt: daysAgo(40),
    });
    expect(assessIdentity(ui, undefined, options).find((f) => f.rule === "privileged")?.severity).toBe(
      "critical",
    );
  });

  it("reports nothing for a disabled or locked-out account, whatever it trips", () => {
    const risky = {
      owner: undefined,
      ownerRef: undefined,
      privilegedRoles: ["admin"],
      apiCalls30d: 0,
      lastApiCallAt: undefined,
    };
    expect(rules(identity({ ...risky, active: false }))).toEqual([]);
    expect(rules(identity({ ...risky, lockedOut: true }))).toEqual([]);
  });

  describe("dormant", () => {
    const idle = { apiCalls30d: 0, lastApiCallAt: undefined, lastLoginAt: undefined };

    it("fires with last activity older than the threshold and says when it was", () => {
      const [finding] = assessIdentity(identity({ ...idle, lastLoginAt: daysAgo(150) }), undefined, options);
      expect(finding?.rule).toBe("dormant");
      expect(finding?.summary).toBe(
        `No API use or login for 150 days (last activity ${daysAgo(150).toISOString().slice(0, 10)})`,
      );
    });

    it("does not fire when warden's own history saw activity within the threshold", () => {
      const history = { firstObservedAt: daysAgo(200), lastActiveAt: daysAgo(80) };
      expect(rules(identity(idle), options, history)).toEqual([]);
    });

    it("says how far the evidence reaches when it covers less than the threshold", () => {
      const [finding] = assessIdentity(identity(idle), undefined, options);
      expect(finding?.summary).toBe("No API use or login on record (evidence covers 56 days)");
      expect(finding?.evidence.map((e) => e.detail)).toContain(
        "Evidence covers 56 of 100 days; activity before that is unknown",
      );
    });

    it("is confirmed once warden has observed the account for the whole threshold", () => {
      const history = { firstObservedAt: daysAgo(120) };
      const [finding] = assessIdentity(identity(idle), history, options);
      expect(finding?.summary).toBe("No API use or login for at least 100 days");
    });

    it("does not fire for an account younger than the threshold", () => {
      expect(rules(identity({ ...idle, createdAt: daysAgo(20) }))).toEqual([]);
    });

    it("honours a custom DORMANT_DAYS", () => {
      const account = identity({ ...idle, lastLoginAt: daysAgo(40) });
      expect(rules(account)).toEqual([]);
      expect(rules(account, { ...options, dormantDays: 30 })).toEqual(["dormant"]);
    });
  });

  it("stays silent on rules whose signal is a blind spot", () => {
    const risky = identity({
      webServiceAccessOnly: false,
      uiLogins30d: 2,
      authMethods30d: { basic: 1, oauth: 0, other: 0 },
    });
    const blind = {
      ...options,
      blindSpots: [
        { signal: "ui_logins" as const, table: "sys_user_login_history", reason: "403" },
        { signal: "auth_methods" as const, table: "sys_user_basic_auth_exception", reason: "400" },
      ],
    };
    expect(rules(risky)).toEqual(["basic_auth", "wsao_disabled", "ui_and_api"]);
    expect(rules(risky, blind)).toEqual(["wsao_disabled"]);
  });

  describe("every signal counts", () => {
    const idle = {
      apiCalls30d: 0,
      lastApiCallAt: undefined,
      lastLoginAt: undefined,
      uiLogins30d: 0,
      authMethods30d: { basic: 0, oauth: 0, other: 0 },
      oauthTokens30d: 0,
      createdAt: daysAgo(900),
    };
    const history = { firstObservedAt: daysAgo(300) };
    const blindSpot = (signal: Signal): BlindSpot => ({
      signal,
      table: signal === "oauth_tokens" ? "oauth_credential" : "x",
      reason:
        "ServiceNow GET /api/now/stats/oauth_credential answered 403 Insufficient rights to query records. A role or ACL is missing",
    });
    const recentIn: Record<string, Partial<MachineIdentity>> = {
      "REST calls": { apiCalls30d: 3, lastApiCallAt: daysAgo(2) },
      "Basic auth": { lastBasicAuthAt: daysAgo(5) },
      "OAuth token": { lastOAuthTokenAt: daysAgo(1), oauthTokens30d: 2 },
      "UI login": { uiLogins30d: 1, lastUiLoginAt: daysAgo(3) },
      last_login_time: { lastLoginAt: daysAgo(10) },
    };

    it("makes an account with nothing in any signal dormant, naming every signal it looked at", () => {
      const [finding] = assessIdentity(identity(idle), history, options);
      expect(finding).toMatchObject({ rule: "dormant", remediation: "disable" });
      expect(finding?.evidence.map((e) => e.detail)).toEqual([
        "REST calls: none in the transaction log (log kept since 2026-09-28)",
        "Basic auth: no usage record",
        "OAuth tokens: none issued (the instance drops expired tokens)",
        "UI logins: none in 30 days",
        "Last login (last_login_time): never (normal for API-only accounts)",
        "warden history: no activity seen since it started observing on 2026-01-27",
      ]);
    });

    for (const [signal, recent] of Object.entries(recentIn)) {
      it(`is not dormant when its only recent activity is in ${signal}`, () => {
        const judged = judgeIdentity(identity({ ...idle, ...recent }), history, options);
        expect(judged.findings.map((f) => f.rule)).not.toContain("dormant");
        expect(judged.undecided).not.toContain("dormant");
      });
    }

    it("uses the latest of all signals for the last activity, old Basic auth and tokens included", () => {
      const account = identity({
        ...idle,
        lastLoginAt: daysAgo(400),
        lastBasicAuthAt: daysAgo(150),
        lastOAuthTokenAt: daysAgo(120),
      });
      const [finding] = assessIdentity(account, history, options);
      expect(finding?.summary).toBe("No API use or login for 120 days (last activity 2026-07-26)");
      expect(finding?.evidence.map((e) => e.detail)).toEqual(
        expect.arrayContaining([
          "Basic auth: last seen 2026-06-26",
          "OAuth token issued: 2026-07-26",
          "Last login (last_login_time): 2025-10-19",
        ]),
      );
    });

    it("leaves dormancy undecided while an API signal is blind, unless another signal shows activity", () => {
      for (const signal of ["api_calls", "auth_methods", "oauth_tokens"] as const) {
        const blind = { ...options, blindSpots: [blindSpot(signal)] };
        const quiet = judgeIdentity(identity(idle), history, blind);
        expect(quiet.findings, signal).toEqual([]);
        expect(quiet.undecided, signal).toContain("dormant");
        const active = judgeIdentity(identity({ ...idle, lastLoginAt: daysAgo(3) }), history, blind);
        expect(
          active.findings.map((f) => f.rule),
          signal,
        ).toEqual([]);
        expect(active.undecided, signal).not.toContain("dormant");
      }
    });

    it("names a blind signal in the evidence, with why it could not be read", () => {
      const blind = { ...options, blindSpots: [blindSpot("oauth_tokens")] };
      const account = identity({ ...idle, webServiceAccessOnly: false, lastBasicAuthAt: daysAgo(4) });
      const wsao = assessIdentity(account, history, blind).find((f) => f.rule === "wsao_disabled");
      expect(wsao?.evidence.map((e) => e.detail)).toEqual([
        "REST calls: none in the transaction log (log kept since 2026-09-28)",
        "Basic auth: last seen 2026-11-19",
        "OAuth tokens: not readable (ServiceNow GET /api/now/stats/oauth_credential answered 403 Insufficient rights to query records)",
        "web_service_access_only is false",
      ]);
    });

    it("flags API use through Basic auth or OAuth alone while Web Service Access Only is off", () => {
      const off = { ...idle, webServiceAccessOnly: false };
      expect(rules(identity({ ...off, lastBasicAuthAt: daysAgo(1) }))).toEqual(["wsao_disabled"]);
      expect(rules(identity({ ...off, lastOAuthTokenAt: daysAgo(1), oauthTokens30d: 1 }))).toEqual([
        "wsao_disabled",
      ]);
      const both = identity({ ...off, lastOAuthTokenAt: daysAgo(1), oauthTokens30d: 1, uiLogins30d: 2 });
      const ui = assessIdentity(both, history, options).find((f) => f.rule === "ui_and_api");
      expect(ui?.summary).toBe(
        "Logs into the UI and calls APIs (2 UI login(s), OAuth tokens issued in 30 days)",
      );
      // Quiet in every readable signal but one is blind: not confirmed, not cleared either.
      const blind = { ...options, blindSpots: [blindSpot("oauth_tokens")] };
      const judged = judgeIdentity(identity({ ...off, lastLoginAt: daysAgo(1) }), history, blind);
      expect(judged.findings).toEqual([]);
      expect(judged.undecided).toEqual(["wsao_disabled"]);
    });

    it("never recommends disabling an account with recent activity in any signal", () => {
      const recentDate = fc.integer({ min: 0, max: 99 }).map(daysAgo);
      const anyDate = fc.option(fc.integer({ min: 0, max: 2000 }).map(daysAgo), { nil: undefined });
      const signals: Signal[] = ["api_calls", "auth_methods", "oauth_tokens", "ui_logins", "roles", "owners"];
      fc.assert(
        fc.property(
          fc.constantFrom(
            "lastApiCallAt",
            "lastUiLoginAt",
            "lastLoginAt",
            "lastBasicAuthAt",
            "lastOAuthTokenAt",
            "history",
          ),
          recentDate,
          fc.record({
            lastApiCallAt: anyDate,
            lastUiLoginAt: anyDate,
            lastLoginAt: anyDate,
            lastBasicAuthAt: anyDate,
            lastOAuthTokenAt: anyDate,
            apiCalls30d: fc.nat(50),
            uiLogins30d: fc.nat(5),
            webServiceAccessOnly: fc.boolean(),
            privilegedRoles: fc.constantFrom<string[][]>([], ["admin"]),
          }),
          fc.subarray(signals),
          (where, when, rest, blind) => {
            const account = identity({ ...idle, ...rest, ...(where === "history" ? {} : { [where]: when }) });
            const seen = {
              firstObservedAt: daysAgo(500),
              lastActiveAt: where === "history" ? when : undefined,
            };
            const judged = judgeIdentity(account, seen, { ...options, blindSpots: blind.map(blindSpot) });
            expect(judged.findings.filter((f) => f.remediation === "disable")).toEqual([]);
            expect(judged.undecided).not.toContain("dormant");
          },
        ),
      );
    });
  });
});
