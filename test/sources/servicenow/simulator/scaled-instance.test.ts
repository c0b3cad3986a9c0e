import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeInstance } from "../../../../src/sources/servicenow/simulator/describe-instance.js";
import { generateInstance } from "../../../../src/sources/servicenow/simulator/generate-instance.js";
import type { InstanceData } from "../../../../src/sources/servicenow/simulator/instance-data.js";
import {
  type SimulatedInstance,
  startSimulatedInstance,
} from "../../../../src/sources/servicenow/simulator/start-simulated-instance.js";

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
    // SOAP integrations: found only through their Basic-auth record (no REST row).
    expect(d.nonWsaoWithoutRestIdentities).toBeGreaterThan(20);
    expect(d.nonWsaoWithoutRestIdentities).toBeLessThan(d.nonWsaoApiIdentities * 0.2);
    expect(d.identityRoleRows).toBeGreaterThan(10_000);
    expect(d.uniqueApiCalls7d).toBeGreaterThan(1_000);
    expect(d.transactionLogSince < "2026-01-20 00:00:00").toBe(true);
    expect(data.transactions.time).toBeInstanceOf(Uint32Array);
  });

  it("gives machine identities a small pool of owners and keeps every risk in the data", () => {
    const d = describeInstance(data);
    // About one owner per ten identities, as service accounts belong to platform/integration teams.
    expect(d.identityOwners).toBeGreaterThan(d.machineIdentities * 0.08);
    expect(d.identityOwners).toBeLessThan(d.machineIdentities * 0.12);

    const users = data.tables.get("sys_user")!.rows;
    const byId = new Map(users.map((u) => [u.sys_id!, u]));
    const identities = users.filter((u) => u.web_service_access_only === "true");
    const count = (predicate: (u: (typeof users)[number]) => boolean) => identities.filter(predicate).length;
    // no_owner in all its forms: none set, deleted owner, owner who left, owner without email.
    expect(count((u) => u.manager === "")).toBeGreaterThan(0);
    expect(count((u) => u.manager !== "" && !byId.has(u.manager!))).toBeGreaterThan(0);
    expect(count((u) => byId.get(u.manager!)?.active === "false")).toBeGreaterThan(0);
    expect(count((u) => byId.get(u.manager!)?.email === "")).toBeGreaterThan(0);

    const log = data.transactions;
    const calling = new Set<string>();
    for (let i = 0; i < log.count; i++) if (log.type[i] === 0) calling.add(log.userNames[log.user[i]!]!);
    const longAgo = "2025-12-05 00:00:00"; // 100 days before NOW
    // dormant: no REST call at all, last login and creation long ago.
    expect(
      count(
        (u) =>
          u.active === "true" &&
          !calling.has(u.user_name!) &&
          u.last_login_time! < longAgo &&
          u.sys_created_on! < longAgo,
      ),
    ).toBeGreaterThan(0);
    const recent = "2026-02-13 00:00:00";
    const idOf = new Set(identities.map((u) => u.sys_id!));
    // basic_auth: Basic auth seen within 30 days.
    const basic = data.tables.get("sys_user_basic_auth_exception")!.rows;
    expect(basic.filter((r) => idOf.has(r.user!) && r.last_seen! >= recent).length).toBeGreaterThan(0);
    // wsao_disabled and ui_and_api: API-calling accounts without WSAO, some of them logging in.
    const nonWsao = users.filter(
      (u) =>
        u.web_service_access_only === "false" &&
        u.internal_integration_user === "false" &&
        u.user_name!.startsWith("svc_") &&
        calling.has(u.user_name!),
    );
    expect(nonWsao.length).toBeGreaterThan(0);
    const nonWsaoIds = new Set(nonWsao.map((u) => u.sys_id!));
    const logins = data.tables.get("sys_user_login_history")!.rows;
    expect(
      logins.filter((l) => nonWsaoIds.has(l.user!) && l.sys_created_on! >= recent).length,
    ).toBeGreaterThan(0);
    // privileged: identities holding admin-level roles.
    const privileged = new Set(
      data.tables
        .get("sys_user_role")!
        .rows.filter((r) => ["admin", "security_admin", "user_admin", "oauth_admin"].includes(r.name!))
        .map((r) => r.sys_id!),
    );
    const grants = data.tables.get("sys_user_has_role")!.rows;
    expect(grants.filter((g) => idOf.has(g.user!) && privileged.has(g.role!)).length).toBeGreaterThan(0);
  });

  // How fast it answers is the benchmark's business (npm run bench), not a test's.
  it("answers a grouped 30-day count consistently with the table", async () => {
    const params = new URLSearchParams({
      sysparm_count: "true",
      sysparm_group_by: "sys_created_by",
      sysparm_max_fields: "sys_created_on",
      sysparm_query: "type=rest^sys_created_on>=javascript:gs.daysAgoStart(30)",
    });
    const res = await fetch(`${sim.url}/api/now/stats/syslog_transaction?${params}`, { headers: AUTH });
    const body = (await res.json()) as { result: Array<{ stats: { count: string } }> };
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

describe("scaled instance at 50k users", () => {
  let data: InstanceData;
  let sim: SimulatedInstance;
  beforeAll(async () => {
    data = generateInstance({
      now: NOW,
      seed: 12,
      scale: { users: 50_000, machineIdentities: 12_500, transactions30d: 50_000 },
    });
    sim = await startSimulatedInstance({ data, recordRequests: false, now: () => NOW });
  });
  afterAll(async () => {
    await sim.close();
  });

  const list = async (table: string, query: string, fields: string) => {
    const params = new URLSearchParams({
      sysparm_query: query,
      sysparm_fields: fields,
      sysparm_limit: "1000",
      sysparm_exclude_reference_link: "true",
      // As the scanner asks: a Link header repeating a 180-id query would overflow the client's limit.
      sysparm_suppress_pagination_header: "true",
    });
    const res = await fetch(`${sim.url}/api/now/table/${table}?${params}`, { headers: AUTH });
    const body = (await res.json()) as { result: Array<Record<string, string>> };
    return { rows: body.result, total: Number(res.headers.get("x-total-count")) };
  };

  it("keyset-pages and answers IN lists as the scan asks them", async () => {
    const users = data.tables.get("sys_user")!.rows;
    const wsao = new Set(
      users
        .filter((u) => u.web_service_access_only === "true" && u.internal_integration_user !== "true")
        .map((u) => u.sys_id!),
    );
    // Every page of the dot-walked role query, as the scanner reads it.
    const walk = "user.web_service_access_only=true^user.internal_integration_user!=true";
    const seen: string[] = [];
    let cursor = "";
    for (let page = 0; page < 200; page++) {
      const query = cursor === "" ? `${walk}^ORDERBYsys_id` : `${walk}^sys_id>${cursor}^ORDERBYsys_id`;
      const { rows, total } = await list("sys_user_has_role", query, "sys_id,user,role.name");
      expect(total).toBeGreaterThanOrEqual(rows.length);
      seen.push(...rows.map((r) => r.sys_id!));
      if (total <= rows.length) break;
      cursor = rows[rows.length - 1]!.sys_id!;
    }
    const grants = data.tables.get("sys_user_has_role")!.rows;
    expect(seen).toEqual(
      grants
        .filter((g) => wsao.has(g.user!))
        .map((g) => g.sys_id!)
        .sort(),
    );

    // IN lists the size the scanner sends, on sys_id, user_name and a reference field.
    const machines = users.filter((u) => u.user_name!.startsWith("svc_"));
    for (let batch = 0; batch < 10; batch++) {
      const some = machines.filter((_, i) => i % 61 === batch).slice(0, 180);
      const ids = await list(
        "sys_user",
        `sys_idIN${some.map((u) => u.sys_id).join(",")}^ORDERBYsys_id`,
        "sys_id",
      );
      expect(ids.rows.map((r) => r.sys_id)).toEqual(some.map((u) => u.sys_id).sort());
      const names = await list(
        "sys_user",
        `user_nameIN${some.map((u) => u.user_name).join(",")}`,
        "user_name",
      );
      expect(names.total).toBe(some.length);
      const held = await list("sys_user_has_role", `userIN${some.map((u) => u.sys_id).join(",")}`, "user");
      const someIds = new Set(some.map((u) => u.sys_id!));
      expect(held.total).toBe(grants.filter((g) => someIds.has(g.user!)).length);
    }
  });
});
