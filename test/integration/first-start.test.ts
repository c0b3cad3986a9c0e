import { describe, expect, it, onTestFinished } from "vitest";
import { openWarden } from "../../src/app/open-warden.js";
import { notifyOwners, postDigest } from "../../src/app/post-digest.js";
import { previewNotify } from "../../src/app/preview-notify.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/logger.js";
import { runScan } from "../../src/scan/run-scan.js";
import { openDatabase } from "../../src/store/open-database.js";
import { startDemoSource } from "../helpers/demo-source.js";
import { startFakeSlackApi } from "../helpers/fake-slack-api.js";
import { inspectDatabase } from "../helpers/inspect-db.js";
import { runWarden, type WardenRun } from "../helpers/run-warden.js";
import { tempDbPath } from "../helpers/temp-db.js";

const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
/** Calls that would message someone or look a recipient up. */
const MESSAGING = /^(chat\.|conversations\.open|users\.lookupByEmail)/;

/**
 * A daily cron slot two hours ago (UTC): it was "missed" by a warden that was not running, and
 * does not come again while the test runs. The spawned binary runs on the real clock.
 */
function slotTwoHoursAgo(): string {
  const at = new Date(Date.now() - 2 * 3_600_000);
  return `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
}

/** Resolves with the first stdout line of `run` matching `pattern`; rejects if warden exits first. */
function lineOf(run: WardenRun, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const check = () => {
      const line = seen.split("\n").find((l) => pattern.test(l));
      if (line) resolve(line);
    };
    run.child.stdout?.on("data", (chunk) => {
      seen += chunk;
      check();
    });
    run.done.then((r) => reject(new Error(`warden exited early (${r.code}): ${r.stderr}`)));
  });
}

async function environment() {
  const { sim } = await startDemoSource();
  const slack = await startFakeSlackApi({ users: [OWNER] });
  onTestFinished(() => slack.close());
  const slot = slotTwoHoursAgo();
  const env = {
    LOG_LEVEL: "info",
    SERVICENOW_URL: sim.url,
    SERVICENOW_USERNAME: "warden",
    SERVICENOW_PASSWORD: "warden-demo",
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_SIGNING_SECRET: "first-start-secret",
    SLACK_API_URL: slack.url,
    SLACK_DIGEST_CHANNEL: "CDIGEST",
    SLACK_ADMIN_CHANNEL: "CADMIN",
    WARDEN_DB: tempDbPath(),
    PORT: "0",
    TZ: "UTC",
    SCAN_SCHEDULE: slot,
    DIGEST_SCHEDULE: slot,
  };
  return { sim, slack, env };
}

/** Spawns `warden serve`, waits for the end of its catch-up, and stops it (SIGTERM) after the test. */
async function serveUntilCaughtUp(env: Record<string, string>) {
  const serve = runWarden(["serve"], env);
  onTestFinished(async () => {
    if (serve.child.exitCode === null) serve.child.kill("SIGTERM");
    await serve.done;
  });
  const done = await lineOf(serve, /^catch-up: done/);
  return { serve, done };
}

describe("warden serve: a safe, visible first start", () => {
  it("on a fresh database, scans but messages no owner and posts no digest for the missed slots", async () => {
    const { slack, env } = await environment();
    const { serve, done } = await serveUntilCaughtUp(env);
    // The catch-up is over: whatever it was going to send would have been sent before this line.
    expect(done).toBe("catch-up: done (ran: scan)");
    expect(slack.calls.filter((c) => MESSAGING.test(c.method))).toEqual([]);
    const db = openDatabase(env.WARDEN_DB);
    onTestFinished(() => void db.close());
    expect(db.prepare("SELECT count(*) FROM outbox").pluck().get()).toBe(0);
    expect(db.prepare("SELECT count(*) FROM scans WHERE status = 'succeeded'").pluck().get()).toBe(1);

    serve.child.kill("SIGTERM");
    const { code, stdout, stderr } = await serve.done;
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^warden is listening on port \d+/);
    expect(lines).toContainEqual(expect.stringMatching(/^scan: \d+ identities, \d+ findings \(\d+ new\)$/));
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^first start: .*owners are first messaged at the next scan slot \(.+ UTC\) or by `warden notify`/,
      ),
    );
    // Human lines on stdout, logs as JSON lines on stderr.
    expect(lines.filter((l) => l.startsWith("{"))).toEqual([]);
    for (const line of stderr.trim().split("\n")) expect(() => JSON.parse(line), line).not.toThrow();
  }, 60_000);

  it("on a database that has messaged before, catches up the owner messages and the digest", async () => {
    const { slack, env } = await environment();
    // Three days ago: a scan and a digest posted; so warden has messaged, and both slots since were missed.
    const earlier = new Date(Date.now() - 3 * 86_400_000);
    const before = await openWarden(loadConfig(env), { logger: silentLogger, now: () => earlier });
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

    const { serve, done } = await serveUntilCaughtUp(env);
    expect(done).toBe("catch-up: done (ran: scan, follow-ups, digest)");
    expect(slack.messages(`D${OWNER.id}`).length).toBeGreaterThan(0);
    expect(slack.messages("CDIGEST")).toHaveLength(2);
    serve.child.kill("SIGTERM");
    const { stdout } = await serve.done;
    expect(stdout).toMatch(/^scan: \d+ identities, \d+ findings \(\d+ new(, \d+ resolved)?\)$/m);
    expect(stdout).toMatch(/^owner messages: [1-9]\d* sent, \d+ rerouted, 0 failed$/m);
    expect(stdout).toMatch(/^digest: posted to 1 channel$/m);
    expect(stdout).not.toContain("first start");
  }, 60_000);
});

describe("warden notify --preview", () => {
  it("prints who would get what on each platform, and sends and writes nothing", async () => {
    const { slack, env } = await environment();
    const previewEnv = {
      ...env,
      LOG_LEVEL: "silent",
      TEAMS_ENABLED: "true",
      TEAMS_ADMIN_CHANNEL: "19:admins@thread.tacv2",
    };
    const setup = await openWarden(loadConfig(previewEnv), { logger: silentLogger });
    await runScan({
      store: setup.store,
      connector: setup.connectors.get("servicenow"),
      now: setup.now,
      logger: silentLogger,
      dormantDays: 100,
    });
    // Slack answered for Raj once (the chat user cache); nobody else has been looked up yet.
    await setup.store.chatUsers.saveChatUser("slack", OWNER.email, OWNER.id, new Date());
    await postDigest(setup); // an outbox row from before, which must stay as it is
    await setup.close();
    const db = openDatabase(env.WARDEN_DB);
    onTestFinished(() => void db.close());
    const snapshot = () => ({
      outbox: db.prepare("SELECT id, status, sent_at FROM outbox ORDER BY id").all(),
      audit: db.prepare("SELECT count(*) FROM audit_log").pluck().get(),
      chatUsers: db.prepare("SELECT count(*) FROM chat_users").pluck().get(),
    });
    const before = snapshot();
    const callsBefore = slack.calls.length;

    const { code, stdout, stderr } = await runWarden(["notify", "--preview"], previewEnv).done;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("nothing was sent and nothing was written");
    // Per platform: Raj is known to Slack, others are not looked up; Teams has no team to find anyone in.
    const slackPart = stdout.slice(stdout.indexOf("Slack ("), stdout.indexOf("Microsoft Teams ("));
    const teamsPart = stdout.slice(stdout.indexOf("Microsoft Teams ("));
    expect(slackPart).toContain(
      `→ ${OWNER.name} <${OWNER.email}>: a direct message to the Slack user ${OWNER.id}`,
    );
    expect(slackPart).toMatch(
      /→ .+ <\S+@acme\.example>: not yet looked up: warden asks Slack for this email .*admin channel CADMIN/,
    );
    expect(slackPart).toMatch(/• svc_\w+ \(.+\): .+/);
    expect(slackPart).toMatch(
      /owner messages: 1 direct, 0 rerouted to the admin channel, [1-9]\d* not yet looked up/,
    );
    expect(teamsPart).toContain(
      `→ ${OWNER.name} <${OWNER.email}>: rerouted to the admin channel 19:admins@thread.tacv2: warden is not installed in any Teams team`,
    );

    expect(snapshot()).toEqual(before);
    expect(slack.calls.slice(callsBefore)).toEqual([]);

    // The same as JSON, for scripts.
    const json = await runWarden(["notify", "--preview", "--json"], previewEnv).done;
    const preview = JSON.parse(json.stdout);
    const raj = preview.platforms[0].messages.find((m: { recipient: string }) => m.recipient === OWNER.email);
    expect(raj).toMatchObject({ kind: "owner_message", route: "direct" });
    expect(raj.accounts.length).toBeGreaterThan(0);
    expect(snapshot()).toEqual(before);
  }, 60_000);

  it("after a notify, shows owners with an unchanged message as up to date, and a retry queued earlier as such", async () => {
    const { slack, env } = await environment();
    const warden = await openWarden(loadConfig({ ...env, LOG_LEVEL: "silent" }), { logger: silentLogger });
    onTestFinished(() => warden.close());
    await runScan({
      store: warden.store,
      connector: warden.connectors.get("servicenow"),
      now: warden.now,
      logger: silentLogger,
      dormantDays: 100,
    });
    const sent = await notifyOwners(warden);
    expect(sent.sent).toBeGreaterThan(0);
    // A message a rate limit left in the queue: the next notify sends it, and the preview says so.
    inspectDatabase(warden.config.dbPath)
      .prepare(
        `INSERT INTO outbox (platform, kind, recipient, dedupe_key, payload, status, attempts, last_error, created_at)
         VALUES ('slack', 'unowned', 'CADMIN', 'retry-1', '{"accounts":[]}', 'pending', 1, 'rate limited', ?)`,
      )
      .run(new Date().toISOString());
    const calls = slack.calls.length;

    const [platform] = (await previewNotify(warden)).platforms;
    // Owners Slack does not know yet: their message waits for a retry, and the preview says so.
    const waiting = inspectDatabase(warden.config.dbPath)
      .prepare("SELECT recipient FROM outbox WHERE kind = 'owner_message' AND status = 'pending'")
      .pluck()
      .all() as string[];
    const owners = platform?.messages.filter((m) => m.kind === "owner_message") ?? [];
    expect(owners.map((m) => m.recipient).sort()).toEqual([...waiting].sort());
    expect(owners.every((m) => m.queuedEarlier)).toBe(true);
    expect(platform?.messages).toContainEqual(
      expect.objectContaining({
        recipient: "CADMIN",
        queuedEarlier: true,
        lastError: "rate limited",
        route: "channel",
      }),
    );
    // Every owner whose message went out is up to date: nothing new would be sent to them.
    expect(platform?.upToDate).toBe(
      inspectDatabase(warden.config.dbPath)
        .prepare(
          "SELECT count(DISTINCT recipient) FROM outbox WHERE kind = 'owner_message' AND status = 'sent'",
        )
        .pluck()
        .get(),
    );
    expect(slack.calls.length).toBe(calls);
  });
});
