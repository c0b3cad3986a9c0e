import { describe, expect, it, onTestFinished } from "vitest";
import { openWarden } from "../../src/app/open-warden.js";
import { postDigest } from "../../src/app/post-digest.js";
import { startServer } from "../../src/app/start-server.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/logger.js";
import { runScan } from "../../src/scan/run-scan.js";
import { NOW, startDemoSource } from "../helpers/demo-source.js";
import { startFakeSlackApi } from "../helpers/fake-slack-api.js";
import { inspectDatabase } from "../helpers/inspect-db.js";
import { tempDbPath } from "../helpers/temp-db.js";
import { startTestTenant } from "../sources/entra/start-test-tenant.js";

const DAY = 86_400_000;

/** The lines `warden serve` prints, and a promise for the first one matching a pattern. */
function lineCollector() {
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  return {
    lines,
    report(line: string) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) waiter.resolve(line);
    },
    /** Resolves with the first line matching `pattern`, already printed or yet to come. */
    next(pattern: RegExp): Promise<string> {
      const seen = lines.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
  };
}

async function setup() {
  const { sim } = await startDemoSource();
  const slack = await startFakeSlackApi({
    users: [{ id: "URAJ", name: "Raj", email: "raj.patel@acme.example" }],
  });
  onTestFinished(() => slack.close());
  const env = {
    SERVICENOW_URL: sim.url,
    SERVICENOW_USERNAME: "warden",
    SERVICENOW_PASSWORD: "warden-demo",
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_SIGNING_SECRET: "secret",
    SLACK_API_URL: slack.url,
    SLACK_DIGEST_CHANNEL: "CDIGEST",
    SLACK_ADMIN_CHANNEL: "CADMIN",
    WARDEN_DB: tempDbPath(),
  };
  return { sim, slack, env, config: loadConfig(env) };
}

async function serve(config: ReturnType<typeof loadConfig>) {
  const warden = await openWarden(config, { logger: silentLogger, now: () => NOW });
  onTestFinished(() => warden.close());
  const out = lineCollector();
  const server = await startServer(warden, {
    port: 0,
    host: "127.0.0.1",
    schedules: true,
    report: out.report,
  });
  onTestFinished(() => server.close());
  return { warden, out };
}

describe("warden serve schedules", () => {
  it("on a database that has messaged before, catches up a missed scan (then owner messages) and a missed digest once at start", async () => {
    const { slack, config } = await setup();
    // Eight days ago: one scan and one digest (warden has messaged someone), no owner message.
    const earlier = new Date(NOW.getTime() - 8 * DAY);
    const before = await openWarden(config, { logger: silentLogger, now: () => earlier });
    await runScan({
      store: before.store,
      connector: before.connectors.get("servicenow"),
      now: () => earlier,
      logger: silentLogger,
      dormantDays: 100,
    });
    await postDigest(before);
    await before.close();
    expect(slack.messages("CDIGEST")).toHaveLength(1);

    const { warden, out } = await serve(config);
    // The 02:00 scan slot of "today" and Monday's 09:00 digest slot passed with no run since.
    const done = await out.next(/^catch-up: done/);
    expect(done).toBe("catch-up: done (ran: scan, follow-ups, digest)");
    expect(slack.messages("DURAJ").length).toBeGreaterThan(0);
    expect(slack.messages("CDIGEST")).toHaveLength(2);
    const count = (sql: string) => inspectDatabase(warden.config.dbPath).prepare(sql).pluck().get() as number;
    expect(count("SELECT count(*) FROM scans")).toBe(2);
    expect(count("SELECT count(*) FROM digests")).toBe(2);
    // One human line per action, in order.
    expect(out.lines[0]).toMatch(/^scan: \d+ identities, \d+ findings \(\d+ new(, \d+ resolved)?\)$/);
    expect(out.lines[1]).toMatch(/^owner messages: [1-9]\d* sent, \d+ rerouted, 0 failed$/);
    expect(out.lines[2]).toMatch(/^follow-ups: 0 reminders, 0 escalations \(\d+ messages sent, 0 failed\)$/);
    expect(out.lines[3]).toBe("digest: posted to 1 channel");
    expect(out.lines.some((line) => line.startsWith("first start"))).toBe(false);
  });

  it("on a fresh database, catches up the missed scan but messages no owner and posts no digest", async () => {
    const { slack, config } = await setup();
    const { warden, out } = await serve(config);
    // The catch-up is over when this line comes: anything it would have sent went out before it.
    expect(await out.next(/^catch-up: done/)).toBe("catch-up: done (ran: scan)");
    const count = (sql: string) => inspectDatabase(warden.config.dbPath).prepare(sql).pluck().get() as number;
    expect(count("SELECT count(*) FROM scans WHERE status = 'succeeded'")).toBe(1);
    expect(count("SELECT count(*) FROM outbox")).toBe(0);
    expect(count("SELECT count(*) FROM digests")).toBe(0);
    const posts = slack.calls.filter((c) =>
      /^(chat\.|conversations\.open|users\.lookupByEmail)/.test(c.method),
    );
    expect(posts).toEqual([]);
    expect(out.lines[0]).toMatch(/^scan: \d+ identities/);
    expect(out.lines[1]).toMatch(
      /^first start: warden has not messaged anyone from this database yet, so it does not catch up owner messages and the digest now; owners are first messaged at the next scan slot \(2026-11-24 02:00 UTC\) or by `warden notify`/,
    );
  });

  it("on a fresh database, messages owners at the first scheduled scan slot", async () => {
    const { slack, config } = await setup();
    // Every second (node-cron's 6-field form): a slot comes at once (the catch-up holds back, a slot does not).
    const { out } = await serve({ ...config, scanSchedule: "* * * * * *" });
    expect(await out.next(/^owner messages:/)).toMatch(
      /^owner messages: [1-9]\d* sent, \d+ rerouted, 0 failed$/,
    );
    expect(slack.messages("DURAJ").length).toBeGreaterThan(0);
  });

  it("scans every configured source on the schedule, a line each, and a failing source does not stop the others", async () => {
    const { env } = await setup();
    const tenant = await startTestTenant();
    const both = loadConfig({
      ...env,
      ENTRA_TENANT_ID: tenant.config.tenantId,
      ENTRA_CLIENT_ID: tenant.config.clientId,
      ENTRA_CLIENT_SECRET: "wrong~secret-for-the-schedule",
      ENTRA_AUTHORITY_HOST: tenant.sim.url,
      ENTRA_GRAPH_URL: tenant.sim.url,
    });
    const warden = await openWarden(both, { logger: silentLogger, now: () => NOW, entraCa: tenant.sim.ca });
    onTestFinished(() => warden.close());
    const out = lineCollector();
    const server = await startServer(warden, {
      port: 0,
      host: "127.0.0.1",
      schedules: true,
      report: out.report,
    });
    onTestFinished(() => server.close());
    expect(await out.next(/^catch-up: done/)).toBe("catch-up: done (ran: scan)");
    expect(out.lines[0]).toMatch(/^scan servicenow: \d+ identities, \d+ findings \(\d+ new\)$/);
    expect(out.lines[1]).toMatch(/^scan entra: failed: .*AADSTS7000215/);
    expect(out.lines.join("\n")).not.toContain("wrong~secret-for-the-schedule");
    const rows = inspectDatabase(warden.config.dbPath)
      .prepare("SELECT source || ':' || status FROM scans ORDER BY id")
      .pluck()
      .all();
    expect(rows).toEqual(["servicenow:succeeded", "entra:failed"]);
  });
});
