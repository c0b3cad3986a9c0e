import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { WardenError } from "../errors.js";
import { silentLogger } from "../logger.js";
import { runScan } from "../scan/run-scan.js";
import { createEntraConnector } from "../sources/entra/create-entra-connector.js";
import { demoEntraConfig } from "../sources/entra/simulator/generate-tenant.js";
import { openSqliteStore } from "../store/open-sqlite-store.js";
import { computeEntraLowerBound, ENTRA_LOWER_BOUND_ASSUMPTIONS } from "./compute-entra-lower-bound.js";
import type { EntraTenantDescription } from "./describe-entra-tenant.js";

export interface EntraBenchFigures {
  rows: [string, string, string][];
  /** The bound's derivation and assumptions, for the lines below the table. */
  notes: string[];
}

/**
 * The Entra phase: a simulated tenant of `apps` filler applications (and the demo's named ones)
 * served by its own process with `latencyMs` per answer, scanned from this process through
 * warden's Entra connector into a fresh SQLite file. Requests against the lower bound
 * (compute-entra-lower-bound.ts), wall time, peak RSS of this process during the scan.
 */
export async function measureEntra(options: { apps: number; latencyMs: number }): Promise<EntraBenchFigures> {
  const script = join(import.meta.dirname, "run-entra-tenant.js");
  const child = spawn(
    process.execPath,
    [script, `--apps=${options.apps}`, `--latency=${options.latencyMs}`],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const dir = mkdtempSync(join(tmpdir(), "warden-bench-entra-"));
  try {
    const lines = createInterface({ input: child.stdout });
    let first: string | undefined;
    for await (const line of lines) {
      first = line;
      break;
    }
    lines.close();
    if (first === undefined) {
      throw new WardenError("E_BENCH_SIMULATOR", "the simulated tenant exited before it printed its address");
    }
    const tenant = JSON.parse(first) as {
      url: string;
      ca: string;
      now: string;
      description: EntraTenantDescription;
    };
    const connector = createEntraConnector({
      config: demoEntraConfig(tenant.url),
      ca: tenant.ca,
      timeoutMs: 120_000,
    });
    const store = openSqliteStore(join(dir, "warden.db"));
    (globalThis as { gc?: () => void }).gc?.();
    const startRss = process.memoryUsage().rss;
    let peakRss = startRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 10);
    const started = performance.now();
    const outcome = await runScan({
      store,
      connector,
      now: () => new Date(tenant.now),
      logger: silentLogger,
      dormantDays: 90,
    });
    const wallMs = performance.now() - started;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    await store.close();

    const bound = computeEntraLowerBound(tenant.description);
    const requests = outcome.inventory.requests;
    const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
    const findings = [...outcome.findings.values()].reduce((n, list) => n + list.length, 0);
    return {
      rows: [
        [
          "Entra identities found",
          `${outcome.inventory.identities.length} (tenant has ${tenant.description.ownServicePrincipals} own service principals of ${tenant.description.applications} apps)`,
          "",
        ],
        ["Entra findings", `${findings} (blind spots: ${outcome.inventory.blindSpots.length})`, ""],
        [
          "Entra HTTP requests",
          `${requests} (lower bound ${bound.total} with $batch, ${(requests / bound.total).toFixed(2)}×; ${bound.unbatched} without, ${(requests / bound.unbatched).toFixed(2)}×)`,
          "",
        ],
        [
          "Entra wall time",
          `${(wallMs / 1000).toFixed(1)} s (collect ${outcome.timings.collectMs} ms, store ${outcome.timings.storeMs} ms; ${options.latencyMs} ms per answer)`,
          "",
        ],
        ["Entra peak RSS", `${mb(peakRss)} (${mb(startRss)} before the scan)`, ""],
      ],
      notes: [`Entra lower bound, assuming ${ENTRA_LOWER_BOUND_ASSUMPTIONS}:`, `  ${bound.explanation}`],
    };
  } finally {
    child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}
