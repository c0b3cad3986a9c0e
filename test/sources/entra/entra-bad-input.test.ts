import { describe, expect, it } from "vitest";
import type { EntraAttributes } from "../../../src/core/model.js";
import { SourceError } from "../../../src/errors.js";
import { createEntraConnector } from "../../../src/sources/entra/create-entra-connector.js";
import { GraphError } from "../../../src/sources/entra/graph-error.js";
import { READ_ONLY_ROLES } from "../../../src/sources/entra/simulator/generate-tenant.js";
import { NOW, startTestTenant } from "./start-test-tenant.js";

const collect = { now: NOW, dormantDays: 90 };

async function failure(promise: Promise<unknown>): Promise<GraphError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphError);
  return error as GraphError;
}

describe("Entra sign-in", () => {
  it("names the AADSTS error of a wrong secret and never prints the secret", async () => {
    const tenant = await startTestTenant();
    const wrong = "Wr0ng~secret-value-123";
    const error = await failure(
      tenant.connector({ config: { clientSecret: wrong } }).collectInventory(collect),
    );
    expect(error.code).toBe("E_SOURCE_AUTH");
    expect(error.status).toBe(401);
    expect(error.aadsts).toBe(7000215);
    expect(error.message).toContain("AADSTS7000215 invalid_client");
    expect(error.message).toContain("ENTRA_CLIENT_SECRET");
    expect(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`).not.toContain(wrong);
    // One attempt: a refusal is not retried.
    expect(tenant.sim.requests).toHaveLength(1);
  });

  it("reports an unknown tenant as one clear error", async () => {
    const tenant = await startTestTenant();
    const error = await failure(
      tenant
        .connector({ config: { tenantId: "11111111-2222-4333-8444-555555555555" } })
        .collectInventory(collect),
    );
    expect(error.code).toBe("E_SOURCE_AUTH");
    expect(error.aadsts).toBe(90002);
    expect(error.message).toMatch(
      /AADSTS90002 invalid_tenant \(Tenant '11111111-2222-4333-8444-555555555555' not found/,
    );
    expect(error.message).toContain("ENTRA_TENANT_ID");
    expect(error.message).not.toMatch(/Trace ID/);
  });

  it("reports an unknown client id", async () => {
    const tenant = await startTestTenant();
    const error = await failure(
      tenant
        .connector({ config: { clientId: "99999999-2222-4333-8444-555555555555" } })
        .collectInventory(collect),
    );
    expect(error.aadsts).toBe(700016);
    expect(error.message).toContain("ENTRA_CLIENT_ID");
  });

  it("reuses the token for a whole scan and signs in again when it expires mid-scan", async () => {
    const tenant = await startTestTenant();
    const connector = tenant.connector();
    await connector.collectInventory(collect);
    await connector.collectInventory(collect);
    const tokenRequests = () =>
      tenant.sim.requests.filter((r) => r.path.endsWith("/oauth2/v2.0/token")).length;
    expect(tokenRequests()).toBe(1);
    tenant.sim.faults.next("/v1.0/servicePrincipals", { kind: "expire_tokens" });
    const inventory = await connector.collectInventory(collect);
    expect(tokenRequests()).toBe(2);
    expect(inventory.identities.length).toBeGreaterThan(10);
    expect(tenant.sim.requests.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it("renews a token shortly before expires_in", async () => {
    let now = NOW.getTime();
    const tenant = await startTestTenant({ tokenTtlSeconds: 3600, now: () => new Date(now) });
    const connector = tenant.connector({ now: () => now });
    const tokenRequests = () =>
      tenant.sim.requests.filter((r) => r.path.endsWith("/oauth2/v2.0/token")).length;
    await connector.collectInventory(collect);
    now += 3600_000 - 301_000; // more than 5 minutes left: cached
    await connector.collectInventory(collect);
    expect(tokenRequests()).toBe(1);
    now += 2_000; // under 5 minutes left: renewed before Graph refuses it
    await connector.collectInventory(collect);
    expect(tokenRequests()).toBe(2);
    expect(tenant.sim.requests.filter((r) => r.status === 401)).toHaveLength(0);
  });

  it("trusts the simulated tenant only through the CA it is given (verification stays on)", async () => {
    const tenant = await startTestTenant();
    const connector = createEntraConnector({ config: tenant.config, retries: 0 });
    const error = await failure(connector.collectInventory(collect));
    expect(error.code).toBe("E_SOURCE_UNAVAILABLE");
    expect(error.message).toMatch(/certificate/i);
  });
});

describe("Graph faults", () => {
  it("waits out 429 with Retry-After and carries on", async () => {
    const tenant = await startTestTenant();
    tenant.sim.faults.next("/v1.0/applications", { kind: "throttle", retryAfterSeconds: 7 }, 2);
    const inventory = await tenant.connector().collectInventory(collect);
    expect(tenant.waits).toEqual([7000, 7000]);
    expect(inventory.identities.length).toBeGreaterThan(10);
    expect(tenant.sim.requests.filter((r) => r.status === 429)).toHaveLength(2);
  });

  it("gives up at once on a Retry-After longer than it waits", async () => {
    const tenant = await startTestTenant();
    tenant.sim.faults.next("/v1.0/applications", { kind: "throttle", retryAfterSeconds: 3600 });
    const error = await failure(tenant.connector().collectInventory(collect));
    expect(error.code).toBe("E_SOURCE_RETRY_TOO_LONG");
    expect(error.message).toContain("3600 s");
    expect(tenant.waits).toEqual([]);
  });

  it("reports throttling that never ends as rate limited, after bounded retries", async () => {
    const tenant = await startTestTenant();
    tenant.sim.faults.next("/v1.0/servicePrincipals", { kind: "throttle", retryAfterSeconds: 1 }, 100);
    const error = await failure(tenant.connector({ retries: 3 }).collectInventory(collect));
    expect(error.code).toBe("E_SOURCE_RATE_LIMITED");
    expect(tenant.waits).toEqual([1000, 1000, 1000]);
  });

  it("retries 5xx, and names the outage when it lasts", async () => {
    const tenant = await startTestTenant();
    tenant.sim.faults.next("/v1.0/applications", { kind: "status", status: 503 }, 2);
    const inventory = await tenant.connector().collectInventory(collect);
    expect(inventory.identities.length).toBeGreaterThan(10);

    const down = await startTestTenant();
    down.sim.faults.next("/v1.0/applications", { kind: "status", status: 500 }, 100);
    const error = await failure(down.connector({ retries: 2 }).collectInventory(collect));
    expect(error.code).toBe("E_SOURCE_UNAVAILABLE");
    expect(error.message).toContain("/v1.0/applications failed: 500");
  });

  it("stops on a page link that repeats instead of looping", async () => {
    const tenant = await startTestTenant({ maxPageSize: 4 });
    tenant.sim.faults.repeatingNextLink.add("/v1.0/applications");
    const error = await failure(tenant.connector().collectInventory(collect));
    expect(error.code).toBe("E_SOURCE_MALFORMED");
    expect(error.message).toMatch(/nextLink repeats a page already read/);
    expect(tenant.sim.requests.filter((r) => r.path === "/v1.0/applications")).toHaveLength(2);
  });

  it("turns an HTML page or broken JSON into a clear error", async () => {
    const tenant = await startTestTenant();
    tenant.sim.faults.next("/v1.0/applications", { kind: "html" });
    const html = await failure(tenant.connector().collectInventory(collect));
    expect(html.code).toBe("E_SOURCE_NOT_JSON");
    expect(html.message).toContain("HTML page");
    tenant.sim.faults.next("/v1.0/servicePrincipals", { kind: "malformed" });
    const broken = await failure(tenant.connector().collectInventory(collect));
    expect(broken.code).toBe("E_SOURCE_MALFORMED");
    expect(broken).toBeInstanceOf(SourceError);
  });
});

describe("signals Graph refuses are blind spots, not errors", () => {
  it("records the licence fault on the sign-in reports as blind spots and still lists every app", async () => {
    const tenant = await startTestTenant();
    tenant.sim.faults.noPremiumLicence = true;
    const inventory = await tenant.connector().collectInventory(collect);
    expect(inventory.blindSpots.map((b) => b.signal).sort()).toEqual(["credential_sign_ins", "sign_ins"]);
    expect(inventory.blindSpots[0]?.reason).toMatch(
      /Authentication_RequestFromNonPremiumTenantOrB2CTenant.*P1\/P2 licence/,
    );
    const legacy = inventory.identities.find((i) => i.name === "legacy-reporting");
    expect(legacy?.name).toBe("legacy-reporting");
    expect((legacy?.attributes as EntraAttributes | undefined)?.lastSignInAt).toBeUndefined();
    expect(inventory.identities.length).toBeGreaterThan(10);
  });

  it("records missing permissions as blind spots naming what to grant", async () => {
    const tenant = await startTestTenant();
    const client = tenant.sim.data.clients[0];
    if (!client) throw new Error("no client");
    client.roles = READ_ONLY_ROLES.filter(
      (r) => r !== "RoleManagement.Read.Directory" && r !== "User.Read.All",
    );
    const inventory = await tenant.connector().collectInventory(collect);
    const bySignal = new Map(inventory.blindSpots.map((b) => [b.signal, b]));
    expect([...bySignal.keys()].sort()).toEqual(["directory_roles", "owners"]);
    expect(bySignal.get("directory_roles")?.reason).toContain("RoleManagement.Read.Directory");
    expect(bySignal.get("owners")?.reason).toContain("User.Read.All");
    const admin = inventory.identities.find((i) => i.name === "tenant-admin-bot");
    expect((admin?.attributes as EntraAttributes | undefined)?.directoryRoles).toEqual([]);
    expect(admin?.privilegedRoles).toEqual(["Application.ReadWrite.All"]);
    // Owners are still known by object id, so nothing is lost: only names and mail are missing.
    expect((admin?.attributes as EntraAttributes | undefined)?.owners[0]?.id).toBe(
      tenant.sim.data.users[1]?.id,
    );
  });

  it("fails the scan when the applications themselves cannot be read", async () => {
    const tenant = await startTestTenant();
    const client = tenant.sim.data.clients[0];
    if (!client) throw new Error("no client");
    client.roles = ["AuditLog.Read.All"];
    const error = await failure(tenant.connector().collectInventory(collect));
    expect(error.code).toBe("E_SOURCE_FORBIDDEN");
    expect(error.graphCode).toBe("Authorization_RequestDenied");
    expect(error.message).toContain("Application.Read.All");
  });
});
