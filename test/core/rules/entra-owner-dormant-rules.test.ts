import { describe, expect, it } from "vitest";
import { type AssessOptions, judgeIdentity } from "../../../src/core/assess-identity.js";
import type { BlindSpot, EntraOwner, MachineIdentity } from "../../../src/core/model.js";
import { ALICE, at, entraApp, NOW, secret } from "./entra-identity-fixture.js";

const options: AssessOptions = { now: NOW, dormantDays: 90, blindSpots: [] };
const blind = (...signals: BlindSpot["signal"][]): BlindSpot[] =>
  signals.map((signal) => ({
    signal,
    table: "/beta/reports",
    reason: "403 Authentication_RequestFromNonPremiumTenantOrB2CTenant. Grant it.",
  }));
const judge = (
  identity: MachineIdentity,
  extra: Partial<AssessOptions> = {},
  history?: Parameters<typeof judgeIdentity>[1],
) => judgeIdentity(identity, history, { ...options, ...extra });
const owned = (...owners: EntraOwner[]) => entraApp({}, { owners });
const ruleOf = (identity: MachineIdentity, rule: string, extra: Partial<AssessOptions> = {}) =>
  judge(identity, extra).findings.find((f) => f.rule === rule);

const group: EntraOwner = { id: "g1", kind: "group", displayName: "Platform team" };
const bot: EntraOwner = { id: "sp1", kind: "servicePrincipal", displayName: "deploy-bot" };
const leaver: EntraOwner = {
  ...ALICE,
  id: "u2",
  displayName: "Carol Left",
  mail: "carol@example.com",
  enabled: false,
};
const noMail: EntraOwner = { ...ALICE, id: "u3", displayName: "Dan NoMail", mail: undefined };

describe("no_owner on an Entra app", () => {
  it("is satisfied by one enabled user with mail among groups, service principals and leavers", () => {
    expect(ruleOf(owned(group, bot, leaver, noMail, ALICE), "no_owner")).toBeUndefined();
  });

  it("fires for groups and service principals only, naming each", () => {
    expect(ruleOf(owned(group), "no_owner")?.summary).toBe(
      "Owned only by a group or service principal, which warden cannot ask",
    );
    expect(ruleOf(owned(group, bot), "no_owner")?.evidence).toEqual([
      { signal: "owners", detail: "Owner Platform team (group)" },
      { signal: "owners", detail: "Owner deploy-bot (service principal)" },
    ]);
  });

  it("fires for disabled users and users without mail, saying which is which", () => {
    const finding = ruleOf(owned(leaver, noMail, group), "no_owner");
    expect(finding).toMatchObject({ severity: "medium", remediation: "assign_owner" });
    expect(finding?.summary).toBe("No owner is an enabled user with a mail address");
    expect(finding?.evidence.map((e) => e.detail)).toEqual([
      "Owner Carol Left (user, disabled)",
      "Owner Dan NoMail (user, no mail)",
      "Owner Platform team (group)",
    ]);
  });

  it("is undecided when owner details are blind and a user owns it, settled by an owner assigned in chat", () => {
    expect(judge(owned(leaver), { blindSpots: blind("owners") }).undecided).toEqual(["no_owner"]);
    expect(ruleOf(owned(), "no_owner", { blindSpots: blind("owners") })?.summary).toBe(
      "No owner is set on the app registration",
    );
    const app = owned();
    expect(ruleOf(app, "no_owner", { assignedOwners: new Set([app.id]) })).toBeUndefined();
  });
});

describe("dormant on an Entra app", () => {
  const idle = (changes: Partial<MachineIdentity> = {}, attrs = {}) =>
    entraApp(
      { credentials: [secret("s1", -100, 60, { lastUsedAt: at(-120) })], lastLoginAt: at(-120), ...changes },
      { lastSignInAt: at(-120), lastAppOnlySignInAt: at(-125), ...attrs },
    );

  it("fires after ENTRA_DORMANT_DAYS without a sign-in, naming the last one and the report it came from", () => {
    const finding = ruleOf(idle(), "dormant");
    expect(finding).toMatchObject({
      rule: "dormant",
      severity: "high",
      remediation: "disable",
      summary: `No sign-in for 120 days (last ${at(-120).toISOString().slice(0, 10)})`,
    });
    expect(finding?.evidence[0]).toEqual({
      signal: "sign_ins",
      detail: `Last sign-in (service principal sign-in activity): ${at(-120).toISOString().slice(0, 10)}, 120 days ago; app-only as a client ${at(-125).toISOString().slice(0, 10)}`,
    });
    expect(ruleOf(idle(), "dormant", { dormantDays: 121 })).toBeUndefined();
  });

  it("is critical for a privileged app", () => {
    expect(ruleOf(idle({ privilegedRoles: ["Application.ReadWrite.All"] }), "dormant")?.severity).toBe(
      "critical",
    );
  });

  it("is ruled out by a recent sign-in with a credential, even when the sign-in report is blind", () => {
    const usedLately = idle({ credentials: [secret("s1", -100, 60, { lastUsedAt: at(-3) })] });
    expect(judge(usedLately, { blindSpots: blind("sign_ins") })).toEqual({ findings: [], undecided: [] });
    expect(ruleOf(usedLately, "dormant")).toBeUndefined();
  });

  it("is undecided when the sign-in report is blind and nothing readable shows use", () => {
    const app = idle({ lastLoginAt: undefined }, { lastSignInAt: undefined, lastAppOnlySignInAt: undefined });
    expect(judge(app, { blindSpots: blind("sign_ins", "credential_sign_ins") }).undecided).toEqual([
      "dormant",
    ]);
    expect(judge(app, { blindSpots: blind("sign_ins") }).undecided).toEqual(["dormant"]);
  });

  it("reads the sign-in report alone when credential sign-ins are blind, and says so", () => {
    const finding = ruleOf(idle(), "dormant", { blindSpots: blind("credential_sign_ins") });
    expect(finding?.evidence[1]?.detail).toBe(
      "Credential sign-ins: not readable (403 Authentication_RequestFromNonPremiumTenantOrB2CTenant)",
    );
  });

  it("counts warden's remembered activity, and leaves apps younger than the window alone", () => {
    const remembered = { firstObservedAt: at(-200), lastActiveAt: at(-10) };
    expect(judge(idle(), {}, remembered).findings.map((f) => f.rule)).not.toContain("dormant");
    const young = idle(
      { createdAt: at(-30), credentials: [] },
      { lastSignInAt: undefined, lastAppOnlySignInAt: undefined },
    );
    expect(ruleOf(young, "dormant")).toBeUndefined();
    const never = idle(
      { createdAt: at(-300), credentials: [], lastLoginAt: undefined },
      { lastSignInAt: undefined, lastAppOnlySignInAt: undefined },
    );
    expect(ruleOf(never, "dormant")?.summary).toBe("No sign-in on record since it was created 300 days ago");
  });
});
