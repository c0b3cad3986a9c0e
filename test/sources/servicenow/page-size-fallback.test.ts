import { afterEach, describe, expect, it } from "vitest";
import type { Logger } from "../../../src/logger.js";
import { silentLogger } from "../../../src/logger.js";
import { runScan } from "../../../src/scan/run-scan.js";
import type { RawRecord } from "../../../src/sources/servicenow/client-types.js";
import { createServiceNowClient } from "../../../src/sources/servicenow/create-servicenow-client.js";
import { createServiceNowConnector } from "../../../src/sources/servicenow/create-servicenow-connector.js";
import { generateInstance } from "../../../src/sources/servicenow/simulator/generate-instance.js";
import type { InstanceData } from "../../../src/sources/servicenow/simulator/instance-data.js";
import {
  type SimulatedInstance,
  startSimulatedInstance,
} from "../../../src/sources/servicenow/simulator/start-simulated-instance.js";
import { createSqliteStore } from "../../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../../src/store/open-database.js";
import { tempDbPath } from "../../helpers/temp-db.js";

const NOW = new Date("2026-11-23T02:00:00Z");
// More users than the fallback page size (1000), so that pages of 1000 are several pages.
const DATA: InstanceData = generateInstance({
  now: NOW,
  seed: 3,
  scale: { users: 3500, machineIdentities: 1200, transactions30d: 20_000 },
});

const open: SimulatedInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((sim) => sim.close()));
});

/** A Logger that keeps warnings, to see what the fallback logs. */
function warningsLogger(warnings: string[]): Logger {
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (_obj, msg) => {
      warnings.push(msg ?? "");
    },
    error: () => {},
    child: () => logger,
  };
  return logger;
}

async function start() {
  const sim = await startSimulatedInstance({ data: DATA, now: () => NOW });
  open.push(sim);
  const warnings: string[] = [];
  const client = createServiceNowClient({
    baseUrl: sim.url,
    auth: { kind: "basic", username: "warden", password: "warden-demo" },
    sleep: async () => {},
    now: () => NOW.getTime(),
    logger: warningsLogger(warnings),
  });
  return { sim, client, warnings };
}

async function listAll(pages: AsyncGenerator<RawRecord[]>): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of pages) for (const row of page) ids.push(String(row.sys_id));
  return ids;
}

const userIds = () =>
  (DATA.tables.get("sys_user")?.rows ?? []).map((r) => r.sys_id ?? "").sort((a, b) => (a < b ? -1 : 1));
const limits = (sim: SimulatedInstance) =>
  sim.requests.filter((r) => r.path === "/api/now/table/sys_user").map((r) => r.query.sysparm_limit);

describe("page size: 10,000 rows unless the instance refuses", () => {
  it("asks for 10,000 rows per page by default and reads a table in one page when it fits", async () => {
    const { sim, client } = await start();
    expect(await listAll(client.list("sys_user", { fields: ["user_name"] }))).toEqual(userIds());
    expect(limits(sim)).toEqual(["10000"]);
  });

  it("halves the page size when the instance refuses a page, until one is served, logging once", async () => {
    const { sim, client, warnings } = await start();
    sim.faults.pageLimit = { max: 2000, refusal: "error" };
    expect(await listAll(client.list("sys_user", { fields: ["user_name"] }))).toEqual(userIds());
    // 10000, 5000 and 2500 refused; 3500 rows in pages of 1250.
    expect(limits(sim)).toEqual(["10000", "5000", "2500", "1250", "1250", "1250"]);
    expect(sim.requests.map((r) => r.status)).toEqual([500, 500, 500, 200, 200, 200]);

    // The client remembers: the next list asks for 1250 at once, and nothing more is logged.
    sim.requests.length = 0;
    expect(await listAll(client.list("sys_user", { query: "active=true", fields: [] }))).toHaveLength(
      DATA.tables.get("sys_user")!.rows.filter((r) => r.active === "true").length,
    );
    expect(new Set(limits(sim))).toEqual(new Set(["1250"]));
    expect(warnings).toEqual([
      "servicenow refused a page of 10000 rows; asking for half as many from now on, down to 1000 if need be (lower SERVICENOW_PAGE_SIZE to skip this)",
    ]);
  });

  it("still fails when the smaller page is refused too, with the instance's message", async () => {
    const { sim, client } = await start();
    sim.faults.pageLimit = { max: 500, refusal: "error" };
    await expect(listAll(client.list("sys_user", { fields: [] }))).rejects.toMatchObject({
      code: "E_SOURCE_UNAVAILABLE",
      message: expect.stringContaining("Transaction cancelled: maximum execution time exceeded"),
    });
    expect(limits(sim)).toEqual(["10000", "5000", "2500", "1250", "1000"]);
  });

  it("reads every row exactly once when the instance caps pages below the size asked", async () => {
    const { sim, client } = await start();
    sim.faults.pageLimit = { max: 700, refusal: "cap" };
    const ids = await listAll(client.list("sys_user", { fields: [] }));
    expect(ids).toEqual(userIds());
    // ceil(3500 / 700) pages: a capped page is not taken for the last one.
    expect(limits(sim)).toEqual(["10000", "10000", "10000", "10000", "10000"]);
  });

  it("slides past a capped window an ACL hides wholly without skipping the rows after it", async () => {
    const { sim, client } = await start();
    sim.faults.pageLimit = { max: 700, refusal: "cap" };
    const all = userIds();
    // More hidden rows in a row than a capped page holds, right after the first page.
    const hidden = new Set(all.slice(700, 1600));
    sim.faults.hideRows("sys_user", (r) => hidden.has(r.sys_id ?? ""));
    const ids = await listAll(client.list("sys_user", { fields: [] }));
    expect(ids).toEqual(all.filter((id) => !hidden.has(id)));
  });
});

describe("a scan through a refusing or capping instance", () => {
  async function scanWith(configure: (sim: SimulatedInstance) => void) {
    const { sim, client } = await start();
    configure(sim);
    const db = openDatabase(tempDbPath());
    try {
      const outcome = await runScan({
        store: createSqliteStore(db),
        connector: createServiceNowConnector({ client }),
        now: () => NOW,
        logger: silentLogger,
        dormantDays: 100,
      });
      const findings = [...outcome.findings]
        .map(([id, list]) => `${id} ${list.map((f) => f.rule).sort()}`)
        .sort();
      const identities = outcome.inventory.identities
        .map((i) => `${i.id} ${i.roles.join(",")} ${i.owner?.email ?? "-"} ${i.owner?.active ?? "-"}`)
        .sort();
      return { findings, identities, requests: outcome.inventory.requests };
    } finally {
      db.close();
    }
  }

  it("finds the same identities, owners, roles and findings as through one that serves 10,000 rows", async () => {
    const plain = await scanWith(() => {});
    expect(plain.identities.length).toBeGreaterThan(1000);
    const refused = await scanWith((sim) => {
      sim.faults.pageLimit = { max: 1000, refusal: "error" };
    });
    const refusedAbove3000 = await scanWith((sim) => {
      sim.faults.pageLimit = { max: 3000, refusal: "error" };
    });
    const capped = await scanWith((sim) => {
      sim.faults.pageLimit = { max: 300, refusal: "cap" };
    });
    expect(refused.identities).toEqual(plain.identities);
    expect(refused.findings).toEqual(plain.findings);
    expect(refusedAbove3000.identities).toEqual(plain.identities);
    expect(refusedAbove3000.findings).toEqual(plain.findings);
    expect(capped.identities).toEqual(plain.identities);
    expect(capped.findings).toEqual(plain.findings);
    expect(capped.requests).toBeGreaterThan(plain.requests);
  });
});
