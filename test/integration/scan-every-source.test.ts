import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
} from "../../src/sources/entra/simulator/generate-tenant.js";
import { startDemoSource } from "../helpers/demo-source.js";
import { inspectDatabase } from "../helpers/inspect-db.js";
import { runWarden } from "../helpers/run-warden.js";
import { serviceNowEnv } from "../helpers/start-warden.js";
import { tempDbPath, tempDir } from "../helpers/temp-db.js";
import { startTestTenant } from "../sources/entra/start-test-tenant.js";

const quiet = { LOG_LEVEL: "silent" };

/** The ENTRA_* variables of the simulated tenant, and its CA for the child process to trust. */
async function entraEnv(secret = DEMO_CLIENT_SECRET) {
  const tenant = await startTestTenant();
  const caFile = join(tempDir(), "tenant-ca.pem");
  writeFileSync(caFile, tenant.sim.ca);
  return {
    tenant,
    env: {
      ENTRA_TENANT_ID: DEMO_TENANT_ID,
      ENTRA_CLIENT_ID: DEMO_CLIENT_ID,
      ENTRA_CLIENT_SECRET: secret,
      ENTRA_AUTHORITY_HOST: tenant.sim.url,
      ENTRA_GRAPH_URL: tenant.sim.url,
      // Node reads it at start: the child trusts the simulator's CA the way an operator's
      // process would trust a corporate proxy's (https://nodejs.org/api/cli.html#node_extra_ca_certsfile).
      NODE_EXTRA_CA_CERTS: caFile,
    },
  };
}

function scanRows(db: string) {
  const handle = inspectDatabase(db);
  try {
    return handle.prepare("SELECT source, status, error FROM scans ORDER BY id").all() as {
      source: string;
      status: string;
      error: string | null;
    }[];
  } finally {
    handle.close();
  }
}

describe("warden scan over every configured source", () => {
  it("scans ServiceNow and Entra ID in one run, and finds accounts of both", async () => {
    const { sim } = await startDemoSource();
    const entra = await entraEnv();
    const db = tempDbPath();
    const env = { ...quiet, ...serviceNowEnv(sim), ...entra.env, WARDEN_DB: db };

    const text = await runWarden(["scan"], env).done;
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trim().split("\n");
    expect(lines[0]).toMatch(
      new RegExp(`^Scanned ${sim.url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: \\d+ machine identities`),
    );
    expect(text.stdout).toMatch(
      new RegExp(`^Scanned Entra tenant ${DEMO_TENANT_ID}: \\d+ machine identities`, "m"),
    );

    const json = await runWarden(["scan", "--json"], env).done;
    expect(json.code, json.stderr).toBe(0);
    const { scans } = JSON.parse(json.stdout) as { scans: { source: string; identities: number }[] };
    expect(scans.map((s) => s.source)).toEqual(["servicenow", "entra"]);
    expect(scans.every((s) => s.identities > 0)).toBe(true);
    expect(scanRows(db).map((r) => `${r.source}:${r.status}`)).toEqual([
      "servicenow:succeeded",
      "entra:succeeded",
      "servicenow:succeeded",
      "entra:succeeded",
    ]);

    // An Entra app is looked up like a ServiceNow account, and names its source.
    const found = await runWarden(["lookup", "legacy-reporting", "--json"], env).done;
    expect(found.code, found.stderr).toBe(0);
    expect(JSON.parse(found.stdout)).toMatchObject({ found: true, identity: { source: "entra" } });
    const app = entra.tenant.sim.data.applications.find((a) => a.displayName === "legacy-reporting");
    const byAppId = await runWarden(["lookup", String(app?.appId).toUpperCase()], env).done;
    expect(byAppId.code, byAppId.stderr).toBe(0);
    expect(byAppId.stdout).toContain(`appId ${app?.appId}`);
    expect(byAppId.stdout).toContain("[Entra ID]");
    expect(byAppId.stdout).toMatch(/Credentials:\n {4}secret/);
  });

  it("still scans ServiceNow when Entra refuses the sign-in, says why without the secret, and exits 1", async () => {
    const { sim } = await startDemoSource();
    const wrong = "wrong~secret-value-123";
    const entra = await entraEnv(wrong);
    const db = tempDbPath();
    const env = { ...quiet, ...serviceNowEnv(sim), ...entra.env, WARDEN_DB: db };

    const run = await runWarden(["scan"], env).done;
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Scanned .+: \d+ machine identities/);
    expect(run.stdout).not.toContain("Entra tenant");
    expect(run.stderr).toMatch(/the entra scan failed: .*AADSTS7000215/);
    expect(run.stderr + run.stdout).not.toContain(wrong);
    const rows = scanRows(db);
    expect(rows.map((r) => `${r.source}:${r.status}`)).toEqual(["servicenow:succeeded", "entra:failed"]);
    expect(rows[1]?.error).toContain("AADSTS7000215");
    expect(rows[1]?.error).not.toContain(wrong);
  });

  it("scans Entra ID alone when only ENTRA_TENANT_ID is configured", async () => {
    const entra = await entraEnv();
    const db = tempDbPath();
    const run = await runWarden(["scan", "--json"], { ...quiet, ...entra.env, WARDEN_DB: db }).done;
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      source: "entra",
      instance: `Entra tenant ${DEMO_TENANT_ID}`,
    });
    expect(scanRows(db).map((r) => r.source)).toEqual(["entra"]);
    // No simulated ServiceNow instance was started in its place: every account is an Entra app.
    const handle = inspectDatabase(db);
    try {
      const sources = handle.prepare("SELECT DISTINCT source FROM accounts").pluck().all();
      expect(sources).toEqual(["entra"]);
    } finally {
      handle.close();
    }
  });

  it("demo: shows both built-in simulated sources, or ServiceNow alone where openssl is missing", async () => {
    const both = await runWarden(["demo"], { ...quiet, WARDEN_DB: tempDbPath() }).done;
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout).toMatch(/^Scanned the built-in simulated ServiceNow instance: /m);
    expect(both.stdout).toMatch(/^Scanned the built-in simulated Entra tenant: /m);
    expect(both.stdout).toContain("[Entra ID]");
    // One combined score, and each source's own under it.
    expect(both.stdout).toMatch(/^Machine Identity Security Score: \d+\/100/m);
    expect(both.stdout).toMatch(/^ {2}ServiceNow: \d+\/100, \d+ machine identities, \d+ with findings$/m);
    expect(both.stdout).toMatch(/^ {2}Entra ID: \d+\/100, \d+ machine identities, \d+ with findings$/m);

    // No openssl on PATH (a slim container): no certificate for the tenant, the demo goes on.
    const alone = await runWarden(["demo"], { LOG_LEVEL: "warn", PATH: tempDir(), WARDEN_DB: tempDbPath() })
      .done;
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stdout).toMatch(/^Scanned the built-in simulated ServiceNow instance: /m);
    expect(alone.stdout).not.toContain("Entra tenant");
    expect(alone.stderr).toContain(
      "the simulated Entra tenant could not start (is the openssl command installed?)",
    );
  });
});
