import { describe, expect, it } from "vitest";
import { type AssessOptions, judgeIdentity } from "../../../src/core/assess-identity.js";
import type { BlindSpot, Credential } from "../../../src/core/model.js";
import { at, certificate, entraApp, NOW, secret } from "./entra-identity-fixture.js";

const options: AssessOptions = { now: NOW, dormantDays: 90, blindSpots: [] };
const withCredentials = (credentials: Credential[], extra: Partial<AssessOptions> = {}) =>
  judgeIdentity(entraApp({ credentials }), undefined, { ...options, ...extra });
const find = (credentials: Credential[], rule: string, extra: Partial<AssessOptions> = {}) =>
  withCredentials(credentials, extra).findings.find((f) => f.rule === rule);
const day = (offset: number) => at(offset).toISOString().slice(0, 10);

describe("credential_expiring", () => {
  it("fires for a credential expiring exactly CREDENTIAL_WARN_DAYS from now, not one a moment later", () => {
    expect(find([secret("s1", -100, 30)], "credential_expiring")?.summary).toBe(
      `Client secret "s1" expires ${day(30)}, in 30 days`,
    );
    const later = secret("s1", -100, 30, { expiresAt: new Date(at(30).getTime() + 1000) });
    expect(find([later], "credential_expiring")).toBeUndefined();
    // The default is 30 days; a configured window moves the boundary.
    expect(find([secret("s1", -100, 14)], "credential_expiring", { credentialWarnDays: 14 })).toBeDefined();
    expect(find([secret("s1", -100, 15)], "credential_expiring", { credentialWarnDays: 14 })).toBeUndefined();
  });

  it("is high when nothing outlives the window, medium when a successor is in place", () => {
    const alone = find([secret("old", -100, 3)], "credential_expiring");
    expect(alone?.severity).toBe("high");
    const withNext = find([secret("old", -100, 3), certificate("next", -1, 300)], "credential_expiring");
    expect(withNext?.severity).toBe("medium");
    // Two credentials expiring inside the window are no successor to each other.
    const both = find([secret("a", -100, 3), secret("b", -100, 20)], "credential_expiring");
    expect(both?.severity).toBe("high");
    expect(both?.summary).toBe(`2 credentials expire within 30 days (the first ${day(3)}, in 3 days)`);
    expect(both?.evidence.map((e) => e.detail.split(" expires")[0])).toEqual([
      'Secret "a" (hint a, keyId a)',
      'Secret "b" (hint b, keyId b)',
      `No other credential is valid after ${day(30)}: the app stops signing in when they expire`,
    ]);
  });

  it("says when the credential was last used, and nothing about use when that report is blind", () => {
    const used = secret("s1", -100, 10, { lastUsedAt: at(-2) });
    expect(find([used], "credential_expiring")?.evidence[0]?.detail).toBe(
      `Secret "s1" (hint s1, keyId s1) expires ${day(10)}, in 10 days; last used ${day(-2)}`,
    );
    const unused = secret("s1", -100, 10);
    expect(find([unused], "credential_expiring")?.evidence[0]?.detail).toMatch(
      /in 10 days; no sign-in with it on record$/,
    );
    const blind: BlindSpot[] = [
      { signal: "credential_sign_ins", table: "/beta/reports/x", reason: "403: licence" },
    ];
    expect(find([unused], "credential_expiring", { blindSpots: blind })?.evidence[0]?.detail).toMatch(
      /in 10 days$/,
    );
  });

  it("does not fire for expired credentials or ones valid beyond the window", () => {
    expect(find([secret("s1", -100, -1), secret("s2", -10, 31)], "credential_expiring")).toBeUndefined();
  });
});

describe("credential_expired", () => {
  it("fires for a credential that expired yesterday, not for one expiring in a minute", () => {
    const finding = find([secret("y", -100, -1)], "credential_expired");
    expect(finding).toMatchObject({
      rule: "credential_expired",
      severity: "low",
      remediation: "remove_credential",
      summary: `Client secret "y" expired ${day(-1)} (1 day ago) and is still attached`,
      evidence: [
        { signal: "credentials", detail: `Secret "y" (hint y, keyId y) expired ${day(-1)}, 1 day ago` },
      ],
    });
    const soon = secret("m", -100, 0, { expiresAt: new Date(NOW.getTime() + 60_000) });
    expect(find([soon], "credential_expired")).toBeUndefined();
    expect(find([soon], "credential_expiring")).toBeDefined();
  });

  it("names every one of dozens of expired credentials, oldest first, and none of the live ones", () => {
    const expired = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0 ? secret(`old-${i}`, -300, -1 - i) : certificate(`oldcert-${i}`, -300, -1 - i),
    );
    const live = Array.from({ length: 20 }, (_, i) => secret(`live-${i}`, -10, 100));
    const finding = find([...live, ...expired], "credential_expired");
    expect(finding?.summary).toBe(
      `40 expired credentials still attached (expired between ${day(-40)} and ${day(-1)})`,
    );
    expect(finding?.evidence).toHaveLength(40);
    const named = finding?.evidence.map((e) => e.detail.match(/keyId ([\w-]+)\)/)?.[1]);
    expect(named).toEqual(expired.map((c) => c.id).reverse());
    expect(finding?.evidence.some((e) => e.detail.includes("live-"))).toBe(false);
    expect(finding?.evidence.find((e) => e.detail.includes("oldcert-1)"))?.detail).toBe(
      `Certificate "CN=oldcert-1" (keyId oldcert-1) expired ${day(-2)}, 2 days ago`,
    );
  });
});

describe("long_lived_secret", () => {
  it("fires for a secret valid 181 days, not 180", () => {
    expect(find([secret("s181", -1, 180)], "long_lived_secret")).toMatchObject({
      severity: "medium",
      remediation: "replace_secret",
      summary: `Client secret "s181" is valid for 181 days (until ${day(180)})`,
      evidence: [
        {
          signal: "credentials",
          detail: `Secret "s181" (hint s18, keyId s181) is valid for 181 days, ${day(-1)} to ${day(180)}`,
        },
      ],
    });
    expect(find([secret("s180", -1, 179)], "long_lived_secret")).toBeUndefined();
  });

  it("counts secrets only: a certificate valid for years is not a long-lived secret", () => {
    expect(find([certificate("c", -10, 1000)], "long_lived_secret")).toBeUndefined();
    const mixed = find(
      [certificate("c", -10, 1000), secret("s", -10, 500), secret("t", -10, 300)],
      "long_lived_secret",
    );
    expect(mixed?.summary).toBe("2 client secrets valid for more than 180 days (the longest for 510 days)");
    expect(mixed?.evidence.map((e) => e.detail.slice(0, 10))).toEqual(['Secret "s"', 'Secret "t"']);
  });

  it("leaves expired long-lived secrets to credential_expired, and secrets without a start alone", () => {
    const judged = withCredentials([
      secret("gone", -500, -1),
      secret("nostart", -1, 400, { createdAt: undefined }),
    ]);
    expect(judged.findings.map((f) => f.rule)).toEqual(["credential_expired"]);
  });
});

describe("credentials the rules read", () => {
  it("name the credential by name, hint and keyId in every finding about it", () => {
    const judged = withCredentials([secret("s1", -400, 5, { hint: "Zx9", name: "prod key" })]);
    expect(judged.findings.map((f) => f.rule)).toEqual(["credential_expiring", "long_lived_secret"]);
    for (const finding of judged.findings) {
      expect(finding.evidence[0]?.detail).toMatch(/^Secret "prod key" \(hint Zx9, keyId s1\) /);
    }
  });

  it("judge nothing on a disabled service principal", () => {
    const judged = judgeIdentity(
      entraApp({ active: false, credentials: [secret("x", -400, -1), secret("y", -1, 5)] }),
      undefined,
      options,
    );
    expect(judged).toEqual({ findings: [], undecided: [] });
  });
});
