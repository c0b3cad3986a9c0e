import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { sendReviewMessages } from "../../src/app/send-review-messages.js";
import { silentLogger } from "../../src/logger.js";
import { createActionHandler } from "../../src/remediation/handle-action.js";
import { runReviewCommand } from "../../src/reviews/run-review-command.js";
import { startReview } from "../../src/reviews/start-review.js";
import { NOW } from "../helpers/demo-source.js";
import { type SlackWarden, slackButtons, startWarden } from "../helpers/start-warden.js";

const DAY = 86_400_000;
const RAJ = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };

/** A campaign of 10 days over the demo instance, its review messages sent; Raj is on Slack. */
async function setup(env: Record<string, string> = {}) {
  // The owners Slack does not know are looked up once: with a day's cache each pass would ask
  // again, and a simulated fortnight's passes run within seconds, past users.lookupByEmail's real
  // per-minute budget (the pacer would wait it out).
  const t = await startWarden({
    platform: "slack",
    users: [RAJ],
    serve: false,
    env: { WARDEN_USER_CACHE_HOURS: "720", ...env },
  });
  await startReview(t.warden.store, {
    days: 10,
    now: t.now(),
    startedBy: "cli",
    defaultDecision: t.warden.config.reviews.defaultDecision,
  });
  await sendReviewMessages(t.warden);
  const dm = () => t.slack.messages(`D${RAJ.id}`);
  const review = dm().find((m) => String(m.text).startsWith("warden: access review #1"));
  if (!review) throw new Error("Raj got no review message");
  const replies = () => dm().filter((m) => m.threadTs === review.ts);
  const admin = () =>
    t.slack.messages("CADMIN").filter((m) => String(m.text).startsWith("Escalation: access review"));
  const rajs = t.db
    .prepare("SELECT user_name FROM review_items WHERE owner_email = ? ORDER BY user_name")
    .pluck()
    .all(RAJ.email) as string[];
  const pass = async (days: number) => {
    t.advance(days * DAY);
    return notifyOwners(t.warden, { followUps: true });
  };
  return Object.assign(t, { review, replies, admin, rajs, pass });
}

/** Raj answers Still needed for his first account, from his review message's button. */
async function certifyFirst(t: SlackWarden, review: { ts: string; blocks?: unknown }) {
  const button = slackButtons(review).find((b) => b.action_id === "warden_certify");
  const payload = decodeActionPayload(button?.value);
  if (!payload) throw new Error("the review message has no Still needed button");
  const handle = createActionHandler({
    store: t.warden.store,
    connectors: t.warden.connectors,
    now: t.now,
    admins: [],
    mode: t.warden.config.mode,
    logger: silentLogger,
  });
  const result = await handle({
    actor: { platform: "slack", id: RAJ.id, email: RAJ.email },
    payload,
    origin: { conversation: `D${RAJ.id}`, message: review.ts },
    reason: "nightly CMDB import",
  });
  expect(result.status).toBe("done");
  return payload.id;
}

async function report(t: SlackWarden) {
  let out = "";
  await runReviewCommand(
    t.warden,
    "report",
    { format: "json" },
    {
      print: () => {},
      say: () => {},
      write: (chunk) => {
        out += chunk;
      },
    },
  );
  return out
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, string>);
}

describe("access review follow-ups on Slack (injected clock)", () => {
  it("reminds an owner in the review message's thread every REVIEW_REMINDER_DAYS, once a day at most, then escalates at the due date and closes the review", async () => {
    const t = await setup();
    await certifyFirst(t, t.review);
    const due = new Date(NOW.getTime() + 10 * DAY).toISOString().slice(0, 10);
    const reminders = () => t.replies().filter((m) => String(m.text).startsWith("Reminder"));
    await t.pass(1);
    expect(t.replies().map((m) => m.text)).toEqual([]);
    await t.pass(2); // day 3
    expect(reminders()).toHaveLength(1);
    expect(String(reminders()[0]?.text)).toContain(due);
    await t.pass(0); // the same day again
    expect(reminders()).toHaveLength(1);
    await t.pass(3); // day 6
    expect(reminders()).toHaveLength(2);
    expect(t.admin()).toEqual([]);
    await t.pass(4); // day 10: due
    expect(t.admin()).toHaveLength(1);
    expect(String(t.admin()[0]?.text)).toContain(`was due ${due}`);
    // The owners are listed, mentioned where their chat user is known.
    expect(JSON.stringify(t.admin()[0]?.blocks)).toContain(`<@${RAJ.id}>`);
    expect(await t.warden.store.reviews.listReviewCampaigns({ open: true })).toEqual([]);
    const closed = t.db.prepare("SELECT count(*) FROM audit_log WHERE event = 'review.closed'").pluck().get();
    expect(closed).toBe(1);
    const after = t.replies().length;
    await t.pass(3);
    expect(t.replies().length).toBe(after);
    expect(t.admin()).toHaveLength(1);
  });

  it("with REVIEW_DEFAULT=disable, warns two days before and disables exactly the accounts left unanswered, as decisions by the review default", async () => {
    const t = await setup({ REVIEW_DEFAULT: "disable" });
    const certified = await certifyFirst(t, t.review);
    const left = t.rajs.length - 1;
    const due = new Date(NOW.getTime() + 10 * DAY).toISOString().slice(0, 10);
    expect(JSON.stringify(t.review.blocks)).toContain("REVIEW_DEFAULT=disable");

    await t.pass(7); // day 7: less than three days before the due date
    const warnings = () => t.replies().filter((m) => String(m.text).startsWith("Access review #1 is due"));
    expect(warnings()).toHaveLength(1);
    expect(String(warnings()[0]?.text)).toBe(
      `Access review #1 is due ${due}: these ${left} machine identities will be disabled then unless you answer (REVIEW_DEFAULT=disable).`,
    );
    await t.pass(1); // day 8: warned once
    expect(warnings()).toHaveLength(1);

    await t.pass(2); // day 10: due
    expect(t.admin()).toHaveLength(1);
    expect(String(t.admin()[0]?.text)).toContain(
      `warden disables the ${left} whose owners were warned two days before (REVIEW_DEFAULT=disable).`,
    );
    const users = t.sim.data.tables.get("sys_user");
    if (!users) throw new Error("no sys_user table");
    const active = (userName: string) =>
      users.rows.find((r) => r.user_name === userName)?.active as string | undefined;
    const rows = await report(t);
    for (const userName of t.rajs) {
      const row = rows.find((r) => r.user_name === userName);
      if (row?.account_id === certified) {
        // The certified account is left alone.
        expect(row).toMatchObject({
          status: "certified",
          reviewer: RAJ.email,
          reason: "nightly CMDB import",
        });
        expect(active(userName)).toBe("true");
      } else {
        expect(row).toMatchObject({
          status: "disabled",
          reviewer: "warden (review default)",
          outcome: "applied",
        });
        expect(active(userName)).toBe("false");
      }
    }
    // Owners Slack does not know were never warned: their accounts are left pending, not disabled.
    expect(rows.filter((r) => r.status === "disabled")).toHaveLength(left);
    expect(rows.some((r) => r.status === "pending")).toBe(true);
    // Each default decision is audited as warden's.
    const audited = t.db
      .prepare(
        "SELECT count(*) FROM audit_log WHERE event = 'decision.applied' AND actor = 'warden:review default'",
      )
      .pluck()
      .get();
    expect(audited).toBe(left);
    expect(await t.warden.store.reviews.listReviewCampaigns({ open: true })).toEqual([]);
    // A second pass disables nothing more.
    const patches = t.sim.requests.filter((r) => r.method === "PATCH").length;
    await t.pass(1);
    expect(t.sim.requests.filter((r) => r.method === "PATCH").length).toBe(patches);
    expect(t.admin()).toHaveLength(1);
  });

  it("with WARDEN_MODE=dry-run, the default writes nothing to the source but records its decisions", async () => {
    const t = await setup({ REVIEW_DEFAULT: "disable", WARDEN_MODE: "dry-run" });
    await t.pass(7);
    const patches = t.sim.requests.filter((r) => r.method === "PATCH").length;
    await t.pass(3);
    expect(t.sim.requests.filter((r) => r.method === "PATCH").length).toBe(patches);
    expect(String(t.admin()[0]?.text)).toContain("WARDEN_MODE=dry-run writes nothing");
    const rows = (await report(t)).filter((r) => t.rajs.includes(r.user_name ?? ""));
    expect(rows.every((r) => r.status === "disabled" && r.outcome === "dry_run")).toBe(true);
  });
});
