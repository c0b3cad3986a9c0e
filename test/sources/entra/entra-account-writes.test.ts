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
      values: { accountEnabled: true, expiredCredentials: "none" },
    });
    expect(connector.intendedValues({ kind: "disable" })).toEqual({ accountEnabled: false });
    expect(connector.intendedValues({ kind: "restrict_to_api" })).toBeUndefined();

    const after = await connector.apply(sp.id, { kind: "disable" });
    expect(after?.values).toEqual({ accountEnabled: false, expiredCredentials: "none" });
    expect(sp.accountEnabled).toBe(false);
    const patch = tenant.sim.requests.find((r) => r.method === "PATCH");
    expect(patch?.path).toBe(`/v1.0/servicePrincipals/${sp.id}`);

    const restored = await connector.apply(sp.id, { kind: "restore", values: { accountEnabled: true } });
    expect(restored?.values).toEqual({ accountEnabled: true, expiredCredentials: "none" });
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

  it("reads an app's expired credentials in words, and removes only those: secrets by removePassword, certificates by PATCH", async () => {
    const tenant = await startTestTenant();
    tenant.sim.data.clients[0]!.roles = [...READ_ONLY_ROLES, "Application.ReadWrite.All"];
    const app = tenant.sim.data.applications.find((a) => a.displayName === "secret-expired")!;
    const sp = tenant.sim.data.servicePrincipals.find((s) => s.appId === app.appId)!;
    const [old, fresh] = app.passwordCredentials;
    app.keyCredentials = [
      {
        ...certificate("00000000-0000-4000-8000-000000000001", "2026-10-01T00:00:00Z"),
        displayName: "CN=old",
      },
      certificate("00000000-0000-4000-8000-000000000002", "2027-10-01T00:00:00Z"),
    ];
    const connector = tenant.connector();
    expect(connector.intendedValues({ kind: "remove_expired_credentials" })).toEqual({
      expiredCredentials: "none",
    });
    const state = await connector.readAccount(sp.id);
    expect(state?.values.expiredCredentials).toBe(
      `secret ${old?.keyId} "old" hint ${old?.hint}… ended ${old?.endDateTime.slice(0, 10)}; certificate 00000000-0000-4000-8000-000000000001 "CN=old" ended 2026-10-01`,
    );
    // Lists never carry a certificate's key; a single app's $select=keyCredentials does.
    const listed = tenant.sim.requests.length;
    const after = await connector.apply(sp.id, { kind: "remove_expired_credentials" });
    expect(after?.values.expiredCredentials).toBe("none");
    expect(app.passwordCredentials.map((c) => c.keyId)).toEqual([fresh?.keyId]);
    expect(app.keyCredentials.map((c) => c.keyId)).toEqual(["00000000-0000-4000-8000-000000000002"]);
    expect(app.keyCredentials[0]?.key).toBe(
      Buffer.from("cert 00000000-0000-4000-8000-000000000002").toString("base64"),
    );
    expect(
      tenant.sim.requests
        .slice(listed)
        .filter((r) => r.method !== "GET")
        .map((r) => `${r.method} ${r.path} ${r.status}`),
    ).toEqual([
      `POST /v1.0/applications/${app.id}/removePassword 204`,
      `PATCH /v1.0/applications/${app.id} 204`,
    ]);
  });

  it("answers 400 to a PATCH of secrets (documented) or of a certificate without its key (assumed), and gives keys only to a single read", async () => {
    const tenant = await startTestTenant();
    tenant.sim.data.clients[0]!.roles = [...READ_ONLY_ROLES, "Application.ReadWrite.All"];
    const app = tenant.sim.data.applications.find((a) => a.displayName === "never-used")!;
    const graph = tenant.connector().graph;
    const secrets = await graph
      .write("PATCH", `/v1.0/applications/${app.id}`, { passwordCredentials: [] })
      .catch((e: unknown) => e);
    expect((secrets as GraphError).code).toBe("E_SOURCE_BAD_REQUEST");
    const keyless = await graph
      .write("PATCH", `/v1.0/applications/${app.id}`, {
        keyCredentials: [{ keyId: app.keyCredentials[0]?.keyId }],
      })
      .catch((e: unknown) => e);
    expect((keyless as GraphError).code).toBe("E_SOURCE_BAD_REQUEST");
    expect(app.keyCredentials).toHaveLength(1);
    const listed = await graph.listAll<{ keyCredentials: { key: string | null }[] }>("/v1.0/applications", {
      $select: "id,keyCredentials",
    });
    expect(listed.flatMap((a) => a.keyCredentials).every((k) => k.key === null)).toBe(true);
    const single = await graph.get<{ keyCredentials: { key: string | null }[] }>(
      `/v1.0/applications/${app.id}`,
      {
        $select: "id,keyCredentials",
      },
    );
    expect(single.keyCredentials[0]?.key).toBe(app.keyCredentials[0]?.key);
  });
});

function certificate(keyId: string, endDateTime: string) {
  return {
    keyId,
    displayName: "CN=new",
    type: "AsymmetricX509Cert" as const,
    usage: "Verify" as const,
    startDateTime: "2025-10-01T00:00:00Z",
    endDateTime,
    key: Buffer.from(`cert ${keyId}`).toString("base64"),
  };
}
