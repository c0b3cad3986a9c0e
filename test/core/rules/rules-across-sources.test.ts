import { describe, expect, it } from "vitest";
import { type AssessOptions, judgeIdentity } from "../../../src/core/assess-identity.js";
import type { MachineIdentity } from "../../../src/core/model.js";
import { RULES } from "../../../src/core/rules/rule-registry.js";
import { at, certificate, entraApp, NOW, secret } from "./entra-identity-fixture.js";

const options: AssessOptions = { now: NOW, dormantDays: 90, blindSpots: [], apiLogSince: at(-56) };
const rules = (identity: MachineIdentity) =>
  judgeIdentity(identity, undefined, options).findings.map((f) => f.rule);
const ENTRA_ONLY = ["credential_expiring", "credential_expired", "long_lived_secret"];
const SERVICENOW_ONLY = ["basic_auth", "wsao_disabled", "ui_and_api"];

/** A ServiceNow account tripping every ServiceNow rule. */
function riskyServiceNowUser(changes: Partial<MachineIdentity> = {}): MachineIdentity {
  return {
    source: "servicenow",
    id: "a".repeat(32),
    userName: "svc_everything",
    name: "Everything wrong",
    active: true,
    attributes: { kind: "servicenow", lockedOut: false, webServiceAccessOnly: false },
    createdAt: at(-400),
    roles: ["admin"],
    privilegedRoles: ["admin"],
    ownerRef: "b".repeat(32),
    owner: {
      id: "b".repeat(32),
      userName: "alice",
      name: "Alice",
      email: "alice@acme.example",
      active: true,
    },
    apiCalls30d: 50,
    lastApiCallAt: at(-1),
    uiLogins30d: 3,
    lastUiLoginAt: at(-2),
    uniqueApiCalls7d: [],
    authMethods30d: { basic: 7, oauth: 0, other: 0 },
    lastBasicAuthAt: at(-1),
    discoveredBy: ["wsao", "basic_auth"],
    ...changes,
  };
}

describe("rules of one source never fire on another's accounts", () => {
  it("fires no ServiceNow-only rule on an Entra app, whatever fields it carries", () => {
    // An Entra identity with ServiceNow-shaped activity fields filled in still gets none of them.
    const app = entraApp({
      apiCalls30d: 50,
      lastApiCallAt: at(-1),
      uiLogins30d: 3,
      authMethods30d: { basic: 7, oauth: 0, other: 0 },
      lastBasicAuthAt: at(-1),
      credentials: [secret("old", -400, -1), secret("soon", -300, 5)],
    });
    const judged = judgeIdentity(app, undefined, options);
    for (const rule of SERVICENOW_ONLY) {
      expect(judged.findings.map((f) => f.rule)).not.toContain(rule);
      expect(judged.undecided).not.toContain(rule);
    }
    expect(judged.findings.map((f) => f.rule)).toEqual([
      "credential_expiring",
      "credential_expired",
      "long_lived_secret",
    ]);
  });

  it("fires no Entra-only rule on a ServiceNow account, even one given credentials", () => {
    const user = riskyServiceNowUser({ credentials: [secret("old", -400, -1), certificate("c", -300, 5)] });
    expect(rules(user)).toEqual(["basic_auth", "wsao_disabled", "ui_and_api", "privileged"]);
    const judged = judgeIdentity(user, undefined, options);
    for (const rule of ENTRA_ONLY) expect(judged.undecided).not.toContain(rule);
  });

  it("declares, for every rule, which kinds of source it applies to", () => {
    const entra = entraApp();
    const servicenow = riskyServiceNowUser();
    const applies = Object.fromEntries(
      RULES.map((r) => [r.name, [r.appliesTo?.(servicenow) ?? true, r.appliesTo?.(entra) ?? true]]),
    );
    expect(applies).toEqual({
      dormant: [true, true],
      basic_auth: [true, false],
      wsao_disabled: [true, false],
      ui_and_api: [true, false],
      no_owner: [true, true],
      privileged: [true, true],
      credential_expiring: [false, true],
      credential_expired: [false, true],
      long_lived_secret: [false, true],
    });
  });

  it("recommends each source's own fix for a shared rule", () => {
    const sn = judgeIdentity(riskyServiceNowUser(), undefined, options).findings.find(
      (f) => f.rule === "privileged",
    );
    const app = entraApp(
      { privilegedRoles: ["Directory.ReadWrite.All"] },
      { graphPermissions: ["Directory.ReadWrite.All"] },
    );
    const entra = judgeIdentity(app, undefined, options).findings.find((f) => f.rule === "privileged");
    expect(sn?.remediation).toBe("reduce_roles");
    expect(entra?.remediation).toBe("review_permissions");
  });

  it("judges ServiceNow dormancy by API use and Entra dormancy by sign-ins", () => {
    // Blind Entra sign-ins mean nothing to a ServiceNow account, and blind REST calls nothing to an Entra app.
    const idleUser = riskyServiceNowUser({
      apiCalls30d: 0,
      lastApiCallAt: at(-200),
      uiLogins30d: 0,
      lastUiLoginAt: undefined,
      authMethods30d: { basic: 0, oauth: 0, other: 0 },
      lastBasicAuthAt: undefined,
      privilegedRoles: [],
      roles: [],
    });
    const signInsBlind = {
      ...options,
      apiLogSince: at(-300),
      blindSpots: [{ signal: "sign_ins" as const, table: "t", reason: "403" }],
    };
    expect(judgeIdentity(idleUser, undefined, signInsBlind).findings.map((f) => f.rule)).toContain("dormant");
    const idleApp = entraApp({}, { lastSignInAt: at(-200), lastAppOnlySignInAt: at(-200) });
    idleApp.credentials = [];
    const apiBlind = {
      ...options,
      blindSpots: [{ signal: "api_calls" as const, table: "t", reason: "403" }],
    };
    expect(judgeIdentity(idleApp, undefined, apiBlind).findings.map((f) => f.rule)).toContain("dormant");
  });
});
