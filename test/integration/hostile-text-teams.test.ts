import { describe, expect, it } from "vitest";
import { cardInputId } from "../../src/adapters/teams/render/card-input-id.js";
import { notifyOwners, postDigest } from "../../src/app/post-digest.js";
import type { FakeTeamsMember } from "../helpers/fake-bot-connector.js";
import { hostileInstance } from "../helpers/hostile-instance.js";
import { cardMarkupProblems, cardShownText } from "../helpers/rendered-text.js";
import { startWarden, TEAMS_ADMIN_CHANNEL, TEAMS_DIGEST_CHANNEL } from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  executeInvoke,
  personalConversationId,
  personalMessage,
  submitMessage,
  teamInstall,
} from "../helpers/teams-activities.js";

const DAY = 86_400_000;
const VERA_EMAIL = "vera.novak+<!here>@acme.example";
/** What the owner types as the reason to keep an account. */
const REASON = "[Verify](https://evil.example) <at>Raj</at> **ok**";

async function setup() {
  const hostile = hostileInstance();
  const t = await startWarden({ platform: "teams", instance: hostile.data });
  const raj = t.fake.addMember({ name: "Raj Patel", email: "raj.patel@acme.example" });
  const james = t.fake.addMember({ name: "James Okafor", email: "james.okafor@acme.example" });
  const vera = t.fake.addMember({ name: "Vera Novak", email: VERA_EMAIL });
  const mallory = t.fake.addMember({ name: "Mallory", email: "mallory@acme.example" });
  const advanceMs = t.advance;
  const account = (demoName: string) => {
    const userName = hostile.renamed.get(demoName);
    if (!userName) throw new Error(`${demoName} was not renamed`);
    return { userName, id: t.idOf(userName) };
  };
  return Object.assign(t, {
    hostile,
    advance: (days: number) => advanceMs(days * DAY),
    account,
    raj,
    james,
    vera,
    mallory,
  });
}
type Setup = Awaited<ReturnType<typeof setup>>;

/** `owner`'s first card and its Action.Execute `verb` for `accountId`. */
function ownerAction(t: Setup, owner: FakeTeamsMember, verb: string, accountId: string) {
  const conversationId = personalConversationId(owner);
  const [message] = t.fake.activities(conversationId);
  if (!message) throw new Error(`${owner.name} got no card`);
  const action = executeActions(cardOf(message)).find((a) => a.verb === verb && a.data.id === accountId);
  if (!action) throw new Error(`no ${verb} action for ${accountId}`);
  return { card: { conversationId, activityId: message.id }, action };
}

describe("Teams: hostile names from ServiceNow and users mention nobody and link nowhere", () => {
  it("install → cards, admin posts, digest → clicks, notices, lookups, updates, reminders, escalations", async () => {
    const t = await setup();
    const dormant = t.account("svc_legacy_backup");
    const kept = t.account("svc_automation_admin");
    const notMine = t.account("alice.nguyen");
    const stale = t.account("svc_jira_bridge");
    const url = t.fake.serviceUrl;

    expect((await t.post(teamInstall(url, t.raj, t.raj.tenantId))).status).toBe(200);
    expect((await notifyOwners(t.warden)).failed).toBe(0);
    expect(await postDigest(t.warden)).toEqual({ sent: 1, failed: 0 });

    // A stranger is refused (Execute and the Submit fallback); the owner's click applies, twice.
    const disable = ownerAction(t, t.raj, "warden_disable", dormant.id);
    const invokeAnswers: unknown[] = [];
    const invoke = async (member: FakeTeamsMember, found: ReturnType<typeof ownerAction>) => {
      const answer = await t.post(executeInvoke(url, member, found.card, found.action));
      expect(answer.status).toBe(200);
      invokeAnswers.push(answer.body);
    };
    await invoke(t.mallory, disable);
    await t.post(submitMessage(url, t.mallory, disable.card, disable.action.data));
    await invoke(t.raj, disable);
    await invoke(t.raj, disable);

    // Keep with a hostile reason, from the card's inputs.
    const keep = ownerAction(t, t.raj, "warden_keep", kept.id);
    const target = { s: "servicenow", id: kept.id };
    await t.post(
      submitMessage(url, t.raj, keep.card, {
        ...keep.action.data,
        [cardInputId("reason", target)]: REASON,
        [cardInputId("expiresInDays", target)]: "30",
      }),
    );
    await invoke(t.raj, ownerAction(t, t.raj, "warden_not_mine", notMine.id));

    // Fixed in ServiceNow directly: James's old button answers with the current state, and the
    // next run updates his card in place.
    const old = ownerAction(t, t.james, "warden_disable", stale.id);
    await t.warden.connectors.get("servicenow").apply(stale.id, { kind: "disable" });
    t.advance(1);
    await t.scan();
    await t.post(submitMessage(url, t.james, old.card, old.action.data));
    await notifyOwners(t.warden);
    expect(
      t.fake.requestsOf("updateActivity").some((r) => r.conversationId === personalConversationId(t.james)),
    ).toBe(true);

    // Lookups of a hostile name and of hostile input, help, score, a refused scan.
    for (const text of [
      `lookup ${dormant.userName}`,
      "lookup [Verify](https://evil.example) **bold** <at>Raj</at>",
      "help",
      "score",
      "scan",
    ]) {
      expect((await t.post(personalMessage(url, t.raj, text))).status).toBe(200);
    }

    // Vera never answers: a reminder after 3 days, the admins after 7.
    t.advance(3);
    await notifyOwners(t.warden, { followUps: true });
    t.advance(4);
    await notifyOwners(t.warden, { followUps: true });

    // Everything Teams was asked to show, as it would show it.
    const bodies = t.fake
      .requestsOf("sendActivity")
      .concat(t.fake.requestsOf("updateActivity"))
      .map((r) => r.body as { text?: string; textFormat?: string; attachments?: { content?: unknown }[] });
    expect(bodies.length).toBeGreaterThan(15);
    const cards: unknown[] = [];
    for (const body of bodies) {
      for (const a of body.attachments ?? []) cards.push(a.content);
      // Text messages are plain: Teams shows them as they are.
      if (body.text) expect(body.textFormat, body.text).toBe("plain");
    }
    for (const answer of invokeAnswers) {
      const { type, value } = answer as { type: string; value: unknown };
      if (type === "application/vnd.microsoft.card.adaptive") cards.push(value);
    }
    // warden mentions the members who acted (an `<at>` with its entity); nobody else.
    const people = [t.raj.id, t.james.id, t.vera.id, t.mallory.id];
    for (const card of cards)
      expect(cardMarkupProblems(card, { mentions: people }), JSON.stringify(card)).toEqual([]);

    // The data is shown, as typed: nothing was dropped to make it safe.
    const shown = [...cards.map(cardShownText), ...bodies.map((b) => b.text ?? "")].join("\n");
    for (const text of [
      dormant.userName,
      kept.userName,
      notMine.userName,
      stale.userName,
      t.hostile.ownerName,
      REASON,
      // Vera is mentioned: inside `<at>`, where escapes would show, the markup characters are dropped.
      `Escalation: ${VERA_EMAIL.replace(/[<>]/g, "")} has not answered`,
      `Only ${dormant.userName}'s owner`,
      `${stale.userName} changed since this message was sent`,
      "Reminder: ",
      "No machine identity",
      "Only warden admins can start a scan.",
    ]) {
      expect(shown, text).toContain(text);
    }
    expect(t.fake.activities(TEAMS_ADMIN_CHANNEL).length).toBeGreaterThan(1);
    expect(t.fake.activities(TEAMS_DIGEST_CHANNEL)).toHaveLength(1);
  });
});
