/**
 * `npm run bench:serving`: the serving phase of `npm run bench` alone (and `warden digest --print`
 * timed as an operator runs it), for watching event-loop blocks without the whole bench: a first
 * scan into a database (kept with `--db FILE`; an existing FILE is used as it is), then
 * measureServing, then the CLI. `--phases serving,cli` picks what runs after the first scan.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { silentLogger } from "../logger.js";
import { runScan } from "../scan/run-scan.js";
import { createServiceNowClient } from "../sources/servicenow/create-servicenow-client.js";
import { createServiceNowConnector } from "../sources/servicenow/create-servicenow-connector.js";
import { openSqliteStore } from "../store/open-sqlite-store.js";
import { measureCli } from "./measure-cli.js";
import { describeServingPhase, measureServing } from "./measure-serving.js";
import { startBenchSimulator } from "./start-bench-simulator.js";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "200000" },
    machines: { type: "string", default: "50000" },
    transactions: { type: "string", default: "2000000" },
    latency: { type: "string", default: "20" },
    "page-size": { type: "string", default: "10000" },
    db: { type: "string" },
    phases: { type: "string", default: "serving,cli" },
    /** Within serving: which of scan, messages, digest run. */
    serving: { type: "string", default: "scan,messages,digest" },
    /** Owners looked up and DMs opened in the message run, as in a first week (paced by Tier 3). */
    "first-week": { type: "boolean", default: false },
  },
});
const pageSize = Number(values["page-size"]);
const phases = new Set((values.phases ?? "").split(","));

const { description, stop } = await startBenchSimulator({
  users: values.users,
  machines: values.machines,
  transactions: values.transactions,
  latency: values.latency,
});
const dir = mkdtempSync(join(tmpdir(), "warden-bench-"));
try {
  const dbPath = values.db ?? join(dir, "warden.db");
  if (!existsSync(dbPath)) {
    const store = openSqliteStore(dbPath);
    const client = createServiceNowClient({
      baseUrl: description.url,
      auth: { kind: "basic", username: "warden", password: "warden-demo" },
      pageSize,
      timeoutMs: 120_000,
    });
    const outcome = await runScan({
      store,
      connector: createServiceNowConnector({ client }),
      now: () => new Date(),
      logger: silentLogger,
      dormantDays: 100,
    });
    await store.close();
    process.stdout.write(`First scan: ${outcome.inventory.identities.length} identities.\n`);
  }
  if (phases.has("serving")) {
    process.stdout.write("While serving (GET /healthz every 20 ms from another thread):\n");
    for (const p of await measureServing({
      dbPath,
      servicenowUrl: description.url,
      pageSize,
      dormantDays: 100,
      phases: new Set((values.serving ?? "").split(",")),
      dmCached: !values["first-week"],
    })) {
      process.stdout.write(`${describeServingPhase(p)}\n`);
    }
  }
  if (phases.has("cli")) {
    const [digest] = await measureCli([{ label: "warden digest --print", args: ["digest", "--print"] }], {
      WARDEN_DB: dbPath,
      SERVICENOW_URL: description.url,
      SERVICENOW_USERNAME: "warden",
      SERVICENOW_PASSWORD: "warden-demo",
      LOG_LEVEL: "silent",
      // As in measureServing: a kept database follows this run's simulator to its new port.
      WARDEN_ALLOW_INSTANCE_CHANGE: "true",
    });
    if (digest)
      process.stdout.write(
        `${digest.label}: ${Math.round(digest.medianMs)} ms wall, median of 3 (slowest ${Math.round(digest.slowestMs)} ms, exit ${digest.code}): ${digest.output}\n`,
      );
  }
} finally {
  stop();
  rmSync(dir, { recursive: true, force: true });
}
