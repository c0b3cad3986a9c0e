import { describe, expect, it } from "vitest";
import { type AssessOptions, judgeIdentity } from "../../../src/core/assess-identity.js";
import type { Inventory, MachineIdentity } from "../../../src/core/model.js";
import { REMEDIATION_TEXT, RULE_TITLES } from "../../../src/messages/rule-text.js";
import { DAY, NOW, startTestTenant } from "../../sources/entra/start-test-tenant.js";

const day = (offsetDays: number) => new Date(NOW.getTime() + offsetDays * DAY).toISOString().slice(0, 10);

/** Collects the generated tenant over HTTPS, as a scan does. */
async function collectTenant(change?: (tenant: Awaited<ReturnType<typeof startTestTenant>>) => void) {
  const tenant = await startTestTenant();
  change?.(tenant);
  const inventory = await tenant.connector().collectInventory({ now: NOW, dormantDays: 90 });
  return { tenant, inventory };
}

function judge(inventory: Inventory, name: string, extra: Partial<AssessOptions> = {}) {
  const identity = inventory.identities.find((i) => i.name === name) as MachineIdentity;
  expect(identity, name).toBeDefined();
  const options: AssessOptions = { now: NOW, dormantDays: 90, blindSpots: inventory.blindSpots, ...extra };
  return judgeIdentity(identity, undefined, options);
}

const rulesOf = (inventory: Inventory, name: string) => judge(inventory, name).findings.map((f) => f.rule);
const findingOf = (inventory: Inventory, name: string, rule: string) =>
  judge(inventory, name).findings.find((f) => f.rule === rule);
const details = (finding: { evidence: { detail: string }[] } | undefined) =>
  finding?.evidence.map((e) => e.detail) ?? [];

describe("the Entra rules on a tenant collected over HTTPS", () => {
  it("fires exactly the rules each seeded app is built for, and none on healthy or disabled apps", async () => {
    const { inventory } = await collectTenant();
    const fired = Object.fromEntries(
      inventory.identities.map((i) => [i.name, rulesOf(inventory, i.name)] as const),
    );
    expect(fired).toEqual({
      warden: [],
      "payroll-sync": [],
      "legacy-reporting": ["dormant", "long_lived_secret"],
      "never-used": ["dormant"],
      "cert-expiring": ["credential_expiring"],
      "secret-expired": ["credential_expired"],
      "forever-secret": ["long_lived_secret"],
      "orphan-app": ["no_owner"],
      "leaver-app": ["no_owner"],
      "deploy-bot": [],
      "group-owned-app": ["no_owner"],
      "tenant-admin-bot": ["privileged"],
      "many-secrets": [],
      "*urgent* <!channel> <@U0ADMIN> [click](https://evil.example) _x_ `y` ~z~": [],
      "crowded-owners": [],
      // Disabled: it cannot get a token, so it carries no risk, expired secret and all.
      "retired-app": [],
      "secret-rotating": ["credential_expiring"],
      "expired-pile": ["credential_expired"],
      "app-admin-role": ["privileged"],
      "fresh-app": [],
    });
    // Every Entra rule is covered by the seeded tenant; no ServiceNow rule fires on it.
    const all = new Set(Object.values(fired).flat());
    expect([...all].sort()).toEqual([
      "credential_expired",
      "credential_expiring",
      "dormant",
      "long_lived_secret",
      "no_owner",
      "privileged",
    ]);
    for (const identity of inventory.identities)
      expect(judge(inventory, identity.name).undecided).toEqual([]);
  });

  it("says when a dormant app last signed in, from which report, and with which credential", async () => {
    const { inventory } = await collectTenant();
    const legacy = findingOf(inventory, "legacy-reporting", "dormant");
    const secret = inventory.identities.find((i) => i.name === "legacy-reporting")?.credentials?.[0];
    expect(legacy).toMatchObject({
      severity: "high",
      summary: `No sign-in for 200 days (last ${day(-200)})`,
      remediation: "disable",
    });
    expect(legacy?.evidence[0]).toEqual({
      signal: "sign_ins",
      detail: `Last sign-in (service principal sign-in activity): ${day(-200)}, 200 days ago; app-only as a client ${day(-200)}`,
    });
    expect(legacy?.evidence[1]).toEqual({
      signal: "credential_sign_ins",
      detail: `Last sign-in with a credential: Secret "ci" (hint ${secret?.hint}, keyId ${secret?.id}) on ${day(-200)}`,
    });
    const never = findingOf(inventory, "never-used", "dormant");
    expect(never?.summary).toBe("No sign-in on record since it was created 300 days ago");
    expect(details(never).slice(0, 3)).toEqual([
      "Service principal sign-in activity: no sign-in on record",
      "Credential sign-ins: none on record for its 1 credential(s)",
      `Application created ${day(-300)}, 300 days ago`,
    ]);
  });

  it("names the credential that expires or expired, its end date and the days left", async () => {
    const { inventory } = await collectTenant();
    const cert = inventory.identities.find((i) => i.name === "cert-expiring")?.credentials?.[0];
    const expiring = findingOf(inventory, "cert-expiring", "credential_expiring");
    expect(expiring).toMatchObject({
      // Its only credential: the app stops signing in when it expires.
      severity: "high",
      summary: `Certificate "CN=cert-expiring" expires ${day(10)}, in 10 days`,
      remediation: "rotate_credential",
    });
    expect(details(expiring)).toEqual([
      `Certificate "CN=cert-expiring" (keyId ${cert?.id}) expires ${day(10)}, in 10 days; last used ${day(-2)}`,
      `No other credential is valid after ${day(30)}: the app stops signing in when it expires`,
    ]);
    // With its successor in place it is a reminder, not an outage.
    const rotating = findingOf(inventory, "secret-rotating", "credential_expiring");
    expect(rotating?.severity).toBe("medium");
    expect(rotating?.summary).toBe(`Client secret "current" expires ${day(5)}, in 5 days`);
    expect(details(rotating).at(-1)).toBe(`Another credential stays valid after ${day(30)}`);

    const old = inventory.identities.find((i) => i.name === "secret-expired")?.credentials?.[0];
    const expired = findingOf(inventory, "secret-expired", "credential_expired");
    expect(expired).toMatchObject({
      severity: "low",
      summary: `Client secret "old" expired ${day(-20)} (20 days ago) and is still attached`,
      remediation: "remove_credential",
      evidence: [
        {
          signal: "credentials",
          detail: `Secret "old" (hint ${old?.hint}, keyId ${old?.id}) expired ${day(-20)}, 20 days ago`,
        },
      ],
    });
  });

  it("names every expired credential of an app with dozens, and only those", async () => {
    const { inventory } = await collectTenant();
    const pile = inventory.identities.find((i) => i.name === "expired-pile");
    expect(pile?.credentials).toHaveLength(27);
    const finding = findingOf(inventory, "expired-pile", "credential_expired");
    expect(finding?.summary).toBe(
      `14 expired credentials still attached (expired between ${day(-60)} and ${day(-1)})`,
    );
    const expiredIds = (pile?.credentials ?? []).filter((c) => (c.expiresAt as Date) <= NOW).map((c) => c.id);
    expect(expiredIds).toHaveLength(14);
    expect(finding?.evidence).toHaveLength(14);
    for (const id of expiredIds) expect(details(finding).filter((d) => d.includes(id))).toHaveLength(1);
    expect(details(finding).join("\n")).not.toContain("live-");
  });

  it("flags long-lived secrets with their validity, not certificates", async () => {
    const { inventory } = await collectTenant();
    const forever = findingOf(inventory, "forever-secret", "long_lived_secret");
    expect(forever).toMatchObject({
      severity: "medium",
      summary: `Client secret "forever" is valid for 730 days (until ${day(700)})`,
      remediation: "replace_secret",
    });
    expect(details(forever)[0]).toMatch(
      new RegExp(
        `^Secret "forever" \\(hint f\\d\\d, keyId [0-9a-f-]{36}\\) is valid for 730 days, ${day(-30)} to ${day(700)}$`,
      ),
    );
    // A certificate valid for 365 days is not a secret (cert-expiring, never-used: 700 days).
    expect(rulesOf(inventory, "never-used")).not.toContain("long_lived_secret");
  });

  it("says why an app has no owner it can ask: none, only groups and service principals, leavers and no mail", async () => {
    const { inventory } = await collectTenant();
    expect(findingOf(inventory, "orphan-app", "no_owner")).toMatchObject({
      severity: "medium",
      summary: "No owner is set on the app registration",
      remediation: "assign_owner",
      evidence: [{ signal: "owners", detail: "App registration owners: none" }],
    });
    const grouped = findingOf(inventory, "group-owned-app", "no_owner");
    expect(grouped?.summary).toBe("Owned only by groups or service principals, which warden cannot ask");
    expect(details(grouped)).toEqual(["Owner Platform team (group)", "Owner deploy-bot (service principal)"]);
    const leaver = findingOf(inventory, "leaver-app", "no_owner");
    expect(leaver?.summary).toBe("No owner is an enabled user with a mail address");
    expect(details(leaver)).toEqual([
      "Owner Carol Left (user, disabled)",
      "Owner Dan NoMail (user, no mail)",
    ]);
    // 24 disabled owners do not matter when one enabled owner with mail is there.
    expect(rulesOf(inventory, "crowded-owners")).not.toContain("no_owner");
  });

  it("names the privileged Graph permissions and directory roles, and recommends reviewing them", async () => {
    const { inventory } = await collectTenant();
    const admin = findingOf(inventory, "tenant-admin-bot", "privileged");
    expect(admin).toMatchObject({
      severity: "critical",
      summary:
        "Holds privileged Graph permission(s) Application.ReadWrite.All and directory role(s) Global Administrator",
      remediation: "review_permissions",
      evidence: [
        {
          signal: "app_permissions",
          detail:
            "Microsoft Graph application permissions: Application.ReadWrite.All, Mail.Read (privileged: Application.ReadWrite.All)",
        },
        { signal: "directory_roles", detail: "Directory roles: Global Administrator" },
      ],
    });
    expect(REMEDIATION_TEXT.review_permissions).toBe(
      "Remove the Graph permissions and directory roles it does not need",
    );
    expect(RULE_TITLES.privileged).toBe("Privileged role");
    const role = findingOf(inventory, "app-admin-role", "privileged");
    expect(role?.summary).toBe("Holds privileged directory role(s) Cloud Application Administrator");
    expect(details(role)[0]).toBe("Microsoft Graph application permissions: none");
    // warden's own read-only permissions are not privileged.
    expect(rulesOf(inventory, "warden")).toEqual([]);
  });

  it("honours CREDENTIAL_WARN_DAYS and the dormant days it is given", async () => {
    const { inventory } = await collectTenant();
    const rules = (name: string, extra: Partial<AssessOptions>) =>
      judge(inventory, name, extra).findings.map((f) => f.rule);
    expect(rules("cert-expiring", { credentialWarnDays: 9 })).not.toContain("credential_expiring");
    expect(rules("cert-expiring", { credentialWarnDays: 10 })).toContain("credential_expiring");
    // many-secrets' first secret expires in 60 days.
    expect(rules("many-secrets", { credentialWarnDays: 60 })).toContain("credential_expiring");
    // Its last sign-in was 200 days ago: dormant for 199 days, not (yet) for 200.
    expect(rules("legacy-reporting", { dormantDays: 199 })).toContain("dormant");
    expect(rules("legacy-reporting", { dormantDays: 200 })).not.toContain("dormant");
  });
});

describe("the Entra rules when Graph refuses a signal", () => {
  it("leaves dormant undecided without the sign-in reports, and still decides the credential rules", async () => {
    const { inventory } = await collectTenant((t) => {
      t.sim.faults.noPremiumLicence = true;
    });
    const legacy = judge(inventory, "legacy-reporting");
    expect(legacy.undecided).toEqual(["dormant"]);
    expect(legacy.findings.map((f) => f.rule)).toEqual(["long_lived_secret"]);
    expect(judge(inventory, "never-used").undecided).toEqual(["dormant"]);
    expect(rulesOf(inventory, "secret-expired")).toEqual(["credential_expired"]);
    // Without credential sign-ins, evidence says nothing about last use rather than "never used".
    expect(details(findingOf(inventory, "cert-expiring", "credential_expiring"))[0]).toMatch(/in 10 days$/);
    // A young app is not dormant whatever the reports say.
    expect(judge(inventory, "fresh-app")).toEqual({ findings: [], undecided: [] });
  });

  it("keeps privileged decided by the permissions it can read when directory roles are blind", async () => {
    const { inventory } = await collectTenant((t) => {
      const client = t.sim.data.clients[0];
      if (client) client.roles = client.roles.filter((r) => r !== "RoleManagement.Read.Directory");
    });
    expect(inventory.blindSpots.map((b) => b.signal)).toEqual(["directory_roles"]);
    const admin = findingOf(inventory, "tenant-admin-bot", "privileged");
    expect(admin?.summary).toBe("Holds privileged Graph permission(s) Application.ReadWrite.All");
    expect(details(admin)[1]).toMatch(/^Directory roles: not readable \(/);
    expect(judge(inventory, "app-admin-role").undecided).toEqual(["privileged"]);
    expect(judge(inventory, "payroll-sync").undecided).toEqual(["privileged"]);
  });

  it("decides no_owner for apps without user owners when owner details are blind, and only those", async () => {
    const { inventory } = await collectTenant((t) => {
      const client = t.sim.data.clients[0];
      if (client) client.roles = client.roles.filter((r) => r !== "User.Read.All");
    });
    expect(inventory.blindSpots.map((b) => b.signal)).toEqual(["owners"]);
    expect(rulesOf(inventory, "orphan-app")).toEqual(["no_owner"]);
    expect(rulesOf(inventory, "group-owned-app")).toEqual(["no_owner"]);
    expect(judge(inventory, "leaver-app").undecided).toEqual(["no_owner"]);
    expect(judge(inventory, "payroll-sync").undecided).toEqual(["no_owner"]);
  });
});
