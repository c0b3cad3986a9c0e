import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/open-database.js";
import { listScans } from "../../src/store/scans.js";
import { scan, startDemoSource } from "../helpers/demo-source.js";
import { runWarden } from "../helpers/run-warden.js";
import { serviceNowEnv } from "../helpers/start-warden.js";
import { tempDbPath } from "../helpers/temp-db.js";

const quiet = { LOG_LEVEL: "silent" };

describe("warden CLI", () => {
  it("runs the demo with no configuration: scan, digest and owner messages", async () => {
    const { code, stdout, stderr } = await runWarden(["demo"], { WARDEN_DB: tempDbPath() }).done;
    // Results on stdout; stderr has only the next steps (no log line, no warning).
    expect(stderr).toMatch(/^\nNext steps:\n/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Scanned the built-in simulated ServiceNow instance: \d+ machine identities/);
    expect(stdout).toMatch(/Machine Identity Security Score: \d+\/100 \(first scan\)/);
    // A first scan is the baseline: no immediate alert, and the demo says why.
    expect(stdout).toMatch(/Immediate alert: none, .* This was the first scan of ServiceNow/);
    expect(stdout).toContain("Riskiest accounts:");
    expect(stdout).toMatch(/── To .+ <.+@acme\.example> ──/);
    expect(stdout).toContain("[Disable]");
  });

  it("scans a configured instance and prints JSON", async () => {
    const { sim } = await startDemoSource();
    const env = {
      ...quiet,
      ...serviceNowEnv(sim),
      WARDEN_DB: tempDbPath(),
    };
    const { code, stdout } = await runWarden(["scan", "--json"], env).done;
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ source: "servicenow", instance: sim.url, blindSpots: [] });
    expect(summary.identities).toBeGreaterThan(10);
    expect(summary.score.value).toBeLessThan(100);
  });

  it("looks an account up, and matches encoded-query syntax literally", async () => {
    const { sim } = await startDemoSource();
    const db = tempDbPath();
    const env = {
      ...quiet,
      ...serviceNowEnv(sim),
      WARDEN_DB: db,
    };
    expect((await runWarden(["scan"], env).done).code).toBe(0);
    const dormant = sim.data.scenarios.dormant?.[0] as string;

    const found = await runWarden(["lookup", dormant, "--json"], env).done;
    expect(found.code).toBe(0);
    const view = JSON.parse(found.stdout);
    expect(view).toMatchObject({ found: true, identity: { userName: dormant } });
    expect(view.openFindings.map((f: { rule: string }) => f.rule)).toContain("dormant");

    for (const query of [`${dormant}^ORactive=true`, "^NQactive=true", "user_name=svc"]) {
      const miss = await runWarden(["lookup", query], env).done;
      expect(miss.code, query).toBe(1);
      expect(miss.stderr).toContain(`No machine identity "${query}"`);
    }
    const near = await runWarden(["lookup", dormant.slice(0, -2)], env).done;
    expect(near.stderr).toContain(`Did you mean: ${dormant}`);
  });

  it("suggests the account for a typo in its first letter, and refuses a lookup too long to be one", async () => {
    const { sim } = await startDemoSource();
    const env = {
      ...quiet,
      ...serviceNowEnv(sim),
      WARDEN_DB: tempDbPath(),
    };
    expect((await runWarden(["scan"], env).done).code).toBe(0);
    const dormant = sim.data.scenarios.dormant?.[0] as string;
    const typo = await runWarden(["lookup", `x${dormant.slice(1).toUpperCase()}`], env).done;
    expect(typo.code).toBe(1);
    // Not found is a message (stderr), not a result.
    expect(typo.stdout).toBe("");
    expect(typo.stderr).toContain(`Did you mean: ${dormant}`);

    const long = await runWarden(["lookup", "svc_".repeat(2_500)], env).done;
    expect(long.code).toBe(2);
    expect(long.stdout).toBe("");
    expect(long.stderr).toBe(
      "warden: That is too long to be an account (10000 characters): a lookup takes a user name, display name or sys_id of at most 100 characters.\n",
    );
  });

  it("lists every configuration problem at once and exits 2", async () => {
    const { code, stderr, stdout } = await runWarden(["scan"], {
      SERVICENOW_URL: "acme.service-now.com",
      SERVICENOW_USERNAME: "bot",
      DORMANT_DAYS: "soon",
      WARDEN_MODE: "yolo",
    }).done;
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("Configuration has 4 problem(s)");
    expect(stderr).toContain("SERVICENOW_URL must be an http(s) URL");
    expect(stderr).toContain("SERVICENOW_USERNAME and SERVICENOW_PASSWORD must be set together");
    expect(stderr).toContain("DORMANT_DAYS must be a whole number");
    expect(stderr).toContain('WARDEN_MODE must be "apply", "dry-run" or "ticket"');
  });

  it("fails a scan with one clear line and exit 1 on a wrong password, without printing it", async () => {
    const { sim } = await startDemoSource();
    const env = {
      ...quiet,
      SERVICENOW_URL: sim.url,
      SERVICENOW_USERNAME: "warden",
      SERVICENOW_PASSWORD: "hunter2",
      WARDEN_DB: tempDbPath(),
    };
    const { code, stderr } = await runWarden(["scan"], env).done;
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^warden: ServiceNow GET .* failed: 401/);
    expect(stderr).not.toContain("hunter2");
  });

  it("fails a scan on a malformed answer with the problem on one stderr line and exit 1, keeping the previous results", async () => {
    const { sim } = await startDemoSource();
    const path = tempDbPath();
    const env = {
      ...quiet,
      ...serviceNowEnv(sim),
      WARDEN_DB: path,
    };
    const good = await runWarden(["scan", "--json"], env).done;
    expect(good.code).toBe(0);
    const summary = JSON.parse(good.stdout);

    sim.faults.malform({ table: "sys_user", answer: { kind: "sys-id", value: "../x" } });
    const { code, stdout, stderr } = await runWarden(["scan"], env).done;
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(
      /^warden: ServiceNow GET \/api\/now\/table\/sys_user failed: page 1 of sys_user is malformed: record 1 of \d+ has a sys_id that is the string "\.\.\/x", not 32 hexadecimal characters\./,
    );

    const db = openDatabase(path);
    const [failed, previous] = listScans(db);
    expect(failed).toMatchObject({ status: "failed" });
    expect(`warden: ${failed?.error}\n`).toBe(stderr);
    expect(previous).toMatchObject({ id: summary.scanId, status: "succeeded", score: summary.score });
    db.close();
  });

  it("gives up at once on a Retry-After longer than SERVICENOW_MAX_RETRY_AFTER_SECONDS, saying how long", async () => {
    const { sim } = await startDemoSource();
    const env = {
      ...quiet,
      ...serviceNowEnv(sim),
      SERVICENOW_MAX_RETRY_AFTER_SECONDS: "30",
      WARDEN_DB: tempDbPath(),
    };
    sim.faults.script({ response: 429, retryAfterSeconds: 31, times: 5 });
    const { code, stderr } = await runWarden(["scan"], env).done;
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^warden: ServiceNow GET \S+ failed: 429 Rate limit exceeded/);
    expect(stderr).toContain(
      "The instance asked to wait 31 s before trying again (Retry-After), longer than SERVICENOW_MAX_RETRY_AFTER_SECONDS (30 s), so warden gave up at once",
    );
    // One request, no retry: the other four scripted 429s are still waiting.
    expect(sim.faults.scripted).toEqual([expect.objectContaining({ response: 429, times: 4 })]);
  });

  it("keeps the previous results when a scan is killed halfway, and records it as interrupted", async () => {
    const { sim, connector } = await startDemoSource();
    const path = tempDbPath();
    const db = openDatabase(path);
    const first = await scan(db, connector);
    db.close();

    const env = {
      ...quiet,
      ...serviceNowEnv(sim),
      WARDEN_DB: path,
    };
    // ServiceNow holds the scan's fourth read: the process is killed halfway through the scan.
    let held = sim.holds.next({ method: "GET" });
    const run = runWarden(["scan"], env);
    for (let answered = 0; answered < 3; answered++) {
      const read = await held;
      held = sim.holds.next({ method: "GET" });
      await read.release();
    }
    await held;
    run.child.kill("SIGKILL");
    expect((await run.done).signal).toBe("SIGKILL");

    const after = openDatabase(path);
    const [killed, previous] = listScans(after);
    expect(killed).toMatchObject({ status: "running" });
    expect(previous).toMatchObject({ id: first.scanId, status: "succeeded", score: first.score });
    after.close();

    // The next start records the interrupted scan as failed and scans normally.
    const next = await runWarden(["scan", "--json"], env).done;
    expect(next.code).toBe(0);
    const reopened = openDatabase(path);
    const scans = listScans(reopened);
    expect(scans[1]).toMatchObject({ id: killed?.id, status: "failed" });
    expect(scans[1]?.error).toMatch(/interrupted/);
    expect(scans[0]).toMatchObject({ status: "succeeded", score: first.score });
    reopened.close();
  });

  it("exports the audit log and verifies its chain", async () => {
    const db = tempDbPath();
    expect((await runWarden(["demo"], { ...quiet, WARDEN_DB: db }).done).code).toBe(0);
    const verify = await runWarden(["audit", "--verify"], { ...quiet, WARDEN_DB: db }).done;
    expect(verify).toMatchObject({ code: 0 });
    expect(verify.stdout).toMatch(/audit log intact: \d+ entries/);
    const csv = await runWarden(["audit", "--format", "csv", "--since", "2020-01-01"], {
      ...quiet,
      WARDEN_DB: db,
    }).done;
    expect(csv.code).toBe(0);
    expect(csv.stdout.split("\r\n")[0]).toMatch(/^type,id,at,/);
    expect(csv.stdout).toContain("scan.succeeded");
    const bad = await runWarden(["audit", "--sinse", "yesterday"], { ...quiet, WARDEN_DB: db }).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--sinse'/);
    const missing = await runWarden(["audit", "--verify"], { ...quiet, WARDEN_DB: `${db}.typo` }).done;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("There is no warden database");
  });
});
