import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { fanOutEmail } from "../../src/bench/fan-out/owner-message-fixture.js";
import { startFanOut } from "../../src/bench/fan-out/run-fan-out.js";
import { share } from "../../src/chat-pacing/slack-pacing.js";
import { NOW } from "../helpers/demo-source.js";
import { SLACK_TIER_LIMITS, type SlackTierLimits, slackError } from "../helpers/fake-slack-api.js";
import { tempDbPath } from "../helpers/temp-db.js";

/**
 * Slack's tiers, with windows shortened so that a run to dozens of owners takes seconds, yet long
 * enough that a loaded machine's late calls stay inside warden's guard: Tier 3 is 10 calls in 4 s
 * per method here (Slack: 50 a minute), posts 40 in 4 s per workspace.
 */
const LIMITS: SlackTierLimits = {
  ...SLACK_TIER_LIMITS,
  tier3: { count: 10, windowMs: 4_000 },
  postPerChannel: { count: 5, windowMs: 4_000 },
  postPerWorkspace: { count: 40, windowMs: 4_000 },
};

/** warden's default shares of each limit, applied to the shortened windows. */
const PACING = {
  tier3: share(LIMITS.tier3, 0.9),
  chatUpdate: share(LIMITS.tier3, 0.8),
  postPerChannel: share(LIMITS.postPerChannel, 0.8),
  postPerWorkspace: share(LIMITS.postPerWorkspace, 0.9),
};

async function fanOut(owners: number, pacing: object = PACING) {
  const dbPath = tempDbPath();
  const run = await startFanOut({ owners, limits: LIMITS, pacing, dbPath, start: NOW });
  onTestFinished(() => run.close());
  return Object.assign(run, { dbPath });
}

describe("fan-out to many owners against a Slack that enforces its rate limits", () => {
  it("the fake does enforce the tiers: unpaced, a run to 30 owners is answered 429s", async () => {
    const run = await fanOut(30, {
      tier3: { count: 10_000, windowMs: 1_000 },
      chatUpdate: { count: 10_000, windowMs: 1_000 },
      postPerChannel: { count: 10_000, windowMs: 1_000 },
      postPerWorkspace: { count: 10_000, windowMs: 1_000 },
    });
    const week = await run.runWeek(0);
    expect(week.rateLimited).toBeGreaterThan(0);
    // Each 429 was waited out (Retry-After), not dropped.
    expect(week.result.sent).toBe(30);
  });

  it("paced, reaches 30 owners with no 429, and the next week posts straight to the cached DMs", async () => {
    const run = await fanOut(30);
    const first = await run.runWeek(0);
    expect(first.result).toMatchObject({ sent: 30, failed: 0, retrying: 0 });
    expect(first.rateLimited).toBe(0);
    expect(first.calls).toMatchObject({
      "users.lookupByEmail": 30,
      "conversations.open": 30,
      "chat.postMessage": 30,
    });
    // Paced close to the limit, not far below it: the tier is used, not wasted.
    expect(first.peak.tier3).toBeGreaterThan(0.5);
    expect(first.peak.tier3).toBeLessThanOrEqual(1);

    const second = await run.runWeek(1);
    expect(second.rateLimited).toBe(0);
    expect(second.calls["users.lookupByEmail"]).toBe(0);
    expect(second.calls["conversations.open"]).toBe(0);
    expect(second.calls["chat.postMessage"]).toBe(30);
    // Last week's messages lose their buttons (superseded), at chat.update's pace.
    expect(second.calls["chat.update"]).toBe(30);
    expect(second.result).toMatchObject({ sent: 60, failed: 0, retrying: 0 });
    for (const i of [0, 17, 29]) {
      const dm = `DU${String(i).padStart(6, "0")}`;
      expect(run.slack.messages(dm)).toHaveLength(2);
    }
  });

  it("trusts a found user id for 30 days: then looks the owner up again, and keeps the DM of the same user", async () => {
    const run = await fanOut(3);
    await run.runWeek(0);
    const fourWeeks = await run.runWeek(4);
    expect(fourWeeks.calls["users.lookupByEmail"]).toBe(0);
    const fiveWeeks = await run.runWeek(5);
    expect(fiveWeeks.calls["users.lookupByEmail"]).toBe(3);
    expect(fiveWeeks.calls["conversations.open"]).toBe(0);
    expect(run.slack.messages("DU000002")).toHaveLength(3);
  });

  it("a cached DM that is gone (channel_not_found) is recovered by looking the owner up once", async () => {
    const run = await fanOut(3);
    await run.runWeek(0);
    // Owner 1's account was replaced: the email now belongs to a new user, the old DM is gone.
    const email = fanOutEmail(1);
    run.slack.users.set(email, { id: "UREPLACED", name: "Owner 1", email });
    run.slack.script("chat.postMessage", slackError("channel_not_found"), { when: { channel: "DU000001" } });
    const lookupsBefore = run.slack.callsTo("users.lookupByEmail").length;

    const second = await run.runWeek(1);
    expect(second.result).toMatchObject({ failed: 0, retrying: 0, rerouted: 0 });
    const lookups = run.slack.callsTo("users.lookupByEmail").slice(lookupsBefore);
    expect(lookups.map((c) => c.args.email)).toEqual([email]);
    expect(run.slack.callsTo("conversations.open").at(-1)?.args.users).toBe("UREPLACED");
    expect(run.slack.messages("DUREPLACED")).toHaveLength(1);
    // The others were not looked up again.
    expect(run.slack.messages("DU000000")).toHaveLength(2);

    // The new user and DM are cached in turn: week 3 posts straight to it.
    const third = await run.runWeek(2);
    expect(third.calls["users.lookupByEmail"]).toBe(0);
    expect(run.slack.messages("DUREPLACED")).toHaveLength(2);
  });

  it("a cached user id whose DM cannot be opened any more (user_not_found) is looked up again once", async () => {
    const run = await fanOut(2);
    await run.runWeek(0);
    // A database upgraded to migration 12 knows user ids but no DM channels yet.
    const raw = new BetterSqlite3(run.dbPath);
    raw.prepare("DELETE FROM chat_dm_channels").run();
    raw.close();
    const email = fanOutEmail(0);
    run.slack.users.set(email, { id: "UREPLACED", name: "Owner 0", email });
    run.slack.script("conversations.open", slackError("user_not_found"), { when: { users: "U000000" } });

    const second = await run.runWeek(1);
    expect(second.result).toMatchObject({ failed: 0, retrying: 0, rerouted: 0 });
    expect(
      run.slack
        .callsTo("users.lookupByEmail")
        .slice(2)
        .map((c) => c.args.email),
    ).toEqual([email]);
    expect(run.slack.messages("DUREPLACED")).toHaveLength(1);
    // Owner 1's cached id was fine: their DM was opened again, without a lookup.
    expect(run.slack.messages("DU000001")).toHaveLength(2);
  });
});
