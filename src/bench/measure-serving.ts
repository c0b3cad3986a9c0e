import { monitorEventLoopDelay } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { openWarden } from "../app/open-warden.js";
import { notifyOwners, postDigest } from "../app/post-digest.js";
import { startServer } from "../app/start-server.js";
import { loadConfig } from "../config/load-config.js";
import { silentLogger } from "../logger.js";
import { runScan } from "../scan/run-scan.js";
import { SERVICENOW_SOURCE } from "../sources/servicenow/servicenow-source.js";
import { startBenchSlack } from "./start-bench-slack.js";

/** One phase run while warden serves: its wall time, the worst /healthz answer, the longest block. */
export interface ServingPhase {
  name: string;
  wallMs: number;
  /** Slowest GET /healthz answer, polled every 20 ms from another thread. */
  worstHealthMs: number;
  polls: number;
  failedPolls: number;
  /** Longest the event loop went without turning (perf_hooks.monitorEventLoopDelay's max). */
  longestBlockMs: number;
  detail: string;
}

/**
 * The serving phase of `npm run bench`: `warden serve`'s own server (startServer) on the bench's
 * database, while the jobs its schedules run work in the same process: a scan of the instance
 * (the daily re-scan of 50,000 identities), a message run to the owners (a fake Slack) and a
 * digest. Another thread polls /healthz every 20 ms meanwhile.
 */
/** One phase's line of the bench report, with the targets beside the figures. */
export function describeServingPhase(p: ServingPhase): string {
  return `  ${p.name.padEnd(15)} worst /healthz ${p.worstHealthMs.toFixed(0).padStart(5)} ms (target < 100; ${p.polls} polls, ${p.failedPolls} failed), longest event-loop block ${p.longestBlockMs.toFixed(0).padStart(5)} ms (target < 50); ${(p.wallMs / 1000).toFixed(1)} s: ${p.detail}`;
}

export async function measureServing(options: {
  dbPath: string;
  servicenowUrl: string;
  pageSize: number;
  dormantDays: number;
}): Promise<ServingPhase[]> {
  const slack = await startBenchSlack();
  const config = loadConfig({
    SERVICENOW_URL: options.servicenowUrl,
    SERVICENOW_USERNAME: "warden",
    SERVICENOW_PASSWORD: "warden-demo",
    SERVICENOW_PAGE_SIZE: String(options.pageSize),
    SERVICENOW_TIMEOUT_MS: "120000",
    DORMANT_DAYS: String(options.dormantDays),
    WARDEN_DB: options.dbPath,
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: "bench-signing-secret",
    SLACK_API_URL: slack.apiUrl,
    SLACK_DIGEST_CHANNEL: "CBENCHDIGEST",
    SLACK_ADMIN_CHANNEL: "CBENCHADMIN",
  });
  const warden = await openWarden(config, { logger: silentLogger });
  const server = await startServer(warden, { port: 0, host: "127.0.0.1" });
  const poller = new Worker(new URL("./poll-health.js", import.meta.url), {
    workerData: { url: server.url },
  });
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const phases: ServingPhase[] = [];
  const phase = async (name: string, work: () => Promise<string>) => {
    poller.postMessage({ phase: name });
    histogram.reset();
    const started = performance.now();
    const detail = await work();
    const wallMs = performance.now() - started;
    // The histogram records a block when its timer next fires: after a turn of the loop.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const longestBlockMs = histogram.max / 1e6;
    const polled = new Promise<{ worstMs: number; polls: number; failures: number }>((resolve) =>
      poller.once("message", resolve),
    );
    poller.postMessage({ end: true });
    const { worstMs, polls, failures } = await polled;
    phases.push({
      name,
      wallMs,
      worstHealthMs: worstMs,
      polls,
      failedPolls: failures,
      longestBlockMs,
      detail,
    });
  };
  try {
    await phase("scan", async () => {
      const outcome = await runScan({
        store: warden.store,
        connector: warden.connectors.get(SERVICENOW_SOURCE),
        now: warden.now,
        logger: silentLogger,
        dormantDays: config.dormantDays,
        retentionDays: config.retentionDays,
      });
      const t = outcome.timings;
      return `${outcome.inventory.identities.length} identities; collect ${t.collectMs} ms, assess ${t.assessMs} ms, store ${t.storeMs} ms, checkpoint ${t.checkpointMs} ms, prune ${t.pruneMs} ms`;
    });
    await phase("owner messages", async () => {
      const result = await notifyOwners(warden);
      return `${result.queued} queued, ${result.sent} sent (${slack.calls.get("chat.postMessage") ?? 0} chat.postMessage)`;
    });
    await phase("digest", async () => {
      const result = await postDigest(warden);
      return `${result.sent} sent`;
    });
  } finally {
    histogram.disable();
    await poller.terminate();
    await server.close();
    await warden.close();
    await slack.close();
  }
  return phases;
}
