import { describe, expect, it } from "vitest";
import { notifyOwners } from "../../src/app/post-digest.js";
import { sendReviewMessages } from "../../src/app/send-review-messages.js";
import { startReview } from "../../src/reviews/start-review.js";
import { NOW } from "../helpers/demo-source.js";
import type { StoredActivity } from "../helpers/fake-bot-connector.js";
import { cardMarkupProblems, cardMentions, cardShownText } from "../helpers/rendered-text.js";
import { startWarden, TEAMS_ADMIN_CHANNEL } from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  executeInvoke,
  personalConversationId,
  teamInstall,
} from "../helpers/teams-activities.js";

const DAY = 86_400_000;
const RAJ = "raj.patel@acme.example";

/** What a card activity shows (its text, dates as YYYY-MM-DD), or the activity's plain text. */
const shown = (a: StoredActivity) => {
  const card = cardOf(a);
  return card ? cardShownText(card) : String(a.text ?? "");
};

/** warden on Teams, installed by Raj, with a 10-day campaign started and its review cards sent. */
async function setup(env: Record<string, string> = {}) {
  // As on Slack: owners are looked up once, not again at every simulated day.
  const t = await startWarden({ platform: "teams", env: { WARDEN_USER_CACHE_HOURS: "720", ...env } });
  const raj = t.fake.addMember({ name: "Raj Patel", email: RAJ });
  // Every other owner is on Teams too: none waits to be retried daily (each retry reads the roster,
  // paced in real time at the team conversation's limit while the test's clock jumps days).
  const owners = t.db
    .prepare("SELECT DISTINCT owner_email FROM accounts WHERE owner_email IS NOT NULL AND owner_email <> ?")
    .pluck()
    .all(RAJ) as string[];
  const others = owners.map((email) => t.fake.addMember({ name: email.split("@")[0] ?? email, email }));
  expect((await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
  await startReview(t.warden.store, {
    now: t.now(),
    days: 10,
    startedBy: "test",
    defaultDecision: t.warden.config.reviews.defaultDecision,
  });
  await sendReviewMessages(t.warden);
  const chat = personalConversationId(raj);
  const [review] = t.fake.activities(chat);
  if (!review) throw new Error("Raj got no review card");
  /**
   * The review's messages to Raj after his review card, as shown (the daily pass also sends his
   * findings' owner message to the same chat: that one is not the review's).
   */
  const after = () =>
    t.fake
      .activities(chat)
      .slice(1)
      .map(shown)
      .filter((text) => /access review #/i.test(text));
  const reminders = () => after().filter((text) => text.startsWith("Reminder"));
  const escalations = () =>
    t.fake.activities(TEAMS_ADMIN_CHANNEL).filter((a) => shown(a).startsWith("Escalation: access review"));
  const pass = async (days: number) => {
    t.advance(days * DAY);
    return notifyOwners(t.warden, { followUps: true });
  };
  return Object.assign(t, { raj, others, chat, review, after, reminders, escalations, pass });
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Raj answers Still needed… for the first account of his review card; returns its id. */
async function certifyFirst(t: Setup): Promise<string> {
  const certify = executeActions(cardOf(t.review)).find((a) => a.verb === "warden_certify");
  if (!certify) throw new Error("Raj's review card has no Still needed…");
  const answered = await t.post(
    executeInvoke(
      t.fake.serviceUrl,
      t.raj,
      { conversationId: t.chat, activityId: t.review.id },
      {
        verb: certify.verb,
        data: { ...certify.data, [`reason.${certify.data.s}.${certify.data.id}`]: "nightly CMDB import" },
      },
    ),
  );
  expect(answered.status).toBe(200);
  return String(certify.data.id);
}

const pendingOf = (t: Setup, email: string) =>
  t.db
    .prepare("SELECT count(*) FROM review_items WHERE owner_email = ? AND status = 'pending'")
    .pluck()
    .get(email) as number;

describe("access review follow-ups on Teams (injected clock)", () => {
  it("reminds Raj in his chat every REVIEW_REMINDER_DAYS, once a day at most, then escalates to the admin channel mentioning him at the due date and closes the review", async () => {
    const t = await setup();
    await certifyFirst(t);
    const left = pendingOf(t, RAJ);
    expect(left).toBeGreaterThanOrEqual(2);
    const due = new Date(NOW.getTime() + 10 * DAY).toISOString().slice(0, 10);

    await t.pass(1);
    expect(t.after()).toEqual([]);
    await t.pass(2); // day 3
    expect(t.reminders()).toEqual([
      expect.stringContaining(
        `Reminder: access review #1 still waits for your answer about ${left} machine identities, due ${due}.`,
      ),
    ]);
    const reminder = t.fake.activities(t.chat).at(-1);
    expect(cardMarkupProblems(cardOf(reminder))).toEqual([]);
    await t.pass(0); // the same day again
    expect(t.reminders()).toHaveLength(1);
    await t.pass(3); // day 6
    expect(t.reminders()).toHaveLength(2);
    expect(t.escalations()).toEqual([]);

    await t.pass(4); // day 10: due
    expect(t.escalations()).toHaveLength(1);
    const escalation = cardOf(t.escalations()[0]);
    expect(cardShownText(escalation)).toContain(`Escalation: access review #1 was due ${due}`);
    // Raj is mentioned (a real Teams mention entity), not just named; so is every other owner.
    expect(cardMentions(escalation).map((m) => m.id)).toContain(t.raj.id);
    const everyone = [t.raj, ...t.others].map((m) => m.id);
    expect(cardMarkupProblems(escalation, { mentions: everyone })).toEqual([]);
    expect(await t.warden.store.reviews.listReviewCampaigns({ open: true })).toEqual([]);
    const closed = t.db.prepare("SELECT count(*) FROM audit_log WHERE event = 'review.closed'").pluck().get();
    expect(closed).toBe(1);

    // Closed: nobody is chased any more.
    const sent = t.after().length;
    await t.pass(3);
    expect(t.after()).toHaveLength(sent);
    expect(t.escalations()).toHaveLength(1);
  });
  it("with REVIEW_DEFAULT=disable, warns Raj two days before and then disables exactly his unanswered accounts, as decisions by the review default", async () => {
    const t = await setup({ REVIEW_DEFAULT: "disable" });
    expect(cardShownText(cardOf(t.review))).toContain("REVIEW_DEFAULT=disable");
    const certified = await certifyFirst(t);
    const left = pendingOf(t, RAJ);
    const due = new Date(NOW.getTime() + 10 * DAY).toISOString().slice(0, 10);
    const warnings = () => t.after().filter((text) => text.startsWith("Access review #1 is due"));

    await t.pass(7); // day 7: less than three days before the due date
    expect(warnings()).toEqual([
      expect.stringContaining(
        `Access review #1 is due ${due}: these ${left} machine identities will be disabled then unless you answer (REVIEW_DEFAULT=disable).`,
      ),
    ]);
    await t.pass(1); // day 8: warned once
    expect(warnings()).toHaveLength(1);

    await t.pass(2); // day 10: due
    expect(t.escalations()).toHaveLength(1);
    expect(cardShownText(cardOf(t.escalations()[0]))).toContain("whose owners were warned two days before");
    const users = t.sim.data.tables.get("sys_user");
    if (!users) throw new Error("no sys_user table");
    const items = t.db
      .prepare("SELECT account_id, user_name, status, reviewer FROM review_items WHERE owner_email = ?")
      .all(RAJ) as { account_id: string; user_name: string; status: string; reviewer: string }[];
    for (const item of items) {
      const active = users.rows.find((r) => r.user_name === item.user_name)?.active;
      if (item.account_id === certified) {
        expect(item).toMatchObject({ status: "certified", reviewer: RAJ });
        expect(active).toBe("true");
      } else {
        expect(item).toMatchObject({ status: "disabled", reviewer: "warden (review default)" });
        expect(active).toBe("false");
      }
    }
    // Each default decision is audited as warden's (every warned owner's, Raj's among them).
    const audited = t.db
      .prepare(
        "SELECT count(*) FROM audit_log WHERE event = 'decision.applied' AND actor = 'warden:review default'",
      )
      .pluck()
      .get() as number;
    expect(audited).toBeGreaterThanOrEqual(left);
    expect(pendingOf(t, RAJ)).toBe(0);
    expect(await t.warden.store.reviews.listReviewCampaigns({ open: true })).toEqual([]);
  });
});
