import { describe, expect, it } from "vitest";
import { type AssessOptions, judgeIdentity } from "../../../src/core/assess-identity.js";
import { accountRisk, computeScore } from "../../../src/core/compute-score.js";
import type { MachineIdentity } from "../../../src/core/model.js";
import { defineRule } from "../../../src/core/rules/rule-definition.js";
import { RULES } from "../../../src/core/rules/rule-registry.js";
import { RULE_TITLES, ruleWording } from "../../../src/messages/rule-text.js";

const now = new Date("2026-11-23T12:00:00Z");
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

/**
 * A rule a next source brings (API tokens that live too long; not a registered name), declared in the test and
 * passed to the assessment: nothing outside this definition knows it.
 */
const longLivedToken = defineRule({
  name: "long_lived_token",
  title: "Long-lived token",
  opened: "got a token valid for over a year",
  resolved: "rotated their long-lived token",
  remediation: "rotate_token",
  remediationText: "Replace the token with a short-lived one",
  weight: 0.25,
  signals: ["roles"],
  // Only sources that list credentials can be judged.
  appliesTo: (identity) => identity.credentials !== undefined,
  judge({ identity, seesAll }) {
    if (!seesAll) return "undecided";
    const long = (identity.credentials ?? []).filter(
      (c) => c.createdAt && c.expiresAt && c.expiresAt.getTime() - c.createdAt.getTime() > 365 * 86_400_000,
    );
    if (long.length === 0) return undefined;
    return {
      severity: "medium",
      summary: `${long.length} secret(s) valid for over a year`,
      evidence: long.map((c) => ({
        signal: "roles" as const,
        detail: `Secret ${c.id} expires ${c.expiresAt?.toISOString().slice(0, 10)}`,
      })),
    };
  },
});
const rules = [...RULES, longLivedToken];

function identity(changes: Partial<MachineIdentity> = {}): MachineIdentity {
  return {
    source: "servicenow",
    id: "a".repeat(32),
    userName: "svc_secret",
    name: "Secret holder",
    active: true,
    attributes: { kind: "servicenow", lockedOut: false, webServiceAccessOnly: true },
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
    apiCalls30d: 40,
    lastApiCallAt: daysAgo(1),
    uiLogins30d: 0,
    uniqueApiCalls7d: [],
    authMethods30d: { basic: 0, oauth: 4, other: 0 },
    discoveredBy: ["wsao"],
    ...changes,
  };
}

const options: AssessOptions = { now, dormantDays: 100, blindSpots: [], apiLogSince: daysAgo(56) };
const twoYearSecret = { id: "k1", type: "secret" as const, createdAt: daysAgo(10), expiresAt: daysAgo(-720) };

describe("a rule added without touching any other file", () => {
  it("is judged next to the registered rules, with its own evidence and remediation", () => {
    const judged = judgeIdentity(
      identity({ credentials: [twoYearSecret], owner: undefined, ownerRef: undefined }),
      undefined,
      options,
      rules,
    );
    expect(judged.findings.map((f) => f.rule)).toEqual(["no_owner", "long_lived_token"]);
    expect(judged.findings[1]).toMatchObject({
      rule: "long_lived_token",
      severity: "medium",
      summary: "1 secret(s) valid for over a year",
      remediation: "rotate_token",
      evidence: [
        { signal: "roles", detail: `Secret k1 expires ${daysAgo(-720).toISOString().slice(0, 10)}` },
      ],
    });
    const shortSecret = { ...twoYearSecret, expiresAt: daysAgo(-90) };
    expect(
      judgeIdentity(identity({ credentials: [shortSecret] }), undefined, options, rules).findings,
    ).toEqual([]);
  });

  it("is left undecided when a signal it rests on is blind, and skipped where it does not apply", () => {
    const blind = { ...options, blindSpots: [{ signal: "roles" as const, table: "t", reason: "403: ACL" }] };
    const judged = judgeIdentity(identity({ credentials: [twoYearSecret] }), undefined, blind, rules);
    expect(judged.undecided).toContain("long_lived_token");
    expect(judged.findings).toEqual([]);
    // A source that lists no credentials: the rule neither fires nor stays undecided.
    const unlisted = judgeIdentity(identity(), undefined, blind, rules);
    expect(unlisted.undecided).not.toContain("long_lived_token");
  });

  it("changes nothing for the registered rules' findings when it does not fire", () => {
    const risky = identity({
      attributes: { kind: "servicenow", lockedOut: false, webServiceAccessOnly: false },
      roles: ["admin"],
      privilegedRoles: ["admin"],
      credentials: [],
    });
    expect(judgeIdentity(risky, undefined, options).findings.map((f) => f.rule)).toEqual([
      "wsao_disabled",
      "privileged",
    ]);
    expect(judgeIdentity(risky, undefined, options, rules)).toEqual(judgeIdentity(risky, undefined, options));
  });

  it("is scored with its weight, and leaves the score of accounts it did not flag as it was", () => {
    const score = computeScore(
      [
        { disabled: false, rules: ["long_lived_token"] },
        { disabled: false, rules: [] },
      ],
      rules,
    );
    // One of two accounts at risk 0.25: 100 × (1 − 0.125), rounded.
    expect(score.value).toBe(88);
    expect(score.byRule.long_lived_token).toEqual({ accounts: 1, points: 12.5 });
    expect(accountRisk({ disabled: false, rules: ["long_lived_token", "dormant"] }, rules)).toBeCloseTo(
      1 - 0.75 * 0.4,
    );
    const registered = [
      { disabled: false, rules: ["dormant", "privileged"] as const },
      { disabled: false, rules: ["no_owner"] as const },
    ];
    expect(computeScore(registered, rules).value).toBe(computeScore(registered).value);
  });

  it("is worded from its definition, next to the registered rules' wording", () => {
    const wording = ruleWording(rules);
    expect(wording.titles.long_lived_token).toBe("Long-lived token");
    expect(wording.opened.long_lived_token).toBe("got a token valid for over a year");
    expect(wording.resolved.long_lived_token).toBe("rotated their long-lived token");
    expect(wording.remediation.rotate_token).toBe("Replace the token with a short-lived one");
    expect(wording.titles.dormant).toBe(RULE_TITLES.dormant);
  });
});
