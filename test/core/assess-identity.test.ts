import { describe, expect, it } from "vitest";
import { type AssessOptions, assessIdentity } from "../../src/core/assess-identity.js";
import type { MachineIdentity } from "../../src/core/model.js";

const now = new Date("2026-11-23T12:00:00Z");
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

/** A clean, healthy machine identity; each test changes one thing. */
function identity(overrides: Partial<MachineIdentity> = {}): MachineIdentity {
  return {
    source: "servicenow",
    id: "a".repeat(32),
    userName: "svc_clean",
    name: "Clean integration",
    active: true,
    lockedOut: false,
    webServiceAccessOnly: true,
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
        `No API call or UI login for 150 days (last activity ${daysAgo(150).toISOString().slice(0, 10)})`,
      );
    });

    it("does not fire when warden's own history saw activity within the threshold", () => {
      const history = { firstObservedAt: daysAgo(200), lastActiveAt: daysAgo(80) };
      expect(rules(identity(idle), options, history)).toEqual([]);
    });

    it("says how far the evidence reaches when it covers less than the threshold", () => {
      const [finding] = assessIdentity(identity(idle), undefined, options);
      expect(finding?.summary).toBe("No API call or UI login on record (evidence covers 56 days)");
      expect(finding?.evidence.map((e) => e.detail)).toContain(
        "Evidence covers 56 of 100 days; activity before that is unknown",
      );
    });

    it("is confirmed once warden has observed the account for the whole threshold", () => {
      const history = { firstObservedAt: daysAgo(120) };
      const [finding] = assessIdentity(identity(idle), history, options);
      expect(finding?.summary).toBe("No API call or UI login for at least 100 days");
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
});
