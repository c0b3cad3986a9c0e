import { describe, expect, it } from "vitest";
import type { EntraAttributes, MachineIdentity } from "../../../src/core/model.js";
import { generateTenant } from "../../../src/sources/entra/simulator/generate-tenant.js";
import { DAY, NOW, startTestTenant } from "./start-test-tenant.js";

const collect = { now: NOW, dormantDays: 90 };
const attrs = (i: MachineIdentity | undefined) => i?.attributes as EntraAttributes;

describe("Entra discovery over HTTPS against the simulated tenant", () => {
  it("finds exactly the tenant's own applications' service principals", async () => {
    const tenant = await startTestTenant();
    const inventory = await tenant.connector().collectInventory(collect);
    const names = inventory.identities.map((i) => i.name).sort();
    const expected = tenant.sim.data.applications
      .filter((a) => tenant.sim.data.servicePrincipals.some((sp) => sp.appId === a.appId))
      .map((a) => a.displayName)
      .sort();
    expect(names).toEqual(expected);
    expect(names).not.toContain("Microsoft Graph");
    expect(names).not.toContain("Office 365 Exchange Online");
    expect(names).not.toContain("Contoso CRM connector");
    expect(names).not.toContain("draft-without-sp");
    expect(inventory.source).toBe("entra");
    expect(inventory.blindSpots).toEqual([]);
    const payroll = inventory.identities.find((i) => i.name === "payroll-sync");
    const sp = tenant.sim.data.servicePrincipals.find((s) => s.displayName === "payroll-sync");
    expect(payroll?.id).toBe(sp?.id);
    expect(attrs(payroll).appId).toBe(sp?.appId);
    expect(payroll?.discoveredBy).toEqual(["service_principal"]);
  });

  it("reads credentials with start, end, hint and type, and never a secret", async () => {
    const tenant = await startTestTenant();
    const inventory = await tenant.connector().collectInventory(collect);
    const expired = inventory.identities.find((i) => i.name === "secret-expired");
    expect(expired?.credentials?.map((c) => [c.type, c.name, c.expiresAt?.getTime()])).toEqual([
      ["secret", "old", NOW.getTime() - 20 * DAY],
      ["secret", "new", NOW.getTime() + 150 * DAY],
    ]);
    expect(expired?.credentials?.[0]?.hint).toMatch(/^o\d\d$/);
    expect(expired?.credentials?.[0]?.createdAt?.getTime()).toBe(NOW.getTime() - 200 * DAY);
    const cert = inventory.identities.find((i) => i.name === "cert-expiring")?.credentials;
    expect(cert).toHaveLength(1);
    expect(cert?.[0]?.type).toBe("certificate");
    expect(cert?.[0]?.expiresAt?.getTime()).toBe(NOW.getTime() + 10 * DAY);
    // The simulator holds real secret values; none may reach warden's inventory.
    const json = JSON.stringify(inventory);
    for (const app of tenant.sim.data.applications) {
      for (const p of app.passwordCredentials) expect(json).not.toContain(p.secretText);
    }
  });

  it("keeps all of dozens of credentials of one app", async () => {
    const tenant = await startTestTenant();
    const inventory = await tenant.connector().collectInventory(collect);
    const many = inventory.identities.find((i) => i.name === "many-secrets");
    expect(many?.credentials?.filter((c) => c.type === "secret")).toHaveLength(30);
    expect(many?.credentials?.filter((c) => c.type === "certificate")).toHaveLength(6);
    expect(new Set(many?.credentials?.map((c) => c.id)).size).toBe(36);
  });

  it("reads owners by object id with mail and enabled state; groups and service principals are non-user owners", async () => {
    const tenant = await startTestTenant();
    const inventory = await tenant.connector().collectInventory(collect);
    const alice = tenant.sim.data.users.find((u) => u.displayName === "Alice Ng");
    const payroll = inventory.identities.find((i) => i.name === "payroll-sync");
    expect(payroll?.owner).toEqual({
      id: alice?.id,
      userName: "alice@example.com",
      name: "Alice Ng",
      email: "alice@example.com",
      active: true,
      // The object id Teams messages her by.
      directoryId: alice?.id,
    });
    expect(attrs(payroll).owners.map((o) => o.kind)).toEqual(["user", "user"]);

    const grouped = inventory.identities.find((i) => i.name === "group-owned-app");
    expect(attrs(grouped).owners.map((o) => [o.kind, o.displayName])).toEqual([
      ["group", "Platform team"],
      ["servicePrincipal", "deploy-bot"],
    ]);
    expect(grouped?.owner).toBeUndefined();
    expect(grouped?.ownerRef).toBe(attrs(grouped).owners[0]?.id);

    const orphan = inventory.identities.find((i) => i.name === "orphan-app");
    expect(orphan?.owner).toBeUndefined();
    expect(attrs(orphan).owners).toEqual([]);

    // No enabled owner with a mail: the first user is kept, inactive, so no_owner reads it as none.
    const leaver = inventory.identities.find((i) => i.name === "leaver-app");
    expect(leaver?.owner).toMatchObject({ name: "Carol Left", active: false });
    expect(attrs(leaver).owners.map((o) => [o.displayName, o.enabled, o.mail])).toEqual([
      ["Carol Left", false, "carol@example.com"],
      ["Dan NoMail", true, undefined],
    ]);
  });

  it("reads every owner of an app with more than $expand's 20, with one extra listing for that app only", async () => {
    const tenant = await startTestTenant();
    const inventory = await tenant.connector().collectInventory(collect);
    const crowded = inventory.identities.find((i) => i.name === "crowded-owners");
    expect(attrs(crowded).owners).toHaveLength(25);
    expect(crowded?.owner).toMatchObject({ name: "Bob Stone", email: "bob@example.com", active: true });
    const ownerListings = tenant.sim.requests.filter((r) => r.path.endsWith("/owners"));
    const app = tenant.sim.data.applications.find((a) => a.displayName === "crowded-owners");
    expect(ownerListings.map((r) => r.path)).toEqual([`/v1.0/applications/${app?.id}/owners`]);
  });

  it("reads Graph application permissions and directory roles, and marks the privileged ones", async () => {
    const tenant = await startTestTenant();
    const inventory = await tenant.connector().collectInventory(collect);
    const admin = inventory.identities.find((i) => i.name === "tenant-admin-bot");
    expect(attrs(admin).graphPermissions.sort()).toEqual(["Application.ReadWrite.All", "Mail.Read"]);
    expect(attrs(admin).directoryRoles).toEqual(["Global Administrator"]);
    expect(admin?.privilegedRoles.sort()).toEqual(["Application.ReadWrite.All", "Global Administrator"]);
    const payroll = inventory.identities.find((i) => i.name === "payroll-sync");
    expect(attrs(payroll).graphPermissions).toEqual(["User.Read.All"]);
    expect(payroll?.privilegedRoles).toEqual([]);
  });

  it("reads the last sign-in of each service principal and of each credential", async () => {
    const tenant = await startTestTenant();
    const inventory = await tenant.connector().collectInventory(collect);
    const legacy = inventory.identities.find((i) => i.name === "legacy-reporting");
    expect(attrs(legacy).lastSignInAt?.getTime()).toBe(NOW.getTime() - 200 * DAY);
    expect(attrs(legacy).lastAppOnlySignInAt?.getTime()).toBe(NOW.getTime() - 200 * DAY);
    expect(legacy?.credentials?.[0]?.lastUsedAt?.getTime()).toBe(NOW.getTime() - 200 * DAY);
    const never = inventory.identities.find((i) => i.name === "never-used");
    expect(attrs(never).lastSignInAt).toBeUndefined();
    expect(never?.credentials?.[0]?.lastUsedAt).toBeUndefined();
    expect(inventory.identities.find((i) => i.name === "retired-app")?.active).toBe(false);
  });

  it("makes a fixed number of requests, not one per app, selecting only what it uses", async () => {
    const small = await startTestTenant();
    await small.connector().collectInventory(collect);
    const big = await startTestTenant({ data: generateTenant({ now: NOW, scaledApps: 600 }) });
    const inventory = await big.connector().collectInventory(collect);
    expect(inventory.identities.length).toBeGreaterThan(600);
    // 1 token + applications + one app's owners (it has more than $expand's 20) + servicePrincipals
    // + Graph's SP + appRoleAssignedTo + role definitions + role assignments + two reports.
    expect(small.sim.requests).toHaveLength(10);
    const paths = big.sim.requests.map((r) => r.path);
    expect(paths.filter((p) => p === "/v1.0/applications")).toHaveLength(1);
    // Only the one app with more owners than $expand returns gets its own owners listing.
    expect(paths.filter((p) => /\/(applications|servicePrincipals)\/[^/]+\/owners$/.test(p))).toHaveLength(1);
    const apps = big.sim.requests.find((r) => r.path === "/v1.0/applications");
    expect(apps?.query.$select).toBe(
      "id,appId,displayName,createdDateTime,signInAudience,passwordCredentials,keyCredentials",
    );
    expect(apps?.query.$top).toBe("999");
    expect(apps?.query.$expand).toMatch(/^owners\(\$select=/);
    expect(inventory.requests).toBe(big.sim.requests.length);
  });

  it("pages by @odata.nextLink to the same inventory as one big page", async () => {
    const whole = await startTestTenant();
    const paged = await startTestTenant({ maxPageSize: 3 });
    const a = await whole.connector().collectInventory(collect);
    const b = await paged.connector().collectInventory(collect);
    expect(paged.sim.requests.filter((r) => r.path === "/v1.0/applications").length).toBeGreaterThan(3);
    expect(b.identities.map((i) => i.id).sort()).toEqual(a.identities.map((i) => i.id).sort());
    expect(JSON.stringify(b.identities.find((i) => i.name === "many-secrets"))).toBe(
      JSON.stringify(a.identities.find((i) => i.name === "many-secrets")),
    );
  });

  it("keeps names with markdown and mention syntax verbatim, as data", async () => {
    const tenant = await startTestTenant();
    const inventory = await tenant.connector().collectInventory(collect);
    const hostile = "*urgent* <!channel> <@U0ADMIN> [click](https://evil.example) _x_ `y` ~z~";
    expect(inventory.identities.find((i) => i.name === hostile)?.userName).toBe(hostile);
  });

  it("generates the scaled tenant for the bench", () => {
    const data = generateTenant({ now: NOW, scaledApps: 20_000 });
    expect(data.applications.filter((a) => a.displayName.startsWith("svc-"))).toHaveLength(20_000);
    expect(new Set(data.servicePrincipals.map((s) => s.id)).size).toBe(data.servicePrincipals.length);
  });
});
