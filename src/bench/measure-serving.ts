import { monitorEventLoopDelay } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { openWarden } from "../app/open-warden.js";
import { notifyOwners, postDigest } from "../app/post-digest.js";
import { startServer } from "../app/start-server.js";
import { loadConfig } from "../config/load-config.js";
import { silentLogger } from "../logger.js";
import { runScan } from "../scan/run-scan.js";
import { SERVICENOW_SOURCE } from "../sources/servicenow/servicenow-source.js";
import { benchSlackUserId, startBenchSlack } from "./start-bench-slack.js";

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
/** One phase's line of the bench report, with the issue's targets beside the figures. */
export function describeServingPhase(p: ServingPhase): string {
  return `  ${p.name.padEnd(15)} worst /healthz ${p.worstHealthMs.toFixed(0).padStart(5)} ms (${(p.worstHealthMs / 100).toFixed(2)}× the 100 ms target; ${p.polls} polls, ${p.failedPolls} failed), longest event-loop block ${p.longestBlockMs.toFixed(0).padStart(5)} ms (${(p.longestBlockMs / 50).toFixed(2)}× the 50 ms target); ${(p.wallMs / 1000).toFixed(1)} s: ${p.detail}`;
}

export async function measureServing(options: {
  dbPath: string;
  servicenowUrl: string;
  pageSize: number;
  dormantDays: number;
  /** Which of "scan", "messages", "digest" run (default: all, in that order). */
  phases?: ReadonlySet<string>;
  /**
   * Every owner's Slack user and DM channel already cached, as from an earlier week: the run is then
   * paced by chat.postMessage alone (about 540 a minute) instead of the Tier 3 lookups (45 a
   * minute), so 4,396 owners take minutes, not an hour and a half. What the loop does per message
   * is the same either way.
   */
  dmCached?: boolean;
}): Promise<ServingPhase[]> {
  const runs = (name: string) => options.phases === undefined || options.phases.has(name);
  const owners = options.dmCached ? ownerEmails(options.dbPath) : [];
  const slack = await startBenchSlack();
  const config = loadConfig({
    SERVICENOW_URL: options.servicenowUrl,
    SERVICENOW_USERNAME: "warden",
    SERVICENOW_PASSWORD: "warden-demo",
    SERVICENOW_PAGE_SIZE: String(options.pageSize),
    SERVICENOW_TIMEOUT_MS: "120000",
    DORMANT_DAYS: String(options.dormantDays),
    WARDEN_DB: options.dbPath,
    // A kept database (--db) was scanned from an earlier run's simulator, on another port: the same
    // generated instance, so the database may follow it.
    WARDEN_ALLOW_INSTANCE_CHANGE: "true",
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: "bench-signing-secret",
    SLACK_API_URL: slack.apiUrl,
    SLACK_DIGEST_CHANNEL: "CBENCHDIGEST",
    SLACK_ADMIN_CHANNEL: "CBENCHADMIN",
  });
  const warden = await openWarden(config, { logger: silentLogger });
  for (const email of owners) {
    const user = benchSlackUserId(email);
    await warden.store.chatUsers.saveChatUser("slack", email, user, warden.now());
    await warden.store.chatUsers.saveDmChannel("slack", user, `D${user.slice(1)}`, warden.now());
  }
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
    if (runs("scan"))
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
    if (runs("messages"))
      await phase("owner messages", async () => {
        const result = await notifyOwners(warden);
        const calls = (method: string) => slack.calls.get(method) ?? 0;
        return `${result.queued} queued, ${result.sent} sent (${calls("chat.postMessage")} chat.postMessage, ${calls("users.lookupByEmail")} users.lookupByEmail${options.dmCached ? `; ${owners.length} owners' DM channels cached beforehand` : ""})`;
      });
    if (runs("digest"))
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

/** The accounts' owners, read before warden opens the database. */
function ownerEmails(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .prepare("SELECT DISTINCT owner_email FROM accounts WHERE owner_email IS NOT NULL")
      .pluck()
      .all() as string[];
  } finally {
    db.close();
  }
}
