import { describe, expect, it } from "vitest";
import type { InstanceData, SimRecord } from "../../../src/sources/servicenow/simulator/instance-data.js";
import { openTempDb, scan, startDemoSource } from "../../helpers/demo-source.js";

const rows = (data: InstanceData, table: string): SimRecord[] => data.tables.get(table)?.rows ?? [];

/** Roles and Basic-auth use come from grouped Aggregate API calls, with what the records hold. */
describe("roles and Basic-auth use as grouped aggregates", () => {
  it("reads every identity's roles from counts grouped by user and role, never role rows", async () => {
    const { sim, connector } = await startDemoSource();
    const outcome = await scan(openTempDb(), connector);
    const data = sim.data;
    const roleName = new Map(rows(data, "sys_user_role").map((r) => [r.sys_id, r.name]));
    const expected = (id: string) =>
      [
        ...new Set(
          rows(data, "sys_user_has_role")
            .filter((g) => g.user === id)
            .map((g) => roleName.get(g.role) ?? ""),
        ),
      ].sort();
    const withRoles = outcome.inventory.identities.filter((i) => expected(i.id).length > 0);
    // Web-service-only accounts and others (read by user_name) alike.
    expect(withRoles.some((i) => i.discoveredBy.includes("wsao"))).toBe(true);
    expect(withRoles.some((i) => !i.discoveredBy.includes("wsao"))).toBe(true);
    for (const identity of outcome.inventory.identities)
      expect(identity.roles, identity.userName).toEqual(expected(identity.id));

    const paths = sim.requests.map((r) => r.path);
    expect(paths).not.toContain("/api/now/table/sys_user_has_role");
    const grouped = sim.requests.filter((r) => r.path === "/api/now/stats/sys_user_has_role");
    expect(grouped.length).toBeGreaterThan(1);
    for (const request of grouped) expect(request.query.sysparm_group_by).toBe("user,role");
    expect(grouped.some((r) => String(r.query.sysparm_query).startsWith("user.user_nameIN"))).toBe(true);
    // The role names: one list of the role table.
    expect(paths.filter((p) => p === "/api/now/table/sys_user_role")).toHaveLength(1);
  });

  it("reads Basic-auth use with one grouped call, with each account's latest sighting and count", async () => {
    const { sim, connector } = await startDemoSource();
    const outcome = await scan(openTempDb(), connector);
    const paths = sim.requests.map((r) => r.path);
    expect(paths).not.toContain("/api/now/table/sys_user_basic_auth_exception");
    expect(paths.filter((p) => p === "/api/now/stats/sys_user_basic_auth_exception")).toHaveLength(1);
    const records = rows(sim.data, "sys_user_basic_auth_exception");
    expect(records.length).toBeGreaterThan(2);
    const byId = new Map(outcome.inventory.identities.map((i) => [i.id, i]));
    for (const record of records) {
      const identity = byId.get(record.user ?? "");
      if (!identity) continue; // an internal integration user, left out
      expect(identity.lastBasicAuthAt?.toISOString()).toBe(`${record.last_seen?.replace(" ", "T")}.000Z`);
    }
  });
});
