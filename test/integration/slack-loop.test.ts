import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners, postDigest } from "../../src/app/post-digest.js";
import { NOW } from "../helpers/demo-source.js";
import { type FakeSlackApi, slackRateLimited } from "../helpers/fake-slack-api.js";
import { runWarden } from "../helpers/run-warden.js";
import {
  blockActionsPayload,
  payloadBody,
  postSlack,
  slashCommandBody,
  viewSubmissionBody,
} from "../helpers/sign-slack.js";
import { type SlackButton, type SlackWarden, slackButtons, startWarden } from "../helpers/start-warden.js";

const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const ADMIN = { id: "USEC", name: "SecOps", email: "secops@acme.example" };
const STRANGER = { id: "UMAL", name: "Mallory", email: "mallory@acme.example" };

/** The DM Raj got, and its buttons for one action (optionally for one account). */
function dmButton(slack: FakeSlackApi, actionId: string, accountId?: string) {
  const [message] = slack.messages(`D${OWNER.id}`);
  if (!message) throw new Error("Raj got no DM");
  const button = slackButtons(message).find(
    (e) => e.action_id === actionId && (!accountId || decodeActionPayload(e.value)?.id === accountId),
  );
  if (!button) throw new Error(`no ${actionId} button`);
  return { message, button };
}

function click(t: SlackWarden, user: { id: string }, channel: string, ts: string, button: SlackButton) {
  return t.click(user, { channel, ts }, button);
}

describe.each(["sqlite", "postgres"] as const)(
  "Slack: scan → owner DM → click → ServiceNow → %s → message updated",
  (store) => {
    function setup(env: Record<string, string> = {}) {
      return startWarden({
        platform: "slack",
        users: [OWNER, STRANGER, ADMIN, { id: "UJAMES", name: "James", email: "james.okafor@acme.example" }],
        env,
        store,
      });
    }

    it("runs the whole loop for the owner", async () => {
      const t = await setup();
      const sent = await notifyOwners(t.warden);
      expect(sent.failed).toBe(0);
      expect(sent.sent).toBeGreaterThan(2);
      // Owners Slack does not know (Vera, Paula) are not lost: their accounts go to the admin channel.
      expect(sent.rerouted).toBe(2);
      expect(JSON.stringify(t.slack.messages("CADMIN").map((m) => m.blocks))).toContain("svc_reporting_etl");
      const dormant = t.sim.data.scenarios.dormant?.[0] as string;
      const dormantId = t.idOf(dormant);
      const { message, button: disable } = dmButton(t.slack, "warden_disable", dormantId);

      const response = await click(t, OWNER, `D${OWNER.id}`, message.ts, disable);
      expect(response.status).toBe(200);
      const users = t.sim.data.tables.get("sys_user")!;
      await t.slack.until(
        () => users.rows[users.indexById.get(dormantId)!]!.active === "false" || undefined,
        "the account to be disabled",
      );
      const updated = await t.slack.until(
        () => t.slack.messages(`D${OWNER.id}`)[0]?.edits || undefined,
        "the DM to be updated",
      );
      expect(updated).toBeGreaterThan(0);
      expect(JSON.stringify(t.slack.messages(`D${OWNER.id}`)[0]?.blocks)).toMatch(
        /Disabled by <@URAJ> at <!date\^\d+\^/,
      );
      const [decision] = await t.sql("SELECT action, outcome, actor_email FROM decisions");
      expect(decision).toEqual({ action: "disable", outcome: "applied", actor_email: OWNER.email });

      // A second click on the same button (or a retried delivery) changes nothing more.
      const patches = t.sim.requests.filter((r) => r.method === "PATCH").length;
      expect((await click(t, OWNER, `D${OWNER.id}`, message.ts, disable)).status).toBe(200);
      await t.slack.until(
        () => t.slack.ephemerals(`D${OWNER.id}`).length > 0 || undefined,
        "the duplicate notice",
      );
      expect(t.sim.requests.filter((r) => r.method === "PATCH").length).toBe(patches);
    });

    it("refuses a click by someone who is not the owner, privately, and audits it", async () => {
      const t = await setup();
      await notifyOwners(t.warden);
      const { message, button: disable } = dmButton(t.slack, "warden_disable");
      expect((await click(t, STRANGER, `D${OWNER.id}`, message.ts, disable)).status).toBe(200);
      const notice = await t.slack.until(() => t.slack.ephemerals(`D${OWNER.id}`)[0], "the refusal");
      expect(notice.text).toMatch(/Only .* owner/);
      expect(t.sim.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
      expect(await t.value("SELECT count(*) FROM audit_log WHERE event = 'decision.refused'")).toBe(1);
    });

    it("rejects a forged signature and a stale timestamp with 401", async () => {
      const t = await setup();
      const body = slashCommandBody({
        text: "help",
        userId: OWNER.id,
        channelId: "C1",
        responseUrl: t.slack.responseUrl(),
      });
      expect((await postSlack(t.server.url, body, "wrong-secret")).status).toBe(401);
      const stale = Math.floor(Date.now() / 1000) - 301;
      expect((await postSlack(t.server.url, body, t.secret, { timestamp: stale })).status).toBe(401);
      expect(t.slack.calls.filter((c) => c.method === "response_url")).toHaveLength(0);
    });

    it("answers /warden lookup privately, matching the account literally", async () => {
      const t = await setup();
      const dormant = t.sim.data.scenarios.dormant?.[0] as string;
      const ask = (text: string) => t.command(OWNER, text);
      const found = await ask(`lookup ${dormant}`);
      expect(found.args.response_type).toBe("ephemeral");
      expect(JSON.stringify(found.args.blocks)).toContain(dormant);
      expect(JSON.stringify(found.args.blocks)).toMatch(/[Dd]ormant/);
      const injected = await ask(`lookup ${dormant}^ORactive=true`);
      expect(JSON.stringify(injected.args)).toMatch(/No machine identity/);
      const help = await ask("");
      expect(JSON.stringify(help.args)).toContain("/warden lookup");
    });

    it("answers a lookup too long to be an account with a clear notice instead of searching", async () => {
      const t = await setup();
      const text = `lookup ${"svc_".repeat(2_500)}`;
      const answer = await t.command(OWNER, text);
      expect(answer.args).toMatchObject({
        response_type: "ephemeral",
        text: "That is too long to be an account (10000 characters): a lookup takes a user name, display name or sys_id of at most 100 characters.",
      });
      // Only the notice: nothing was searched, so no account and no suggestion follows it.
      expect(answer.args.blocks).toEqual([
        {
          type: "section",
          text: { type: "mrkdwn", verbatim: true, text: expect.stringMatching(/^That is too long/) },
        },
      ]);
    });

    it("records but does not write in dry-run mode", async () => {
      const t = await setup({ WARDEN_MODE: "dry-run" });
      await notifyOwners(t.warden);
      const { message, button: disable } = dmButton(t.slack, "warden_disable");
      await click(t, OWNER, `D${OWNER.id}`, message.ts, disable);
      await t.slack.until(
        async () =>
          (await t.value("SELECT outcome FROM decisions WHERE outcome != 'pending'")) as string | undefined,
        "the decision",
      );
      expect(await t.value("SELECT outcome FROM decisions")).toBe("dry_run");
      expect(t.sim.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
    });

    it("offers Undo after a disable, and undo restores the account", async () => {
      const t = await setup();
      await notifyOwners(t.warden);
      const { message, button } = dmButton(t.slack, "warden_disable");
      const accountId = decodeActionPayload(button.value)!.id;
      await click(t, OWNER, `D${OWNER.id}`, message.ts, button);
      await t.slack.until(
        () => t.slack.messages(`D${OWNER.id}`)[0]?.edits || undefined,
        "the DM to be updated",
      );
      const undo = dmButton(t.slack, "warden_undo", accountId).button;
      expect(decodeActionPayload(undo.value)?.d).toBeGreaterThan(0);
      await click(t, OWNER, `D${OWNER.id}`, message.ts, undo);
      const users = t.sim.data.tables.get("sys_user")!;
      const row = () => users.rows[users.indexById.get(accountId)!]!;
      await t.slack.until(
        () => (row().active === "true" && row().locked_out === "false") || undefined,
        "the account to be restored",
      );
      // The decision is recorded once ServiceNow's answer is back, a moment after the write lands.
      await t.slack.until(
        async () =>
          (await t.sql("SELECT 1 FROM decisions WHERE outcome = 'pending'")).length === 0 || undefined,
        "the undo to be recorded",
      );
      const actions = (
        await t.sql<{ a: string }>("SELECT action || ':' || outcome AS a FROM decisions ORDER BY id")
      ).map((r) => r.a);
      expect(actions).toEqual(["disable:applied", "undo:applied"]);
    });

    it("sends a 'not mine' account to the admin channel, where an admin assigns a new owner", async () => {
      const t = await setup();
      await notifyOwners(t.warden);
      const { message, button } = dmButton(t.slack, "warden_not_mine");
      const accountId = decodeActionPayload(button.value)!.id;
      const adminBefore = t.slack.messages("CADMIN").length;
      await click(t, OWNER, `D${OWNER.id}`, message.ts, button);
      const posted = await t.slack.until(
        () => t.slack.messages("CADMIN")[adminBefore],
        "the admin channel message",
      );

      // The admin picks James in the owner picker of that message.
      const picker = (posted.blocks as { block_id?: string; accessory?: { action_id?: string } }[]).find(
        (b) => b.accessory?.action_id === "warden_assign_owner" && b.block_id?.includes(accountId),
      );
      expect(picker).toBeDefined();
      const pick = (user: { id: string }) => {
        const payload = blockActionsPayload({
          userId: user.id,
          actionId: "warden_assign_owner",
          channelId: "CADMIN",
          messageTs: posted.ts,
          responseUrl: t.slack.responseUrl({ channel: "CADMIN", ts: posted.ts, user: user.id }),
        });
        payload.actions = [
          {
            type: "users_select",
            block_id: picker!.block_id,
            action_id: "warden_assign_owner",
            selected_user: "UJAMES",
            action_ts: "1.2",
          },
        ];
        return t.post(payloadBody(payload));
      };
      await pick(OWNER);
      await t.slack.until(() => t.slack.ephemerals("CADMIN")[0], "the refusal");
      expect(await t.value("SELECT count(*) FROM owner_overrides")).toBe(0);
      await pick(ADMIN);
      await t.slack.until(
        async () => ((await t.value("SELECT owner_email FROM owner_overrides")) as string) || undefined,
        "the assignment",
      );
      expect(await t.value("SELECT owner_email FROM owner_overrides")).toBe("james.okafor@acme.example");
      const events = (
        await t.sql<{ event: string }>("SELECT event FROM audit_log WHERE event LIKE 'owner.%' ORDER BY id")
      ).map((r) => r.event);
      expect(events).toEqual(["owner.assign_refused", "owner.assigned"]);
    });

    it("refuses a Keep modal whose metadata was forged or that comes back with another duration", async () => {
      const t = await setup();
      await notifyOwners(t.warden);
      const { message, button } = dmButton(t.slack, "warden_keep");
      await click(t, OWNER, `D${OWNER.id}`, message.ts, button);
      const opened = await t.slack.until(() => t.slack.views()[0], "the modal");
      const sealed = (opened.view as { private_metadata: string }).private_metadata;
      const submit = (privateMetadata: string, days: string, userId = OWNER.id) =>
        t.post(
          viewSubmissionBody({
            userId,
            callbackId: "warden_keep",
            privateMetadata,
            values: {
              reason: { reason: { type: "plain_text_input", value: "forged" } },
              expiry: { expiry: { type: "static_select", selected_option: { value: days } } },
            },
          }),
        );
      const audited = async (event: string) =>
        (await t.value("SELECT count(*) FROM audit_log WHERE event = ?", [event])) as number;
      // The metadata rewritten to point at another message: not sealed by warden, so nothing happens.
      const inner = JSON.parse(JSON.parse(sealed).v) as { payload: unknown; channel: string; ts: string };
      const forged = JSON.stringify({
        v: JSON.stringify({ ...inner, ts: "9999.0001" }),
        t: JSON.parse(sealed).t,
      });
      expect((await submit(forged, "30")).status).toBe(200);
      await t.slack.until(
        async () => (await audited("decision.invalid")) === 1 || undefined,
        "the forged modal to be audited",
      );
      // The genuine metadata, submitted by someone else: refused too.
      expect((await submit(sealed, "30", STRANGER.id)).status).toBe(200);
      await t.slack.until(
        async () => (await audited("decision.invalid")) === 2 || undefined,
        "the stolen modal to be audited",
      );
      // The genuine modal with a duration the select never offered (a Keep "forever").
      expect((await submit(sealed, "100000")).status).toBe(200);
      await t.slack.until(
        () => t.slack.ephemerals(`D${OWNER.id}`).some((e) => /1 to 365 days/.test(String(e.text))),
        "the owner to be told the allowed durations",
      );
      expect(await t.value("SELECT count(*) FROM decisions")).toBe(0);
      expect(t.slack.messages(`D${OWNER.id}`)[0]?.edits).toBe(0);
    });

    it("keeps an account through the Keep… modal, with a reason and an expiry", async () => {
      const t = await setup();
      await notifyOwners(t.warden);
      const { message, button } = dmButton(t.slack, "warden_keep");
      await click(t, OWNER, `D${OWNER.id}`, message.ts, button);
      const opened = await t.slack.until(() => [...t.slack.views()][0], "the modal");
      const modal = opened.view as { callback_id: string; private_metadata: string };
      expect(modal.callback_id).toBe("warden_keep");
      const submit = (reason: string) =>
        t.post(
          viewSubmissionBody({
            userId: OWNER.id,
            callbackId: "warden_keep",
            privateMetadata: modal.private_metadata,
            values: {
              reason: { reason: { type: "plain_text_input", value: reason } },
              expiry: { expiry: { type: "static_select", selected_option: { value: "30" } } },
            },
          }),
        );
      const empty = await submit("   ");
      expect(JSON.parse(empty.text)).toMatchObject({ response_action: "errors" });
      expect((await submit("nightly export for finance")).status).toBe(200);
      const kept = await t.slack.until(
        async () =>
          (
            await t.sql<{ reason: string; expires_at: string }>(
              "SELECT reason, expires_at FROM decisions WHERE action = 'keep' AND outcome = 'applied'",
            )
          )[0],
        "the keep decision",
      );
      expect(kept).toEqual({
        reason: "nightly export for finance",
        expires_at: new Date(NOW.getTime() + 30 * 86_400_000).toISOString(),
      });
      await t.slack.until(
        () => t.slack.messages(`D${OWNER.id}`)[0]?.edits || undefined,
        "the DM to be updated",
      );
      expect(t.sim.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
    });

    it("posts the digest to the digest channel, and waits out a rate limit", async () => {
      const t = await setup();
      t.slack.script("chat.postMessage", [slackRateLimited(1)]);
      const posted = await postDigest(t.warden);
      expect(posted).toEqual({ sent: 1, failed: 0 });
      const [digest] = t.slack.messages("CDIGEST");
      expect(JSON.stringify(digest?.blocks)).toMatch(/Machine Identity Security Score/);
      expect(t.slack.callsTo("chat.postMessage")).toHaveLength(2);
      expect(await t.value("SELECT count(*) FROM digests")).toBe(1);
    });

    it("starts a scan from /warden scan for admins only, one at a time", async () => {
      const t = await setup();
      const scans = async () => (await t.value("SELECT count(*) FROM scans")) as number;
      const ask = async (user: { id: string }, text: string) =>
        String((await t.command(user, text)).args.text);
      expect(await ask(OWNER, "scan")).toMatch(/Only warden admins/);
      expect(await scans()).toBe(1);
      // ServiceNow holds the scan's first read: it is still running when it is asked for again.
      const held = t.sim.holds.next({ method: "GET" });
      expect(await ask(ADMIN, "scan")).toMatch(/Scan started/);
      const read = await held;
      expect(await ask(ADMIN, "scan")).toMatch(/already running/);
      await read.release();
      // The background scan posts nothing when it ends: the server's scan runner says when it has.
      await t.server.scanIdle();
      expect(await t.value("SELECT status FROM scans WHERE id = 2")).not.toBe("running");
      expect(await scans()).toBe(2);
    });

    it("answers a button from an old message with the account's current state instead of acting", async () => {
      const t = await setup();
      await notifyOwners(t.warden);
      const dormantId = t.idOf(t.sim.data.scenarios.dormant?.[0] as string);
      const { message, button } = dmButton(t.slack, "warden_disable", dormantId);
      // Someone disables it in ServiceNow directly; the next scan sees it fixed.
      await t.warden.connectors.get("servicenow").apply(dormantId, { kind: "disable" });
      await t.scan();
      const patches = t.sim.requests.filter((r) => r.method === "PATCH").length;

      await click(t, OWNER, `D${OWNER.id}`, message.ts, button);
      const notice = await t.slack.until(() => t.slack.ephemerals(`D${OWNER.id}`)[0], "the stale notice");
      expect(notice.text).toMatch(/changed since this message was sent: it has no open findings any more/);
      expect(JSON.stringify(notice.blocks)).toContain(t.sim.data.scenarios.dormant?.[0] as string);
      expect(t.sim.requests.filter((r) => r.method === "PATCH").length).toBe(patches);
      expect(await t.value("SELECT count(*) FROM decisions")).toBe(0);
    });

    it("after a notify run killed halfway, a resumed run sends the rest and never a DM twice", async () => {
      const t = await setup();
      const run = runWarden(["notify"], { ...t.env, LOG_LEVEL: "silent" });
      await t.slack.until(() => t.slack.callsTo("chat.postMessage").length >= 1, "the first DM");
      run.child.kill("SIGKILL");
      await run.done;

      const resumed = await notifyOwners(t.warden);
      const posts = t.slack.callsTo("chat.postMessage").map((c) => String(c.args.channel));
      // Each owner got at most one DM, whatever the kill interrupted.
      const dms = posts.filter((channel) => channel.startsWith("D") || channel.startsWith("U"));
      expect(new Set(dms).size).toBe(dms.length);
      // Only the message on the wire at the kill may be unknown; nothing is left unsent.
      expect(resumed.unknown).toBeLessThanOrEqual(1);
      const rows = await t.sql<{
        kind: string;
        status: string;
        message_ref: string | null;
        not_before: string | null;
      }>("SELECT kind, status, message_ref, not_before FROM outbox");
      expect(rows.filter((r) => r.status === "sending")).toEqual([]);
      // What is still queued waits for an owner Slack does not know yet, with a time to retry.
      const due = rows.filter(
        (r) => r.status === "pending" && (r.not_before === null || r.not_before <= NOW.toISOString()),
      );
      expect(due).toEqual([]);
      for (const row of rows.filter((r) => r.kind === "owner_message" && r.status === "sent")) {
        const { channel } = JSON.parse(row.message_ref ?? "{}") as { channel: string };
        expect(posts.filter((p) => p === channel)).toHaveLength(1);
      }
    });
  },
);
