import { describe, expect, it } from "vitest";
import { checkAdaptiveCard } from "../../src/adapters/teams/render/index.js";
import { sendReviewMessages } from "../../src/app/send-review-messages.js";
import { assignOwner } from "../../src/remediation/assign-owner.js";
import { startReview } from "../../src/reviews/start-review.js";
import { writeReviewReport } from "../../src/reviews/write-review-report.js";
import { parseWithAdaptiveCards } from "../adapters/teams/parse-with-adaptivecards.js";
import type { StoredActivity } from "../helpers/fake-bot-connector.js";
import { cardMarkupProblems, cardShownText } from "../helpers/rendered-text.js";
import { ADMIN_EMAIL, startWarden, TEAMS_ADMIN_CHANNEL } from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  executeInvoke,
  type FoundAction,
  personalConversationId,
  submitMessage,
  teamInstall,
} from "../helpers/teams-activities.js";

const RAJ = "raj.patel@acme.example";
const JAMES = "james.okafor@acme.example";
const DAY = 86_400_000;

/** warden on Teams with a scan, installed in the team, and an access review started and sent. */
async function setup() {
  const t = await startWarden({ platform: "teams" });
  const raj = t.fake.addMember({ name: "Raj Patel", email: RAJ });
  const james = t.fake.addMember({ name: "James Okafor", email: JAMES });
  const admin = t.fake.addMember({ name: "SecOps", email: ADMIN_EMAIL });
  expect((await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
  const started = await startReview(t.warden.store, {
    now: t.now(),
    days: 10,
    startedBy: "test",
    defaultDecision: "none",
  });
  const sent = await sendReviewMessages(t.warden);
  const chat = personalConversationId(raj);
  /** Raj's review card as it is now (updated in place by the fake connector). */
  const rajCard = () => {
    const [activity] = t.fake.activities(chat);
    if (!activity) throw new Error("Raj got no review card");
    return { activity, content: cardOf(activity), at: { conversationId: chat, activityId: activity.id } };
  };
  /** The Action.Execute `verb` for the account `id` in Raj's card. */
  const button = (verb: string, id?: string): FoundAction => {
    const found = executeActions(rajCard().content).find(
      (a) => a.verb === verb && (id === undefined || a.data.id === id),
    );
    if (!found) throw new Error(`no ${verb} for ${id ?? "any account"} in Raj's card`);
    return found;
  };
  /** The accounts asked of `email`, by review item, in user-name order. */
  const itemsOf = (email: string) =>
    t.db
      .prepare(
        "SELECT source, account_id, user_name, status, reviewer, reason, decision_id FROM review_items WHERE owner_email = ? ORDER BY user_name",
      )
      .all(email) as {
      source: string;
      account_id: string;
      user_name: string;
      status: string;
      reviewer: string | null;
      reason: string | null;
      decision_id: number | null;
    }[];
  const item = (accountId: string) =>
    t.db
      .prepare("SELECT status, reviewer, reason, decision_id FROM review_items WHERE account_id = ?")
      .get(accountId) as
      | { status: string; reviewer: string | null; reason: string | null; decision_id: number | null }
      | undefined;
  const replies = () => t.fake.activities(chat).map((a) => String(a.text ?? ""));
  const audits = (event: string) =>
    t.db.prepare("SELECT actor, subject, detail FROM audit_log WHERE event = ?").all(event) as {
      actor: string;
      subject: string;
      detail: string;
    }[];
  return Object.assign(t, {
    raj,
    james,
    admin,
    started,
    sent,
    chat,
    rajCard,
    button,
    itemsOf,
    item,
    replies,
    audits,
  });
}

type Setup = Awaited<ReturnType<typeof setup>>;

const reasonInput = (a: FoundAction, text: string) => ({ [`reason.${a.data.s}.${a.data.id}`]: text });
const patches = (t: Setup) => t.sim.requests.filter((r) => r.method === "PATCH").length;
const decisions = (t: Setup) => t.db.prepare("SELECT count(*) FROM decisions").pluck().get() as number;

/** The answer Teams shows the clicker: a card, or a message string. */
const answerText = (answer: { body: unknown }) => JSON.stringify(answer.body);

describe("Teams: an access review, from the owner's card to the report", () => {
  it("asks Raj about each active account with Still needed…, Disable and Not mine by the due date, records his answers, and sends a reassigned account to its new owner", async () => {
    const t = await setup();
    const mine = t.itemsOf(RAJ);
    expect(mine.length).toBeGreaterThanOrEqual(3);
    const { content } = t.rajCard();
    expect(checkAdaptiveCard(content, { parse: parseWithAdaptiveCards })).toEqual([]);
    expect(cardMarkupProblems(content)).toEqual([]);
    const shown = cardShownText(content);
    const due = new Date(t.now().getTime() + 10 * DAY).toISOString().slice(0, 10);
    expect(shown).toContain("Access review: are these still needed?");
    expect(shown).toContain(`access review #${t.started.campaign.id} asks you to confirm each of your`);
    expect(shown).toContain(`by ${due}: Still needed… (say what uses it), Disable, or Not mine.`);
    for (const account of mine) {
      expect(shown).toContain(account.user_name);
      const verbs = executeActions(content)
        .filter((a) => a.data.id === account.account_id)
        .map((a) => a.verb);
      expect(verbs).toEqual(["warden_certify", "warden_disable", "warden_not_mine"]);
    }
    // Still needed… is a ShowCard asking only the reason (required), unlike Keep's.
    expect(JSON.stringify(content)).toContain('"label":"What still uses it, and why?"');
    expect(JSON.stringify(content)).not.toContain("expiresInDays");

    const [first, second, third] = mine as [(typeof mine)[0], (typeof mine)[0], (typeof mine)[0]];
    const certify = t.button("warden_certify", first.account_id);
    // An empty reason (a client that skipped isRequired): refused, nothing recorded, and audited.
    const empty = await t.post(
      executeInvoke(t.fake.serviceUrl, t.raj, t.rajCard().at, {
        verb: certify.verb,
        data: { ...certify.data, ...reasonInput(certify, "   ") },
      }),
    );
    expect(answerText(empty)).toContain(
      `Saying ${first.user_name} is still needed needs a reason: what uses it, and why. Nothing was recorded.`,
    );
    expect(decisions(t)).toBe(0);
    expect(t.item(first.account_id)?.status).toBe("pending");
    expect(t.audits("decision.invalid").map((a) => a.subject)).toEqual([
      `${first.source}:${first.account_id}`,
    ]);

    // With a reason: certified, and the card shows who said so and why, with no more buttons for it.
    const reason = "Nightly CMDB import *still* runs";
    const data = { ...certify.data, ...reasonInput(certify, reason) };
    const done = await t.post(
      executeInvoke(t.fake.serviceUrl, t.raj, t.rajCard().at, { verb: certify.verb, data }),
    );
    expect(done.status).toBe(200);
    expect(t.item(first.account_id)).toMatchObject({ status: "certified", reviewer: RAJ, reason });
    const updated = t.rajCard().content;
    expect(t.fake.requestsOf("updateActivity")).toHaveLength(1);
    expect(cardShownText(updated)).toContain(`Certified still needed by ${RAJ}`);
    expect(cardShownText(updated)).toContain(reason);
    expect(cardMarkupProblems(updated, { mentions: [t.raj.id] })).toEqual([]);
    expect(
      executeActions(updated)
        .filter((a) => a.data.id === first.account_id)
        .map((a) => a.verb),
    ).toEqual([]);
    // The same click again (a retried invoke, through the Submit fallback): a duplicate.
    expect((await t.post(submitMessage(t.fake.serviceUrl, t.raj, t.rajCard().at, data))).status).toBe(200);
    expect(
      await t.fake.until(
        () => t.replies().find((r) => r.includes("already done")),
        "the answer to the repeated click",
      ),
    ).toContain(`This was already done for ${first.user_name}; nothing was applied twice.`);
    expect(decisions(t)).toBe(1);
    expect(t.audits("decision.duplicate")).toHaveLength(1);

    // Disable: the instance is written, and the item is disabled.
    const before = patches(t);
    const disable = t.button("warden_disable", second.account_id);
    expect((await t.post(executeInvoke(t.fake.serviceUrl, t.raj, t.rajCard().at, disable))).status).toBe(200);
    expect(patches(t)).toBeGreaterThan(before);
    const users = t.sim.data.tables.get("sys_user")!;
    expect(users.rows[users.indexById.get(second.account_id)!]!.active).toBe("false");
    expect(t.item(second.account_id)).toMatchObject({ status: "disabled", reviewer: RAJ });

    // Not mine: the admins are told, and the item waits for a new owner.
    const adminBefore = t.fake.activities(TEAMS_ADMIN_CHANNEL).length;
    const notMine = t.button("warden_not_mine", third.account_id);
    expect((await t.post(executeInvoke(t.fake.serviceUrl, t.raj, t.rajCard().at, notMine))).status).toBe(200);
    const posted = await t.fake.until(
      () => t.fake.activities(TEAMS_ADMIN_CHANNEL)[adminBefore],
      "the admin channel's Not mine card",
    );
    expect(cardShownText(cardOf(posted))).toContain(third.user_name);
    expect(t.item(third.account_id)?.status).toBe("reassigned");

    // The admin assigns it to James: the next run sends him a review card with it.
    const assigned = await assignOwner(t.warden.store, {
      admins: [ADMIN_EMAIL],
      actor: { platform: "teams", id: t.admin.id, email: ADMIN_EMAIL },
      source: third.source,
      accountId: third.account_id,
      ownerEmail: JAMES,
      ownerName: "James Okafor",
      now: t.now(),
    });
    expect(assigned.ok).toBe(true);
    const jamesChat = personalConversationId(t.james);
    const jamesBefore = t.fake.activities(jamesChat).length;
    await sendReviewMessages(t.warden);
    const jamesCard = await t.fake.until(
      () => t.fake.activities(jamesChat)[jamesBefore],
      "James's review card for the reassigned account",
    );
    expect(cardShownText(cardOf(jamesCard))).toContain(third.user_name);
    expect(
      executeActions(cardOf(jamesCard))
        .filter((a) => a.data.id === third.account_id)
        .map((a) => a.verb),
    ).toEqual(["warden_certify", "warden_disable", "warden_not_mine"]);

    // The report: who answered, why, and the decision that recorded it.
    const campaign = await t.warden.store.reviews.getReviewCampaign(t.started.campaign.id);
    let csv = "";
    await writeReviewReport(t.warden.store, campaign!, "json", { write: (c: string) => (csv += c) }, "");
    const rows = csv
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const certifiedId = t.item(first.account_id)?.decision_id;
    expect(certifiedId).toEqual(expect.any(Number));
    expect(rows.find((r) => r.account_id === first.account_id)).toMatchObject({
      status: "certified",
      reviewer: RAJ,
      reason,
      decision_id: certifiedId,
    });
    expect(rows.find((r) => r.account_id === second.account_id)).toMatchObject({
      status: "disabled",
      reviewer: RAJ,
      decision_id: expect.any(Number),
    });
  });

  it("refuses and audits forged card data: another account's id in Raj's card, or another message's id", async () => {
    const t = await setup();
    const jamesItems = t.itemsOf(JAMES);
    const [theirs] = jamesItems;
    if (!theirs) throw new Error("James owns nothing in the demo review");
    const certify = t.button("warden_certify");
    // Raj's card, its button's data naming one of James's accounts.
    const forgedAccount = {
      ...certify.data,
      s: theirs.source,
      id: theirs.account_id,
      [`reason.${theirs.source}.${theirs.account_id}`]: "mine now",
    };
    const one = await t.post(
      executeInvoke(t.fake.serviceUrl, t.raj, t.rajCard().at, { verb: certify.verb, data: forgedAccount }),
    );
    expect(one.status).toBe(200);
    expect(answerText(one)).toMatch(/Only .* owner|does not belong/);
    // Raj's own button with the id of James's review message.
    const jamesMessage = t.db
      .prepare("SELECT outbox_id FROM review_messages WHERE recipient = ?")
      .pluck()
      .get(JAMES) as number;
    const two = await t.post(
      executeInvoke(t.fake.serviceUrl, t.raj, t.rajCard().at, {
        verb: certify.verb,
        data: { ...certify.data, m: jamesMessage, ...reasonInput(certify, "forged") },
      }),
    );
    expect(answerText(two)).toContain("does not belong");
    expect(decisions(t)).toBe(0);
    expect(t.fake.requestsOf("updateActivity")).toHaveLength(0);
    expect(t.item(theirs.account_id)?.status).toBe("pending");
    expect(t.item(String(certify.data.id))?.status).toBe("pending");
    const refused = [...t.audits("decision.refused"), ...t.audits("decision.invalid")];
    expect(refused.map((a) => a.subject).sort()).toEqual(
      [`${theirs.source}:${theirs.account_id}`, `${certify.data.s}:${certify.data.id}`].sort(),
    );
    for (const entry of refused) expect(entry.actor).toContain(RAJ);
  });

  it("certifies every unanswered account with one reason from Still needed for all…, listing what was done and skipped", async () => {
    const t = await setup();
    const mine = t.itemsOf(RAJ);
    const all = executeActions(t.rajCard().content).find((a) => a.title === "Still needed for all");
    if (!all) throw new Error("no Still needed for all… in Raj's card");
    expect(all.verb).toBe("warden_bulk");
    // One account answered on its own first: the form, drawn before, skips it and says why.
    const [early] = mine;
    const certify = t.button("warden_certify", early!.account_id);
    await t.post(
      executeInvoke(t.fake.serviceUrl, t.raj, t.rajCard().at, {
        verb: certify.verb,
        data: { ...certify.data, ...reasonInput(certify, "own answer") },
      }),
    );
    expect(t.item(early!.account_id)?.status).toBe("certified");

    // Without a reason: refused at once, nothing recorded.
    const count = decisions(t);
    const refused = await t.post(
      executeInvoke(t.fake.serviceUrl, t.raj, t.rajCard().at, {
        verb: all.verb,
        data: { ...all.data, "bulk.reason": "" },
      }),
    );
    expect(answerText(refused)).toContain("needs a reason");
    expect(decisions(t)).toBe(count);

    const reason = "Batch jobs of the finance close";
    const answer = await t.post(
      executeInvoke(t.fake.serviceUrl, t.raj, t.rajCard().at, {
        verb: all.verb,
        data: { ...all.data, "bulk.reason": reason },
      }),
    );
    expect(answer.status).toBe(200);
    const reply = await t.fake.until(
      () => t.replies().find((r) => r.startsWith("Still needed for")),
      "the Still needed for all reply",
    );
    expect(reply).toContain(
      `Still needed for ${mine.length} accounts: ${mine.length - 1} done, 0 failed, 1 skipped.`,
    );
    expect(reply).toContain(`${early!.user_name}: skipped. Already decided in this message: Certified`);
    for (const account of mine.slice(1)) {
      expect(t.item(account.account_id)).toMatchObject({ status: "certified", reviewer: RAJ, reason });
    }
    expect(patches(t)).toBe(0);
    // The card was updated once more in place: every account answered, no buttons, no form.
    const updated = t.rajCard().content;
    expect(executeActions(updated).filter((a) => a.verb !== "warden_undo")).toEqual([]);
    expect(cardShownText(updated).match(/Certified still needed by/g)).toHaveLength(mine.length);
    expect(t.audits("decision.bulk")).toHaveLength(1);
  });

  it("lists the accounts nobody owns in the admin channel with the review and its due date; an owner assigned there is sent them to certify", async () => {
    const t = await setup();
    const unowned = t.db
      .prepare("SELECT source, account_id, user_name FROM review_items WHERE owner_email IS NULL")
      .all() as { source: string; account_id: string; user_name: string }[];
    expect(unowned.length).toBeGreaterThan(0);
    const card = t.fake
      .activities(TEAMS_ADMIN_CHANNEL)
      .find((a: StoredActivity) => cardShownText(cardOf(a)).includes("Access review"));
    if (!card) throw new Error("no review card in the admin channel");
    const content = cardOf(card);
    expect(checkAdaptiveCard(content, { parse: parseWithAdaptiveCards })).toEqual([]);
    const due = new Date(t.now().getTime() + 10 * DAY).toISOString().slice(0, 10);
    const shown = cardShownText(content);
    expect(shown).toContain("Access review: machine identities with no reachable owner");
    expect(shown).toContain(
      `Access review #${t.started.campaign.id} asks each owner to confirm their machine identities by ${due}. `,
    );
    expect(shown).toContain(
      "pick an owner for each, and warden sends that owner the account to certify in this review",
    );
    const [orphan] = unowned as [(typeof unowned)[0]];
    const assign = executeActions(content).find(
      (a) => a.verb === "warden_assign_owner" && a.data.id === orphan.account_id,
    );
    if (!assign) throw new Error("no Assign owner for the orphan");
    const answer = await t.post(
      executeInvoke(
        t.fake.serviceUrl,
        t.admin,
        { conversationId: TEAMS_ADMIN_CHANNEL, activityId: card.id },
        {
          verb: assign.verb,
          data: { ...assign.data, [`ownerEmail.${orphan.source}.${orphan.account_id}`]: JAMES },
        },
      ),
    );
    expect(answerText(answer)).toContain(JAMES);
    const jamesChat = personalConversationId(t.james);
    const before = t.fake.activities(jamesChat).length;
    await sendReviewMessages(t.warden);
    const jamesCard = await t.fake.until(
      () =>
        t.fake
          .activities(jamesChat)
          .slice(before)
          .find((a) => cardShownText(cardOf(a)).includes(orphan.user_name)),
      "James's review card with the assigned account",
    );
    expect(executeActions(cardOf(jamesCard)).some((a) => a.verb === "warden_certify")).toBe(true);
  });
});
