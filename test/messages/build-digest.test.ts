import { describe, expect, it } from "vitest";
import { buildDigest } from "../../src/messages/build-digest.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { NOW, openTempDb, scan, startDemoSource } from "../helpers/demo-source.js";

const HOUR = 3_600_000;

describe("buildDigest", () => {
  it("reports the change since the previous digest, not just since the previous scan", async () => {
    const { sim, connector, idOf } = await startDemoSource();
    const db = openTempDb();
    const first = await scan(db, connector);
    db.prepare(
      "INSERT INTO digests (platform, recipient, scan_id, score, posted_at) VALUES ('slack', 'C1', ?, ?, ?)",
    ).run(first.scanId, first.score.value, NOW.toISOString());
    // During the week the dormant account is disabled in ServiceNow, then another daily scan runs.
    await connector.apply(idOf(sim.data.scenarios.dormant?.[0] as string), { kind: "disable" });
    await scan(db, connector, new Date(NOW.getTime() + 24 * HOUR));
    const third = await scan(db, connector, new Date(NOW.getTime() + 48 * HOUR));

    const view = await buildDigest(createSqliteStore(db), { now: new Date(NOW.getTime() + 49 * HOUR) });
    expect(view.score).toMatchObject({ value: third.score.value, previous: first.score.value });
    expect(view.score?.reason).toMatch(/dormant accounts dealt with/);
    expect(view.fixedFindings.map((f) => f.rule)).toEqual(["dormant"]);
  });

  it("says plainly when the last scan failed", async () => {
    const { connector } = await startDemoSource();
    const db = openTempDb();
    await scan(db, connector);
    db.prepare(
      "INSERT INTO scans (source, started_at, finished_at, status, error) VALUES ('servicenow', ?, ?, 'failed', '401 User Not Authenticated')",
    ).run(new Date(NOW.getTime() + HOUR).toISOString(), new Date(NOW.getTime() + HOUR).toISOString());
    const view = await buildDigest(createSqliteStore(db), { now: new Date(NOW.getTime() + 2 * HOUR) });
    expect(view.lastScan?.problem).toMatch(/^The last scan failed .*401 User Not Authenticated/);
    expect(view.score).toBeDefined();
  });
});
