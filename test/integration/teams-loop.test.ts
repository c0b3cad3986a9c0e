import { describe, expect, it } from "vitest";
import { checkAdaptiveCard } from "../../src/adapters/teams/render/index.js";
import { notifyOwners, postDigest } from "../../src/app/post-digest.js";
import { enqueueOwnerMessages } from "../../src/notify/enqueue-owner-messages.js";
import { parseWithAdaptiveCards } from "../adapters/teams/parse-with-adaptivecards.js";
import { NOW } from "../helpers/demo-source.js";
import { connectorForbidden, connectorNotInRoster } from "../helpers/fake-bot-connector.js";
import { cardMarkupProblems, cardMentions, cardShownText } from "../helpers/rendered-text.js";
import { startWarden, TEAMS_ADMIN_CHANNEL, TEAMS_DIGEST_CHANNEL } from "../helpers/start-warden.js";
import {
  cardOf,
  channelMention,
  executeActions,
  executeInvoke,
  personalConversationId,
  personalMessage,
  submitMessage,
  TEAM_ID,
  teamInstall,
} from "../helpers/teams-activities.js";

async function setup(env: Record<string, string> = {}, store: "sqlite" | "postgres" = "sqlite") {
  const t = await startWarden({ platform: "teams", env, store });
  const raj = t.fake.addMember({ name: "Raj Patel", email: "raj.patel@acme.example" });
  const james = t.fake.addMember({ name: "James Okafor", email: "james.okafor@acme.example" });
  const mallory = t.fake.addMember({ name: "Mallory", email: "mallory@acme.example" });
  const advanceMs = t.advance;
  return Object.assign(t, { raj, james, mallory, advance: (days: number) => advanceMs(days * 86_400_000) });
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Installs warden in the team, then sends owner messages. */
async function installAndNotify(t: Setup) {
  expect((await t.post(teamInstall(t.fake.serviceUrl, t.raj, t.raj.tenantId))).status).toBe(200);
  return notifyOwners(t.warden);
}

/** Raj's owner card and the Action.Execute of `verb` for `accountId`. */
function rajCard(t: Setup, verb: string, accountId?: string) {
  const conversationId = personalConversationId(t.raj);
  const [message] = t.fake.activities(conversationId);
  if (!message) throw new Error("Raj got no card");
  const action = executeActions(cardOf(message)).find(
    (a) => a.verb === verb && (!accountId || a.data.id === accountId),
  );
  if (!action) throw new Error(`no ${verb} action`);
  return { card: { conversationId, activityId: message.id }, action };
}

const patches = (t: Setup) => t.sim.requests.filter((r) => r.method === "PATCH").length;
const isActive = (t: Setup, id: string) => {
  const users = t.sim.data.tables.get("sys_user")!;
  return users.rows[users.indexById.get(id)!]!.active;
};

describe.each(["sqlite", "postgres"] as const)(
  "Teams: install → owner card → Action.Execute → ServiceNow → %s → card updated",
  (store) => {
    it("saves references from the install event and answers help and lookup", async () => {
      const t = await setup({}, store);
      expect((await t.post(teamInstall(t.fake.serviceUrl, t.raj, t.raj.tenantId))).status).toBe(200);
      const ref = await t.warden.store.conversations.getConversationRef("teams", TEAM_ID);
      expect(ref).toMatchObject({ kind: "channel", teamId: TEAM_ID, serviceUrl: t.fake.serviceUrl });

      expect((await t.post(personalMessage(t.fake.serviceUrl, t.raj, "help"))).status).toBe(200);
      const help = t.fake.activities(personalConversationId(t.raj))[0];
      expect(cardShownText(cardOf(help))).toContain("lookup <account>");
      expect(checkAdaptiveCard(cardOf(help), { parse: parseWithAdaptiveCards })).toEqual([]);
      expect(
        (await t.warden.store.conversations.getConversationRef("teams", personalConversationId(t.raj)))
          ?.aadObjectId,
      ).toBe(t.raj.aadObjectId);

      // A lookup asked in a channel is not answered there: lookups are private.
      const dormant = t.sim.data.scenarios.dormant?.[0] as string;
      expect((await t.post(channelMention(t.fake.serviceUrl, t.raj, `lookup ${dormant}`))).status).toBe(200);
      const inChannel = t.fake.activities(`${TEAM_ID};messageid=1700000000001`)[0];
      expect(JSON.stringify(inChannel)).toMatch(/Lookups are private/);
      expect(JSON.stringify(inChannel)).not.toContain(dormant);
      // Nor in a group chat: everyone in it would see the answer.
      const group = "19:group-chat@thread.v2";
      const inGroupChat = {
        ...personalMessage(t.fake.serviceUrl, t.raj, `lookup ${dormant}`),
        conversation: { id: group, conversationType: "groupChat", isGroup: true, tenantId: t.raj.tenantId },
      };
      expect((await t.post(inGroupChat)).status).toBe(200);
      const [inGroup] = t.fake.activities(group);
      expect(JSON.stringify(inGroup)).toMatch(/Lookups are private/);
      expect(JSON.stringify(inGroup)).not.toContain(dormant);
      expect((await t.post(personalMessage(t.fake.serviceUrl, t.raj, `lookup ${dormant}`))).status).toBe(200);
      const lookup = t.fake.activities(personalConversationId(t.raj))[1];
      expect(cardShownText(cardOf(lookup))).toContain(dormant);
      expect(checkAdaptiveCard(cardOf(lookup), { parse: parseWithAdaptiveCards })).toEqual([]);
    });

    it("answers a lookup too long to be an account with a clear notice instead of searching", async () => {
      const t = await setup({}, store);
      const long = `lookup ${"svc_".repeat(2_500)}`;
      expect((await t.post(personalMessage(t.fake.serviceUrl, t.raj, long))).status).toBe(200);
      const [answer] = t.fake.activities(personalConversationId(t.raj));
      expect(answer).toMatchObject({
        text: "That is too long to be an account (10000 characters): a lookup takes a user name, display name or sys_id of at most 100 characters.",
      });
      expect(JSON.stringify(answer)).not.toContain("svc_svc_");
    });

    it("sends the owner a card in a new 1:1, applies an Action.Execute once and updates the card in place", async () => {
      const t = await setup({}, store);
      const sent = await installAndNotify(t);
      expect(sent.failed).toBe(0);
      // Vera and Paula are in no team where warden is installed: their accounts go to the admins.
      expect(sent.rerouted).toBe(2);
      expect(t.fake.requestsOf("createConversation").length).toBeGreaterThan(0);
      // Their own messages stay queued, to be sent once they can be reached.
      const reasons = (
        await t.sql("SELECT last_error FROM outbox WHERE platform = 'teams' AND status = 'pending'")
      ).map((r) => Object.values(r)[0] as string);
      expect(reasons.join("\n")).toMatch(
        /no member .* in the Teams teams where warden is installed; sent to the admin channel/,
      );
      const admin = t.fake.activities(TEAMS_ADMIN_CHANNEL);
      expect(admin.map((a) => cardShownText(cardOf(a))).join("\n")).toContain("svc_reporting_etl");
      for (const activity of [...admin, ...t.fake.activities(personalConversationId(t.raj))]) {
        expect(checkAdaptiveCard(cardOf(activity), { parse: parseWithAdaptiveCards })).toEqual([]);
      }

      const dormantId = t.idOf(t.sim.data.scenarios.dormant?.[0] as string);
      const { card, action } = rajCard(t, "warden_disable", dormantId);
      const answer = await t.post(executeInvoke(t.fake.serviceUrl, t.raj, card, action));
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
      const returned = (answer.body as { value: unknown }).value;
      expect(JSON.stringify(returned)).toMatch(/Disabled by <at>raj\.patel@acme\.example<\/at>/);
      expect(checkAdaptiveCard(returned, { parse: parseWithAdaptiveCards })).toEqual([]);
      expect(isActive(t, dormantId)).toBe("false");
      const update = t.fake.requestsOf("updateActivity");
      expect(update).toHaveLength(1);
      expect(update[0]?.activityId).toBe(card.activityId);
      expect(JSON.stringify(cardOf(t.fake.activities(card.conversationId)[0]))).toMatch(
        /Disabled by <at>raj\.patel@acme\.example<\/at>/,
      );
      expect(await t.sql("SELECT action, outcome, actor_email FROM decisions")).toEqual([
        { action: "disable", outcome: "applied", actor_email: "raj.patel@acme.example" },
      ]);

      // A retried invoke and a double click change nothing more.
      const writes = patches(t);
      const again = await t.post(executeInvoke(t.fake.serviceUrl, t.raj, card, action));
      expect(again.status).toBe(200);
      expect(patches(t)).toBe(writes);
      expect(await t.value("SELECT count(*) FROM decisions")).toBe(1);

      // Undo, from the updated card, restores the account.
      const undo = executeActions(returned).find((a) => a.verb === "warden_undo" && a.data.id === dormantId);
      expect(undo).toBeDefined();
      const undone = await t.post(executeInvoke(t.fake.serviceUrl, t.raj, card, undo!));
      expect(undone.status).toBe(200);
      expect(isActive(t, dormantId)).toBe("true");
    });

    it("handles the Action.Submit fallback, and Keep with its reason from the card inputs", async () => {
      const t = await setup({}, store);
      await installAndNotify(t);
      const { card, action } = rajCard(t, "warden_keep");
      const account = { s: action.data.s as string, id: action.data.id as string };
      // Without a reason nothing happens.
      expect((await t.post(submitMessage(t.fake.serviceUrl, t.raj, card, action.data))).status).toBe(200);
      expect(JSON.stringify(t.fake.activities(card.conversationId).at(-1))).toMatch(/needs a reason/);
      const data = {
        ...action.data,
        [`reason.${account.s}.${account.id}`]: "Feeds the CMDB nightly",
        [`expiresInDays.${account.s}.${account.id}`]: "30",
      };
      expect((await t.post(submitMessage(t.fake.serviceUrl, t.raj, card, data))).status).toBe(200);
      const [decision] = await t.sql<{ action: string; reason: string; expires_at: string }>(
        "SELECT action, outcome, reason, expires_at FROM decisions WHERE outcome != 'pending'",
      );
      if (!decision) throw new Error("no decision");
      expect(decision).toMatchObject({ action: "keep", reason: "Feeds the CMDB nightly" });
      expect(new Date(decision.expires_at).getTime() - NOW.getTime()).toBe(30 * 86_400_000);
      expect(t.fake.requestsOf("updateActivity")).toHaveLength(1);
      expect(JSON.stringify(cardOf(t.fake.activities(card.conversationId)[0]))).toMatch(/Feeds the CMDB/);
      // The same submit again is not a second decision.
      await t.post(submitMessage(t.fake.serviceUrl, t.raj, card, data));
      expect(await t.value("SELECT count(*) FROM decisions")).toBe(1);
    });

    it("refuses card data that points at another message or asks for a Keep beyond a year", async () => {
      const t = await setup({}, store);
      await installAndNotify(t);
      const { card, action } = rajCard(t, "warden_keep");
      const account = { s: action.data.s as string, id: action.data.id as string };
      const inputs = (days: string) => ({
        [`reason.${account.s}.${account.id}`]: "forged",
        [`expiresInDays.${account.s}.${account.id}`]: days,
      });
      await t.post(submitMessage(t.fake.serviceUrl, t.raj, card, { ...action.data, ...inputs("100000") }));
      expect(JSON.stringify(t.fake.activities(card.conversationId).at(-1))).toMatch(/1 to 365 days/);
      // The same button's data with another message id (another owner message of warden's).
      await t.post(
        submitMessage(t.fake.serviceUrl, t.raj, card, { ...action.data, m: 1_000, ...inputs("30") }),
      );
      expect(JSON.stringify(t.fake.activities(card.conversationId).at(-1))).toMatch(/does not belong/);
      expect(await t.value("SELECT count(*) FROM decisions")).toBe(0);
      expect(t.fake.requestsOf("updateActivity")).toHaveLength(0);
      expect(await t.value("SELECT count(*) FROM audit_log WHERE event = 'decision.invalid'")).toBe(2);
    });

    it("refuses a click by someone who is not the owner, and audits it", async () => {
      const t = await setup({}, store);
      await installAndNotify(t);
      const { card, action } = rajCard(t, "warden_disable");
      const answer = await t.post(executeInvoke(t.fake.serviceUrl, t.mallory, card, action));
      expect(answer.body).toMatchObject({
        statusCode: 200,
        type: "application/vnd.microsoft.activity.message",
      });
      expect(JSON.stringify(answer.body)).toMatch(/Only .* owner/);
      expect(patches(t)).toBe(0);
      expect(t.fake.requestsOf("updateActivity")).toHaveLength(0);
      expect(await t.value("SELECT count(*) FROM audit_log WHERE event = 'decision.refused'")).toBe(1);
    });

    it("reroutes an owner whose messages are blocked (403 MessageWritesBlocked) and records why", async () => {
      const t = await setup({}, store);
      t.fake.script("sendActivity", connectorForbidden());
      const sent = await installAndNotify(t);
      expect(sent.rerouted).toBe(3);
      const blocked = (
        await t.sql("SELECT last_error FROM outbox WHERE last_error LIKE '%MessageWritesBlocked%'")
      ).map((r) => Object.values(r)[0] as string);
      expect(blocked).toHaveLength(1);
      expect(await t.value("SELECT count(*) FROM audit_log WHERE event = 'message.rerouted'")).toBe(3);
      expect(t.fake.activities(TEAMS_ADMIN_CHANNEL).length).toBeGreaterThanOrEqual(3);
    });

    it("records but does not write in dry-run mode", async () => {
      const t = await setup({ WARDEN_MODE: "dry-run" }, store);
      await installAndNotify(t);
      const { card, action } = rajCard(t, "warden_disable");
      expect((await t.post(executeInvoke(t.fake.serviceUrl, t.raj, card, action))).status).toBe(200);
      expect(await t.value("SELECT outcome FROM decisions")).toBe("dry_run");
      expect(patches(t)).toBe(0);
    });

    it("posts the digest to the digest channel as a card within limits", async () => {
      const t = await setup({}, store);
      expect((await t.post(teamInstall(t.fake.serviceUrl, t.raj, t.raj.tenantId))).status).toBe(200);
      expect(await postDigest(t.warden)).toEqual({ sent: 1, failed: 0 });
      const [digest] = t.fake.activities(TEAMS_DIGEST_CHANNEL);
      expect(JSON.stringify(cardOf(digest))).toContain("Machine Identity Security Score");
      expect(checkAdaptiveCard(cardOf(digest), { parse: parseWithAdaptiveCards })).toEqual([]);
    });

    it("after a crash halfway through sending, sends the rest and never the interrupted one twice", async () => {
      const t = await setup({}, store);
      expect((await t.post(teamInstall(t.fake.serviceUrl, t.raj, t.raj.tenantId))).status).toBe(200);
      await enqueueOwnerMessages(t.warden.store, {
        platform: "teams",
        adminChannel: TEAMS_ADMIN_CHANNEL,
        now: NOW,
      });
      // The process died after marking Raj's message 'sending': it may or may not have reached him.
      await t.sql("UPDATE outbox SET status = 'sending' WHERE recipient = 'raj.patel@acme.example'");
      const sent = await notifyOwners(t.warden);
      expect(sent.unknown).toBe(1);
      expect(t.fake.activities(personalConversationId(t.raj))).toHaveLength(0);
      expect(t.fake.activities(personalConversationId(t.james))).toHaveLength(1);
      expect((await notifyOwners(t.warden)).sent).toBe(0);
    });

    it("reminds an owner in the same chat after 3 days, and tells the admin channel after 7", async () => {
      const t = await setup({}, store);
      await installAndNotify(t);
      const chat = personalConversationId(t.raj);
      expect(t.fake.activities(chat)).toHaveLength(1);
      t.advance(4);
      await notifyOwners(t.warden, { followUps: true });
      const reminder = t.fake.activities(chat)[1];
      expect(JSON.stringify(reminder)).toMatch(/Reminder: \d+ machine identities still need your decision/);
      t.advance(4);
      await notifyOwners(t.warden, { followUps: true });
      expect(t.fake.activities(chat)).toHaveLength(2);
      const escalations = t.fake
        .activities(TEAMS_ADMIN_CHANNEL)
        .map((a) => JSON.stringify(a))
        .filter((a) => a.includes("Escalation"));
      // The owner is mentioned (an entity with their Teams id), the day a DATE function.
      const mention = "<at>raj.patel@acme.example</at>";
      expect(
        escalations.filter((a) => a.includes(`Escalation: ${mention} has not answered since {{DATE(`)),
      ).toHaveLength(1);
      const card = cardOf(
        t.fake
          .activities(TEAMS_ADMIN_CHANNEL)
          .find((a) => JSON.stringify(a).includes(`Escalation: ${mention}`)),
      );
      expect(cardMentions(card)).toEqual([{ text: mention, id: t.raj.id, name: "raj.patel@acme.example" }]);
      expect(cardMarkupProblems(card, { mentions: [t.raj.id] })).toEqual([]);
    });

    it("lets an admin assign an owner from the admin card, and refuses others", async () => {
      const t = await setup({ WARDEN_ADMINS: "james.okafor@acme.example" }, store);
      await installAndNotify(t);
      const [adminCard] = t.fake.activities(TEAMS_ADMIN_CHANNEL);
      const assign = executeActions(cardOf(adminCard)).find((a) => a.verb === "warden_assign_owner");
      expect(assign).toBeDefined();
      const target = { conversationId: TEAMS_ADMIN_CHANNEL, activityId: adminCard!.id };
      const data = {
        ...assign!.data,
        [`ownerEmail.${assign!.data.s}.${assign!.data.id}`]: "raj.patel@acme.example",
      };
      const refused = await t.post(
        executeInvoke(t.fake.serviceUrl, t.mallory, target, { verb: "warden_assign_owner", data }),
      );
      expect(JSON.stringify(refused.body)).toMatch(/Only warden admins/);
      const assigned = await t.post(
        executeInvoke(t.fake.serviceUrl, t.james, target, { verb: "warden_assign_owner", data }),
      );
      expect(JSON.stringify(assigned.body)).toMatch(/now belongs to raj\.patel@acme\.example/);
      const overrides = await t.sql("SELECT account_id, owner_email FROM owner_overrides");
      expect(overrides).toEqual([{ account_id: assign!.data.id, owner_email: "raj.patel@acme.example" }]);
    });

    it("reroutes an owner the bot cannot reach (BotNotInConversationRoster) and records why", async () => {
      const t = await setup({}, store);
      t.fake.script("createConversation", connectorNotInRoster());
      const sent = await installAndNotify(t);
      expect(sent.rerouted).toBe(3);
      const reasons = (
        await t.sql("SELECT last_error FROM outbox WHERE last_error LIKE '%BotNotInConversationRoster%'")
      ).map((r) => Object.values(r)[0] as string);
      expect(reasons).toHaveLength(1);
    });

    it("updates the owner's card in place when an account is fixed in ServiceNow directly", async () => {
      const t = await setup({}, store);
      await installAndNotify(t);
      const dormantId = t.idOf(t.sim.data.scenarios.dormant?.[0] as string);
      await t.warden.connectors.get("servicenow").apply(dormantId, { kind: "disable" });
      t.advance(1);
      await t.scan();
      await notifyOwners(t.warden);
      const updates = t.fake
        .requestsOf("updateActivity")
        .filter((r) => r.conversationId === personalConversationId(t.raj));
      expect(updates).toHaveLength(1);
      expect(JSON.stringify(cardOf(t.fake.activities(personalConversationId(t.raj))[0]))).toMatch(
        /fixed in ServiceNow directly/,
      );
    });
  },
);
