import { describe, expect, it } from "vitest";
import { aggregateRecords } from "../../../../src/sources/servicenow/simulator/aggregate-api.js";
import { aggregateRows } from "../../../../src/sources/servicenow/simulator/aggregate-rows.js";
import { generateInstance } from "../../../../src/sources/servicenow/simulator/generate-instance.js";
import type {
  InstanceData,
  TransactionLog,
} from "../../../../src/sources/servicenow/simulator/instance-data.js";
import { SimulatorFaults } from "../../../../src/sources/servicenow/simulator/simulator-faults.js";
import { createViews, type TableView } from "../../../../src/sources/servicenow/simulator/table-view.js";

const NOW = new Date("2026-03-15T12:00:00Z");

/** Groups counted the plain way: one string key per row, groups sorted by their values. */
function naiveGroups(view: TableView, rows: readonly number[], groupBy: readonly string[], maxField: string) {
  const groups = new Map<string, { values: string[]; count: number; max: string }>();
  for (const row of rows) {
    const values = groupBy.map((f) => view.get(row, f));
    const key = JSON.stringify(values);
    const group = groups.get(key) ?? { values, count: 0, max: "" };
    group.count++;
    const v = view.get(row, maxField);
    if (v > group.max) group.max = v;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => {
    for (let i = 0; i < a.values.length; i++) {
      if (a.values[i] !== b.values[i]) return a.values[i]! < b.values[i]! ? -1 : 1;
    }
    return 0;
  });
}

function withLog(data: InstanceData, log: TransactionLog): InstanceData {
  return { ...data, transactions: log };
}

describe("aggregateRows", () => {
  it("groups by value even where the log's dictionary holds a value twice", () => {
    const base = generateInstance({ now: NOW, seed: 2 });
    const n = 400;
    const log: TransactionLog = {
      kind: "transactions",
      name: "syslog_transaction",
      count: n,
      sysIdPrefix: "a".repeat(24),
      // "bob" and "/api/now/table/incident" appear twice, under different codes.
      userNames: ["bob", "alice", "bob", "carol"],
      urls: ["/api/now/table/incident", "/api/now/stats/x", "/api/now/table/incident", "/a"],
      user: Uint32Array.from({ length: n }, (_, i) => (i * 7) % 4),
      time: Uint32Array.from({ length: n }, (_, i) => 1_770_000_000 + i * 60),
      url: Uint32Array.from({ length: n }, (_, i) => (i * 3) % 4),
      method: Uint8Array.from({ length: n }, (_, i) => i % 3),
      type: Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0)),
      responseTime: new Uint16Array(n),
    };
    const view = createViews(withLog(base, log)).get("syslog_transaction")!;
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 0);
    for (const groupBy of [["sys_created_by"], ["url"], ["sys_created_by", "url", "http_method"]]) {
      const expected = naiveGroups(view, rows, groupBy, "sys_created_on");
      const actual = aggregateRows(view, rows, {
        groupBy,
        count: true,
        max: ["sys_created_on"],
        min: [],
        sum: [],
        avg: [],
      });
      expect(actual.map((g) => [g.groupValues, g.count, g.max.sys_created_on])).toEqual(
        expected.map((g) => [g.values, g.count, g.max]),
      );
    }
  });

  it("counts logins by user for an IN list like the plain path", () => {
    const data = generateInstance({
      now: NOW,
      seed: 4,
      scale: { users: 2_000, machineIdentities: 500, transactions30d: 2_000 },
    });
    const views = createViews(data);
    const logins = data.tables.get("sys_user_login_history")!.rows;
    const ids = [...new Set(logins.filter((_, i) => i % 3 === 0).map((l) => l.user!))].slice(0, 150);
    const since = "2026-02-20 00:00:00";
    const params = new URLSearchParams({
      sysparm_query: `userIN${[...ids, "nobody"].join(",")}^sys_created_on>=${since}`,
      sysparm_group_by: "user",
      sysparm_count: "true",
      sysparm_max_fields: "sys_created_on",
    });
    const ctx = { baseUrl: "http://sim.test", views, faults: new SimulatorFaults(), now: () => NOW };
    const res = aggregateRecords(ctx, "sys_user_login_history", params);
    const result = (
      res.body as { result: Array<{ groupby_fields: Array<{ value: string }>; stats: { count: string } }> }
    ).result;
    const view = views.get("sys_user_login_history")!;
    const rows = logins.flatMap((l, i) => (ids.includes(l.user!) && l.sys_created_on! >= since ? [i] : []));
    const expected = naiveGroups(view, rows, ["user"], "sys_created_on");
    expect(result.map((g) => [g.groupby_fields[0]!.value, Number(g.stats.count)])).toEqual(
      expected.map((g) => [g.values[0], g.count]),
    );
    expect(result.length).toBeGreaterThan(20);
  });
});
