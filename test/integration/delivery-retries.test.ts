import { PassThrough } from "node:stream";
import { describe, expect, it, onTestFinished } from "vitest";
import { openWarden } from "../../src/app/open-warden.js";
import { notifyOwners, postDigest } from "../../src/app/post-digest.js";
import { startRetryTimer } from "../../src/app/retry-deliveries.js";
import { startServer } from "../../src/app/start-server.js";
import { runCli } from "../../src/cli/run-cli.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/logger.js";
import { inDeliveryLane } from "../../src/notify/delivery-lane.js";
import { runScan } from "../../src/scan/run-scan.js";
import { NOW, startDemoSource } from "../helpers/demo-source.js";
import { startFakeBotConnector } from "../helpers/fake-bot-connector.js";
import {
  type FakeSlackApi,
  type FakeSlackUser,
  slackError,
  slackHttpError,
  startFakeSlackApi,
} from "../helpers/fake-slack-api.js";
import { inspectDatabase } from "../helpers/inspect-db.js";
import { cardShownText } from "../helpers/rendered-text.js";
import {
  cardOf,
  personalConversationId,
  personalMessage,
  postActivity,
  TEAMS_BOT,
  teamInstall,
} from "../helpers/teams-activities.js";
import { tempDbPath } from "../helpers/temp-db.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const RAJ: FakeSlackUser = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const JAMES: FakeSlackUser = { id: "UJAMES", name: "James Okafor", email: "james.okafor@acme.example" };
const ADMIN_CHANNEL = "19:admins@thread.tacv2";

interface OutboxRow {
  id: number;
  kind: string;
  recipient: string;
  status: string;
  attempts: number;
  not_before: string | null;
  failing_since: string | null;
  last_error: string | null;
}

/**
 * The demo instance scanned once, a Slack workspace whose members are `users` (the demo's owners
 * are James, Paula, Raj and Vera), and warden on a clock the test moves (`advance`).
 */
async function slackSetup(
  users: FakeSlackUser[],
  options: { apiUrl?: string; env?: Record<string, string> } = {},
) {
  const source = await startDemoSource();
  const slack = await startFakeSlackApi({ users });
  onTestFinished(() => slack.close());
  const env = {
    SERVICENOW_URL: source.sim.url,
    SERVICENOW_USERNAME: "warden",
    SERVICENOW_PASSWORD: "warden-demo",
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_SIGNING_SECRET: "test-signing-secret",
    SLACK_API_URL: options.apiUrl ?? slack.url,
    SLACK_ADMIN_CHANNEL: "CADMIN",
    SLACK_DIGEST_CHANNEL: "CDIGEST",
    WARDEN_DB: tempDbPath(),
    ...options.env,
  };
  let clock = NOW.getTime();
  const now = () => new Date(clock);
  const warden = await openWarden(loadConfig(env), { logger: silentLogger, now });
  onTestFinished(() => warden.close());
  await runScan({
    store: warden.store,
    connector: warden.connectors.get("servicenow"),
    now,
    logger: silentLogger,
    dormantDays: 100,
  });
  const row = (recipient: string) =>
    inspectDatabase(warden.config.dbPath)
      .prepare("SELECT * FROM outbox WHERE kind = 'owner_message' AND recipient = ?")
      .get(recipient) as OutboxRow;
  return {
    ...source,
    slack,
    warden,
    env,
    now,
    row,
    advance(ms: number) {
      clock += ms;
    },
  };
}

/** Slack calls of `method` whose arguments include `value` under `key`. */
const callsWith = (slack: FakeSlackApi, method: string, key: string, value: string) =>
  slack.callsTo(method).filter((c) => c.args[key] === value);

/** Every text an admin channel message shows, as one string. */
const shown = (slack: FakeSlackApi, channel: string) =>
  JSON.stringify(slack.messages(channel).map((m) => [m.text, m.blocks]));

describe("delivery retries over the Slack Web API", () => {
  it("DMs an owner who joins Slack later, once the cached 'not found' has expired, exactly once", async () => {
    const t = await slackSetup([RAJ]);
    const first = await notifyOwners(t.warden);
    // James, Paula and Vera are not in the workspace: their messages wait, their accounts go to the admins.
    expect(first).toMatchObject({ failed: 0, rerouted: 3, retrying: 3 });
    expect(t.row(JAMES.email)).toMatchObject({
      status: "pending",
      attempts: 1,
      failing_since: NOW.toISOString(),
      last_error: `no Slack user with the email ${JAMES.email}; sent to the admin channel instead`,
    });
    // The admins are told why they got James's accounts, and that he still gets his message.
    expect(shown(t.slack, "CADMIN")).toContain(
      `Rerouted: warden could not reach the owner ${JAMES.email}: no Slack user with the email ${JAMES.email}. warden keeps trying`,
    );

    t.slack.users.set(JAMES.email, JAMES);
    t.advance(2 * HOUR);
    await notifyOwners(t.warden);
    // "Not found" is still cached (WARDEN_USER_CACHE_HOURS, 24): Slack is not asked again yet.
    expect(callsWith(t.slack, "users.lookupByEmail", "email", JAMES.email)).toHaveLength(1);
    expect(t.slack.messages(`D${JAMES.id}`)).toEqual([]);
    expect(t.row(JAMES.email).status).toBe("pending");

    t.advance(22 * HOUR + MINUTE);
    await notifyOwners(t.warden);
    expect(callsWith(t.slack, "users.lookupByEmail", "email", JAMES.email)).toHaveLength(2);
    expect(t.slack.messages(`D${JAMES.id}`)).toHaveLength(1);
    expect(JSON.stringify(t.slack.messages(`D${JAMES.id}`)[0]?.blocks)).toContain("Hi James Okafor");
    expect(t.row(JAMES.email).status).toBe("sent");

    // Later runs send nothing again, to him or to the admins.
    const adminPosts = t.slack.messages("CADMIN").length;
    t.advance(DAY);
    await notifyOwners(t.warden);
    expect(t.slack.messages(`D${JAMES.id}`)).toHaveLength(1);
    expect(t.slack.messages("CADMIN")).toHaveLength(adminPosts);
    expect(shown(t.slack, "CADMIN").split(`could not reach the owner ${JAMES.email}`)).toHaveLength(2);
  });

  it("retries a 5xx with backoff: not before a minute, then not before two more", async () => {
    const t = await slackSetup([RAJ]);
    const dmPosts = () => callsWith(t.slack, "chat.postMessage", "channel", `D${RAJ.id}`).length;
    // Raj's DM only: the admin channel's posts go out alongside (several recipients at once).
    const toRaj = { when: { channel: `D${RAJ.id}` } };
    t.slack.script("chat.postMessage", slackHttpError(503, "upstream busy"), toRaj);
    const first = await notifyOwners(t.warden);
    expect(first.retrying).toBeGreaterThanOrEqual(1);
    expect(dmPosts()).toBe(1);
    expect(t.slack.messages(`D${RAJ.id}`)).toEqual([]);
    expect(t.row(RAJ.email)).toMatchObject({
      status: "pending",
      attempts: 1,
      not_before: new Date(NOW.getTime() + MINUTE).toISOString(),
      last_error: `Slack answered HTTP 503 for ${RAJ.email}`,
    });

    t.advance(30 * SECOND);
    await notifyOwners(t.warden);
    expect(dmPosts()).toBe(1);

    t.advance(31 * SECOND);
    t.slack.script("chat.postMessage", slackHttpError(500), toRaj);
    await notifyOwners(t.warden);
    expect(dmPosts()).toBe(2);
    const second = t.row(RAJ.email);
    expect(second).toMatchObject({ status: "pending", attempts: 2 });
    expect(Date.parse(second.not_before ?? "") - t.now().getTime()).toBe(2 * MINUTE);

    t.advance(MINUTE + 30 * SECOND);
    await notifyOwners(t.warden);
    expect(dmPosts()).toBe(2);

    t.advance(31 * SECOND);
    await notifyOwners(t.warden);
    expect(dmPosts()).toBe(3);
    expect(t.slack.messages(`D${RAJ.id}`)).toHaveLength(1);
    expect(t.row(RAJ.email)).toMatchObject({ status: "sent", attempts: 3 });
  });

  it("serve's retry timer wakes up when the backoff ends and sends what is due", async () => {
    const t = await slackSetup([RAJ]);
    t.slack.script("chat.postMessage", slackHttpError(502), { when: { channel: `D${RAJ.id}` } });
    await notifyOwners(t.warden);
    const armed: { callback: () => void; ms: number }[] = [];
    let onArmed = () => {};
    const nextArming = () => new Promise<void>((resolve) => (onArmed = resolve));
    const started = nextArming();
    const timer = startRetryTimer(t.warden, {
      set: (callback, ms) => {
        armed.push({ callback, ms });
        onArmed();
        return {};
      },
      clear: () => {},
    });
    onTestFinished(() => timer.stop());
    // Set for the first waiting message: Raj's, a minute after the failure (once the store answered).
    await started;
    expect(armed.at(-1)?.ms).toBe(MINUTE);

    // Woken early (a clock change): nothing is due, so nothing is sent and it is set again.
    t.advance(20 * SECOND);
    const rearmed = nextArming();
    armed.at(-1)?.callback();
    await rearmed;
    expect(armed.at(-1)?.ms).toBe(40 * SECOND);
    expect(t.slack.messages(`D${RAJ.id}`)).toEqual([]);

    t.advance(41 * SECOND);
    armed.at(-1)?.callback();
    await t.slack.until(() => t.slack.messages(`D${RAJ.id}`).length === 1, "Raj's DM");
    await inDeliveryLane(t.warden.store, async () => {});
    expect(t.row(RAJ.email)).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("reports a deactivated owner as refused, reroutes the accounts and never retries", async () => {
    const t = await slackSetup([RAJ]);
    t.slack.script("conversations.open", slackError("user_disabled"));
    const first = await notifyOwners(t.warden);
    expect(first.failed).toBe(0); // rerouted, not lost
    expect(t.row(RAJ.email)).toMatchObject({
      status: "failed",
      last_error: `Slack refused the message to ${RAJ.email}: user_disabled (the user is deactivated in Slack); sent to the admin channel instead`,
    });
    expect(shown(t.slack, "CADMIN")).toContain(
      `could not reach the owner ${RAJ.email}: Slack refused the message to ${RAJ.email}: user_disabled (the user is deactivated in Slack). warden will not try them again`,
    );

    for (let day = 0; day < 3; day++) {
      t.advance(DAY);
      await notifyOwners(t.warden);
    }
    expect(callsWith(t.slack, "conversations.open", "users", RAJ.id)).toHaveLength(1);
    expect(t.row(RAJ.email).status).toBe("failed");

    await postDigest(t.warden);
    const digest = shown(t.slack, "CDIGEST");
    expect(digest).toContain("Undelivered messages");
    expect(digest).toContain(
      `Refused, not retried: Slack owner message to ${RAJ.email}, first failed 2026-11-23 02:00 UTC: Slack refused the message to ${RAJ.email}: user_disabled`,
    );
  });

  it("reports messages still failing after WARDEN_DELIVERY_GIVE_UP_DAYS in the digest and warden doctor, and keeps trying", async () => {
    const t = await slackSetup([RAJ]);
    await notifyOwners(t.warden);
    const lookups = () => callsWith(t.slack, "users.lookupByEmail", "email", JAMES.email).length;
    for (let day = 1; day <= 6; day++) {
      t.advance(DAY);
      await notifyOwners(t.warden);
    }
    // Six days: still within the give-up time, so the digest lists nothing undelivered.
    await postDigest(t.warden);
    expect(shown(t.slack, "CDIGEST")).not.toContain("Undelivered messages");

    t.advance(2 * DAY);
    await notifyOwners(t.warden);
    // Still retried (the cached "not found" expires daily, so Slack is asked again each day).
    expect(lookups()).toBe(8);
    expect(t.row(JAMES.email).status).toBe("pending");

    await postDigest(t.warden);
    const digest = JSON.stringify(t.slack.messages("CDIGEST").at(-1)?.blocks);
    expect(digest).toContain("Undelivered messages");
    expect(digest).toContain(
      `Still retried: Slack owner message to ${JAMES.email}, first failed 2026-11-23 02:00 UTC: no Slack user with the email ${JAMES.email}; sent to the admin channel instead`,
    );

    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (chunk) => {
      out += String(chunk);
    });
    await runCli(["doctor"], {
      stdout,
      stderr: new PassThrough(),
      env: { ...t.env, LOG_LEVEL: "silent" },
      isTTY: false,
      now: t.now,
      logger: silentLogger,
    });
    const row = out.split("\n").find((line) => line.includes("undelivered messages"));
    expect(row).toMatch(
      /^WARN\s+delivery\s+undelivered messages\s+3 messages still undelivered after 7 days/,
    );
    expect(out.replace(/\s+/g, " ")).toContain(
      `Oldest: owner message to ${JAMES.email} on Slack, failing since 2026-11-23 02:00 UTC: no Slack user with the email ${JAMES.email}; sent to the admin channel instead.`,
    );
  });

  it("uses the give-up time set in WARDEN_DELIVERY_GIVE_UP_DAYS", async () => {
    const t = await slackSetup([RAJ], { env: { WARDEN_DELIVERY_GIVE_UP_DAYS: "2" } });
    await notifyOwners(t.warden);
    t.advance(DAY);
    await postDigest(t.warden);
    expect(shown(t.slack, "CDIGEST")).not.toContain("Undelivered messages");
    t.advance(DAY + MINUTE);
    await postDigest(t.warden);
    expect(JSON.stringify(t.slack.messages("CDIGEST").at(-1)?.blocks)).toContain(
      `Still retried: Slack owner message to ${JAMES.email}`,
    );
  });
});

/** The demo instance scanned, warden serving Teams (emulator mode), Raj and James in the fake's roster. */
async function teamsSetup() {
  const source = await startDemoSource();
  const fake = await startFakeBotConnector();
  onTestFinished(() => fake.close());
  const raj = fake.addMember({ name: "Raj Patel", email: "raj.patel@acme.example" });
  fake.addMember({ name: "James Okafor", email: "james.okafor@acme.example" });
  const config = loadConfig({
    SERVICENOW_URL: source.sim.url,
    SERVICENOW_USERNAME: "warden",
    SERVICENOW_PASSWORD: "warden-demo",
    TEAMS_ENABLED: "true",
    TEAMS_ADMIN_CHANNEL: ADMIN_CHANNEL,
    WARDEN_DB: tempDbPath(),
  });
  let clock = NOW.getTime();
  const warden = await openWarden(config, { logger: silentLogger, now: () => new Date(clock) });
  onTestFinished(() => warden.close());
  await runScan({
    store: warden.store,
    connector: warden.connectors.get("servicenow"),
    now: () => NOW,
    logger: silentLogger,
    dormantDays: 100,
  });
  const server = await startServer(warden, { port: 0, host: "127.0.0.1" });
  onTestFinished(() => server.close());
  const row = (recipient: string) =>
    inspectDatabase(warden.config.dbPath)
      .prepare("SELECT * FROM outbox WHERE kind = 'owner_message' AND recipient = ?")
      .get(recipient) as OutboxRow;
  return {
    fake,
    raj,
    warden,
    server,
    row,
    install: () => postActivity(server.url, teamInstall(fake.serviceUrl, raj, raj.tenantId)),
    advance(ms: number) {
      clock += ms;
    },
  };
}

describe("delivery retries over the Bot Framework connector", () => {
  it("sends an owner's card right after the install event, when warden was not installed before", async () => {
    const t = await teamsSetup();
    const before = await notifyOwners(t.warden);
    expect(before).toMatchObject({ sent: 0, failed: 0, retrying: 9 });
    expect(t.row(t.raj.email)).toMatchObject({
      status: "pending",
      last_error: `warden is not installed in any Teams team, so ${t.raj.email} cannot be looked up; sent to the admin channel instead`,
    });
    expect(t.fake.requests).toEqual([]);

    // Half a minute later, inside the first backoff, the team installs warden.
    t.advance(30 * SECOND);
    expect((await t.install()).status).toBe(200);
    const [card] = await t.fake.until(() => {
      const activities = t.fake.activities(personalConversationId(t.raj));
      return activities.length > 0 ? activities : undefined;
    }, "Raj's card after the install");
    expect(JSON.stringify(cardOf(card))).toContain("Hi Raj Patel");
    await inDeliveryLane(t.warden.store, async () => {});
    expect(t.row(t.raj.email).status).toBe("sent");
    expect(t.row("james.okafor@acme.example").status).toBe("sent");
    // Vera and Paula are in no roster: still waiting, and the admins have their accounts, with why.
    expect(t.row("vera.novak@acme.example").status).toBe("pending");
    const admin = JSON.stringify(t.fake.activities(ADMIN_CHANNEL).map(cardOf));
    expect(admin).toContain(
      "Rerouted: warden could not reach the owner vera.novak@acme.example: warden is not installed in any Teams team",
    );

    // The next run sends Raj nothing twice.
    t.advance(DAY);
    await notifyOwners(t.warden);
    expect(t.fake.activities(personalConversationId(t.raj))).toHaveLength(1);
  });

  it("sends an owner's card as soon as they install warden for themselves, with no team install", async () => {
    const t = await teamsSetup();
    await notifyOwners(t.warden);
    expect(t.row(t.raj.email).status).toBe("pending");
    // Raj adds warden in his personal scope: Teams sends a conversationUpdate in the 1:1 chat.
    const { text: _text, ...base } = personalMessage(t.fake.serviceUrl, t.raj, "");
    const installed = { ...base, type: "conversationUpdate", membersAdded: [TEAMS_BOT] };
    expect((await postActivity(t.server.url, installed)).status).toBe(200);
    const [card] = await t.fake.until(() => {
      const activities = t.fake.activities(personalConversationId(t.raj));
      return activities.length > 0 ? activities : undefined;
    }, "Raj's card after his own install");
    expect(JSON.stringify(cardOf(card))).toContain("Hi Raj Patel");
    await inDeliveryLane(t.warden.store, async () => {});
    expect(t.row(t.raj.email).status).toBe("sent");
    // James installed nothing and no team has warden: he still waits.
    expect(t.row("james.okafor@acme.example").status).toBe("pending");
  });

  it("refuses a deleted conversation (404) for good: the admins get the accounts, no retry", async () => {
    const t = await teamsSetup();
    expect((await t.install()).status).toBe(200);
    await inDeliveryLane(t.warden.store, async () => {});
    // James's card is the first one sent (owners go in email order).
    t.fake.script("sendActivity", {
      status: 404,
      body: { error: { code: "ConversationNotFound", message: "Conversation not found." } },
    });
    const result = await notifyOwners(t.warden);
    expect(result.failed).toBe(0);
    expect(t.row("james.okafor@acme.example")).toMatchObject({
      status: "failed",
      attempts: 1,
      last_error:
        "Teams cannot reach james.okafor@acme.example: 404 ConversationNotFound (the conversation was deleted); sent to the admin channel instead",
    });
    expect(
      t.fake
        .activities(ADMIN_CHANNEL)
        .map((a) => cardShownText(cardOf(a)))
        .join("\n"),
    ).toContain(
      "could not reach the owner james.okafor@acme.example: Teams cannot reach james.okafor@acme.example: 404 ConversationNotFound (the conversation was deleted). warden will not try them again",
    );
    const sends = t.fake.requestsOf("sendActivity").length;
    t.advance(DAY);
    await notifyOwners(t.warden);
    expect(t.row("james.okafor@acme.example")).toMatchObject({ status: "failed", attempts: 1 });
    expect(t.fake.requestsOf("sendActivity")).toHaveLength(sends);
  });
});

describe("which Slack answers are retried and which are refusals", () => {
  /** The digest queued to CDIGEST and delivered once, with `reply` as Slack's answer to the post. */
  async function digestWith(
    t: Awaited<ReturnType<typeof slackSetup>>,
    reply: Parameters<FakeSlackApi["script"]>[1],
  ) {
    t.slack.script("chat.postMessage", reply);
    await postDigest(t.warden);
    return inspectDatabase(t.warden.config.dbPath)
      .prepare("SELECT status, last_error FROM outbox WHERE kind = 'digest' ORDER BY id DESC LIMIT 1")
      .get() as { status: string; last_error: string | null };
  }

  it("retries a channel Slack does not know yet, refuses one that is gone after warden posted there", async () => {
    const t = await slackSetup([RAJ]);
    expect(await digestWith(t, slackError("channel_not_found"))).toMatchObject({
      status: "pending",
      last_error: expect.stringContaining("channel_not_found (a private channel needs warden invited)"),
    });
    t.advance(MINUTE);
    // This digest is posted, and so is the one that waited.
    expect(await postDigest(t.warden)).toEqual({ sent: 1, failed: 0 });
    expect(t.slack.messages("CDIGEST")).toHaveLength(2);
    t.advance(MINUTE);
    expect(await digestWith(t, slackError("channel_not_found"))).toMatchObject({
      status: "failed",
      last_error: expect.stringContaining("channel_not_found (the channel was deleted"),
    });
  });

  it.each([
    ["is_archived", "the channel is archived"],
    ["not_in_channel", "warden is not a member of the channel"],
  ])("refuses %s for good", async (code, reason) => {
    const t = await slackSetup([RAJ]);
    expect(await digestWith(t, slackError(code))).toMatchObject({
      status: "failed",
      last_error: expect.stringContaining(`${code} (${reason}`),
    });
  });

  it("stops a run at a revoked token, the rest queued untouched for the longest backoff", async () => {
    const t = await slackSetup([RAJ]);
    t.slack.script("users.lookupByEmail", slackError("token_revoked"));
    const result = await notifyOwners(t.warden);
    expect(result).toMatchObject({ sent: 0, failed: 1, rerouted: 0 });
    const rows = inspectDatabase(t.warden.config.dbPath)
      .prepare("SELECT status, attempts, not_before FROM outbox ORDER BY id")
      .all() as OutboxRow[];
    expect(rows[0]).toMatchObject({ status: "failed", attempts: 1 });
    const sixHours = new Date(NOW.getTime() + 6 * HOUR).toISOString();
    expect(rows.slice(1).map((r) => [r.status, r.attempts, r.not_before])).toEqual(
      rows.slice(1).map(() => ["pending", 0, sixHours]),
    );
    expect(t.slack.callsTo("users.lookupByEmail")).toHaveLength(1);

    // An hour later (the token fixed meanwhile) nothing is tried yet; after the backoff all go out.
    t.advance(HOUR);
    await notifyOwners(t.warden);
    expect(t.slack.callsTo("users.lookupByEmail")).toHaveLength(1);
    t.advance(5 * HOUR);
    await notifyOwners(t.warden);
    expect(t.row(RAJ.email).status).toBe("sent");
  });

  it("retries when Slack cannot be reached at all", async () => {
    // Port 1 on 127.0.0.1: nothing listens, the connection is refused.
    const t = await slackSetup([RAJ], { apiUrl: "http://127.0.0.1:1/api/" });
    const result = await notifyOwners(t.warden);
    expect(result).toMatchObject({ sent: 0, failed: 0 });
    expect(t.row(RAJ.email)).toMatchObject({
      status: "pending",
      last_error: `Slack could not be reached for ${RAJ.email} (network error)`,
    });
  });
});
