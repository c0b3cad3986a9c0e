import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { buildAccountView } from "../../src/messages/build-account-view.js";
import { buildDigest } from "../../src/messages/build-digest.js";
import { buildLookup } from "../../src/messages/build-lookup.js";
import { buildOwnerMessages } from "../../src/messages/build-owner-messages.js";
import { createActionHandler } from "../../src/remediation/handle-action.js";
import { createConnectorRegistry } from "../../src/sources/connector-registry.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { failScan, startScan } from "../../src/store/scans.js";
import { NOW, openTempDb, scan, startDemoSource } from "../helpers/demo-source.js";

/**
 * Two ServiceNow instances with the same seeded data, scanned into one database under two source
 * names: every account id and user name exists twice, the hardest case for lookups by id alone.
 */
async function twoSources() {
  const main = await startDemoSource();
  const eu = await startDemoSource({ name: "servicenow-eu" });
  const db = openTempDb();
  const first = await scan(db, main.connector);
  const second = await scan(db, eu.connector, new Date(NOW.getTime() + 60_000));
  const dormant = main.sim.data.scenarios.dormant?.[0] as string;
  const identity = second.inventory.identities.find((i) => i.userName === dormant)!;
  const patches = (source: typeof main) => source.sim.requests.filter((r) => r.method === "PATCH").length;
  return {
    main,
    eu,
    db,
    store: createSqliteStore(db),
    first,
    second,
    dormant,
    identity,
    patches,
    connectors: createConnectorRegistry([main.connector, eu.connector]),
  };
}

describe("two sources in one database", () => {
  it("a lookup by a name or id both sources hold says which sources, and the qualified name finds one", async () => {
    const t = await twoSources();
    expect(t.first.inventory.identities.find((i) => i.userName === t.dormant)?.id).toBe(t.identity.id);
    const store = createSqliteStore(t.db);
    const ambiguous = [t.dormant, t.dormant.toUpperCase(), t.identity.id];
    for (const query of ambiguous) {
      expect(await buildLookup(store, query), query).toEqual({
        found: false,
        query,
        suggestions: [`${t.dormant} (servicenow)`, `${t.dormant} (servicenow-eu)`],
      });
    }
    const eu = await buildLookup(store, `${t.dormant} (servicenow-eu)`);
    expect(eu.found && eu.identity).toMatchObject({ source: "servicenow-eu", userName: t.dormant });
    if (!eu.found) throw new Error("the qualified name found nothing");
    expect(eu.openFindings.length).toBeGreaterThan(0);
    expect(new Set(eu.openFindings.map((f) => f.source))).toEqual(new Set(["servicenow-eu"]));
    const main = await buildLookup(store, `${t.identity.id} (servicenow)`);
    expect(main.found && main.identity.source).toBe("servicenow");
    // A source that holds no such account is no match; the text is then just a name.
    expect(await buildLookup(store, `${t.dormant} (entra)`)).toMatchObject({ found: false });
  });

  it("an account is looked up by (source, id): a click changes that source's account only", async () => {
    const t = await twoSources();
    expect((await buildAccountView(t.store, "servicenow-eu", t.identity.id))?.source).toBe("servicenow-eu");
    expect(await buildAccountView(t.store, "entra", t.identity.id)).toBeUndefined();
    const handle = createActionHandler({
      store: createSqliteStore(t.db),
      connectors: t.connectors,
      now: () => NOW,
      admins: [],
      mode: "apply",
      logger: silentLogger,
    });
    const rules = (t.second.findings.get(t.identity.id) ?? []).map((f) => f.rule);
    const result = await handle({
      actor: { platform: "slack", id: "U1", email: t.identity.owner?.email },
      payload: { a: "disable", s: "servicenow-eu", id: t.identity.id, r: rules },
    });
    expect(result).toMatchObject({
      status: "done",
      decision: { source: "servicenow-eu", outcome: "applied" },
    });
    expect(t.patches(t.eu)).toBe(1);
    expect(t.patches(t.main)).toBe(0);
    const decisions = t.db.prepare("SELECT source FROM decisions").pluck().all();
    expect(decisions).toEqual(["servicenow-eu"]);

    // A source warden has no connector for is refused before anything is recorded or written.
    const alone = createActionHandler({
      store: createSqliteStore(t.db),
      connectors: createConnectorRegistry([t.eu.connector]),
      now: () => NOW,
      admins: [],
      mode: "apply",
      logger: silentLogger,
    });
    const mainRules = (t.first.findings.get(t.identity.id) ?? []).map((f) => f.rule);
    const refused = await alone({
      actor: { platform: "slack", id: "U1", email: t.identity.owner?.email },
      payload: { a: "disable", s: "servicenow", id: t.identity.id, r: mainRules },
    });
    expect(refused).toMatchObject({ status: "unavailable" });
    expect(refused.notice).toMatch(/servicenow is not configured/);
    expect(t.patches(t.main)).toBe(0);
    expect(t.db.prepare("SELECT count(*) FROM decisions").pluck().get()).toBe(1);
  });

  it("owner messages cover every source's latest scan: the second source's scan hides none of the first's", async () => {
    const t = await twoSources();
    const { messages, unowned } = await buildOwnerMessages(t.store, { now: NOW });
    const accounts = [...messages.flatMap((m) => m.accounts), ...unowned];
    const risky = (outcome: typeof t.first) => outcome.findings.size;
    expect(accounts.filter((a) => a.source === "servicenow")).toHaveLength(risky(t.first));
    expect(accounts.filter((a) => a.source === "servicenow-eu")).toHaveLength(risky(t.second));
    // Each source's account carries its own source's findings.
    const both = accounts.filter((a) => a.accountId === t.identity.id);
    expect(both.map((a) => a.source).sort()).toEqual(["servicenow", "servicenow-eu"]);
    for (const account of both) {
      expect(account.findings.map((f) => (f as { source?: string }).source)).toEqual(
        account.findings.map(() => account.source),
      );
    }
  });

  it("the digest scores both sources, lists both, and names the source whose last scan failed", async () => {
    const t = await twoSources();
    const later = new Date(NOW.getTime() + 3_600_000);
    const view = await buildDigest(t.store, { now: later });
    expect(view.score).toMatchObject({
      value: t.first.score.value,
      population: t.first.score.population + t.second.score.population,
      risky: t.first.score.riskyAccounts + t.second.score.riskyAccounts,
    });
    expect(new Set(view.riskiest.top.map((a) => a.source))).toEqual(new Set(["servicenow", "servicenow-eu"]));
    expect(view.riskiest.total).toBe(t.first.findings.size + t.second.findings.size);
    expect(view.lastScan).toMatchObject({ status: "succeeded", problem: undefined });

    // The EU instance fixes its dormant account and is scanned again: the trend is that source's.
    await t.eu.connector.apply(t.identity.id, { kind: "disable" });
    const third = await scan(t.db, t.eu.connector, new Date(NOW.getTime() + 2 * 3_600_000));
    const after = await buildDigest(t.store, { now: later });
    expect(after.score?.previous).toBe(view.score?.value);
    expect(after.score?.population).toBe(t.first.score.population + third.score.population);
    expect(after.fixedFindings.map((f) => [f.source, f.userName, f.rule])).toEqual([
      ["servicenow-eu", t.dormant, "dormant"],
    ]);
    expect(after.riskiest.top.some((a) => a.source === "servicenow" && a.accountId === t.identity.id)).toBe(
      true,
    );

    // The main instance's next scan fails: the digest says so by name, and still counts its last good scan.
    const failed = startScan(t.db, "servicenow", new Date(NOW.getTime() + 3 * 3_600_000));
    failScan(t.db, failed, new Date(NOW.getTime() + 3 * 3_600_000), "401 Unauthorized");
    const failing = await buildDigest(t.store, { now: later });
    expect(failing.lastScan).toMatchObject({ status: "failed" });
    expect(failing.lastScan?.problem).toMatch(/^servicenow: The last scan failed .*401 Unauthorized/);
    expect(failing.score?.population).toBe(after.score?.population);
  });
});
