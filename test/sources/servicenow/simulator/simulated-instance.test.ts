import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateInstance } from "../../../../src/sources/servicenow/simulator/generate-instance.js";
import {
  type SimulatedInstance,
  startSimulatedInstance,
} from "../../../../src/sources/servicenow/simulator/start-simulated-instance.js";

const NOW = new Date("2026-03-15T12:00:00Z");
const BASIC = `Basic ${Buffer.from("warden:warden-demo").toString("base64")}`;

let sim: SimulatedInstance;
let clock = NOW.getTime();

beforeAll(async () => {
  sim = await startSimulatedInstance({
    data: generateInstance({ now: NOW, seed: 3 }),
    now: () => new Date(clock),
  });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.faults.reset();
  clock = NOW.getTime();
});

async function get(path: string, params: Record<string, string> = {}, auth: string | null = BASIC) {
  const url = new URL(path, sim.url);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await fetch(url, { headers: auth ? { Authorization: auth, Accept: "application/json" } : {} });
  const text = await res.text();
  let body: unknown = text;
  if (res.headers.get("content-type")?.includes("json")) body = JSON.parse(text);
  return {
    status: res.status,
    headers: res.headers,
    body: body as Record<string, unknown> & { result: unknown },
  };
}
type Row = Record<string, unknown>;
const list = (body: { result: unknown }) => body.result as Row[];

describe("Table API", () => {
  it("answers the envelope with string values, references and UTC dates", async () => {
    const res = await get("/api/now/table/sys_user", {
      sysparm_query: "user_name=svc_ticket_export^ORuser_name=svc_jira_bridge",
    });
    expect(res.status).toBe(200);
    const rows = list(res.body);
    expect(rows.map((r) => r.user_name).sort()).toEqual(["svc_jira_bridge", "svc_ticket_export"]);
    for (const row of rows) {
      for (const [key, value] of Object.entries(row)) {
        if (key === "manager" && typeof value === "object") continue;
        expect(typeof value).toBe("string");
      }
      expect(row.active).toBe("true");
      expect(row.sys_created_on).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    }
    const orphan = rows.find((r) => r.user_name === "svc_ticket_export")!;
    expect(orphan.manager).toBe("");
    const jira = rows.find((r) => r.user_name === "svc_jira_bridge")!;
    const manager = jira.manager as { link: string; value: string };
    expect(manager.value).toMatch(/^[0-9a-f]{32}$/);
    expect(manager.link).toBe(`${sim.url}/api/now/table/sys_user/${manager.value}`);

    const plain = await get("/api/now/v2/table/sys_user", {
      sysparm_query: "user_name=svc_jira_bridge",
      sysparm_exclude_reference_link: "true",
      sysparm_fields: "user_name,manager,manager.user_name,nonsense",
    });
    expect(list(plain.body)).toEqual([
      { user_name: "svc_jira_bridge", manager: manager.value, "manager.user_name": "james.okafor" },
    ]);
  });

  it("dot-walks references in queries and fields", async () => {
    const res = await get("/api/now/table/sys_user_has_role", {
      sysparm_query: "user.web_service_access_only=true^role.nameINadmin,security_admin",
      sysparm_fields: "user.user_name,role.name",
    });
    const pairs = list(res.body).map((r) => `${r["user.user_name"]}:${r["role.name"]}`);
    expect(pairs).toContain("svc_automation_admin:admin");
    expect(pairs.every((p) => /:(admin|security_admin)$/.test(p))).toBe(true);
  });

  it("pages with X-Total-Count and an absolute Link header (negative prev on page one)", async () => {
    const res = await get("/api/now/table/sys_user", { sysparm_limit: "10", sysparm_query: "ORDERBYsys_id" });
    const total = Number(res.headers.get("x-total-count"));
    expect(total).toBe(sim.data.tables.get("sys_user")!.rows.length);
    expect(list(res.body)).toHaveLength(10);
    const link = res.headers.get("link")!;
    expect(link).toContain(`<${sim.url}/api/now/table/sys_user?`);
    expect(link).toMatch(/sysparm_offset=-10>;rel="prev"/);
    expect(link).toMatch(/sysparm_offset=10>;rel="next"/);
    expect(link).toContain(`sysparm_offset=${Math.floor((total - 1) / 10) * 10}>;rel="last"`);
    const ids = list(res.body).map((r) => r.sys_id as string);
    expect([...ids].sort()).toEqual(ids);

    const bare = await get("/api/now/table/sys_user", {
      sysparm_limit: "10",
      sysparm_no_count: "true",
      sysparm_suppress_pagination_header: "true",
    });
    expect(bare.headers.get("x-total-count")).toBeNull();
    expect(bare.headers.get("link")).toBeNull();
  });

  it("applies sysparm_limit before ACLs: a short page mid-data, total unchanged", async () => {
    const all = list(
      (await get("/api/now/table/sys_user", { sysparm_query: "ORDERBYsys_id", sysparm_fields: "sys_id" }))
        .body,
    );
    const hidden = new Set(all.slice(10, 20).map((r) => r.sys_id as string));
    sim.faults.hideRows("sys_user", hidden);
    const page = await get("/api/now/table/sys_user", {
      sysparm_query: "ORDERBYsys_id",
      sysparm_limit: "10",
      sysparm_offset: "10",
    });
    expect(list(page.body)).toEqual([]);
    expect(Number(page.headers.get("x-total-count"))).toBe(all.length);
    expect(page.headers.get("link")).toContain('rel="next"');
    const one = await get(`/api/now/table/sys_user/${[...hidden][0]}`);
    expect(one.status).toBe(404);
    expect(one.body).toEqual({
      error: {
        message: "No Record found",
        detail: "Record doesn't exist or ACL restricts the record retrieval",
      },
      status: "failure",
    });
  });

  it("drops ACL-hidden fields", async () => {
    sim.faults.hideFields("sys_user", "email", "manager");
    const rows = list(
      (
        await get("/api/now/table/sys_user", {
          sysparm_limit: "3",
          sysparm_fields: "user_name,email,manager.name",
        })
      ).body,
    );
    expect(rows[0]).toEqual({ user_name: expect.any(String) });
  });

  it("ignores unknown fields in queries, like an instance", async () => {
    const res = await get("/api/now/table/sys_user", {
      sysparm_query: "web_service_acess_only=true",
      sysparm_limit: "1",
    });
    expect(Number(res.headers.get("x-total-count"))).toBe(sim.data.tables.get("sys_user")!.rows.length);
  });

  it("treats name=value parameters as literal equality", async () => {
    const literal = await get("/api/now/table/sys_user", { user_name: "svc^ORactive=true" });
    expect(list(literal.body)).toEqual([]);
    const exact = await get("/api/now/table/sys_user", {
      user_name: "svc_jira_bridge",
      sysparm_fields: "user_name",
    });
    expect(list(exact.body)).toEqual([{ user_name: "svc_jira_bridge" }]);
  });

  it("gets one record, 404s on unknown ids and 400s on unknown tables", async () => {
    const [first] = list((await get("/api/now/table/sys_user_role", { sysparm_limit: "1" })).body);
    const one = await get(`/api/now/table/sys_user_role/${first!.sys_id}`);
    expect((one.body.result as Row).name).toBe(first!.name);
    expect((await get("/api/now/table/sys_user_role/0123456789abcdef0123456789abcdef")).status).toBe(404);
    const bad = await get("/api/now/table/sys_nonexistent");
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: { message: "Invalid table sys_nonexistent", detail: "Table sys_nonexistent does not exist" },
      status: "failure",
    });
  });

  it("PATCHes a record (string or boolean values), honouring X-no-response-body", async () => {
    const target = sim.data.tables.get("sys_user")!.rows.find((u) => u.user_name === "svc_reporting_etl")!;
    const url = `${sim.url}/api/now/table/sys_user/${target.sys_id}`;
    const headers = { Authorization: BASIC, "Content-Type": "application/json", Accept: "application/json" };
    clock += 60_000;
    const res = await fetch(url, {
      method: "PATCH",
      headers,
      body: JSON.stringify({ web_service_access_only: true }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: Row };
    expect(body.result.web_service_access_only).toBe("true");
    expect(body.result.sys_updated_on).toBe("2026-03-15 12:01:00");
    const quiet = await fetch(url, {
      method: "PATCH",
      headers: { ...headers, "X-no-response-body": "true" },
      body: JSON.stringify({ active: "false" }),
    });
    expect(quiet.status).toBe(204);
    expect(await quiet.text()).toBe("");
    expect(target.active).toBe("false");
    const wrongType = await fetch(url, {
      method: "PATCH",
      headers: { ...headers, "Content-Type": "text/plain" },
      body: "{}",
    });
    expect(wrongType.status).toBe(400);
  });
});

describe("Aggregate API", () => {
  it("counts without grouping, with max and min", async () => {
    const res = await get("/api/now/stats/syslog_transaction", {
      sysparm_count: "true",
      sysparm_max_fields: "sys_created_on",
      sysparm_min_fields: "sys_created_on",
      sysparm_query: "type=rest^sys_created_by=svc_jira_bridge^sys_created_on>=javascript:gs.daysAgoStart(7)",
    });
    const stats = (res.body.result as { stats: { count: string; max: Row; min: Row } }).stats;
    expect(Number(stats.count)).toBeGreaterThan(100);
    expect(stats.max.sys_created_on! > stats.min.sys_created_on!).toBe(true);
    expect(stats.min.sys_created_on! >= "2026-03-08 00:00:00").toBe(true);
  });

  it("groups by user and by dot-walked references", async () => {
    const res = await get("/api/now/stats/syslog_transaction", {
      sysparm_count: "true",
      sysparm_group_by: "sys_created_by",
      sysparm_max_fields: "sys_created_on",
      sysparm_query: "type=rest^sys_created_on>=javascript:gs.daysAgoStart(30)",
    });
    const groups = res.body.result as Array<{ groupby_fields: Row[]; stats: { count: string; max: Row } }>;
    const names = groups.map((g) => (g.groupby_fields[0] as { value: string }).value);
    expect(names).toContain("svc_jira_bridge");
    expect(names).toContain("alice.nguyen");
    expect(names).not.toContain("svc_legacy_backup");
    expect(names).not.toContain("svc_quarterly_report");
    expect(groups[0]!.groupby_fields[0]).toEqual({ field: "sys_created_by", value: names[0] });
    expect(groups[0]!.stats.count).toMatch(/^\d+$/);

    const byRole = await get("/api/now/stats/sys_user_has_role", {
      sysparm_count: "true",
      sysparm_group_by: "role.name",
    });
    const admin = (byRole.body.result as Array<{ groupby_fields: Row[]; stats: { count: string } }>).find(
      (g) => (g.groupby_fields[0] as { value: string }).value === "admin",
    );
    expect(Number(admin?.stats.count)).toBeGreaterThanOrEqual(3);

    const empty = await get("/api/now/stats/sys_user", {
      sysparm_count: "true",
      sysparm_query: "user_name=nobody",
    });
    expect(empty.body.result).toEqual({ stats: { count: "0" } });
  });
});

describe("authentication and OAuth", () => {
  const token = async (body: Record<string, string>) => {
    const res = await fetch(`${sim.url}/oauth_token.do`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(body).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("refuses requests without valid credentials", async () => {
    const none = await get("/api/now/table/sys_user", {}, null);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      error: { message: "User Not Authenticated", detail: "Required to provide Auth information" },
      status: "failure",
    });
    const wrong = await get(
      "/api/now/table/sys_user",
      {},
      `Basic ${Buffer.from("warden:nope").toString("base64")}`,
    );
    expect(wrong.status).toBe(401);
  });

  it("issues client-credentials tokens that expire and can be revoked", async () => {
    const denied = await token({
      grant_type: "client_credentials",
      client_id: "warden-demo",
      client_secret: "bad",
    });
    expect(denied).toEqual({
      status: 401,
      body: { error: "access_denied", error_description: "access_denied" },
    });
    const ok = await token({
      grant_type: "client_credentials",
      client_id: "warden-demo",
      client_secret: "warden-demo-secret",
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: "Bearer", expires_in: 1800, scope: "useraccount" });
    const bearer = `Bearer ${ok.body.access_token}`;
    expect((await get("/api/now/table/sys_user_role", { sysparm_limit: "1" }, bearer)).status).toBe(200);
    clock += 1801_000;
    expect((await get("/api/now/table/sys_user_role", { sysparm_limit: "1" }, bearer)).status).toBe(401);

    const again = await token({
      grant_type: "password",
      client_id: "warden-demo",
      client_secret: "warden-demo-secret",
      username: "warden",
      password: "warden-demo",
    });
    expect(again.body.refresh_token).toEqual(expect.any(String));
    const second = `Bearer ${again.body.access_token}`;
    expect((await get("/api/now/table/sys_user_role", {}, second)).status).toBe(200);
    sim.revokeTokens();
    expect((await get("/api/now/table/sys_user_role", {}, second)).status).toBe(401);
    expect(sim.requests.at(-1)).toMatchObject({
      auth: "bearer",
      status: 401,
      path: "/api/now/table/sys_user_role",
    });
  });
});

describe("fault switches", () => {
  it("missing and forbidden tables", async () => {
    sim.faults.missingTables.add("sys_user_login_history");
    expect((await get("/api/now/table/sys_user_login_history")).status).toBe(400);
    sim.faults.forbiddenTables.add("syslog_transaction");
    const forbidden = await get("/api/now/stats/syslog_transaction", { sysparm_count: "true" });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({
      error: { message: "Insufficient rights to query records", detail: null },
      status: "failure",
    });
  });

  it("scripted 401, 429 with Retry-After, 503 and html, then back to normal", async () => {
    sim.faults
      .script({ response: 429, retryAfterSeconds: 7, table: "sys_user" })
      .script({ response: 503, times: 2, path: "/api/now/stats/" })
      .script({ response: 401, table: "sys_user_role" })
      .script({ response: "html", table: "oauth_credential" });
    expect((await get("/api/now/table/sys_user_role")).status).toBe(401);
    const limited = await get("/api/now/table/sys_user");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(limited.body).toEqual({
      error: {
        message: "Rate limit exceeded",
        detail: "Rate limit of 100 requests per hour for Table API exceeded",
      },
      status: "failure",
    });
    expect((await get("/api/now/table/sys_user", { sysparm_limit: "1" })).status).toBe(200);
    expect((await get("/api/now/stats/sys_user", { sysparm_count: "true" })).status).toBe(503);
    expect((await get("/api/now/stats/sys_user", { sysparm_count: "true" })).status).toBe(503);
    expect((await get("/api/now/stats/sys_user", { sysparm_count: "true" })).status).toBe(200);
    const html = await get("/api/now/table/oauth_credential");
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(String(html.body)).toContain("Your instance is hibernating");
  });

  it("sends Retry-After as given: an HTTP date on 429, seconds on 503", async () => {
    const date = "Sun, 15 Mar 2026 13:00:00 GMT";
    sim.faults
      .script({ response: 429, retryAfter: date, table: "sys_user" })
      .script({ response: 503, retryAfterSeconds: 600, table: "sys_user" });
    expect((await get("/api/now/table/sys_user")).headers.get("retry-after")).toBe(date);
    const unavailable = await get("/api/now/table/sys_user");
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get("retry-after")).toBe("600");
  });

  it("malformed answers: result replaced or missing, a bad sys_id, endless empty pages, a repeated page", async () => {
    const params = { sysparm_query: "ORDERBYsys_id", sysparm_limit: "2" };
    const firstPage = list((await get("/api/now/table/sys_user", params)).body).map((r) => r.sys_id);
    expect(firstPage).toHaveLength(2);

    sim.faults.malform({ table: "sys_user", answer: { kind: "result", value: { sys_id: "x" } }, times: 1 });
    expect((await get("/api/now/table/sys_user", params)).body).toEqual({ result: { sys_id: "x" } });
    // Only the table named, and only as many times as asked.
    expect(Array.isArray((await get("/api/now/table/sys_user", params)).body.result)).toBe(true);

    sim.faults.malform({ table: "sys_user", answer: { kind: "no-result" }, times: 1 });
    const noResult = (await get("/api/now/table/sys_user", params)).body;
    expect("result" in noResult).toBe(false);
    expect((noResult as { records?: unknown[] }).records).toHaveLength(2);

    sim.faults.malform({ table: "sys_user", answer: { kind: "sys-id", value: 12345 }, times: 1 });
    const numeric = list((await get("/api/now/table/sys_user", params)).body);
    expect(numeric.map((r) => r.sys_id)).toEqual([12345, firstPage[1]]);

    sim.faults.malform({ table: "sys_user", answer: { kind: "empty-pages" } });
    for (const offset of ["0", "2", "4000"]) {
      const empty = await get("/api/now/table/sys_user", { ...params, sysparm_offset: offset });
      expect(empty.body.result).toEqual([]);
      expect(Number(empty.headers.get("x-total-count"))).toBe(Number(offset) + 3);
      expect(empty.headers.get("link")).toContain(`sysparm_offset=${Number(offset) + 2}>;rel="next"`);
    }
    sim.faults.reset();

    sim.faults.malform({ table: "sys_user", answer: { kind: "repeat-page" } });
    const after = { ...params, sysparm_query: `sys_id>${firstPage[1]}^ORDERBYsys_id` };
    const repeated = list((await get("/api/now/table/sys_user", after)).body).map((r) => r.sys_id);
    expect(repeated).toEqual(firstPage);
  });

  it("a hung request times out on the client and close() still works", async () => {
    const local = await startSimulatedInstance({ data: sim.data, latencyMs: 5 });
    local.faults.script({ response: "hang" });
    await expect(
      fetch(`${local.url}/api/now/table/sys_user`, {
        headers: { Authorization: BASIC },
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    local.faults.script({ response: "hang" });
    const arrived = local.holds.next();
    const pending = fetch(`${local.url}/api/now/table/sys_user`, { headers: { Authorization: BASIC } }).catch(
      (e: unknown) => e,
    );
    // Once the request is in, it goes on to its scripted fault and is left hanging.
    await (await arrived).release();
    await local.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(local.requestCount).toBe(2);
  });
});
