import { describe, expect, it } from "vitest";
import type { Finding, MachineIdentity } from "../../src/core/model.js";
import { generateInstance } from "../../src/sources/servicenow/simulator/generate-instance.js";
import { formatGlideDateTime } from "../../src/sources/servicenow/simulator/glide-date-time.js";
import {
  type InstanceData,
  insertRow,
  type SimRecord,
} from "../../src/sources/servicenow/simulator/instance-data.js";
import { listOpenFindings } from "../../src/store/findings.js";
import { NOW, openTempDb, scan, startDemoSource } from "../helpers/demo-source.js";

const DAY = 86_400_000;
const daysAgo = (days: number) => formatGlideDateTime(NOW.getTime() - days * DAY);

/** Accounts of the demo data whose only evidence of API use sits in one signal. */
const SINGLE_SIGNAL = [
  { scenario: "rest_only", reason: "api_activity" },
  { scenario: "basic_auth_only", reason: "basic_auth" },
  { scenario: "oauth_only", reason: "oauth_tokens" },
] as const;

function demoData(): InstanceData {
  return generateInstance({ now: NOW, seed: 1 });
}
function rowsOf(data: InstanceData, table: string): SimRecord[] {
  return data.tables.get(table)?.rows ?? [];
}
function userRow(data: InstanceData, userName: string): SimRecord {
  const row = rowsOf(data, "sys_user").find((u) => u.user_name === userName);
  if (!row) throw new Error(`no user ${userName}`);
  return row;
}
function scenarioUser(data: InstanceData, scenario: string): string {
  const name = data.scenarios[scenario]?.[0];
  if (!name) throw new Error(`no account for scenario ${scenario}`);
  return name;
}

async function scanData(
  data: InstanceData,
  configure?: (sim: Awaited<ReturnType<typeof startDemoSource>>["sim"]) => void,
) {
  const source = await startDemoSource({ data });
  configure?.(source.sim);
  const db = openTempDb();
  const outcome = await scan(db, source.connector);
  const byName = new Map(outcome.inventory.identities.map((i) => [i.userName, i]));
  const findingsOf = (userName: string): Finding[] =>
    outcome.findings.get(byName.get(userName)?.id ?? "") ?? [];
  const dormant = [...outcome.findings]
    .filter(([, list]) => list.some((f) => f.rule === "dormant"))
    .map(([id]) => outcome.inventory.identities.find((i) => i.id === id)?.userName)
    .sort();
  return { ...source, db, outcome, byName, findingsOf, dormant };
}

describe("every signal counts (over HTTP against the simulated instance)", () => {
  it("discovers an account whose only evidence of API use is in one signal, and does not call it dormant", async () => {
    const data = demoData();
    const { byName, findingsOf, sim } = await scanData(data);
    const since30 = new Date(NOW.getTime() - 30 * DAY);

    for (const { scenario, reason } of SINGLE_SIGNAL) {
      const name = scenarioUser(sim.data, scenario);
      const identity = byName.get(name) as MachineIdentity;
      expect(identity, name).toBeDefined();
      expect(identity.attributes, name).toMatchObject({ webServiceAccessOnly: false });
      expect(identity.discoveredBy, name).toEqual([reason]);
      // Nothing else shows activity: no UI login, no last_login_time.
      expect(identity.uiLogins30d, name).toBe(0);
      expect(identity.lastLoginAt, name).toBeUndefined();
      const rules = findingsOf(name).map((f) => f.rule);
      expect(rules, name).not.toContain("dormant");
      expect(
        findingsOf(name).filter((f) => f.remediation === "disable"),
        name,
      ).toEqual([]);
      // It uses APIs while it could log into the UI: every signal counts for that too.
      expect(rules, name).toContain("wsao_disabled");
    }
    const rest = byName.get(scenarioUser(data, "rest_only"))!;
    expect(rest).toMatchObject({ lastBasicAuthAt: undefined, lastOAuthTokenAt: undefined });
    expect(rest.apiCalls30d).toBeGreaterThan(0);
    const basic = byName.get(scenarioUser(data, "basic_auth_only"))!;
    expect(basic).toMatchObject({ apiCalls30d: 0, lastApiCallAt: undefined, lastOAuthTokenAt: undefined });
    expect(basic.lastBasicAuthAt!.getTime()).toBeGreaterThan(since30.getTime());
    expect(findingsOf(basic.userName).map((f) => f.rule)).toContain("basic_auth");
    const oauth = byName.get(scenarioUser(data, "oauth_only"))!;
    expect(oauth).toMatchObject({ apiCalls30d: 0, lastApiCallAt: undefined, lastBasicAuthAt: undefined });
    expect(oauth.lastOAuthTokenAt!.getTime()).toBeGreaterThan(NOW.getTime() - DAY);
    expect(oauth.oauthTokens30d).toBeGreaterThan(0);
    const wsao = findingsOf(oauth.userName).find((f) => f.rule === "wsao_disabled");
    expect(wsao?.evidence.map((e) => e.detail)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^OAuth token issued: \d{4}-\d\d-\d\d \(\d+ in 30 days\)$/),
      ]),
    );
  });

  it("keeps an account active through its single signal alone, and makes it dormant once that signal is old", async () => {
    // Web-service-only, each account is an identity whatever its signals say: only the one
    // signal stands between it and a dormant finding.
    const data = demoData();
    for (const { scenario } of SINGLE_SIGNAL)
      userRow(data, scenarioUser(data, scenario)).web_service_access_only = "true";
    const active = await scanData(data);
    for (const { scenario } of SINGLE_SIGNAL) {
      const name = scenarioUser(data, scenario);
      expect(active.byName.get(name)?.discoveredBy, name).toContain("wsao");
      expect(active.dormant, name).not.toContain(name);
    }

    const aged = demoData();
    const basicName = scenarioUser(aged, "basic_auth_only");
    const oauthName = scenarioUser(aged, "oauth_only");
    for (const name of [basicName, oauthName]) userRow(aged, name).web_service_access_only = "true";
    const basicId = userRow(aged, basicName).sys_id;
    const oauthId = userRow(aged, oauthName).sys_id;
    for (const row of rowsOf(aged, "sys_user_basic_auth_exception"))
      if (row.user === basicId) row.last_seen = daysAgo(170);
    for (const row of rowsOf(aged, "oauth_credential"))
      if (row.user === oauthId) row.sys_created_on = daysAgo(130);
    const quiet = await scanData(aged);
    expect(quiet.dormant).toEqual(expect.arrayContaining([basicName, oauthName]));
    const summary = (name: string) => quiet.findingsOf(name).find((f) => f.rule === "dormant")?.summary;
    expect(summary(basicName)).toBe(
      `No API use or login for 170 days (last activity ${daysAgo(170).slice(0, 10)})`,
    );
    expect(summary(oauthName)).toBe(
      `No API use or login for 130 days (last activity ${daysAgo(130).slice(0, 10)})`,
    );
  });

  it("calls an account quiet in every signal dormant, and its evidence says what each signal showed", async () => {
    const data = demoData();
    const { findingsOf, db, idOf } = await scanData(data);
    const name = scenarioUser(data, "dormant");
    const dormant = findingsOf(name).find((f) => f.rule === "dormant");
    expect(dormant).toMatchObject({ remediation: "disable" });
    const lastSeen = rowsOf(data, "sys_user_basic_auth_exception").find(
      (r) => r.user === idOf(name),
    )?.last_seen;
    const lastLogin = userRow(data, name).last_login_time;
    expect(dormant?.evidence.map((e) => [e.signal, e.detail])).toEqual([
      [
        "api_calls",
        expect.stringMatching(/^REST calls: none in the transaction log \(log kept since \d{4}-\d\d-\d\d\)$/),
      ],
      ["auth_methods", `Basic auth: last seen ${lastSeen?.slice(0, 10)}`],
      [
        "oauth_tokens",
        expect.stringMatching(
          /^OAuth tokens: none issued \(the instance drops expired tokens, the oldest it still holds is from \d{4}-\d\d-\d\d\)$/,
        ),
      ],
      [
        "ui_logins",
        expect.stringMatching(/^UI logins: none in 30 days \(history kept since \d{4}-\d\d-\d\d\)$/),
      ],
      ["state", `Last login (last_login_time): ${lastLogin?.slice(0, 10)}`],
      ["history", "warden history: first scan of this account"],
      [
        "history",
        expect.stringMatching(/^Evidence covers 6\d of 100 days; activity before that is unknown$/),
      ],
    ]);
    // What the owner is shown is what is stored.
    const stored = listOpenFindings(db).find((f) => f.accountId === idOf(name) && f.rule === "dormant");
    expect(stored?.evidence.map((e) => e.detail)).toEqual(dormant?.evidence.map((e) => e.detail));
  });

  it("makes a blind OAuth table a blind spot that makes no one dormant who otherwise is not", async () => {
    const data = demoData();
    // Web-service-only, the OAuth-only account is found without its tokens; they alone show it in use.
    const oauthName = scenarioUser(data, "oauth_only");
    userRow(data, oauthName).web_service_access_only = "true";
    const readable = await scanData(data);
    const blind = await scanData(data, (sim) => sim.faults.forbiddenTables.add("oauth_credential"));

    expect(blind.outcome.inventory.blindSpots).toEqual([
      expect.objectContaining({
        signal: "oauth_tokens",
        table: "oauth_credential",
        reason: expect.stringMatching(/403/),
      }),
    ]);
    expect(blind.byName.get(oauthName)?.discoveredBy).toEqual(["wsao"]);
    expect(blind.dormant).not.toContain(oauthName);
    for (const name of blind.dormant) expect(readable.dormant).toContain(name);
    // Tokens cannot be seen, so quiet accounts are not judged dormant either, only left undecided.
    expect(readable.dormant).toContain(scenarioUser(data, "dormant"));
    expect(blind.dormant).toEqual([]);
    // Every finding that looked at OAuth says it could not.
    const wsaoOff = blind
      .findingsOf(scenarioUser(data, "basic_auth_only"))
      .find((f) => f.rule === "wsao_disabled");
    expect(wsaoOff?.evidence.map((e) => e.detail)).toContainEqual(
      expect.stringMatching(
        /^OAuth tokens: not readable \(.*oauth_credential.* 403 Insufficient rights to query records\)$/,
      ),
    );
  });

  it("keeps a dormant finding open while OAuth is blind, and resolves it once another signal shows activity", async () => {
    const data = demoData();
    const { sim, connector, idOf } = await startDemoSource({ data });
    const db = openTempDb();
    const name = scenarioUser(data, "dormant");
    const open = () =>
      listOpenFindings(db)
        .filter((f) => f.accountId === idOf(name))
        .map((f) => f.rule);
    await scan(db, connector);
    expect(open()).toContain("dormant");

    sim.faults.forbiddenTables.add("oauth_credential");
    await scan(db, connector, new Date(NOW.getTime() + 3_600_000));
    expect(open()).toContain("dormant");

    // The account uses Basic auth again: with OAuth still blind, that alone rules out dormancy.
    const record = sim.data.tables
      .get("sys_user_basic_auth_exception")!
      .rows.find((r) => r.user === idOf(name))!;
    record.last_seen = daysAgo(1);
    const third = await scan(db, connector, new Date(NOW.getTime() + 7_200_000));
    expect(open()).not.toContain("dormant");
    expect(third.findings.get(idOf(name))?.some((f) => f.remediation === "disable")).toBeFalsy();
  });

  it("leaves internal integration users out, whatever signal shows their API use", async () => {
    const data = demoData();
    const internal = userRow(data, scenarioUser(data, "internal_integration"));
    const tokens = data.tables.get("oauth_credential")!;
    insertRow(tokens, {
      sys_id: "0123456789abcdef0123456789abcdef",
      user: internal.sys_id ?? "",
      type: "access_token",
      sys_created_on: daysAgo(0.1),
      expires: daysAgo(0.1 - 30 / 1440),
    });
    const { byName } = await scanData(data);
    const evidence = ["sys_user_basic_auth_exception", "oauth_credential"].map((t) =>
      rowsOf(data, t).some((r) => r.user === internal.sys_id),
    );
    expect(evidence).toEqual([true, true]);
    expect(byName.has(internal.user_name ?? "")).toBe(false);
  });

  it("reads OAuth tokens with two grouped Aggregate requests, never token rows", async () => {
    const { sim } = await scanData(demoData());
    const tokenRequests = sim.requests.filter((r) => r.path.includes("oauth_credential"));
    expect(tokenRequests.map((r) => r.path)).toEqual([
      "/api/now/stats/oauth_credential",
      "/api/now/stats/oauth_credential",
    ]);
    for (const request of tokenRequests) expect(request.query.sysparm_group_by).toBe("user");
  });
});
