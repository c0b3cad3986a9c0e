import { describe, expect, it, onTestFinished } from "vitest";
import { silentLogger } from "../../../src/logger.js";
import { runScan } from "../../../src/scan/run-scan.js";
import { openSqliteStore } from "../../../src/store/open-sqlite-store.js";
import { tempDbPath } from "../../helpers/temp-db.js";
import { DAY, NOW, startTestTenant } from "../../sources/entra/start-test-tenant.js";

/**
 * A whole scan of the simulated tenant into a real SQLite file, twice: what the rules left
 * undecided in the second scan (a signal Graph refused) keeps the first scan's finding open.
 */
describe("Entra findings across scans when a signal goes blind", () => {
  it("keeps a dormant finding open while the sign-in reports are refused, and resolves it on a sign-in", async () => {
    const tenant = await startTestTenant();
    const store = openSqliteStore(tempDbPath());
    onTestFinished(() => store.close());
    let clock = NOW;
    const scan = () =>
      runScan({
        store,
        connector: tenant.connector(),
        now: () => clock,
        logger: silentLogger,
        dormantDays: 90,
      });
    const openRules = async (name: string) => {
      const id = tenant.sim.data.servicePrincipals.find((sp) => sp.displayName === name)?.id;
      const page = await store.findings.listOpenFindingsPage({
        source: "entra",
        afterId: undefined,
        limit: 1000,
      });
      return page.filter((f) => f.accountId === id);
    };

    const first = await scan();
    expect(first.inventory.blindSpots).toEqual([]);
    expect((await openRules("legacy-reporting")).map((f) => f.rule).sort()).toEqual([
      "dormant",
      "long_lived_secret",
    ]);
    expect((await openRules("never-used")).map((f) => f.rule)).toEqual(["dormant"]);

    // No licence: both reports refused. Dormant cannot be decided, so the finding stays open with
    // its evidence and a line saying why; the credential rules are decided as before.
    tenant.sim.faults.noPremiumLicence = true;
    clock = new Date(NOW.getTime() + DAY);
    const second = await scan();
    expect(second.inventory.blindSpots.map((b) => b.signal).sort()).toEqual([
      "credential_sign_ins",
      "sign_ins",
    ]);
    const kept = (await openRules("legacy-reporting")).find((f) => f.rule === "dormant");
    expect(kept?.summary).toBe(
      `No sign-in for 200 days (last ${new Date(NOW.getTime() - 200 * DAY).toISOString().slice(0, 10)})`,
    );
    expect(kept?.evidence.at(-1)?.detail).toBe(
      "Kept open: the signal it rests on could not be read in the latest scan",
    );
    expect(kept?.resolvedAt).toBeUndefined();
    expect((await openRules("never-used")).map((f) => f.rule)).toEqual(["dormant"]);
    expect((await openRules("legacy-reporting")).map((f) => f.rule)).toContain("long_lived_secret");
    expect(second.score.byRule.dormant.accounts).toBe(first.score.byRule.dormant.accounts);

    // The licence is back and legacy-reporting signed in yesterday: the finding resolves.
    tenant.sim.faults.noPremiumLicence = false;
    const legacy = tenant.sim.data.applications.find((a) => a.displayName === "legacy-reporting");
    const yesterday = new Date(clock.getTime() - DAY).toISOString();
    tenant.sim.data.spSignIns.set(legacy?.appId ?? "", {
      lastSignInDateTime: yesterday,
      appOnlyClientDateTime: yesterday,
    });
    clock = new Date(clock.getTime() + DAY);
    await scan();
    expect((await openRules("legacy-reporting")).map((f) => f.rule)).toEqual(["long_lived_secret"]);
    expect((await openRules("never-used")).map((f) => f.rule)).toEqual(["dormant"]);
  });
});
