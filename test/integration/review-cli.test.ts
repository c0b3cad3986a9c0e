import { describe, expect, it } from "vitest";
import { startDemoSource } from "../helpers/demo-source.js";
import { runWarden } from "../helpers/run-warden.js";
import { serviceNowEnv } from "../helpers/start-warden.js";
import { tempDbPath } from "../helpers/temp-db.js";

describe("warden review (command line)", () => {
  it("starts a campaign over every active account, refuses a second one, and reports status and evidence", async () => {
    const { sim } = await startDemoSource();
    const db = tempDbPath();
    const env = { LOG_LEVEL: "silent", ...serviceNowEnv(sim), WARDEN_DB: db };

    // Nothing scanned yet: nothing to review.
    const early = await runWarden(["review", "start"], env).done;
    expect(early.code).toBe(1);
    expect(early.stderr).toContain("run `warden scan` first");

    const scanned = JSON.parse((await runWarden(["scan", "--json"], env).done).stdout) as {
      identities: number;
    };
    // Every identity but the disabled ones is asked about, risky or not.
    const disabled = sim.data.scenarios.disabled ?? [];
    const active = scanned.identities - disabled.length;
    const started = await runWarden(["review", "start", "--days", "10"], env).done;
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(
      new RegExp(`Access review #1 started: ${active} active machine identities of \\d+ owners .* due `),
    );
    // No chat configured: said, and nothing sent.
    expect(started.stderr).toContain("No chat platform is configured, so nobody was asked");

    const again = await runWarden(["review", "start"], env).done;
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("Access review #1 is still open");

    const status = await runWarden(["review", "status", "--json"], env).done;
    expect(status.code).toBe(0);
    const [progress] = JSON.parse(status.stdout);
    expect(progress).toMatchObject({ total: active, counts: { pending: active, certified: 0 }, overdue: 0 });
    // Accounts nobody reachable owns are counted under no owner (the admins assign them first).
    expect(progress.owners.some((o: { ownerEmail?: string }) => o.ownerEmail === undefined)).toBe(true);

    const csv = await runWarden(["review", "report", "--format", "csv"], env).done;
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split("\r\n");
    expect(lines[0]).toBe(
      "campaign,source,account_id,user_name,name,owner,status,reviewer,reason,decided_at,decision_id,outcome,ticket,findings",
    );
    expect(lines).toHaveLength(active + 1);

    const json = await runWarden(["review", "report", "--format", "json"], env).done;
    const rows = json.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(active);
    const dormant = sim.data.scenarios.dormant?.[0] as string;
    for (const name of disabled) expect(rows.some((r) => r.user_name === name)).toBe(false);
    expect(rows.find((r) => r.user_name === dormant)).toMatchObject({
      status: "pending",
      findings: expect.arrayContaining(["dormant"]),
    });

    const md = await runWarden(["review", "report"], env).done;
    expect(md.stdout).toMatch(
      /^# Access review #1\n\nAccess review #1 \(every source, started .*, due .*, open/,
    );

    const bad = await runWarden(["review", "report", "--format", "xml"], env).done;
    expect(bad.code).toBe(2);
    const unknown = await runWarden(["review", "stop"], env).done;
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("warden review takes start, status or report");
  });
});
