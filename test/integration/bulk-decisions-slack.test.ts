import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { assignOwner } from "../../src/remediation/assign-owner.js";
import { viewSubmissionBody } from "../helpers/sign-slack.js";
import { type SlackWarden, slackButtons, startWarden } from "../helpers/start-warden.js";

const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const ADMIN = { id: "USEC", name: "SecOps", email: "secops@acme.example" };
const JAMES = { id: "UJAMES", name: "James", email: "james.okafor@acme.example" };

interface ModalOption {
  value: string;
  text: { text: string };
}
interface ModalBlock {
  block_id?: string;
  element?: { type: string; options?: ModalOption[] };
}

const dm = (t: SlackWarden) => {
  const [message] = t.slack.messages(`D${OWNER.id}`);
  if (!message) throw new Error("Raj got no DM");
  return message;
};

/** Opens Raj's bulk modal from his DM; its blocks, the sealed metadata and its view id. */
async function openBulkModal(t: SlackWarden) {
  const message = dm(t);
  const button = slackButtons(message).find((b) => b.action_id === "warden_bulk_open");
  if (!button) throw new Error("no Decide for several… button");
  const before = t.slack.views().length;
  await t.click(OWNER, { channel: `D${OWNER.id}`, ts: message.ts }, button);
  const shown = await t.slack.until(() => t.slack.views()[before], "the bulk modal");
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

function submit(
  t: SlackWarden,
  modal: { view: { private_metadata: string }; id: string },
  picked: string[],
  action: string,
  extra: Record<string, Record<string, unknown>> = {},
) {
  return t.post(
    viewSubmissionBody({
      userId: OWNER.id,
      callbackId: "warden_bulk",
      viewId: modal.id,
      privateMetadata: modal.view.private_metadata,
      values: {
        "accounts.dormant.0": {
          accounts: { type: "multi_static_select", selected_options: picked.map((value) => ({ value })) },
        },
        action: { action: { type: "radio_buttons", selected_option: { value: action } } },
        ...extra,
      },
    }),
  );
}

const resultText = (t: SlackWarden, id: string) =>
  JSON.stringify(t.slack.views().find((v) => v.id === id)?.view ?? {});

describe("Slack: bulk decisions from the Decide for several… modal", () => {
  it("disables several accounts, skipping one already disabled and refusing one that is not Raj's; a second submit applies nothing twice", async () => {
    const t = await startWarden({ platform: "slack", users: [OWNER, ADMIN, JAMES] });
    await notifyOwners(t.warden);
    const modal = await openBulkModal(t);
    const options = accountOptions(modal.view.blocks);
    const names = [...options.keys()];
    expect(names.length).toBeGreaterThanOrEqual(3);
    const [first, reassigned, ...others] = names as [string, string, ...string[]];

    // While the modal is open, Raj disables `first` from its own button…
    const message = dm(t);
    const button = slackButtons(message).find(
      (b) => b.action_id === "warden_disable" && decodeActionPayload(b.value)?.id === t.idOf(first),
    );
    if (!button) throw new Error("no Disable button");
    await t.click(OWNER, { channel: `D${OWNER.id}`, ts: message.ts }, button);
    await t.slack.until(
      () => t.db.prepare("SELECT 1 FROM decisions WHERE outcome = 'applied'").get(),
      "the single disable",
    );
    // …and an admin gives `reassigned` to James.
    const assigned = await assignOwner(t.warden.store, {
      admins: [ADMIN.email],
      actor: { platform: "slack", id: ADMIN.id, email: ADMIN.email },
      source: "servicenow",
      accountId: t.idOf(reassigned),
      ownerEmail: JAMES.email,
      now: t.now(),
    });
    expect(assigned.ok).toBe(true);

    const patchesBefore = t.sim.requests.filter((r) => r.method === "PATCH").length;
    const response = await submit(t, modal, [...options.values()], "disable");
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({ response_action: "update" });
    await t.slack.until(() => /done, \d+ failed/.test(resultText(t, modal.id)) || undefined, "the result");
    const result = resultText(t, modal.id);
    expect(result).toContain(
      `Disable for ${names.length} accounts: ${others.length} done, 0 failed, 2 skipped.`,
    );
    expect(result).toMatch(
      new RegExp(`${first}: skipped\\. Already decided in this message: Disabled by raj`),
    );
    expect(result).toMatch(
      new RegExp(`${reassigned}: skipped\\. Only ${reassigned}'s owner or a warden admin`),
    );

    const users = t.sim.data.tables.get("sys_user")!;
    const active = (name: string) => users.rows[users.indexById.get(t.idOf(name))!]!.active;
    for (const name of others) expect(active(name)).toBe("false");
    expect(active(reassigned)).toBe("true");
    expect(t.sim.requests.filter((r) => r.method === "PATCH").length).toBeGreaterThan(patchesBefore);

    // The owner message shows every decision.
    const updated = JSON.stringify(dm(t).blocks);
    for (const name of others) expect(updated).toContain(name);
    expect(updated.match(new RegExp(`Disabled by <@${OWNER.id}>`, "g"))?.length).toBe(others.length + 1);

    // Audit: one applied decision per account, the refusal, and the bulk entry.
    const events = t.db
      .prepare("SELECT event, subject FROM audit_log WHERE event LIKE 'decision.%' ORDER BY id")
      .all() as { event: string; subject: string }[];
    expect(events.filter((e) => e.event === "decision.applied")).toHaveLength(others.length + 1);
    expect(events).toContainEqual({ event: "decision.refused", subject: `servicenow:${t.idOf(reassigned)}` });
    expect(events.filter((e) => e.event === "decision.bulk")).toHaveLength(1);

    // The same modal submitted again (a double click on Apply, a retried delivery) writes nothing.
    const patches = t.sim.requests.filter((r) => r.method === "PATCH").length;
    const applied = t.db.prepare("SELECT count(*) FROM decisions WHERE outcome = 'applied'").pluck().get();
    await submit(t, modal, [...options.values()], "disable");
    await t.slack.until(() => /: 0 done/.test(resultText(t, modal.id)) || undefined, "the second result");
    expect(t.db.prepare("SELECT count(*) FROM audit_log WHERE event = 'decision.bulk'").pluck().get()).toBe(
      2,
    );
    expect(t.sim.requests.filter((r) => r.method === "PATCH").length).toBe(patches);
    expect(t.db.prepare("SELECT count(*) FROM decisions WHERE outcome = 'applied'").pluck().get()).toBe(
      applied,
    );
    expect(resultText(t, modal.id)).toContain(
      `Disable for ${names.length} accounts: 0 done, 0 failed, ${names.length} skipped.`,
    );
  });

  it("keeps several accounts for 30 days with one reason, and asks for the reason first", async () => {
    const t = await startWarden({ platform: "slack", users: [OWNER, ADMIN, JAMES] });
    await notifyOwners(t.warden);
    const modal = await openBulkModal(t);
    const options = [...accountOptions(modal.view.blocks).values()].slice(0, 3);
    const expiry = { expiry: { expiry: { type: "static_select", selected_option: { value: "30" } } } };
    const noReason = await submit(t, modal, options, "keep", expiry);
    expect(JSON.parse(noReason.text)).toMatchObject({
      response_action: "errors",
      errors: { reason: expect.any(String) },
    });
    await submit(t, modal, options, "keep", {
      ...expiry,
      reason: { reason: { type: "plain_text_input", value: "quarterly <finance> export" } },
    });
    const kept = await t.slack.until(() => {
      const rows = t.db
        .prepare("SELECT reason, expires_at FROM decisions WHERE action = 'keep' AND outcome = 'applied'")
        .all() as { reason: string; expires_at: string }[];
      return rows.length === 3 ? rows : undefined;
    }, "three keeps");
    for (const row of kept) {
      expect(row).toEqual({
        reason: "quarterly <finance> export",
        expires_at: new Date(t.now().getTime() + 30 * 86_400_000).toISOString(),
      });
    }
    await t.slack.until(() => /3 done/.test(resultText(t, modal.id)) || undefined, "the result");
    expect(t.sim.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
    // The reason is data: escaped in the updated owner message.
    expect(JSON.stringify(dm(t).blocks)).toContain("quarterly &lt;finance&gt; export");
  });

  it("decides a whole finding at once from its box, and refuses the form submitted by another user", async () => {
    const t = await startWarden({ platform: "slack", users: [OWNER, ADMIN, JAMES] });
    await notifyOwners(t.warden);
    const modal = await openBulkModal(t);
    const dormant = (modal.view.blocks.find((b) => b.block_id === "rules.0")?.element?.options ?? []).find(
      (o) => o.value === "dormant",
    );
    expect(dormant?.text.text).toMatch(/^All \d+ accounts?: Dormant$/);
    const values = {
      "rules.0": { rules: { type: "checkboxes", selected_options: [{ value: "dormant" }] } },
      action: { action: { type: "radio_buttons", selected_option: { value: "disable" } } },
    };
    // James submits Raj's sealed form: refused, audited, nothing decided.
    await t.post(
      viewSubmissionBody({
        userId: JAMES.id,
        callbackId: "warden_bulk",
        viewId: modal.id,
        privateMetadata: modal.view.private_metadata,
        values,
      }),
    );
    await t.slack.until(
      () => t.db.prepare("SELECT 1 FROM audit_log WHERE event = 'decision.invalid'").get(),
      "the refusal's audit entry",
    );
    expect(t.db.prepare("SELECT count(*) FROM decisions").pluck().get()).toBe(0);

    await t.post(
      viewSubmissionBody({
        userId: OWNER.id,
        callbackId: "warden_bulk",
        viewId: modal.id,
        privateMetadata: modal.view.private_metadata,
        values,
      }),
    );
    await t.slack.until(() => /\d+ done/.test(resultText(t, modal.id)) || undefined, "the result");
    const dormantCount = Number(/^All (\d+)/.exec(dormant?.text.text ?? "")?.[1]);
    expect(
      t.db
        .prepare("SELECT count(*) FROM decisions WHERE action = 'disable' AND outcome = 'applied'")
        .pluck()
        .get(),
    ).toBe(dormantCount);
    expect(resultText(t, modal.id)).toContain(`Disable for ${dormantCount} account`);
  });
});
