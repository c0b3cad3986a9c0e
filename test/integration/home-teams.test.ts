import { describe, expect, it } from "vitest";
import { checkAdaptiveCard } from "../../src/adapters/teams/render/index.js";
import { cardShownText } from "../helpers/rendered-text.js";
import { startWarden } from "../helpers/start-warden.js";
import {
  cardOf,
  channelMention,
  executeActions,
  executeInvoke,
  personalConversationId,
  personalMessage,
  teamInstall,
} from "../helpers/teams-activities.js";

async function setup() {
  const t = await startWarden({ platform: "teams" });
  const raj = t.fake.addMember({ name: "Raj Patel", email: "raj.patel@acme.example" });
  const mallory = t.fake.addMember({ name: "Mallory", email: "mallory@acme.example" });
  expect((await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
  return Object.assign(t, { raj, mallory });
}

/** Raj's risky accounts' user names, and everybody else's. */
function userNames(t: Awaited<ReturnType<typeof setup>>) {
  const rows = t.db
    .prepare(
      `SELECT DISTINCT a.user_name, a.owner_email FROM accounts a JOIN findings f ON f.source = a.source AND f.account_id = a.id
        WHERE f.resolved_at IS NULL`,
    )
    .all() as { user_name: string; owner_email: string | null }[];
  return {
    raj: rows.filter((r) => r.owner_email === "raj.patel@acme.example").map((r) => r.user_name),
    others: rows.filter((r) => r.owner_email !== "raj.patel@acme.example").map((r) => r.user_name),
  };
}

describe("Teams: mine and the search message extension", () => {
  it("answers mine in the 1:1 chat with the viewer's accounts, and a click from the card draws it again", async () => {
    const t = await setup();
    const { raj, others } = userNames(t);
    expect(raj.length).toBeGreaterThan(0);
    expect((await t.post(personalMessage(t.fake.serviceUrl, t.raj, "mine"))).status).toBe(200);
    const conversationId = personalConversationId(t.raj);
    const [answer] = t.fake.activities(conversationId);
    const card = cardOf(answer);
    expect(checkAdaptiveCard(card as never)).toEqual([]);
    const shown = cardShownText(card);
    for (const name of raj) expect(shown).toContain(name);
    for (const name of others) expect(shown).not.toContain(name);
    expect(shown).toContain(`You own ${raj.length} machine identities with open findings`);

    const disable = executeActions(card).find((a) => a.verb === "warden_disable");
    if (!answer || !disable) throw new Error("the mine card has no Disable action");
    // Teams merges the card's inputs (the menus) into the clicked action's data.
    const data = { ...disable.data, mineRule: "all", mineSource: "all", minePage: "1" };
    const reply = await t.post(
      executeInvoke(
        t.fake.serviceUrl,
        t.raj,
        { conversationId, activityId: answer.id },
        { verb: disable.verb, data },
      ),
    );
    expect(reply.status).toBe(200);
    const refreshed = (reply.body as { type: string; value: unknown }).value;
    expect((reply.body as { type: string }).type).toBe("application/vnd.microsoft.card.adaptive");
    expect(cardShownText(refreshed)).toMatch(/Disabled by raj\.patel@acme\.example/);
    expect(executeActions(refreshed).some((a) => a.verb === "warden_undo")).toBe(true);
    expect(t.db.prepare("SELECT action, outcome, message_id FROM decisions").get()).toEqual({
      action: "disable",
      outcome: "applied",
      message_id: null,
    });

    // A filter chosen in the card's menus and Show: only accounts with that finding.
    const show = executeActions(card).find((a) => a.verb === "warden_mine" && a.title === "Show");
    const filtered = await t.post(
      executeInvoke(
        t.fake.serviceUrl,
        t.raj,
        { conversationId, activityId: answer.id },
        {
          verb: "warden_mine",
          data: { ...show?.data, mineRule: "dormant", mineSource: "all", minePage: "1" },
        },
      ),
    );
    const filteredText = cardShownText((filtered.body as { value: unknown }).value);
    expect(filteredText).toContain("(Dormant");
    const dormant = t.db
      .prepare(
        `SELECT DISTINCT a.user_name FROM accounts a JOIN findings f ON f.source = a.source AND f.account_id = a.id
          WHERE a.owner_email = ? AND f.resolved_at IS NULL AND f.rule = 'dormant'`,
      )
      .pluck()
      .all("raj.patel@acme.example") as string[];
    expect(dormant.length).toBeGreaterThan(0);
    expect(filteredText).toMatch(new RegExp(`of ${dormant.length} \\(Dormant`));
    for (const name of dormant) expect(filteredText).toContain(name);
  });

  it("answers a composeExtension/query only with accounts the asker may see", async () => {
    const t = await setup();
    const { raj, others } = userNames(t);
    const query = (member: typeof t.raj, account: string) => ({
      type: "invoke",
      name: "composeExtension/query",
      id: `q-${account}`,
      channelId: "msteams",
      serviceUrl: t.fake.serviceUrl,
      from: { id: member.id, name: member.name, aadObjectId: member.aadObjectId },
      recipient: { id: "28:warden-bot", name: "warden" },
      conversation: {
        id: personalConversationId(member),
        conversationType: "personal",
        tenantId: member.tenantId,
      },
      channelData: { tenant: { id: member.tenantId } },
      value: {
        commandId: "lookup",
        parameters: [{ name: "account", value: account }],
        queryOptions: { skip: 0, count: 25 },
      },
    });
    const own = raj[0] as string;
    const answer = await t.post(query(t.raj, own));
    expect(answer.status).toBe(200);
    const result = (
      answer.body as {
        composeExtension: { type: string; attachments: { content: unknown; preview: unknown }[] };
      }
    ).composeExtension;
    expect(result.type).toBe("result");
    expect(result.attachments).toHaveLength(1);
    expect(cardShownText(result.attachments[0]?.content)).toContain(own);

    // Someone else's account: refused, and the refusal audited.
    const foreign = others.find((name) => name.startsWith("svc")) ?? (others[0] as string);
    const refused = await t.post(query(t.mallory, foreign));
    const message = (refused.body as { composeExtension: { type: string; text: string } }).composeExtension;
    expect(message.type).toBe("message");
    expect(message.text).toMatch(/private/);
    expect(JSON.stringify(refused.body)).not.toContain("evidence");
    expect(t.db.prepare("SELECT count(*) FROM audit_log WHERE event = 'lookup.refused'").pluck().get()).toBe(
      1,
    );
  });
  it("does not draw mine over a channel card: a forged Submit there gets a pointer to the 1:1 chat", async () => {
    const t = await setup();
    const { raj } = userNames(t);
    const { text: _text, entities: _entities, ...channel } = channelMention(t.fake.serviceUrl, t.raj, "");
    const updates = t.fake.requestsOf("updateActivity").length;
    const sends = t.fake.requestsOf("sendActivity").length;
    const submit = { ...channel, replyToId: "1700000000001", value: { mine: 1 } };
    expect((await t.post(submit)).status).toBe(200);
    const reply = await t.fake.until(() => t.fake.requestsOf("sendActivity")[sends], "the reply");
    const said = JSON.stringify(reply.body);
    expect(said).toContain("1:1 chat with warden");
    for (const name of raj) expect(said).not.toContain(name);
    expect(t.fake.requestsOf("updateActivity")).toHaveLength(updates);
  });
});
