import { describe, expect, it } from "vitest";
import { notifyOwners } from "../../src/app/post-digest.js";
import { viewSubmissionBody } from "../helpers/sign-slack.js";
import { type SlackWarden, slackButtons, startWarden } from "../helpers/start-warden.js";

const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const DM = `D${OWNER.id}`;

interface ModalOption {
  value: string;
  text: { text: string };
}
interface ModalBlock {
  block_id?: string;
  element?: { type: string; options?: ModalOption[] };
}

/** Opens Raj's bulk modal from his DM: its blocks, the sealed metadata and its view id. */
async function openBulkModal(t: SlackWarden) {
  const [message] = t.slack.messages(DM);
  if (!message) throw new Error("Raj got no DM");
  const button = slackButtons(message).find((b) => b.action_id === "warden_bulk_open");
  if (!button) throw new Error("no Decide for several… button");
  await t.click(OWNER, { channel: DM, ts: message.ts }, button);
  const shown = await t.slack.until(() => t.slack.views()[0], "the bulk modal");
  const view = shown.view as { callback_id: string; private_metadata: string; blocks: ModalBlock[] };
  expect(view.callback_id).toBe("warden_bulk");
  return { view, id: shown.id };
}

/** The modal's account options (value = index in the message), by user name. */
function accountOptions(blocks: ModalBlock[]): Map<string, string> {
  const byName = new Map<string, string>();
  for (const block of blocks) {
    if (!block.block_id?.startsWith("accounts.")) continue;
    for (const o of block.element?.options ?? []) byName.set(o.text.text.split(" · ")[0] as string, o.value);
  }
  return byName;
}

const submitDisable = (
  t: SlackWarden,
  modal: { view: { private_metadata: string }; id: string },
  picked: string[],
) =>
  t.post(
    viewSubmissionBody({
      userId: OWNER.id,
      callbackId: "warden_bulk",
      viewId: modal.id,
      privateMetadata: modal.view.private_metadata,
      values: {
        "accounts.dormant.0": {
          accounts: { type: "multi_static_select", selected_options: picked.map((value) => ({ value })) },
        },
        action: { action: { type: "radio_buttons", selected_option: { value: "disable" } } },
      },
    }),
  );

const resultText = (t: SlackWarden, id: string) =>
  JSON.stringify(t.slack.views().find((v) => v.id === id)?.view ?? {});
const incidents = (t: SlackWarden) =>
  (t.sim.data.tables.get("incident") as { rows: Record<string, string>[] }).rows;
const writesTo = (t: SlackWarden, table: string) =>
  t.sim.requests.filter((r) => r.method !== "GET" && r.path.includes(`/${table}`));

describe("Slack: bulk decisions with WARDEN_MODE=ticket", () => {
  it("opens one ticket per account for a bulk Disable, changes no account, and a second submit opens none", async () => {
    const t = await startWarden({
      platform: "slack",
      users: [OWNER, { id: "USEC", name: "SecOps", email: "secops@acme.example" }],
      env: { WARDEN_MODE: "ticket", SLACK_DIGEST_CHANNEL: undefined },
    });
    await notifyOwners(t.warden);
    const modal = await openBulkModal(t);
    const options = accountOptions(modal.view.blocks);
    const names = [...options.keys()].slice(0, 3);
    expect(names).toHaveLength(3);
    const picked = names.map((n) => options.get(n) as string);

    const response = await submitDisable(t, modal, picked);
    expect(response.status).toBe(200);
    await t.slack.until(() => /done, \d+ failed/.test(resultText(t, modal.id)) || undefined, "the result");
    expect(resultText(t, modal.id)).toContain("Disable for 3 accounts: 3 done, 0 failed, 0 skipped.");

    // One incident per account, each naming its account; nothing written to sys_user.
    expect(incidents(t)).toHaveLength(3);
    for (const name of names) {
      expect(incidents(t).filter((i) => i.short_description?.includes(`: ${name} (warden)`))).toHaveLength(1);
    }
    expect(writesTo(t, "sys_user")).toEqual([]);
    expect(writesTo(t, "incident").map((r) => r.status)).toEqual([201, 201, 201]);
    expect(t.db.prepare("SELECT mode || ':' || outcome FROM decisions ORDER BY id").pluck().all()).toEqual([
      "ticket:ticketed",
      "ticket:ticketed",
      "ticket:ticketed",
    ]);
    expect(t.db.prepare("SELECT count(*) FROM decision_tickets").pluck().get()).toBe(3);
    // The owner message shows each account's ticket.
    const dm = JSON.stringify(t.slack.messages(DM)[0]?.blocks);
    for (const incident of incidents(t))
      expect(dm).toContain(`Ticket ${incident.number} opened by <@${OWNER.id}>`);

    // The same form submitted again (a double click on Apply, a retried delivery) opens nothing.
    await submitDisable(t, modal, picked);
    await t.slack.until(() => /: 0 done/.test(resultText(t, modal.id)) || undefined, "the second result");
    expect(resultText(t, modal.id)).toContain("Disable for 3 accounts: 0 done, 0 failed, 3 skipped.");
    expect(incidents(t)).toHaveLength(3);
    expect(writesTo(t, "incident")).toHaveLength(3);
    expect(writesTo(t, "sys_user")).toEqual([]);
    expect(t.db.prepare("SELECT count(*) FROM decisions").pluck().get()).toBe(3);
    expect(t.db.prepare("SELECT count(*) FROM audit_log WHERE event = 'decision.bulk'").pluck().get()).toBe(
      2,
    );
  });

  it("opens one ticket per account when the same form arrives twice at once", async () => {
    const t = await startWarden({
      platform: "slack",
      users: [OWNER, { id: "USEC", name: "SecOps", email: "secops@acme.example" }],
      env: { WARDEN_MODE: "ticket", SLACK_DIGEST_CHANNEL: undefined },
    });
    await notifyOwners(t.warden);
    const modal = await openBulkModal(t);
    const picked = [...accountOptions(modal.view.blocks).values()].slice(0, 3);
    expect(picked).toHaveLength(3);

    // A double click on Apply: both submissions are in flight together.
    const answers = await Promise.all([submitDisable(t, modal, picked), submitDisable(t, modal, picked)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    // Each submission ends by showing its result in the modal.
    const results = await t.slack.until(() => {
      const shown = t.slack
        .callsTo("views.update")
        .map((c) => JSON.stringify(c.args))
        .filter((v) => /done, \d+ failed/.test(v));
      return shown.length === 2 ? shown : undefined;
    }, "both results");
    // Between them, each account was ticketed exactly once.
    const done = results.map((r) => Number(/Disable for 3 accounts: (\d) done/.exec(r)?.[1]));
    expect(done[0]! + done[1]!).toBe(3);
    expect(incidents(t)).toHaveLength(3);
    expect(writesTo(t, "incident")).toHaveLength(3);
    expect(writesTo(t, "sys_user")).toEqual([]);
    expect(t.db.prepare("SELECT count(*) FROM decisions WHERE outcome = 'ticketed'").pluck().get()).toBe(3);
  });
});
