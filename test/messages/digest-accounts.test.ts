import { describe, expect, it } from "vitest";
import { buildDigest } from "../../src/messages/build-digest.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { NOW, openTempDb, scan, startDemoSource } from "../helpers/demo-source.js";
import { recordStatements } from "../helpers/record-statements.js";

const HOUR = 3_600_000;

describe("the digest's accounts", () => {
  it("are the scanned accounts with open findings, with owner and rules, read without decoding every snapshot", async () => {
    const { sim, connector, idOf } = await startDemoSource();
    const db = openTempDb();
    const first = await scan(db, connector);
    db.prepare(
      "INSERT INTO digests (platform, recipient, scan_id, score, posted_at) VALUES ('slack', 'C1', ?, ?, ?)",
    ).run(first.scanId, first.score.value, NOW.toISOString());
    const dormant = idOf(sim.data.scenarios.dormant?.[0] as string);
    await connector.apply(dormant, { kind: "disable" });
    const latest = await scan(db, connector, new Date(NOW.getTime() + 24 * HOUR));

    const statements = new Set<string>();
    const store = createSqliteStore(recordStatements(db, statements));
    const view = await buildDigest(store, { now: new Date(NOW.getTime() + 25 * HOUR) });

    // What the scan itself found: every identity with findings, its owner's name, its rules.
    const expected = latest.inventory.identities
      .filter((identity) => (latest.findings.get(identity.id) ?? []).length > 0)
      .map((identity) => ({
        userName: identity.userName,
        ownerName: identity.owner?.name,
        rules: [...(latest.findings.get(identity.id) ?? [])].map((f) => f.rule).sort(),
      }))
      .sort((a, b) => a.userName.localeCompare(b.userName));
    const shown = view.riskiest
      .map(({ userName, ownerName, rules }) => ({ userName, ownerName, rules: [...rules].sort() }))
      .sort((a, b) => a.userName.localeCompare(b.userName));
    expect(shown.length).toBeGreaterThan(3);
    expect(shown.some((a) => a.ownerName !== undefined)).toBe(true);
    expect(shown).toEqual(expected);
    // Riskiest first.
    const risks = view.riskiest.map((a) => a.risk);
    expect(risks).toEqual([...risks].sort((a, b) => b - a));
    // A fixed account is named by its user name, though it has no open finding left.
    const fixed = view.fixedFindings.find((f) => f.accountId === dormant);
    expect(fixed?.userName).toBe(sim.data.scenarios.dormant?.[0]);
    // No statement reads whole account rows (their snapshots): only the columns the digest shows.
    const readsRows = [...statements].filter(
      (sql) =>
        /\ba\.\*|SELECT \* FROM accounts/.test(sql) ||
        sql.replace(/json_extract\(a\.snapshot, '\$\.owner\.name'\)/g, "").includes("snapshot"),
    );
    expect(readsRows).toEqual([]);
  });
});
