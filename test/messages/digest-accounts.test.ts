import { describe, expect, it } from "vitest";
import { accountRisk } from "../../src/core/compute-score.js";
import { buildDigest, DIGEST_TOP_ACCOUNTS, type DigestView } from "../../src/messages/build-digest.js";
import { generateInstance } from "../../src/sources/servicenow/simulator/generate-instance.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { NOW, openTempDb, scan, startDemoSource } from "../helpers/demo-source.js";
import { recordStatements } from "../helpers/record-statements.js";

const HOUR = 3_600_000;

/** Every scanned identity with findings, riskiest first, then by user name (as a digest lists them). */
function riskiestOf(scanned: Awaited<ReturnType<typeof scan>>) {
  const byName = new Intl.Collator().compare;
  return scanned.inventory.identities
    .map((identity) => {
      const rules = (scanned.findings.get(identity.id) ?? []).map((f) => f.rule).sort();
      return {
        userName: identity.userName,
        ownerName: identity.owner?.name,
        rules,
        risk: accountRisk({ disabled: false, rules }),
      };
    })
    .filter((a) => a.rules.length > 0)
    .sort((a, b) => b.risk - a.risk || byName(a.userName, b.userName));
}

const shownOf = (view: DigestView) =>
  view.riskiest.top.map(({ userName, ownerName, rules, risk }) => ({
    userName,
    ownerName,
    rules: [...rules].sort(),
    risk,
  }));

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

    // What the scan itself found, sorted as a digest sorts it: every identity with findings,
    // counted, and the riskiest few with their owner's name and rules.
    const all = riskiestOf(latest);
    expect(all.length).toBeGreaterThan(DIGEST_TOP_ACCOUNTS); // the demo has more than a digest shows
    expect(view.riskiest.total).toBe(all.length);
    expect(view.riskiest.top.some((a) => a.ownerName !== undefined)).toBe(true);
    expect(shownOf(view)).toEqual(all.slice(0, DIGEST_TOP_ACCOUNTS));
    // A fixed account is named by its user name, though it has no open finding left.
    const fixed = view.fixedFindings.find((f) => f.accountId === dormant);
    expect(fixed?.userName).toBe(sim.data.scenarios.dormant?.[0]);
    // No statement reads whole account rows (their snapshots): only the columns the digest shows.
    const readsRows = [...statements].filter(
      (sql) =>
        /\ba\.\*|SELECT \* FROM accounts/.test(sql) ||
        // The snapshot's JSON only to take the owner's name out of it in SQL.
        /(?<!json_extract\()\bs\.snapshot\b/.test(sql),
    );
    expect(readsRows).toEqual([]);
  });

  it("with hundreds of risky accounts read page by page, are the riskiest few of all of them and the count of all", async () => {
    const { connector } = await startDemoSource({
      data: generateInstance({
        now: NOW,
        seed: 7,
        scale: { users: 3_500, machineIdentities: 1_200, transactions30d: 5_000 },
      }),
    });
    const db = openTempDb();
    const scanned = await scan(db, connector);
    // Pages of 64 accounts: the riskiest may be on any page, ties across pages.
    const view = await buildDigest(createSqliteStore(db), { now: NOW, pageSize: 64 });

    const all = riskiestOf(scanned);
    expect(all.length).toBeGreaterThan(5 * 64);
    expect(view.riskiest.total).toBe(all.length);
    expect(shownOf(view)).toEqual(all.slice(0, DIGEST_TOP_ACCOUNTS));
  });
});
