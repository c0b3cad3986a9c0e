import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeInstance } from "../../src/simulator/describe-instance.js";
import { generateInstance } from "../../src/simulator/generate-instance.js";
import type { InstanceData } from "../../src/simulator/instance-data.js";
import {
  type SimulatedInstance,
  startSimulatedInstance,
} from "../../src/simulator/start-simulated-instance.js";

const NOW = new Date("2026-03-15T12:00:00Z");
const AUTH = { Authorization: `Basic ${Buffer.from("warden:warden-demo").toString("base64")}` };

describe("scaled instance", () => {
  let data: InstanceData;
  let sim: SimulatedInstance;
  beforeAll(async () => {
    data = generateInstance({
      now: NOW,
      seed: 11,
      scale: { users: 20_000, machineIdentities: 5_000, transactions30d: 200_000 },
    });
    sim = await startSimulatedInstance({ data, recordRequests: false, now: () => NOW });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("has the requested size and a columnar, time-sorted log", () => {
    const d = describeInstance(data);
    expect(d.users).toBe(20_000);
    expect(d.machineIdentities).toBe(5_000);
    expect(d.restTransactions30d).toBeGreaterThanOrEqual(200_000);
    expect(d.restTransactions30d).toBeLessThan(200_100);
    expect(d.nonWsaoApiIdentities).toBeGreaterThan(300);
    expect(d.identityRoleRows).toBeGreaterThan(10_000);
    expect(d.uniqueApiCalls7d).toBeGreaterThan(1_000);
    expect(d.transactionLogSince < "2026-01-20 00:00:00").toBe(true);
    expect(data.transactions.time).toBeInstanceOf(Uint32Array);
  });

  it("answers a grouped 30-day count quickly and consistently with the table", async () => {
    const params = new URLSearchParams({
      sysparm_count: "true",
      sysparm_group_by: "sys_created_by",
      sysparm_max_fields: "sys_created_on",
      sysparm_query: "type=rest^sys_created_on>=javascript:gs.daysAgoStart(30)",
    });
    const started = Date.now();
    const res = await fetch(`${sim.url}/api/now/stats/syslog_transaction?${params}`, { headers: AUTH });
    const body = (await res.json()) as { result: Array<{ stats: { count: string } }> };
    expect(Date.now() - started).toBeLessThan(1_000);
    const total = body.result.reduce((sum, g) => sum + Number(g.stats.count), 0);
    expect(total).toBe(describeInstance(data).restTransactions30d);

    const page = await fetch(
      `${sim.url}/api/now/table/syslog_transaction?sysparm_limit=5&sysparm_query=${encodeURIComponent("type=rest^sys_created_on>=javascript:gs.daysAgoStart(30)^ORDERBYsys_id")}`,
      { headers: AUTH },
    );
    expect(page.headers.get("x-total-count")).toBe(String(total));
    const rows = ((await page.json()) as { result: Array<Record<string, string>> }).result;
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatchObject({
      type: "rest",
      http_method: expect.stringMatching(/^(GET|POST|PATCH|PUT|DELETE)$/),
    });
    expect(rows[0]!.url).toMatch(/^\/api\/now\//);
  });
});
