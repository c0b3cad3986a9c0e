import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners, postDigest } from "../../src/app/post-digest.js";
import type { FakeSlackApi } from "../helpers/fake-slack-api.js";
import { hostileInstance } from "../helpers/hostile-instance.js";
import { slackMarkupProblems, slackShownText } from "../helpers/rendered-text.js";
import { viewSubmissionBody } from "../helpers/sign-slack.js";
import { slackButtons, startWarden } from "../helpers/start-warden.js";

const DAY = 86_400_000;
const RAJ = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const JAMES = { id: "UJAMES", name: "James", email: "james.okafor@acme.example" };
const VERA = { id: "UVERA", name: "Vera", email: "vera.novak+<!here>@acme.example" };
const MALLORY = { id: "UMAL", name: "Mallory", email: "mallory@acme.example" };
const ADMIN = { id: "USEC", name: "SecOps", email: "secops@acme.example" };
/** What the owner types as the reason to keep an account. */
const REASON = "[Verify](https://evil.example) <!channel> <@U123> **ok**";

/** Web API methods and response_url posts that put text in front of people. */
const SENDS = ["chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"];

async function setup() {
  const hostile = hostileInstance();
  const t = await startWarden({
    platform: "slack",
    instance: hostile.data,
    users: [RAJ, JAMES, VERA, MALLORY, ADMIN],
    admins: [ADMIN.email],
  });
  /** The hostile user_name of a demo account, and its sys_id. */
  const account = (demoName: string) => {
    const userName = hostile.renamed.get(demoName);
    if (!userName) throw new Error(`${demoName} was not renamed`);
    return { userName, id: t.idOf(userName) };
  };
  const advanceMs = t.advance;
  return Object.assign(t, { hostile, advance: (days: number) => advanceMs(days * DAY), account });
}
type Setup = Awaited<ReturnType<typeof setup>>;

/** The first DM `user` got and its `actionId` button for `accountId`. */
function dmButton(slack: FakeSlackApi, user: { id: string }, actionId: string, accountId: string) {
  const message = slack.messages(`D${user.id}`).find((m) => !m.threadTs);
  if (!message) throw new Error(`${user.id} got no DM`);
  const button = slackButtons(message).find(
    (e) => e.action_id === actionId && decodeActionPayload(e.value)?.id === accountId,
  );
  if (!button) throw new Error(`no ${actionId} button for ${accountId}`);
  return { message, button };
}

/** `user` clicks a button of `owner`'s DM (found now, or an earlier `found` one, as a retry would). */
function click(
  t: Setup,
  user: { id: string },
  owner: { id: string },
  actionId: string,
  accountId: string,
  found = dmButton(t.slack, owner, actionId, accountId),
) {
  const { message, button } = found;
  return t.click(user, { channel: `D${owner.id}`, ts: message.ts }, button);
}

describe("Slack: hostile names from ServiceNow and users ping nobody and link nowhere", () => {
  it("scan → DMs, admin posts, digest → clicks, notices, lookups, updates, reminders, escalations", async () => {
    const t = await setup();
    const dormant = t.account("svc_legacy_backup");
    const kept = t.account("svc_automation_admin");
    const notMine = t.account("alice.nguyen");
    const stale = t.account("svc_jira_bridge");

    const sent = await notifyOwners(t.warden);
    expect(sent.failed).toBe(0);
    expect(await postDigest(t.warden)).toEqual({ sent: 1, failed: 0 });

    // A stranger's click is refused; the owner's applies, a second click is a duplicate.
    const disable = dmButton(t.slack, RAJ, "warden_disable", dormant.id);
    await click(t, MALLORY, RAJ, "warden_disable", dormant.id);
    await t.slack.until(() => t.slack.ephemerals(`D${RAJ.id}`)[0], "the refusal");
    await click(t, RAJ, RAJ, "warden_disable", dormant.id);
    await t.slack.until(
      () => (t.slack.messages(`D${RAJ.id}`)[0]?.edits ?? 0) > 0 || undefined,
      "the DM to show the disable",
    );
    await click(t, RAJ, RAJ, "warden_disable", dormant.id, disable);
    await t.slack.until(() => t.slack.ephemerals(`D${RAJ.id}`)[1], "the duplicate notice");

    // Keep with a hostile reason, through the modal.
    await click(t, RAJ, RAJ, "warden_keep", kept.id);
    const modal = (await t.slack.until(() => t.slack.views()[0], "the Keep modal")).view as {
      private_metadata: string;
    };
    const edits = t.slack.messages(`D${RAJ.id}`)[0]?.edits ?? 0;
    await t.post(
      viewSubmissionBody({
        userId: RAJ.id,
        callbackId: "warden_keep",
        privateMetadata: modal.private_metadata,
        values: {
          reason: { reason: { type: "plain_text_input", value: REASON } },
          expiry: { expiry: { type: "static_select", selected_option: { value: "30" } } },
        },
      }),
    );
    await t.slack.until(
      () => (t.slack.messages(`D${RAJ.id}`)[0]?.edits ?? 0) > edits || undefined,
      "the DM to show the Keep",
    );

    // Not mine: the account goes to the admin channel.
    const adminPosts = t.slack.messages("CADMIN").length;
    await click(t, RAJ, RAJ, "warden_not_mine", notMine.id);
    await t.slack.until(() => t.slack.messages("CADMIN")[adminPosts], "the admin post");

    // Fixed in ServiceNow directly: James's old button answers with the current state, and the
    // next run updates his DM in place.
    await t.warden.connectors.get("servicenow").apply(stale.id, { kind: "disable" });
    t.advance(1);
    await t.scan();
    await click(t, JAMES, JAMES, "warden_disable", stale.id);
    await t.slack.until(() => t.slack.ephemerals(`D${JAMES.id}`)[0], "the stale notice");
    await notifyOwners(t.warden);
    expect(t.slack.messages(`D${JAMES.id}`)[0]?.edits).toBeGreaterThan(0);

    // Lookups of a hostile name and of hostile input, help, score, a refused scan.
    await t.command(RAJ, `lookup ${dormant.userName}`);
    await t.command(RAJ, "lookup <!everyone> [Verify](https://evil.example) <@U123>");
    await t.command(RAJ, "help");
    await t.command(RAJ, "score");
    await t.command(RAJ, "scan");

    // Vera never answers: a reminder after 3 days, the admins after 7.
    t.advance(3);
    await notifyOwners(t.warden, { followUps: true });
    t.advance(4);
    await notifyOwners(t.warden, { followUps: true });
    const escalation = t.slack.messages("CADMIN").find((m) => String(m.text).startsWith("Escalation"));
    expect(escalation).toBeDefined();
    expect(t.slack.messages(`D${VERA.id}`).some((m) => m.threadTs)).toBe(true);

    // Everything Slack was asked to show, as it would show it.
    const calls = t.slack.calls.filter((c) => SENDS.includes(c.method));
    expect(calls.length).toBeGreaterThan(15);
    for (const call of calls) {
      // warden mentions the people who acted (known Slack users); nobody else is pinged.
      const people = [RAJ.id, JAMES.id, VERA.id, MALLORY.id, ADMIN.id];
      expect(
        slackMarkupProblems(call.args, { mentions: people }),
        `${call.method} ${JSON.stringify(call.args)}`,
      ).toEqual([]);
      // No automatic parsing of names in the top-level text (chat.update defaults to "client").
      expect(call.args.parse, call.method).toBe("none");
      expect(String(call.args.link_names), call.method).toBe("false");
    }
    // The data is shown, as typed: nothing was dropped to make it safe.
    const shown = calls.map((c) => slackShownText(c.args)).join("\n");
    for (const text of [
      dormant.userName,
      kept.userName,
      notMine.userName,
      stale.userName,
      t.hostile.ownerName,
      REASON,
      VERA.email,
      `${stale.userName} changed since this message was sent`,
      "Reminder: ",
      "No machine identity",
      "Only warden admins can start a scan.",
    ]) {
      expect(shown, text).toContain(text);
    }
    const refusal = slackShownText(t.slack.ephemerals(`D${RAJ.id}`)[0]!);
    expect(refusal).toContain(`Only ${dormant.userName}'s owner`);
    expect(slackShownText(escalation!)).toContain(`Escalation: ${VERA.email} has not answered`);
  });
});
