import { describe, expect, it } from "vitest";
import type { EntraAttributes, MachineIdentity } from "../../../src/core/model.js";
import { generateTenant } from "../../../src/sources/entra/simulator/generate-tenant.js";
import { NOW, startTestTenant } from "./start-test-tenant.js";

const collect = { now: NOW, dormantDays: 90 };
const REPORTS = [
  "/beta/reports/servicePrincipalSignInActivities",
  "/beta/reports/appCredentialSignInActivities",
];

/** Each identity's last sign-in and its credentials' last use, by service principal id. */
const signIns = (identities: readonly MachineIdentity[]) =>
  Object.fromEntries(
    identities.map((i) => [
      i.id,
      [
        (i.attributes as EntraAttributes).lastSignInAt?.toISOString(),
        ...(i.credentials ?? []).map((c) => c.lastUsedAt?.toISOString()),
      ],
    ]),
  );

describe("Entra sign-in activity reports", () => {
  it("are read in pages of 999, and at the report's default size when it refuses that, with the same activity", async () => {
    const data = () => generateTenant({ now: NOW, scaledApps: 1500 });
    const big = await startTestTenant({ data: data() });
    const inventory = await big.connector().collectInventory(collect);
    expect(big.sim.data.spSignIns.size).toBeGreaterThan(1000);
    for (const path of REPORTS) {
      const pages = big.sim.requests.filter((r) => r.path === path);
      // 1200-odd rows: two pages of 999, not thirteen of Graph's default 100.
      expect(pages).toHaveLength(2);
      expect(pages.every((r) => r.query.$top === "999" && r.status === 200)).toBe(true);
    }
    const withSignIn = inventory.identities.filter((i) => (i.attributes as EntraAttributes).lastSignInAt);
    expect(withSignIn.length).toBeGreaterThan(1000);

    const refusing = await startTestTenant({ data: data() });
    refusing.sim.faults.reportTopLimit = 100;
    const fallback = await refusing.connector().collectInventory(collect);
    for (const path of REPORTS) {
      const pages = refusing.sim.requests.filter((r) => r.path === path);
      expect(pages[0]).toMatchObject({ status: 400, query: { $top: "999" } });
      expect(pages.slice(1).every((r) => r.query.$top === undefined && r.status === 200)).toBe(true);
      expect(pages.length).toBeGreaterThan(10);
    }
    expect(fallback.blindSpots).toEqual([]);
    expect(signIns(fallback.identities)).toEqual(signIns(inventory.identities));
  });
});
