import type { Database } from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { listOpenFindings } from "../../src/store/findings.js";
import {
  listDueFollowUps,
  listFollowUpAccounts,
  scheduleEscalation,
  stopAnsweredFollowUps,
  stopFollowUps,
} from "../../src/store/follow-ups.js";
import { NOW, openTempDb } from "../helpers/demo-source.js";

/** The statements `run` prepares on `db`, with SQLite's plan for each. */
function plansOf(db: Database, run: (db: Database) => void): string[][] {
  const statements: string[] = [];
  const recording = new Proxy(db, {
    get(target, key) {
      if (key === "prepare") {
        return (sql: string) => {
          statements.push(sql);
          return target.prepare(sql);
        };
      }
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  run(recording);
  expect(statements.length).toBeGreaterThan(0);
  return statements.map((sql) => {
    const params = Array.from(sql.matchAll(/\?/g), () => null);
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map(
      (row) => row.detail,
    );
  });
}

/**
 * A plan step that reads a whole table or index: its cost grows with every row ever written. A
 * scan of json_each reads a bound parameter (the list of platforms), not stored rows.
 */
const fullScans = (plans: string[][]) =>
  plans.flat().filter((step) => step.startsWith("SCAN ") && !step.startsWith("SCAN json_each VIRTUAL TABLE"));

describe("the follow-up pass's statements run on indexes", () => {
  it("reads the due schedule, a message's accounts and an account's findings without a full scan", () => {
    const db = openTempDb();
    const plans = plansOf(db, (d) => {
      listDueFollowUps(d, NOW, ["slack"], 50);
      listFollowUpAccounts(d, 1, NOW);
      listOpenFindings(d, { source: "servicenow", accountId: "a1" });
      scheduleEscalation(d, 1, NOW);
      stopFollowUps(d, 1);
      stopAnsweredFollowUps(d, "servicenow", "a1");
    });
    expect(fullScans(plans)).toEqual([]);
    expect(plans[0]?.join(" ")).toContain("follow_ups_due");
    expect(plans[2]?.join(" ")).toContain("findings_by_account");
  });
});
