import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { silentLogger } from "../../src/logger.js";
import { enqueueFollowUps } from "../../src/notify/enqueue-follow-ups.js";
import { createActionHandler } from "../../src/remediation/handle-action.js";
import { migrate } from "../../src/store/migrate.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { startWarden } from "../helpers/start-warden.js";

const DAY = 86_400_000;
const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const DM = `D${OWNER.id}`;

/** Warden on Slack with one owner who got their first message at NOW (day 0). */
async function setup() {
  const t = await startWarden({
    platform: "slack",
    users: [OWNER],
    admins: [],
    env: { SLACK_SIGNING_SECRET: "secret", SLACK_DIGEST_CHANNEL: undefined },
    serve: false,
  });
  await notifyOwners(t.warden);
  const start = t.now().getTime();
  const daily = async (day: number) => {
    t.advance(start + day * DAY - t.now().getTime());
    await notifyOwners(t.warden, { followUps: true });
  };
  const repliesTo = (ts: string) => t.slack.messages(DM).filter((m) => m.threadTs === ts);
  const escalations = () => t.slack.messages("CADMIN").filter((m) => String(m.text).startsWith("Escalation"));
  const scheduled = () => t.db.prepare("SELECT count(*) FROM follow_ups").pluck().get();
  return Object.assign(t, { daily, repliesTo, escalations, scheduled });
}

describe("follow-ups run on a schedule per sent owner message", () => {
  it("reminds once and escalates once, then never chases the message again", async () => {
    const t = await setup();
    const original = t.slack.messages(DM)[0]!;
    await t.daily(4);
    expect(t.repliesTo(original.ts)).toHaveLength(1);
    await t.daily(8);
    expect(t.escalations()).toHaveLength(1);
    for (const day of [9, 15, 30, 90]) await t.daily(day);
    expect(t.repliesTo(original.ts)).toHaveLength(1);
    expect(t.escalations()).toHaveLength(1);
    // Aged out: nothing is left for a later pass to read.
    expect(t.scheduled()).toBe(0);
  });

  it("does not chase a superseded message; the newer one is chased from its own sent time", async () => {
    const t = await setup();
    const first = t.slack.messages(DM)[0]!;
    // Day 2: one of Raj's clean accounts becomes risky, so a new message replaces the first.
    t.advance(2 * DAY);
    await t.warden.connectors
      .get("servicenow")
      .apply(t.idOf("svc_cmdb_discovery"), { kind: "restore", values: { webServiceAccessOnly: false } });
    await t.scan();
    await notifyOwners(t.warden);
    const second = t.slack.messages(DM).find((m) => !m.threadTs && m.ts !== first.ts)!;
    expect(second).toBeDefined();

    await t.daily(4); // the first message's reminder day
    expect(t.repliesTo(first.ts)).toHaveLength(0);
    expect(t.repliesTo(second.ts)).toHaveLength(0);
    await t.daily(5); // three days after the second
    expect(t.repliesTo(second.ts)).toHaveLength(1);
    expect(String(t.repliesTo(second.ts)[0]?.text)).toMatch(/^Reminder: 4 machine identities/);
    await t.daily(8); // the first message's escalation day: nothing
    expect(t.escalations()).toHaveLength(0);
    await t.daily(9);
    await t.daily(12);
    expect(t.escalations()).toHaveLength(1);
    expect(t.repliesTo(first.ts)).toHaveLength(0);
  });

  it("leaves a Slack message to the Slack pass: another platform's pass neither chases nor drops it", async () => {
    const t = await setup();
    const original = t.slack.messages(DM)[0]!;
    t.advance(8 * DAY);
    const teamsPass = await enqueueFollowUps(t.warden.store, {
      now: t.now(),
      adminChannels: { teams: "19:admins@thread.tacv2" },
    });
    expect(teamsPass).toEqual({ reminders: 0, escalations: 0 });
    await t.daily(8);
    expect(t.repliesTo(original.ts)).toHaveLength(1);
    expect(t.escalations()).toHaveLength(1);
  });

  it("stops chasing a message once every account of it is answered", async () => {
    const t = await setup();
    const original = t.slack.messages(DM)[0]!;
    const keeps = (original.blocks as { elements?: { action_id: string; value?: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .filter((b) => b.action_id === "warden_keep")
      .map((b) => decodeActionPayload(b.value)!);
    expect(keeps).toHaveLength(3);
    const handle = createActionHandler({
      store: t.warden.store,
      connectors: t.warden.connectors,
      now: t.now,
      admins: [],
      mode: "apply",
      logger: silentLogger,
    });
    for (const [i, keep] of keeps.entries()) {
      expect(t.scheduled()).toBe(1);
      const kept = await handle({
        actor: { platform: "slack", id: OWNER.id, email: OWNER.email },
        payload: keep,
        origin: { conversation: DM, message: original.ts },
        reason: `batch job ${i}`,
        keepDays: 30,
      });
      expect(kept.status).toBe("done");
    }
    // The last answer ended the schedule: no pass reads this message again.
    expect(t.scheduled()).toBe(0);
    for (const day of [4, 8, 20]) await t.daily(day);
    expect(t.repliesTo(original.ts)).toHaveLength(0);
    expect(t.escalations()).toHaveLength(0);
  });
});

/**
 * Turns the database back into what the previous schema version left: no follow-up schedule, the
 * reminders and escalations already queued only known by their dedupe keys. Then migrates it.
 */
function upgradeFromPreviousVersion(t: Awaited<ReturnType<typeof setup>>): void {
  const previous = MIGRATIONS.filter((m) => m.version < 13).at(-1)!.version;
  t.db.exec("DROP TABLE follow_ups");
  t.db.pragma(`user_version = ${previous}`);
  expect(migrate(t.db)).toEqual({ from: previous, to: MIGRATIONS.at(-1)!.version });
}

describe("the upgrade to the follow-up schedule (migration 13)", () => {
  it("does not remind a message again that was reminded before the upgrade, and escalates it once", async () => {
    const t = await setup();
    const original = t.slack.messages(DM)[0]!;
    await t.daily(4);
    expect(t.repliesTo(original.ts)).toHaveLength(1);

    upgradeFromPreviousVersion(t);
    await t.daily(5);
    await t.daily(6);
    expect(t.repliesTo(original.ts)).toHaveLength(1);
    await t.daily(8);
    await t.daily(9);
    expect(t.repliesTo(original.ts)).toHaveLength(1);
    expect(t.escalations()).toHaveLength(1);
    expect(String(t.escalations()[0]?.text)).toContain(OWNER.email);
  });

  it("still reminds a message sent before the upgrade that was not reminded yet", async () => {
    const t = await setup();
    const original = t.slack.messages(DM)[0]!;
    await t.daily(1);
    upgradeFromPreviousVersion(t);
    await t.daily(2);
    expect(t.repliesTo(original.ts)).toHaveLength(0);
    await t.daily(3);
    expect(t.repliesTo(original.ts)).toHaveLength(1);
    expect(String(t.repliesTo(original.ts)[0]?.text)).toMatch(/^Reminder: 3 machine identities/);
  });

  it("never chases a message escalated before the upgrade", async () => {
    const t = await setup();
    const original = t.slack.messages(DM)[0]!;
    await t.daily(8);
    expect(t.repliesTo(original.ts)).toHaveLength(1);
    expect(t.escalations()).toHaveLength(1);
    upgradeFromPreviousVersion(t);
    expect(t.scheduled()).toBe(0);
    // Even once the queued follow-ups are gone from the outbox (pruned), nothing chases it again.
    t.db.exec("DELETE FROM outbox WHERE kind IN ('reminder', 'escalation')");
    for (const day of [9, 12, 30]) await t.daily(day);
    expect(t.repliesTo(original.ts)).toHaveLength(1);
    expect(t.escalations()).toHaveLength(1);
  });
});
