/**
 * `npm run bench`: scans a simulated Entra tenant of 20,000 apps (`--entra-apps`, measure-entra.ts),
 * then a large simulated instance, running as its own process with latency on
 * every request, then times lookups against the result, and prints warden's figures against the
 * targets. Figures, not assertions: the tests stay fast and deterministic; this is where speed and
 * memory are watched.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { silentLogger } from "../logger.js";
import { truncateText } from "../messages/truncate-text.js";
import { runScan } from "../scan/run-scan.js";
import { createServiceNowClient } from "../sources/servicenow/create-servicenow-client.js";
import { createServiceNowConnector } from "../sources/servicenow/create-servicenow-connector.js";
import { openSqliteStore } from "../store/open-sqlite-store.js";
import { computeLowerBound, LOWER_BOUND_ASSUMPTIONS } from "./compute-lower-bound.js";
import { benchFanOut } from "./fan-out/bench-fan-out.js";
import { measureCli } from "./measure-cli.js";
import { measureEntra } from "./measure-entra.js";
import { measureFollowUps } from "./measure-follow-ups.js";
import { measureLookups } from "./measure-lookups.js";
import { describeServingPhase, measureServing } from "./measure-serving.js";
import { measureStoreBackends } from "./measure-store-backends.js";
import { startBenchSimulator } from "./start-bench-simulator.js";

// `npm run bench -- --days N`: the year simulation (src/bench/year/), with its own options.
if (process.argv.slice(2).some((arg) => arg === "--days" || arg.startsWith("--days="))) {
  await import("./year/bench-year.js");
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "200000" },
    machines: { type: "string", default: "50000" },
    transactions: { type: "string", default: "2000000" },
    latency: { type: "string", default: "20" },
    "page-size": { type: "string", default: "10000" },
    /** Makes the simulated instance cap (or, with --page-refusal error, refuse) bigger pages. */
    "max-page-size": { type: "string" },
    "page-refusal": { type: "string", default: "cap" },
    /** Scans into this database file and keeps it (default: a temporary one, removed at the end). */
    db: { type: "string" },
    /** Applications of the simulated Entra tenant scanned first (0: no Entra phase). */
    "entra-apps": { type: "string", default: "20000" },
    /**
     * What runs after the scan (default all): lookups, follow-ups, cli, backends, fan-out, serving;
     * e.g. `--phases cli` for the scan's own figures and the CLI's at 100,000 in minutes.
     */
    phases: { type: "string", default: "lookups,follow-ups,cli,backends,fan-out,serving" },
  },
});
const benchPhases = new Set((values.phases ?? "").split(",").map((p) => p.trim()));
const pageSize = Number(values["page-size"]);

async function main(): Promise<void> {
  // Entra first, while this process holds nothing else: its peak RSS is the Entra scan's own.
  const entraApps = Number(values["entra-apps"]);
  let entra: Awaited<ReturnType<typeof measureEntra>> | undefined;
  if (entraApps > 0) {
    process.stdout.write(
      `Scanning a simulated Entra tenant of ${entraApps} applications, ${values.latency} ms per answer…\n`,
    );
    entra = await measureEntra({ apps: entraApps, latencyMs: Number(values.latency) });
  }
  process.stdout.write(
    `Generating a simulated instance: ${values.users} users, ${values.machines} machine identities, ${values.transactions} REST calls in 30 days, ${values.latency} ms per request…\n`,
  );
  const { description, stop } = await startBenchSimulator({
    users: values.users,
    machines: values.machines,
    transactions: values.transactions,
    latency: values.latency,
    maxPageSize: values["max-page-size"],
    pageRefusal: values["page-refusal"],
  });
  const dir = mkdtempSync(join(tmpdir(), "warden-bench-"));
  try {
    const dbPath = values.db ?? join(dir, "warden.db");
    const store = openSqliteStore(dbPath);
    const client = createServiceNowClient({
      baseUrl: description.url,
      auth: { kind: "basic", username: "warden", password: "warden-demo" },
      pageSize,
      timeoutMs: 120_000,
    });
    const connector = createServiceNowConnector({ client });
    let peakRss = process.memoryUsage().rss;
    let peakHeap = 0;
    let phasePeak = 0;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakHeap = Math.max(peakHeap, usage.heapUsed);
      phasePeak = Math.max(phasePeak, usage.rss);
    }, 10);
    const started = performance.now();
    const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
    const phases: string[] = [];
    // Assessing and storing run synchronously, so the sampler never fires during them: a phase's
    // peak also takes the RSS at its ends, and the process's peak RSS when it rose in the phase.
    let phaseMaxRssStart = 0;
    const endPhase = () => {
      if (phases.length === 0) return;
      const maxRss = process.resourceUsage().maxRSS * 1024;
      const peak = Math.max(phasePeak, process.memoryUsage().rss, maxRss > phaseMaxRssStart ? maxRss : 0);
      phases[phases.length - 1] += `, peak RSS ${mb(peak)}`;
    };
    const outcome = await runScan({
      store,
      connector,
      now: () => new Date(),
      logger: silentLogger,
      dormantDays: 100,
      onProgress: ({ phase }) => {
        if (phases.at(-1)?.startsWith(phase)) return;
        endPhase();
        // With --expose-gc, collect first so the figure is live data, not garbage awaiting collection.
        (globalThis as { gc?: () => void }).gc?.();
        const { rss, heapUsed } = process.memoryUsage();
        phasePeak = rss;
        phaseMaxRssStart = process.resourceUsage().maxRSS * 1024;
        const at = ((performance.now() - started) / 1000).toFixed(1);
        phases.push(`${phase} (from ${at} s, RSS ${mb(rss)}, heap ${mb(heapUsed)})`);
      },
    });
    const wallMs = performance.now() - started;
    endPhase();
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
    (globalThis as { gc?: () => void }).gc?.();
    const lookups = benchPhases.has("lookups")
      ? await measureLookups(store, outcome.inventory.identities)
      : undefined;
    await store.close();
    const followUps = benchPhases.has("follow-ups")
      ? await measureFollowUps(dir, { identities: outcome.inventory.identities.length })
      : undefined;
    // The CLI as an operator runs it, against this database: a process each, start-up included.
    const sample = outcome.inventory.identities[Math.floor(outcome.inventory.identities.length / 2)];
    const userName = sample?.userName ?? "svc_none";
    const cli = !benchPhases.has("cli")
      ? []
      : await measureCli(
          [
            { label: "warden digest --print", args: ["digest", "--print"] },
            { label: "warden lookup (found)", args: ["lookup", userName.toUpperCase()] },
            { label: "warden lookup (a typo)", args: ["lookup", `${userName.slice(0, -1)}#`] },
          ],
          {
            WARDEN_DB: dbPath,
            SERVICENOW_URL: description.url,
            SERVICENOW_USERNAME: "warden",
            SERVICENOW_PASSWORD: "warden-demo",
            LOG_LEVEL: "silent",
          },
        );

    // The bound is for the largest page the instance serves (smaller with --max-page-size).
    const boundPageSize = Math.min(pageSize, Number(values["max-page-size"] ?? pageSize));
    const bound = computeLowerBound(
      description,
      outcome.inventory,
      boundPageSize,
      outcome.inventory.collectedAt,
    );
    const findings = [...outcome.findings.values()].reduce((n, list) => n + list.length, 0);
    const rowsStored = outcome.inventory.identities.length * 2 + findings;
    const requests = outcome.inventory.requests;
    const rows: [string, string, string][] = [
      [
        "machine identities found",
        `${outcome.inventory.identities.length} (instance has ${description.machineIdentities})`,
        "",
      ],
      ["findings", String(findings), ""],
      [
        "HTTP requests",
        `${requests} (lower bound ${bound.total}, ${(requests / bound.total).toFixed(2)}×)`,
        "≤ 1.2×",
      ],
      ["wall time", `${(wallMs / 1000).toFixed(1)} s (collect ${outcome.timings.collectMs} ms)`, ""],
      ["peak RSS (warden process)", `${mb(peakRss)} (peak JS heap ${mb(peakHeap)})`, "< 300 MB"],
      [
        "store write of the scan",
        `${outcome.timings.storeMs} ms (then WAL checkpoint ${outcome.timings.checkpointMs} ms)`,
        "< 2000 ms",
      ],
      ["rows stored per second", String(Math.round(rowsStored / (outcome.timings.storeMs / 1000))), ""],
    ];
    if (lookups) {
      rows.push([
        "worst lookup (loop blocked)",
        `${lookups.worstMs.toFixed(1)} ms for ${JSON.stringify(truncateText(lookups.worstQuery, 24))} (median ${lookups.medianMs.toFixed(1)} ms; slowest call ${lookups.slowestCallMs.toFixed(1)} ms of ${lookups.lookups})`,
        "< 50 ms",
      ]);
    }
    if (followUps) {
      rows.push(
        [
          "daily follow-up pass",
          `${Math.round(followUps.daily.ms)} ms: ${followUps.daily.reminders} reminders, ${followUps.daily.escalations} escalations due (${followUps.unansweredAccounts} unanswered accounts in ${followUps.messages} messages)`,
          "< 2000 ms",
        ],
        [
          "follow-ups: loop blocked",
          `${followUps.daily.longestBlockMs.toFixed(1)} ms (first pass after the upgrade, all due at once: ${Math.round(followUps.catchUp.ms)} ms, ${followUps.catchUp.longestBlockMs.toFixed(1)} ms)`,
          "< 50 ms",
        ],
      );
    }
    for (const timing of cli) {
      rows.push([
        timing.label,
        `${Math.round(timing.medianMs)} ms wall (slowest ${Math.round(timing.slowestMs)} ms, exit ${timing.code})`,
        "< 1000 ms",
      ]);
    }
    process.stdout.write("\nwarden benchmark\n");
    for (const [name, value, target] of rows) {
      process.stdout.write(`  ${name.padEnd(28)} ${value.padEnd(52)} ${target}\n`);
    }
    process.stdout.write(
      `\nLower bound at ${boundPageSize} rows per page, assuming ${LOWER_BOUND_ASSUMPTIONS}:\n  ${bound.explanation}\n`,
    );
    process.stdout.write(`Phases: ${phases.join("; ")}\n`);
    if (entra) {
      process.stdout.write("\nEntra ID (scanned first, in the same process):\n");
      for (const [name, value] of entra.rows) process.stdout.write(`  ${name.padEnd(28)} ${value}\n`);
      process.stdout.write(`${entra.notes.join("\n")}\n`);
    }
    // The same scan's store write on both backends (a fresh database each).
    if (benchPhases.has("backends")) {
      process.stdout.write(`\n${(await measureStoreBackends(dbPath)).join("\n")}\n`);
    }

    // Fan-out to owners against a Slack enforcing its tiers (alone: npm run bench:fan-out).
    if (benchPhases.has("fan-out")) {
      process.stdout.write(`\n${(await benchFanOut({ owners: 1000, week1Scale: 10 })).join("\n")}\n`);
    }

    // warden serve's server over the scanned database, while its scheduled jobs run (a re-scan).
    if (benchPhases.has("serving")) {
      process.stdout.write("\nWhile serving (GET /healthz every 20 ms from another thread):\n");
      for (const p of await measureServing({
        dbPath,
        servicenowUrl: description.url,
        pageSize,
        dormantDays: 100,
      })) {
        process.stdout.write(`${describeServingPhase(p)}\n`);
      }
    }
  } finally {
    stop();
    rmSync(dir, { recursive: true, force: true });
    if (values.db) process.stdout.write(`The database is kept at ${values.db}.\n`);
  }
}

await main();
