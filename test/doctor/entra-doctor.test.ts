import { describe, expect, it } from "vitest";
import { doctorExitCode } from "../../src/doctor/run-doctor.js";
import { READ_ONLY_ROLES } from "../../src/sources/entra/simulator/generate-tenant.js";
import { entraConfig, entraDoctor, entraRow, entraStatuses, startSources } from "./entra-doctor-harness.js";

const ALL_READS = {
  "sign-in": "pass",
  "token permissions": "pass",
  "remediation permissions": "pass",
  "read applications": "pass",
  "read service principals": "pass",
  "read application permissions": "pass",
  "read directory roles": "pass",
  "read sign-in activity": "pass",
  "read credential sign-ins": "pass",
  "blind spots": "pass",
};

describe("warden doctor against the simulated Entra tenant", () => {
  it("passes sign-in, the token's permissions and every signal with the read-only app registration, sending one small GET per listing", async () => {
    const sources = await startSources();
    const { report, text } = await entraDoctor(entraConfig(sources), sources.tenant);

    expect(entraStatuses(report)).toEqual(ALL_READS);
    expect(entraRow(report, "sign-in").detail).toContain(
      `Signed in to tenant ${sources.tenant.config.tenantId}`,
    );
    expect(entraRow(report, "token permissions").detail).toContain(
      "The token carries Application.Read.All, AuditLog.Read.All, RoleManagement.Read.Directory, User.Read.All",
    );
    expect(entraRow(report, "remediation permissions").detail).toMatch(
      /^Read-only \(recommended default\).*grant Application\.ReadWrite\.OwnedBy.*Tier 0/,
    );
    expect(report.checks.find((c) => c.name === "configuration")?.detail).toContain(
      `Entra ID: tenant ${sources.tenant.config.tenantId} as client ${sources.tenant.config.clientId}`,
    );
    expect(report.blindSpots).toEqual([]);
    expect(doctorExitCode(report)).toBe(0);
    expect(text).not.toContain(sources.tenant.config.clientSecret);

    // Read-only and cheap: the token request, then GETs of at most one item each.
    const requests = sources.tenant.sim.requests;
    expect(requests.filter((r) => r.method !== "GET").map((r) => r.path)).toEqual([
      `/${sources.tenant.config.tenantId}/oauth2/v2.0/token`,
    ]);
    const listings = requests.filter((r) => r.method === "GET" && !r.path.includes("(appId="));
    expect(listings.length).toBe(6);
    expect(listings.every((r) => r.query.$top === "1")).toBe(true);
  });

  it("names a wrong client secret (AADSTS7000215), never prints it, and skips the rest", async () => {
    const sources = await startSources();
    const wrong = "Wr0ng~doctor-secret-value-42";
    const { report, text } = await entraDoctor(
      entraConfig(sources, { ENTRA_CLIENT_SECRET: wrong }),
      sources.tenant,
    );
    expect(entraStatuses(report)).toEqual({ "sign-in": "fail", "Entra checks": "fail" });
    const detail = entraRow(report, "sign-in").detail;
    expect(detail).toMatch(/^Wrong client secret \(AADSTS7000215\)\./);
    expect(detail).toContain("use the secret's Value");
    expect(text).not.toContain(wrong);
    expect(doctorExitCode(report)).toBe(1);
    expect(
      sources.tenant.sim.requests.filter((r) => r.path.startsWith("/v1.0") || r.path.startsWith("/beta")),
    ).toEqual([]);
  });

  it("names an unknown tenant (AADSTS90002) and an unknown client id (AADSTS700016)", async () => {
    const sources = await startSources();
    const tenant = "11111111-2222-4333-8444-555555555555";
    const unknownTenant = await entraDoctor(
      entraConfig(sources, { ENTRA_TENANT_ID: tenant }),
      sources.tenant,
    );
    expect(entraRow(unknownTenant.report, "sign-in")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(
        new RegExp(`^Unknown tenant \\(AADSTS90002\\)\\. .*Tenant '${tenant}' not found.*ENTRA_TENANT_ID`),
      ),
    });
    expect(unknownTenant.text).not.toMatch(/Trace ID/);

    const client = "99999999-2222-4333-8444-555555555555";
    const unknownClient = await entraDoctor(
      entraConfig(sources, { ENTRA_CLIENT_ID: client }),
      sources.tenant,
    );
    expect(entraRow(unknownClient.report, "sign-in")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(
        /^Unknown client id \(no such application in this tenant\) \(AADSTS700016\)\..*ENTRA_CLIENT_ID/,
      ),
    });
  });

  it("says what to grant when the token lacks AuditLog.Read.All: both sign-in signals become blind spots", async () => {
    const sources = await startSources();
    const client = sources.tenant.sim.data.clients[0]!;
    client.roles = READ_ONLY_ROLES.filter((r) => r !== "AuditLog.Read.All");
    const { report } = await entraDoctor(entraConfig(sources), sources.tenant);

    expect(entraStatuses(report)).toEqual({
      ...ALL_READS,
      "token permissions": "warn",
      "read sign-in activity": "warn",
      "read credential sign-ins": "warn",
      "blind spots": "warn",
    });
    expect(entraRow(report, "token permissions").detail).toContain(
      "Missing for a read-only scan: AuditLog.Read.All (for sign-in activity",
    );
    for (const name of ["read sign-in activity", "read credential sign-ins"]) {
      expect(entraRow(report, name).detail).toMatch(
        /^403 Authorization_RequestDenied: grant warden's app registration the Microsoft Graph application permission AuditLog\.Read\.All/,
      );
    }
    expect(entraRow(report, "read sign-in activity").detail).toContain("rule dormant");
    expect(report.blindSpots.map((b) => b.signal)).toEqual(["sign_ins", "credential_sign_ins"]);
    expect(doctorExitCode(report)).toBe(0);
  });

  it("names the missing licence when the reports answer 403 without Entra ID P1/P2", async () => {
    const sources = await startSources();
    sources.tenant.sim.faults.noPremiumLicence = true;
    const { report } = await entraDoctor(entraConfig(sources), sources.tenant);

    // The token has the permission: only the licence is missing.
    expect(entraRow(report, "token permissions").status).toBe("pass");
    for (const name of ["read sign-in activity", "read credential sign-ins"]) {
      expect(entraRow(report, name)).toMatchObject({
        status: "warn",
        detail: expect.stringMatching(
          /^403 Authentication_RequestFromNonPremiumTenantOrB2CTenant: needs Entra ID P1 or P2/,
        ),
      });
    }
    expect(report.blindSpots).toEqual([
      expect.objectContaining({ signal: "sign_ins", reason: expect.stringContaining("P1 or P2") }),
      expect.objectContaining({ signal: "credential_sign_ins" }),
    ]);
  });

  it("fails without Application.Read.All (no scan can run), and warns when owners come back without names", async () => {
    const sources = await startSources();
    const client = sources.tenant.sim.data.clients[0]!;
    client.roles = ["AuditLog.Read.All"];
    const bare = await entraDoctor(entraConfig(sources), sources.tenant);
    expect(entraRow(bare.report, "token permissions")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("Scans cannot run without Application.Read.All"),
    });
    expect(entraRow(bare.report, "read applications")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("Application.Read.All"),
    });
    expect(doctorExitCode(bare.report)).toBe(1);

    client.roles = READ_ONLY_ROLES.filter((r) => r !== "User.Read.All");
    const { report } = await entraDoctor(entraConfig(sources), sources.tenant);
    expect(entraRow(report, "token permissions").detail).toContain("User.Read.All (for owners' names");
    expect(entraRow(report, "read applications")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("Owners come back without names or mail"),
    });
    expect(report.blindSpots.map((b) => b.signal)).toEqual(["owners"]);
  });

  it("does not wait out a long Retry-After: the throttled listing fails at once, saying why, and the others still run", async () => {
    const sources = await startSources();
    sources.tenant.sim.faults.next("/v1.0/applications", { kind: "throttle", retryAfterSeconds: 60 });
    // Waiting it out would end in a retry that succeeds (the fault is armed once): a FAIL shows it did not wait.
    const { report } = await entraDoctor(entraConfig(sources), sources.tenant);
    expect(entraRow(report, "read applications")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("asks to wait 60 s (Retry-After), longer than the 30 s warden waits"),
    });
    expect(entraRow(report, "read service principals").status).toBe("pass");
  });

  it("flags remediation permissions as Tier 0: broader than needed, owned-by opted in, or useless in dry-run", async () => {
    const sources = await startSources();
    const client = sources.tenant.sim.data.clients[0]!;
    client.roles = [...READ_ONLY_ROLES, "Application.ReadWrite.All"];
    const all = await entraDoctor(entraConfig(sources), sources.tenant);
    expect(entraRow(all.report, "remediation permissions")).toMatchObject({
      status: "warn",
      detail: expect.stringMatching(
        /Application\.ReadWrite\.All: remediation works on every app.*Tier 0.*Prefer Application\.ReadWrite\.OwnedBy/,
      ),
    });

    client.roles = [...READ_ONLY_ROLES, "Application.ReadWrite.OwnedBy"];
    const owned = await entraDoctor(entraConfig(sources), sources.tenant);
    expect(entraRow(owned.report, "remediation permissions").detail).toMatch(
      /^The token carries Application\.ReadWrite\.OwnedBy \(remediation opted in\).*Tier 0/,
    );
    const dry = await entraDoctor(entraConfig(sources, { WARDEN_MODE: "dry-run" }), sources.tenant);
    expect(entraRow(dry.report, "remediation permissions").detail).toContain(
      "WARDEN_MODE=dry-run never writes: remove it",
    );

    client.roles = [...READ_ONLY_ROLES, "RoleManagement.ReadWrite.Directory"];
    const extra = await entraDoctor(entraConfig(sources), sources.tenant);
    expect(entraRow(extra.report, "remediation permissions")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining(
        "It also carries RoleManagement.ReadWrite.Directory, which warden never uses",
      ),
    });
    // Nothing was written to find out.
    expect(
      sources.tenant.sim.requests.filter((r) => r.method === "PATCH" || r.path.endsWith("Password")),
    ).toEqual([]);
  });
});
