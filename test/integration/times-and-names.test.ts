import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { checkAdaptiveCard } from "../../src/adapters/teams/render/index.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { parseWithAdaptiveCards } from "../adapters/teams/parse-with-adaptivecards.js";
import { cardMarkupProblems, cardMentions, slackMarkupProblems } from "../helpers/rendered-text.js";
import { viewSubmissionBody } from "../helpers/sign-slack.js";
import { slackButtons, startWarden } from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  personalConversationId,
  submitMessage,
  teamInstall,
} from "../helpers/teams-activities.js";

const RAJ = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };

/** The one decision recorded: when it was taken and until when it keeps the risk. */
function recordedKeep(db: { prepare(sql: string): { get(): unknown } }) {
  const row = db.prepare("SELECT decided_at, expires_at FROM decisions WHERE action = 'keep'").get() as {
    decided_at: string;
    expires_at: string;
  };
  return { at: new Date(row.decided_at), until: new Date(row.expires_at) };
}

/** "2026-11-23T10:02:00Z": the form Adaptive Cards' DATE/TIME functions take. */
const rfc3339 = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;
const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

describe("times in the reader's time zone, people mentioned", () => {
  it("Slack: a Keep line dates the decision with <!date> and mentions the owner who clicked", async () => {
    const t = await startWarden({ platform: "slack", users: [RAJ] });
    await notifyOwners(t.warden);
    const dm = t.slack.messages(`D${RAJ.id}`)[0]!;
    const keep = slackButtons(dm).find((b) => b.action_id === "warden_keep")!;
    expect(decodeActionPayload(keep.value)).toBeDefined();
    await t.click(RAJ, { channel: `D${RAJ.id}`, ts: dm.ts }, keep);
    const opened = await t.slack.until(() => [...t.slack.views()][0], "the Keep modal");
    const submitted = await t.post(
      viewSubmissionBody({
        userId: RAJ.id,
        callbackId: "warden_keep",
        privateMetadata: (opened.view as { private_metadata: string }).private_metadata,
        values: {
          reason: { reason: { type: "plain_text_input", value: "nightly export for finance" } },
          expiry: { expiry: { type: "static_select", selected_option: { value: "30" } } },
        },
      }),
    );
    expect(submitted.status).toBe(200);
    const updated = await t.slack.until(
      () => (t.slack.messages(`D${RAJ.id}`)[0]?.edits ? t.slack.messages(`D${RAJ.id}`)[0] : undefined),
      "the DM to be updated",
    );
    const { at, until } = recordedKeep(t.db);
    const unix = Math.floor(at.getTime() / 1000);
    const line = JSON.stringify(updated.blocks);
    // Slack renders the token in each reader's own zone; the fallback says UTC.
    expect(line).toContain(
      JSON.stringify(
        `:large_yellow_circle: *Kept (risk accepted) by <@${RAJ.id}> at <!date^${unix}^{date_short_pretty} {time}|${utc(at)}>: "nightly export for finance", until <!date^${Math.floor(until.getTime() / 1000)}^{date_short_pretty}|${until.toISOString().slice(0, 10)}>.*`,
      ).slice(1, -1),
    );
    expect(line).not.toContain(RAJ.email);
    // The mention is warden's own; nothing else pings or links, and each token's fallback is its time.
    expect(slackMarkupProblems(updated, { mentions: [RAJ.id] })).toEqual([]);
    expect(slackMarkupProblems(updated).join("\n")).toContain(`<@${RAJ.id}>`);
  });

  it("Teams: a Keep line dates the decision with DATE/TIME and mentions the owner who clicked", async () => {
    const t = await startWarden({ platform: "teams" });
    const raj = t.fake.addMember({ name: RAJ.name, email: RAJ.email });
    expect((await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
    await notifyOwners(t.warden);
    const conversationId = personalConversationId(raj);
    const [message] = t.fake.activities(conversationId);
    const action = executeActions(cardOf(message)).find((a) => a.verb === "warden_keep")!;
    const s = action.data.s as string;
    const id = action.data.id as string;
    const data = {
      ...action.data,
      [`reason.${s}.${id}`]: "Feeds the CMDB",
      [`expiresInDays.${s}.${id}`]: "30",
    };
    const ref = { conversationId, activityId: message!.id };
    expect((await t.post(submitMessage(t.fake.serviceUrl, raj, ref, data))).status).toBe(200);
    const card = cardOf(t.fake.activities(conversationId)[0]) as {
      body: { type: string; items?: { text?: string }[] }[];
    };
    const outcome = card.body.find((e) => e.type === "Container")?.items?.[0]?.text;
    const { at, until } = recordedKeep(t.db);
    const mention = `<at>${RAJ.email}</at>`;
    expect(outcome).toBe(
      `🟡 Kept \\(risk accepted\\) by ${mention} at {{DATE(${rfc3339(at)}, SHORT)}} {{TIME(${rfc3339(at)})}}: "Feeds the CMDB", until {{DATE(${rfc3339(until)}, SHORT)}}.`,
    );
    // The mention is an entity of the card, naming the Teams user who clicked.
    expect(cardMentions(card)).toEqual([{ text: mention, id: raj.id, name: RAJ.email }]);
    expect(cardMarkupProblems(card, { mentions: [raj.id] })).toEqual([]);
    expect(checkAdaptiveCard(card, { parse: parseWithAdaptiveCards })).toEqual([]);
  });
});
