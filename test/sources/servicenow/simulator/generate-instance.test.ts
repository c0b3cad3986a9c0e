import { describe, expect, it } from "vitest";
import { describeInstance } from "../../../../src/sources/servicenow/simulator/describe-instance.js";
import {
  DEMO_SCENARIOS,
  generateInstance,
} from "../../../../src/sources/servicenow/simulator/generate-instance.js";
import type { InstanceData, SimRecord } from "../../../../src/sources/servicenow/simulator/instance-data.js";

const NOW = new Date("2026-03-15T12:00:00Z");
const DAY = 86_400_000;

function rowsOf(data: InstanceData, table: string): SimRecord[] {
  return data.tables.get(table)?.rows ?? [];
}
function user(data: InstanceData, userName: string): SimRecord {
  const found = rowsOf(data, "sys_user").find((u) => u.user_name === userName);
  if (!found) throw new Error(`no user ${userName}`);
  return found;
}
function userById(data: InstanceData, id: string): SimRecord | undefined {
  return rowsOf(data, "sys_user").find((u) => u.sys_id === id);
}
function restTimes(data: InstanceData, userName: string): number[] {
  const log = data.transactions;
  const out: number[] = [];
  for (let i = 0; i < log.count; i++) {
    if (log.type[i] === 0 && log.userNames[log.user[i]!] === userName) out.push(log.time[i]! * 1000);
  }
  return out;
}
function rolesOf(data: InstanceData, userId: string): string[] {
  const roles = rowsOf(data, "sys_user_role");
  return rowsOf(data, "sys_user_has_role")
    .filter((r) => r.user === userId)
    .map((r) => roles.find((role) => role.sys_id === r.role)?.name ?? "");
}
const glide = (s: string) => Date.parse(`${s.replace(" ", "T")}Z`);

describe("generateInstance (demo)", () => {
  const data = generateInstance({ now: NOW, seed: 7 });

  it("is deterministic for a seed and now", () => {
    const again = generateInstance({ now: NOW, seed: 7 });
    expect(rowsOf(again, "sys_user")).toEqual(rowsOf(data, "sys_user"));
    expect(again.transactions.time).toEqual(data.transactions.time);
    expect(generateInstance({ now: NOW, seed: 8 }).tables.get("sys_user")?.rows[0]?.sys_id).not.toBe(
      rowsOf(data, "sys_user")[0]?.sys_id,
    );
  });

  it("stores ServiceNow-shaped strings", () => {
    for (const u of rowsOf(data, "sys_user")) {
      expect(u.sys_id).toMatch(/^[0-9a-f]{32}$/);
      expect(["true", "false"]).toContain(u.active);
      expect(u.sys_created_on).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      if (u.manager) expect(userById(data, u.manager)?.user_name).toMatch(/^[a-z]+\.[a-z]+$/);
    }
    const times = data.transactions.time;
    for (let i = 1; i < times.length; i++) expect(times[i]! >= times[i - 1]!).toBe(true);
    expect(times[times.length - 1]! * 1000).toBeLessThanOrEqual(NOW.getTime());
  });

  it("names every scenario", () => {
    for (const scenario of DEMO_SCENARIOS) expect(data.scenarios[scenario]?.length ?? 0).toBeGreaterThan(0);
    const d = describeInstance(data);
    expect(d.users).toBeGreaterThanOrEqual(60);
    expect(d.machineIdentities).toBeGreaterThanOrEqual(20);
  });

  it("covers each risk situation", () => {
    const since30 = NOW.getTime() - 30 * DAY;
    const s = (k: string) => data.scenarios[k]?.[0] ?? "";

    const clean = user(data, s("clean"));
    expect(clean.web_service_access_only).toBe("true");
    expect(userById(data, clean.manager ?? "")?.active).toBe("true");
    expect(restTimes(data, clean.user_name!).some((t) => t > since30)).toBe(true);
    expect(rowsOf(data, "oauth_credential").some((o) => o.user === clean.sys_id)).toBe(true);

    const dormant = user(data, s("dormant"));
    expect(restTimes(data, dormant.user_name!)).toEqual([]);
    expect(glide(dormant.last_login_time!)).toBeLessThan(NOW.getTime() - 150 * DAY);

    const basic = user(data, s("basic_auth"));
    const exception = rowsOf(data, "sys_user_basic_auth_exception").find((r) => r.user === basic.sys_id);
    expect(glide(exception!.last_seen!)).toBeGreaterThan(since30);
    expect(Number(exception!.usage_count)).toBeGreaterThan(0);

    const wsaoOff = user(data, s("wsao_disabled"));
    expect(wsaoOff.web_service_access_only).toBe("false");
    expect(restTimes(data, wsaoOff.user_name!).length).toBeGreaterThan(0);

    const uiApi = user(data, s("ui_and_api"));
    expect(
      rowsOf(data, "sys_user_login_history").filter((l) => l.user === uiApi.sys_id).length,
    ).toBeGreaterThan(0);
    expect(restTimes(data, uiApi.user_name!).length).toBeGreaterThan(0);

    expect(user(data, s("orphan")).manager).toBe("");
    expect(userById(data, user(data, s("inactive_owner")).manager!)?.active).toBe("false");
    expect(rolesOf(data, user(data, s("privileged")).sys_id!)).toContain("admin");
    expect(data.scenarios.basic_auth).toContain(s("multiple_rules"));

    const internal = user(data, s("internal_integration"));
    expect(internal.internal_integration_user).toBe("true");
    expect(restTimes(data, internal.user_name!).length).toBeGreaterThan(0);

    const human = user(data, s("human_api_admin"));
    expect(human.web_service_access_only).toBe("false");
    expect(rolesOf(data, human.sys_id!)).toContain("admin");
    expect(restTimes(data, human.user_name!).length).toBeGreaterThan(0);

    expect(user(data, s("disabled")).active).toBe("false");

    // Accounts whose only evidence of API use sits in one signal (none of them web-service-only).
    const hasRow = (table: string, u: SimRecord) => rowsOf(data, table).some((r) => r.user === u.sys_id);
    const evidence = (u: SimRecord) => [
      restTimes(data, u.user_name!).length > 0,
      hasRow("sys_user_basic_auth_exception", u),
      hasRow("oauth_credential", u),
    ];
    const restOnly = user(data, s("rest_only"));
    const basicOnly = user(data, s("basic_auth_only"));
    const oauthOnly = user(data, s("oauth_only"));
    expect(evidence(restOnly)).toEqual([true, false, false]);
    expect(evidence(basicOnly)).toEqual([false, true, false]);
    expect(evidence(oauthOnly)).toEqual([false, false, true]);
    for (const u of [restOnly, basicOnly, oauthOnly]) {
      expect(u.web_service_access_only).toBe("false");
      expect(u.last_login_time).toBe("");
      expect(hasRow("sys_user_login_history", u)).toBe(false);
    }
    // The SOAP gateway's calls are in the log, but not as REST transactions.
    const log = data.transactions;
    const soapUser = log.userNames.indexOf(basicOnly.user_name!);
    expect(Array.from(log.user).some((u, i) => u === soapUser && log.type[i] === 3)).toBe(true);
    const tokens = rowsOf(data, "oauth_credential").filter((r) => r.user === oauthOnly.sys_id);
    expect(tokens.map((t) => t.type).sort()).toEqual(["access_token", "refresh_token"]);
    expect(Math.max(...tokens.map((t) => glide(t.sys_created_on!)))).toBeGreaterThan(NOW.getTime() - DAY);

    const quiet = restTimes(data, s("recently_quiet"));
    expect(quiet.length).toBeGreaterThan(0);
    expect(Math.max(...quiet)).toBeLessThan(NOW.getTime() - 55 * DAY);
    expect(Math.max(...quiet)).toBeGreaterThan(NOW.getTime() - 61 * DAY);
  });
});
