import { describe, expect, it } from "vitest";
import { SourceError } from "../../src/errors.js";
import { generateInstance } from "../../src/sources/servicenow/simulator/generate-instance.js";
import { resolveAccount } from "../../src/store/accounts.js";
import { verifyAuditChain } from "../../src/store/audit-log.js";
import { listOpenFindings } from "../../src/store/findings.js";
import { listScans } from "../../src/store/scans.js";
import { NOW, openTempDb, scan, startDemoSource } from "../helpers/demo-source.js";

describe("scanning the simulated instance", () => {
  it("discovers the machine identities and finds each scenario's risk", async () => {
    const { sim, connector } = await startDemoSource();
    const db = openTempDb();
    const outcome = await scan(db, connector);
    const names = outcome.inventory.identities.map((i) => i.userName);
    const rulesOf = (userName: string) => {
      const identity = outcome.inventory.identities.find((i) => i.userName === userName);
      return (outcome.findings.get(identity?.id ?? "") ?? []).map((f) => f.rule).sort();
    };
    const scenario = (key: string) => sim.data.scenarios[key] ?? [];

    expect(outcome.inventory.blindSpots).toEqual([]);
    // Internal integration users are left out, as ServiceNow's own console does.
    for (const name of scenario("internal_integration")) expect(names).not.toContain(name);
    // A human calling APIs is a machine identity too, found through its REST activity.
    const human = outcome.inventory.identities.find((i) => i.userName === scenario("human_api_admin")[0]);
    expect(human?.discoveredBy).toEqual(["api_activity"]);

    for (const name of scenario("clean")) expect(rulesOf(name), name).toEqual([]);
    for (const name of scenario("dormant")) expect(rulesOf(name)).toContain("dormant");
    for (const name of scenario("basic_auth")) expect(rulesOf(name)).toContain("basic_auth");
    for (const name of scenario("wsao_disabled")) expect(rulesOf(name)).toContain("wsao_disabled");
    for (const name of scenario("ui_and_api")) expect(rulesOf(name)).toContain("ui_and_api");
    for (const name of [...scenario("orphan"), ...scenario("inactive_owner")])
      expect(rulesOf(name)).toContain("no_owner");
    for (const name of scenario("privileged")) expect(rulesOf(name)).toContain("privileged");
    for (const name of scenario("multiple_rules")) expect(rulesOf(name).length).toBeGreaterThanOrEqual(3);
    // Disabled accounts stay in the population without risk; a quiet-but-recent account is not dormant.
    for (const name of scenario("disabled")) {
      expect(names).toContain(name);
      expect(rulesOf(name)).toEqual([]);
    }
    for (const name of scenario("recently_quiet")) expect(rulesOf(name)).not.toContain("dormant");

    expect(outcome.score.value).toBeGreaterThan(0);
    expect(outcome.score.value).toBeLessThan(100);
    expect(listScans(db)[0]).toMatchObject({
      status: "succeeded",
      identities: names.length,
      score: outcome.score,
    });
    expect(verifyAuditChain(db)).toEqual({ ok: true, entries: 1 });
  });

  it("gathers unique API calls as path templates and the authentication methods", async () => {
    const { sim, connector } = await startDemoSource();
    const db = openTempDb();
    await scan(db, connector);
    const basic = resolveAccount(db, sim.data.scenarios.basic_auth?.[0] ?? "")!.identity;
    expect(basic.authMethods30d?.basic).toBeGreaterThan(0);
    expect(basic.uniqueApiCalls7d.length).toBeGreaterThan(0);
    for (const call of basic.uniqueApiCalls7d) {
      expect(call.path).not.toMatch(/[?]|[0-9a-f]{32}/);
      expect(call.method).toMatch(/^(GET|POST|PATCH|PUT|DELETE)$/);
    }
  });

  it("counts REST calls with the Aggregate API and never downloads the transaction log", async () => {
    const { sim, connector } = await startDemoSource();
    await scan(openTempDb(), connector);
    const logReads = sim.requests.filter((r) => r.path.startsWith("/api/now/table/syslog_transaction"));
    expect(logReads).toEqual([]);
    expect(sim.requests.some((r) => r.path === "/api/now/stats/syslog_transaction")).toBe(true);
  });

  it("resolves a finding once the account is fixed in ServiceNow, and the score does not drop", async () => {
    const { sim, connector, idOf } = await startDemoSource();
    const db = openTempDb();
    const first = await scan(db, connector);
    const dormant = sim.data.scenarios.dormant?.[0] as string;
    const after = await connector.apply(idOf(dormant), { kind: "disable" });
    expect(after?.values).toMatchObject({ active: false, lockedOut: true });

    const second = await scan(db, connector, new Date(NOW.getTime() + 3_600_000));
    expect(second.changes.resolved).toBe(1);
    expect(second.score.value).toBeGreaterThanOrEqual(first.score.value);
    expect(second.inventory.identities.map((i) => i.userName)).toContain(dormant);
    const open = listOpenFindings(db).filter((f) => f.accountId === idOf(dormant));
    expect(open).toEqual([]);
  });

  it("keeps a finding open when the signal it rests on becomes a blind spot", async () => {
    const { sim, connector, idOf } = await startDemoSource();
    const db = openTempDb();
    await scan(db, connector);
    sim.faults.forbiddenTables.add("sys_user_login_history");
    const second = await scan(db, connector, new Date(NOW.getTime() + 3_600_000));

    expect(second.inventory.blindSpots).toEqual([
      expect.objectContaining({ signal: "ui_logins", table: "sys_user_login_history" }),
    ]);
    expect(second.inventory.blindSpots[0]?.reason).toMatch(/403/);
    const uiAndApi = sim.data.scenarios.ui_and_api?.[0] as string;
    const open = listOpenFindings(db)
      .filter((f) => f.accountId === idOf(uiAndApi))
      .map((f) => f.rule);
    expect(open).toContain("ui_and_api");
  });

  it("asks the login history only about accounts that logged in lately, unless last_login_time is hidden", async () => {
    const { sim, connector, idOf } = await startDemoSource();
    const askedAbout = () => {
      const queries = sim.requests
        .filter((r) => r.path === "/api/now/stats/sys_user_login_history")
        .map((r) => String(r.query.sysparm_query ?? ""));
      sim.requests.length = 0;
      return queries.flatMap((q) => q.match(/^userIN([^^]*)/)?.[1]?.split(",") ?? []);
    };
    const uiAndApi = (o: Awaited<ReturnType<typeof scan>>) =>
      [...o.findings]
        .filter(([, list]) => list.some((f) => f.rule === "ui_and_api"))
        .map(([id]) => id)
        .sort();
    const quiet = idOf("svc_reporting_etl"); // calls APIs, UI login allowed, never logged in
    const mixed = idOf("svc_legacy_crm"); // calls APIs and logged into the UI 2 days ago

    const first = await scan(openTempDb(), connector);
    const lately = askedAbout();
    expect(lately).toContain(mixed);
    expect(lately).not.toContain(quiet);

    // Without last_login_time nothing can be inferred: every interactive account is asked about.
    sim.faults.hideFields("sys_user", "last_login_time");
    const second = await scan(openTempDb(), connector);
    expect(askedAbout()).toEqual(expect.arrayContaining([mixed, quiet]));
    expect(uiAndApi(second)).toEqual(uiAndApi(first));
    expect(uiAndApi(first)).toContain(mixed);
  });

  it("records a blind spot for a table the instance does not have, and still scans", async () => {
    const { sim, connector } = await startDemoSource();
    sim.faults.missingTables.add("sys_user_basic_auth_exception");
    const outcome = await scan(openTempDb(), connector);
    expect(outcome.inventory.blindSpots.map((b) => b.signal)).toEqual(["auth_methods"]);
    expect(outcome.inventory.blindSpots[0]?.reason).toMatch(/Invalid table/);
    // Basic auth cannot be judged, so it is not claimed either way.
    expect([...outcome.findings.values()].flat().some((f) => f.rule === "basic_auth")).toBe(false);
    expect(outcome.inventory.identities.every((i) => i.authMethods30d === undefined)).toBe(true);
  });

  it("calls a transaction log that answers with no rows at all a blind spot, not a clean bill", async () => {
    // What an instance shows when a before-query rule or ACL filters the log down to nothing.
    const data = generateInstance({ now: NOW, seed: 1 });
    const { connector } = await startDemoSource({
      data: { ...data, transactions: { ...data.transactions, count: 0 } },
    });
    const outcome = await scan(openTempDb(), connector);
    expect(outcome.inventory.blindSpots.map((b) => b.signal)).toContain("api_calls");
    expect([...outcome.findings.values()].flat().some((f) => f.rule === "dormant")).toBe(false);
  });

  it("fails cleanly on a wrong password, keeping the previous results", async () => {
    const good = await startDemoSource();
    const db = openTempDb();
    const first = await scan(db, good.connector);

    const bad = await startDemoSource({ auth: { kind: "basic", username: "warden", password: "wrong" } });
    const error = await scan(db, bad.connector).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe("E_SOURCE_AUTH");
    expect((error as SourceError).message).toMatch(/web-service-access-only or use OAuth/);
    expect((error as SourceError).message).not.toContain("wrong");

    const [failed, previous] = listScans(db);
    expect(failed).toMatchObject({ status: "failed" });
    expect(failed?.error).toMatch(/401/);
    expect(previous).toMatchObject({ status: "succeeded", id: first.scanId });
    expect(listOpenFindings(db).length).toBe([...first.findings.values()].flat().length);
    expect(verifyAuditChain(db)).toEqual({ ok: true, entries: 2 });
  });

  it("fails with a clear message when the instance answers with an HTML page", async () => {
    const { sim, connector } = await startDemoSource();
    sim.faults.script({ response: "html", times: 1 });
    const error = (await scan(openTempDb(), connector).catch((e: unknown) => e)) as SourceError;
    expect(error.code).toBe("E_SOURCE_NOT_JSON");
    expect(error.message).toMatch(/hibernating/);
  });

  it("rides out a 429 with Retry-After and a 503 twice, then succeeds", async () => {
    const { sim, connector } = await startDemoSource();
    const clean = await scan(openTempDb(), connector);
    sim.faults.script({ response: 429, times: 1, retryAfterSeconds: 7 });
    sim.faults.script({ response: 503, times: 2 });
    const outcome = await scan(openTempDb(), connector);
    expect(outcome.score).toEqual(clean.score);
    expect(outcome.inventory.requests).toBe(clean.inventory.requests + 3);
  });

  it("re-authenticates once when the OAuth token expires mid-scan", async () => {
    const { sim, connector } = await startDemoSource({
      auth: { kind: "oauth", clientId: "warden-demo", clientSecret: "warden-demo-secret" },
    });
    const db = openTempDb();
    // Revoke every token as soon as discovery moves from accounts to activity.
    const outcome = await (async () => {
      const original = connector.collectInventory.bind(connector);
      return scan(db, {
        ...connector,
        requestCount: connector.requestCount,
        collectInventory: (options) =>
          original({
            ...options,
            onProgress: (p) => {
              if (p.phase === "API activity") sim.revokeTokens();
            },
          }),
      });
    })();
    expect(outcome.inventory.identities.length).toBeGreaterThan(10);
    const tokenRequests = sim.requests.filter((r) => r.path === "/oauth_token.do");
    expect(tokenRequests.length).toBe(2);
  });

  it("finds every identity when an ACL hides rows in the middle of a page", async () => {
    const { sim, connector } = await startDemoSource({ pageSize: 5 });
    const all = await scan(openTempDb(), connector);
    const wsao = all.inventory.identities.filter((i) => i.discoveredBy.includes("wsao"));
    // Hide a block of users that fills more than a whole page, plus one here and there.
    const hidden = new Set(wsao.slice(3, 10).map((i) => i.id));
    sim.faults.hideRows("sys_user", (row) => hidden.has(row.sys_id ?? ""));
    const partial = await scan(openTempDb(), connector);
    const expected = all.inventory.identities
      .filter((i) => !hidden.has(i.id))
      .map((i) => i.id)
      .sort();
    expect(partial.inventory.identities.map((i) => i.id).sort()).toEqual(expected);
  });

  it("reads rows with missing fields and odd values without losing the account", async () => {
    const { sim, connector, idOf } = await startDemoSource();
    const users = sim.data.tables.get("sys_user")!;
    const row = (name: string) => users.rows[users.indexById.get(idOf(name)) ?? -1]!;
    const clean = sim.data.scenarios.clean?.[0] as string;
    Object.assign(row(clean), { active: "1", locked_out: "0", last_login_time: "not a date" });
    delete row(clean).name;
    const dormant = sim.data.scenarios.dormant?.[0] as string;
    Object.assign(row(dormant), { web_service_access_only: "true", sys_created_on: "" });

    const outcome = await scan(openTempDb(), connector);
    const byName = new Map(outcome.inventory.identities.map((i) => [i.userName, i]));
    expect(byName.get(clean)).toMatchObject({
      active: true,
      attributes: { lockedOut: false },
      name: clean,
      lastLoginAt: undefined,
    });
    expect(outcome.findings.get(idOf(clean))).toBeUndefined();
    expect(byName.get(dormant)?.createdAt).toBeUndefined();
    expect(outcome.findings.get(idOf(dormant))?.map((f) => f.rule)).toContain("dormant");
  });

  it("finds the same thing whatever the process time zone, with dates near midnight", async () => {
    const results: string[] = [];
    const original = process.env.TZ;
    try {
      for (const tz of ["UTC", "Pacific/Kiritimati", "America/Adak"]) {
        process.env.TZ = tz;
        // Just before midnight UTC: local dates differ by a day in both directions.
        const now = new Date("2026-11-22T23:59:30Z");
        const { connector } = await startDemoSource();
        const outcome = await scan(openTempDb(), connector, now);
        results.push(
          JSON.stringify(
            [...outcome.findings].map(([id, list]) => [id, list.map((f) => [f.rule, f.summary])]).sort(),
          ),
        );
      }
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
    expect(results[1]).toBe(results[0]);
    expect(results[2]).toBe(results[0]);
  });
});
