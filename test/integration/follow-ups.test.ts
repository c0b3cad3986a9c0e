import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { silentLogger } from "../../src/logger.js";
import { buildDigest } from "../../src/messages/build-digest.js";
import { createActionHandler } from "../../src/remediation/handle-action.js";
import { NOW } from "../helpers/demo-source.js";
import { startWarden } from "../helpers/start-warden.js";

const DAY = 86_400_000;
const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };

async function setup() {
  const t = await startWarden({
    platform: "slack",
    users: [OWNER],
    admins: [],
    env: { SLACK_SIGNING_SECRET: "secret", SLACK_DIGEST_CHANNEL: undefined },
    serve: false,
  });
  await notifyOwners(t.warden);
  const dm = () => t.slack.messages(`D${OWNER.id}`);
  const escalations = () => t.slack.messages("CADMIN").filter((m) => String(m.text).startsWith("Escalation"));
  const advanceMs = t.advance;
  return Object.assign(t, { dm, escalations, advance: (days: number) => advanceMs(days * DAY) });
}

describe("reminders, escalation and expired Keeps (injected clock)", () => {
  it("reminds once after 3 days in the same conversation, then escalates once after 7", async () => {
    const t = await setup();
    const original = t.dm()[0]!;
    t.advance(1);
    await notifyOwners(t.warden, { followUps: true });
    expect(t.dm()).toHaveLength(1);

    t.advance(3); // day 4
    await notifyOwners(t.warden, { followUps: true });
    const replies = t.dm().filter((m) => m.threadTs === original.ts);
    expect(replies).toHaveLength(1);
    expect(String(replies[0]?.text)).toMatch(/^Reminder: 3 machine identities still need your decision/);
    expect((await buildDigest(t.warden.store, { now: t.now() })).unansweredOwners).toEqual([
      { owner: OWNER.email, accounts: 3, since: NOW },
    ]);

    t.advance(1); // day 5: no second reminder
    await notifyOwners(t.warden, { followUps: true });
    expect(t.dm().filter((m) => m.threadTs === original.ts)).toHaveLength(1);
    expect(t.escalations()).toHaveLength(0);

    t.advance(3); // day 8
    await notifyOwners(t.warden, { followUps: true });
    await notifyOwners(t.warden, { followUps: true });
    expect(t.escalations()).toHaveLength(1);
    // The notification preview names the owner by email; the message mentions them (their Slack
    // id from the lookup that delivered the DM) and dates the DM in each admin's time zone.
    expect(String(t.escalations()[0]?.text)).toContain(OWNER.email);
    const sent = Math.floor(NOW.getTime() / 1000);
    expect(JSON.stringify(t.escalations()[0]?.blocks)).toContain(
      `Escalation: <@${OWNER.id}> has not answered since <!date^${sent}^{date_short_pretty}|${NOW.toISOString().slice(0, 10)}> about 3 risky machine identities.`,
    );
    // The reminder goes to the owner: no mention, the day as a date token.
    expect(JSON.stringify(replies[0]?.blocks)).toContain(`(asked on <!date^${sent}^{date_short_pretty}|`);
  });

  it("stops chasing an account the owner answered, and brings a Keep back when it expires", async () => {
    const t = await setup();
    const original = t.dm()[0]!;
    const buttons = (original.blocks as { elements?: { action_id: string; value?: string }[] }[]).flatMap(
      (b) => b.elements ?? [],
    );
    const keep = decodeActionPayload(buttons.find((b) => b.action_id === "warden_keep")?.value)!;
    const handle = createActionHandler({
      store: t.warden.store,
      connectors: t.warden.connectors,
      now: t.now,
      admins: [],
      mode: "apply",
      logger: silentLogger,
    });
    const kept = await handle({
      actor: { platform: "slack", id: OWNER.id, email: OWNER.email },
      payload: keep,
      origin: { conversation: `D${OWNER.id}`, message: original.ts },
      reason: "month-end batch",
      keepDays: 2,
    });
    expect(kept.status).toBe("done");

    t.advance(4); // the Keep expired on day 2; a reminder is due for the other accounts
    await notifyOwners(t.warden, { followUps: true });
    const reminder = t.dm().find((m) => m.threadTs === original.ts);
    expect(String(reminder?.text)).toMatch(/^Reminder: 2 machine identities/);
    // The kept account is back: a new message lists it again.
    const fresh = t.dm().filter((m) => !m.threadTs && m.ts !== original.ts);
    expect(fresh).toHaveLength(1);
    expect(JSON.stringify(fresh[0]?.blocks)).toContain(keep.id);
  });

  it("updates the owner's message in place when an account is fixed in ServiceNow directly, and stops chasing it", async () => {
    const t = await setup();
    const original = t.dm()[0]!;
    const dormant = t.sim.data.scenarios.dormant?.[0] as string;
    const users = t.sim.data.tables.get("sys_user")!;
    const id = users.rows.find((r) => r.user_name === dormant)!.sys_id as string;
    await t.warden.connectors.get("servicenow").apply(id, { kind: "disable" });
    t.advance(1);
    await t.scan();
    await notifyOwners(t.warden);

    const shown = t.dm()[0]!;
    expect(shown.ts).toBe(original.ts);
    expect(shown.edits).toBeGreaterThan(0);
    expect(JSON.stringify(shown.blocks)).toMatch(/fixed in ServiceNow directly/);
    t.advance(4);
    await notifyOwners(t.warden, { followUps: true });
    const reminder = t.dm().find((m) => m.threadTs === original.ts);
    expect(String(reminder?.text)).toMatch(/^Reminder: 2 machine identities/);
    expect(String(reminder?.text) + JSON.stringify(reminder?.blocks)).not.toContain(dormant);
  });
});
