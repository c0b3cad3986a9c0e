import { describe, expect, it } from "vitest";
import { notifyOwners } from "../../src/app/post-digest.js";
import type { FakeTeamsMember, StoredActivity } from "../helpers/fake-bot-connector.js";
import { cardMarkupProblems, cardShownText, HOSTILE_NAME } from "../helpers/rendered-text.js";
import { startWarden } from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  executeInvoke,
  personalConversationId,
  teamInstall,
} from "../helpers/teams-activities.js";

const ADMIN_CHANNEL = "19:admins@thread.tacv2";
const HOUR = 3_600_000;
/** Owner actions; Undo is not one (it acts on a decision, not on the account's findings). */
const ACTION_VERBS = new Set(["warden_disable", "warden_restrict", "warden_keep", "warden_not_mine"]);

async function setup() {
  const t = await startWarden({
    platform: "teams",
    admins: ["secops@acme.example"],
    env: { TEAMS_ADMIN_CHANNEL: ADMIN_CHANNEL, TEAMS_DIGEST_CHANNEL: undefined },
  });
  const { fake } = t;
  const raj = fake.addMember({ name: "Raj Patel", email: "raj.patel@acme.example" });
  const james = fake.addMember({ name: "James Okafor", email: "james.okafor@acme.example" });
  const ada = fake.addMember({ name: "Ada Lovelace", email: "ada.lovelace@acme.example" });
  const admin = fake.addMember({ name: "SecOps", email: "secops@acme.example" });
  /** An hour later, a scan of what the source holds now. */
  const rescan = async () => {
    t.advance(HOUR);
    await t.scan();
  };
  expect((await t.post(teamInstall(fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
  return Object.assign(t, { raj, james, ada, admin, rescan });
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** The accounts a card offers owner actions for. */
function liveAccounts(activity: StoredActivity | undefined): string[] {
  const actions = executeActions(cardOf(activity)).filter((a) => ACTION_VERBS.has(a.verb));
  return [...new Set(actions.map((a) => String(a.data.id)))];
}

/** Every account with live actions in more than one of the members' 1:1 chats' messages. */
function accountsWithTwoLiveMessages(t: Setup, members: readonly FakeTeamsMember[]): string[] {
  const seen = new Map<string, number>();
  for (const member of members) {
    for (const activity of t.fake.activities(personalConversationId(member))) {
      for (const id of liveAccounts(activity)) seen.set(id, (seen.get(id) ?? 0) + 1);
    }
  }
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}

const sends = (t: Setup) => ({
  sent: t.fake.requestsOf("sendActivity").length,
  updated: t.fake.requestsOf("updateActivity").length,
});

/** The admin card that lists `accountId`, and its "Assign owner" action for it with `email` typed in. */
function assignAction(t: Setup, accountId: string, email: string) {
  const card = t.fake.activities(ADMIN_CHANNEL).find((a) => JSON.stringify(cardOf(a)).includes(accountId));
  const action = executeActions(cardOf(card)).find(
    (a) => a.verb === "warden_assign_owner" && a.data.id === accountId,
  );
  if (!card || !action) throw new Error(`no admin card to assign ${accountId}`);
  return {
    target: { conversationId: ADMIN_CHANNEL, activityId: card.id },
    action: {
      verb: action.verb,
      data: { ...action.data, [`ownerEmail.${action.data.s}.${accountId}`]: email },
    },
  };
}

describe("Teams: one live message per owner", () => {
  it("sends one new card for a new account, strips the older card in place, and never re-sends what did not change", async () => {
    const t = await setup();
    const chat = personalConversationId(t.raj);
    await notifyOwners(t.warden);
    const [first] = t.fake.activities(chat);
    const firstAccounts = liveAccounts(first);
    expect(firstAccounts).toHaveLength(3);
    const staleDisable = executeActions(cardOf(first)).find((a) => a.verb === "warden_disable")!;

    const before = sends(t);
    await t.rescan();
    await notifyOwners(t.warden);
    expect(sends(t)).toEqual(before);

    const cmdb = t.idOf("svc_cmdb_discovery");
    await t.warden.connectors
      .get("servicenow")
      .apply(cmdb, { kind: "restore", values: { webServiceAccessOnly: false } });
    await t.rescan();
    await notifyOwners(t.warden);
    const update = await t.fake.until(
      () => t.fake.requestsOf("updateActivity").find((r) => r.activityId === first!.id),
      "the first card to be updated",
    );
    expect(update.conversationId).toBe(chat);
    const [old, second] = t.fake.activities(chat);
    expect(new Set(liveAccounts(second))).toEqual(new Set([...firstAccounts, cmdb]));
    expect(old!.id).toBe(first!.id);
    expect(liveAccounts(old)).toEqual([]);
    expect(cardShownText(cardOf(old))).toContain(
      "Superseded by warden's message of 2026-11-23 04:00 UTC: use that one",
    );
    // As sent: the card's date functions, so each reader sees their own time zone.
    expect(JSON.stringify(cardOf(old))).toContain(
      "Superseded by warden's message of {{DATE(2026-11-23T04:00:00Z, SHORT)}} {{TIME(2026-11-23T04:00:00Z)}}: use that one",
    );
    expect(accountsWithTwoLiveMessages(t, [t.raj])).toEqual([]);

    // The old card's action, from a client that still shows it: refused, nothing written.
    const patches = t.sim.requests.filter((r) => r.method === "PATCH").length;
    const answer = await t.post(
      executeInvoke(t.fake.serviceUrl, t.raj, { conversationId: chat, activityId: first!.id }, staleDisable),
    );
    expect(JSON.stringify(answer.body)).toMatch(/replaced by warden's message of 2026-11-23 04:00 UTC/);
    expect(t.sim.requests.filter((r) => r.method === "PATCH").length).toBe(patches);
    expect(t.db.prepare("SELECT count(*) FROM decisions").pluck().get()).toBe(0);

    // Fixed in the source: the live card is updated in place, no new card.
    const dormant = t.idOf(t.sim.data.scenarios.dormant?.[0] as string);
    await t.warden.connectors.get("servicenow").apply(dormant, { kind: "disable" });
    await t.rescan();
    await notifyOwners(t.warden);
    await t.fake.until(
      () => t.fake.requestsOf("updateActivity").find((r) => r.activityId === second!.id),
      "the second card to be updated",
    );
    expect(t.fake.activities(chat)).toHaveLength(2);
    expect(cardShownText(cardOf(t.fake.activities(chat)[1]))).toMatch(/fixed in ServiceNow directly/);
    expect(liveAccounts(t.fake.activities(chat)[1])).not.toContain(dormant);
    expect(accountsWithTwoLiveMessages(t, [t.raj])).toEqual([]);
  });

  it("greets an assigned owner by their roster name, without 'No owner'; 'Not mine' tells the admins who, when and whose", async () => {
    const t = await setup();
    const users = t.sim.data.tables.get("sys_user")!;
    users.rows.find((r) => r.user_name === "raj.patel")!.name = HOSTILE_NAME;
    const orphan = t.idOf("svc_ticket_export");
    await t.warden.connectors
      .get("servicenow")
      .apply(orphan, { kind: "restore", values: { webServiceAccessOnly: false } });
    await t.rescan();
    await notifyOwners(t.warden);

    // Raj says one of his accounts is not his.
    const chat = personalConversationId(t.raj);
    const [card] = t.fake.activities(chat);
    const notMine = executeActions(cardOf(card)).find((a) => a.verb === "warden_not_mine")!;
    const disowned = String(notMine.data.id);
    const adminBefore = t.fake.activities(ADMIN_CHANNEL).length;
    await t.post(
      executeInvoke(t.fake.serviceUrl, t.raj, { conversationId: chat, activityId: card!.id }, notMine),
    );
    const posted = await t.fake.until(() => t.fake.activities(ADMIN_CHANNEL)[adminBefore], "the admin post");
    expect(cardMarkupProblems(cardOf(posted))).toEqual([]);
    expect(cardShownText(cardOf(posted))).toContain(
      `Not mine: raj.patel@acme.example said at 2026-11-23 03:00 UTC that this account is not theirs. Owner of record: ${HOSTILE_NAME} <raj.patel@acme.example> (from servicenow).`,
    );

    // The admin assigns the orphan to Ada by email; Teams' roster gives her name.
    const { target, action } = assignAction(t, orphan, "ada.lovelace@acme.example");
    const assigned = await t.post(executeInvoke(t.fake.serviceUrl, t.admin, target, action));
    expect(JSON.stringify(assigned.body)).toMatch(/now belongs to ada\.lovelace@acme\.example/);
    await notifyOwners(t.warden);
    const [greeting] = await t.fake.until(() => {
      const cards = t.fake.activities(personalConversationId(t.ada));
      return cards.length > 0 ? cards : undefined;
    }, "Ada's card");
    const shown = cardShownText(cardOf(greeting));
    expect(shown).toContain("Hi Ada Lovelace, svc_ticket_export was assigned to you by secops@acme.example");
    expect(shown).not.toContain("No owner");
    expect(liveAccounts(greeting)).toEqual([orphan]);
    // Raj's card shows his answer in place of the disowned account's buttons.
    expect(liveAccounts(t.fake.activities(chat)[0])).not.toContain(disowned);
    expect(cardShownText(cardOf(t.fake.activities(chat)[0]))).toContain("Marked as not mine");
    expect(accountsWithTwoLiveMessages(t, [t.raj, t.ada, t.james])).toEqual([]);
  });
});
