import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runWarden } from "../helpers/run-warden.js";
import { tempDir } from "../helpers/temp-db.js";
import { startTestTenant } from "../sources/entra/start-test-tenant.js";

/** The rows of the doctor's table in one area, as "STATUS name" (details left out). */
const rows = (stdout: string, area: string) =>
  stdout
    .split("\n")
    .map((line) => /^(PASS|WARN|FAIL)\s+(\S+)\s{2,}(.+?)\s{2,}/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && m[2] === area)
    .map((m) => `${m[1]} ${m[3]}`);

describe("warden doctor (the CLI) with ENTRA_* set", () => {
  it("prints the Entra section against a tenant whose certificate the process trusts through NODE_EXTRA_CA_CERTS, and never a wrong secret", async () => {
    const tenant = await startTestTenant();
    const dir = tempDir();
    const caFile = join(dir, "tenant-ca.pem");
    writeFileSync(caFile, tenant.sim.ca);
    const env = {
      WARDEN_DB: join(dir, "warden.db"),
      LOG_LEVEL: "silent",
      NODE_EXTRA_CA_CERTS: caFile,
      ENTRA_TENANT_ID: tenant.config.tenantId,
      ENTRA_CLIENT_ID: tenant.config.clientId,
      ENTRA_CLIENT_SECRET: tenant.config.clientSecret,
      ENTRA_AUTHORITY_HOST: tenant.sim.url,
      ENTRA_GRAPH_URL: tenant.sim.url,
    };

    const ok = await runWarden(["doctor"], env).done;
    expect(rows(ok.stdout, "entra")).toEqual([
      "PASS sign-in",
      "PASS token permissions",
      "PASS remediation permissions",
      "PASS read applications",
      "PASS read service principals",
      "PASS read application permissions",
      "PASS read directory roles",
      "PASS read sign-in activity",
      "PASS read credential sign-ins",
      "PASS blind spots",
    ]);
    expect(ok.stdout.replace(/\s+/g, " ")).toContain(
      `Entra ID: tenant ${tenant.config.tenantId} as client ${tenant.config.clientId}`,
    );
    expect(ok.code).toBe(0);
    expect(`${ok.stdout}${ok.stderr}`).not.toContain(tenant.config.clientSecret);
    // Entra ID alone is configured: no ServiceNow instance is checked (none is scanned either).
    expect(rows(ok.stdout, "servicenow")).toEqual([]);
    expect(ok.stdout.replace(/\s+/g, " ")).toContain("ServiceNow: not scanned");

    const wrong = "Wr0ng~cli-secret-value-77";
    const refused = await runWarden(["doctor", "--json"], { ...env, ENTRA_CLIENT_SECRET: wrong }).done;
    expect(refused.code).toBe(1);
    const report = JSON.parse(refused.stdout) as {
      checks: { area: string; name: string; status: string; detail: string }[];
    };
    expect(report.checks.find((c) => c.area === "entra" && c.name === "sign-in")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^Wrong client secret \(AADSTS7000215\)/),
    });
    expect(`${refused.stdout}${refused.stderr}`).not.toContain(wrong);
  });
});
