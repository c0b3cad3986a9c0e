import { describe, expect, it } from "vitest";
import { GraphError } from "../../../src/sources/entra/graph-error.js";
import { READ_ONLY_ROLES } from "../../../src/sources/entra/simulator/generate-tenant.js";
import { startTestTenant } from "./start-test-tenant.js";

describe("Entra account reads and writes (service principal accountEnabled)", () => {
  it("disables a service principal and restores it, reading the state back", async () => {
    const tenant = await startTestTenant();
    const client = tenant.sim.data.clients[0];
    if (!client) throw new Error("no client");
    client.roles = [...READ_ONLY_ROLES, "Application.ReadWrite.OwnedBy"];
    const connector = tenant.connector();
    const sp = tenant.sim.data.servicePrincipals.find((s) => s.displayName === "legacy-reporting");
    if (!sp) throw new Error("no legacy-reporting");

    expect(await connector.readAccount(sp.id)).toEqual({
      id: sp.id,
      userName: "legacy-reporting",
      values: { accountEnabled: true },
    });
    expect(connector.intendedValues({ kind: "disable" })).toEqual({ accountEnabled: false });
    expect(connector.intendedValues({ kind: "restrict_to_api" })).toBeUndefined();

    const after = await connector.apply(sp.id, { kind: "disable" });
    expect(after?.values).toEqual({ accountEnabled: false });
    expect(sp.accountEnabled).toBe(false);
    const patch = tenant.sim.requests.find((r) => r.method === "PATCH");
    expect(patch?.path).toBe(`/v1.0/servicePrincipals/${sp.id}`);

    const restored = await connector.apply(sp.id, { kind: "restore", values: { accountEnabled: true } });
    expect(restored?.values).toEqual({ accountEnabled: true });
    expect(sp.accountEnabled).toBe(true);
  });

  it("refuses a write without a remediation permission, naming it, and leaves the app as it was", async () => {
    const tenant = await startTestTenant();
    const connector = tenant.connector();
    const sp = tenant.sim.data.servicePrincipals.find((s) => s.displayName === "payroll-sync");
    if (!sp) throw new Error("no payroll-sync");
    const error = await connector.apply(sp.id, { kind: "disable" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect((error as GraphError).code).toBe("E_SOURCE_FORBIDDEN");
    expect((error as GraphError).message).toContain("Application.ReadWrite.OwnedBy");
    expect(sp.accountEnabled).toBe(true);
  });

  it("answers undefined for a service principal that no longer exists", async () => {
    const tenant = await startTestTenant();
    expect(await tenant.connector().readAccount("00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });
});
