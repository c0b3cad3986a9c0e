import { describe, expect, it, onTestFinished } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { startFakeBotConnector } from "../helpers/fake-bot-connector.js";
import { cardShownText, slackShownText } from "../helpers/rendered-text.js";
import { type SlackWarden, slackButtons, startWarden } from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  personalConversationId,
  postActivity,
  teamInstall,
} from "../helpers/teams-activities.js";

const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const DM = `D${OWNER.id}`;
const HOUR = 3_600_000;

/** A Slack button of `message` for the account. */
function button(message: { blocks?: unknown }, actionId: string, accountId: string) {
  const found = slackButtons(message).find(
    (b) => b.action_id === actionId && decodeActionPayload(b.value)?.id === accountId,
  );
  if (!found) throw new Error(`no ${actionId} for ${accountId}`);
  return found;
}

const accountButtons = (message: { blocks?: unknown }, accountId: string) =>
  slackButtons(message).filter((b) => decodeActionPayload(b.value)?.id === accountId);

/** One hour on, a scan, then `warden notify`. */
async function rescanAndNotify(t: SlackWarden) {
  t.advance(HOUR);
  await t.scan();
  await notifyOwners(t.warden);
}

describe("ticket mode: a done ticket is shown in every live message of its account", () => {
  it("updates the owner's Teams card too when the ticket was opened from Slack", async () => {
    const t = await startWarden({
      platform: "slack",
      users: [OWNER],
      env: { WARDEN_MODE: "ticket", TEAMS_ENABLED: "true", SLACK_DIGEST_CHANNEL: undefined },
    });
    const fake = await startFakeBotConnector();
    onTestFinished(() => fake.close());
    const raj = fake.addMember({ name: OWNER.name, email: OWNER.email });
    expect((await postActivity(t.server.url, teamInstall(fake.serviceUrl, raj, raj.tenantId))).status).toBe(
      200,
    );
    await notifyOwners(t.warden);
    const conversationId = personalConversationId(raj);
    const teamsCard = () => cardOf(fake.activities(conversationId)[0]);
    const accountId = t.idOf(t.sim.data.scenarios.dormant?.[0] as string);
    expect(executeActions(teamsCard()).some((a) => a.data.id === accountId)).toBe(true);

    const [dm] = t.slack.messages(DM);
    expect(
      (await t.click(OWNER, { channel: DM, ts: dm!.ts }, button(dm!, "warden_disable", accountId))).status,
    ).toBe(200);
    await t.slack.until(() => t.slack.messages(DM)[0]?.edits || undefined, "the DM to show the ticket");

    // The ticket's change is made in ServiceNow; the next scan and notify see it.
    await t.warden.connectors.get("servicenow").apply(accountId, { kind: "disable" });
    const updates = fake.requestsOf("updateActivity").length;
    await rescanAndNotify(t);
    const done = "Done in INC0010001: seen done at 2026-11-23 03:00 UTC (Disable requested by";
    expect(slackShownText(t.slack.messages(DM)[0]!)).toContain(done);
    await fake.until(() => fake.requestsOf("updateActivity").length > updates, "the Teams card update");
    // The Teams card says so too (who asked, by email: they clicked in Slack), and has no buttons left for it.
    expect(cardShownText(teamsCard())).toContain(`${done} raj.patel@acme.example`);
    expect(executeActions(teamsCard()).filter((a) => a.data.id === accountId)).toEqual([]);
    expect(fake.activities(conversationId)).toHaveLength(1);
  });

  it("updates the newer message that replaced the one the ticket was opened from", async () => {
    const t = await startWarden({
      platform: "slack",
      users: [OWNER],
      env: { WARDEN_MODE: "ticket", SLACK_DIGEST_CHANNEL: undefined },
    });
    await notifyOwners(t.warden);
    const [first] = t.slack.messages(DM);
    const alice = t.idOf("alice.nguyen");
    expect(
      (await t.click(OWNER, { channel: DM, ts: first!.ts }, button(first!, "warden_restrict", alice))).status,
    ).toBe(200);
    await t.slack.until(() => t.slack.messages(DM)[0]?.edits || undefined, "the DM to show the ticket");

    // Another of Raj's accounts becomes risky: a new message lists every open account, alice's too.
    await t.warden.connectors
      .get("servicenow")
      .apply(t.idOf("svc_cmdb_discovery"), { kind: "restore", values: { webServiceAccessOnly: false } });
    await rescanAndNotify(t);
    const second = await t.slack.until(() => t.slack.messages(DM)[1], "Raj's second message");
    expect(slackShownText(second)).toContain("alice.nguyen");

    // The Restrict is made; alice keeps another finding (a privileged role), so she stays listed.
    await t.warden.connectors.get("servicenow").apply(alice, { kind: "restrict_to_api" });
    const edits = t.slack.messages(DM)[1]?.edits ?? 0;
    await rescanAndNotify(t);
    const current = await t.slack.until(
      () => ((t.slack.messages(DM)[1]?.edits ?? 0) > edits ? t.slack.messages(DM)[1] : undefined),
      "the newer message to be updated",
    );
    expect(slackShownText(current)).toContain("Done in INC0010001: seen done at 2026-11-23 04:00 UTC");
    expect(accountButtons(current, alice)).toEqual([]);
    expect(t.slack.messages(DM)).toHaveLength(2);
  });
});
