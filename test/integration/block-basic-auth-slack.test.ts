import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { generateInstance } from "../../src/sources/servicenow/simulator/generate-instance.js";
import { NOW } from "../helpers/demo-source.js";
import { grantDirectly } from "../helpers/group-grant.js";
import { type SlackWarden, slackButtons, startWarden } from "../helpers/start-warden.js";

const OWNER = { id: "UPAULA", name: "Paula Garcia", email: "paula.garcia@acme.example" };
/** Uses Basic auth for its API calls and can log into the UI (the demo's basic_auth_only scenario: SOAP). */
const ACCOUNT = "svc_billing_soap";
const TABLE = "sys_user_basic_auth_exception";
const DM = `D${OWNER.id}`;

async function setup(instance = generateInstance({ now: NOW, seed: 1 })) {
  const t = await startWarden({ platform: "slack", users: [OWNER], instance });
  await notifyOwners(t.warden);
  return t;
}

function dmButton(t: SlackWarden, actionId: string) {
  const [message] = t.slack.messages(DM);
  if (!message) throw new Error("Paula got no DM");
  const id = t.idOf(ACCOUNT);
  const button = slackButtons(message).find(
    (b) => b.action_id === actionId && decodeActionPayload(b.value)?.id === id,
  );
  if (!button) throw new Error(`no ${actionId} button for ${ACCOUNT}`);
  return { message, button };
}

/** The account's decision in the simulated instance's Basic Auth Exception table. */
const decisionOf = (t: SlackWarden) =>
  t.sim.data.tables.get(TABLE)?.rows.find((r) => r.user === t.idOf(ACCOUNT))?.decision;
const outcomes = (t: SlackWarden) =>
  t.db
    .prepare("SELECT action || ':' || outcome FROM decisions WHERE outcome != 'pending' ORDER BY id")
    .pluck()
    .all();
const shown = (t: SlackWarden) => JSON.stringify(t.slack.messages(DM)[0]?.blocks);

describe("Slack: Block Basic auth through ServiceNow's Basic Auth Exception table", () => {
  it("sets the account's decision to no_grant, and Undo puts the previous decision back", async () => {
    const t = await setup();
    expect(decisionOf(t)).toBe("global");
    const { message, button } = dmButton(t, "warden_block_basic_auth");
    const confirm = (button as { confirm?: { text: { text: string } } }).confirm?.text.text;
    expect(confirm).toContain(`Basic auth will be denied for ${ACCOUNT}`);

    await t.click(OWNER, { channel: DM, ts: message.ts }, button);
    await t.slack.until(() => (outcomes(t).length === 1 ? true : undefined), "the decision");
    expect(outcomes(t)).toEqual(["block_basic_auth:applied"]);
    expect(decisionOf(t)).toBe("no_grant");
    const patch = t.sim.requests.find((r) => r.method === "PATCH" && r.path.includes(TABLE));
    expect(patch?.status).toBe(200);
    await t.slack.until(
      () => (shown(t).includes(`Basic auth blocked by <@${OWNER.id}>`) ? true : undefined),
      "the DM to show the outcome",
    );

    const undo = dmButton(t, "warden_undo").button;
    await t.click(OWNER, { channel: DM, ts: message.ts }, undo);
    await t.slack.until(() => (outcomes(t).length === 2 ? true : undefined), "the undo");
    expect(outcomes(t)).toEqual(["block_basic_auth:applied", "undo:applied"]);
    expect(decisionOf(t)).toBe("global");
  });

  it("says the block does not hold while the account keeps snc_basic_auth_api_access, which lets it through", async () => {
    const instance = generateInstance({ now: NOW, seed: 1 });
    grantDirectly(instance, ACCOUNT, "snc_basic_auth_api_access");
    const t = await setup(instance);
    const { message, button } = dmButton(t, "warden_block_basic_auth");

    await t.click(OWNER, { channel: DM, ts: message.ts }, button);
    await t.slack.until(() => (outcomes(t).length === 1 ? true : undefined), "the decision");
    expect(outcomes(t)).toEqual(["block_basic_auth:applied"]);
    expect(decisionOf(t)).toBe("no_grant");
    await t.slack.until(
      () =>
        shown(t).includes(
          "still let through while it holds snc_basic_auth_api_access: remove that role in ServiceNow to block Basic auth",
        )
          ? true
          : undefined,
      "the DM to say the role still lets it through",
    );
  });

  it("answers clearly, with what to do and ServiceNow's page, when the instance has no such table", async () => {
    const t = await setup();
    const { message, button } = dmButton(t, "warden_block_basic_auth");
    // The table is gone (or warden's account lost access to it) since the scan.
    t.sim.faults.missingTables.add(TABLE);

    await t.click(OWNER, { channel: DM, ts: message.ts }, button);
    const notice = await t.slack.until(() => t.slack.ephemerals(DM)[0], "the answer");
    expect(notice.text).toContain("no Basic Auth Exception table warden can use");
    expect(notice.text).toContain("Move the integration to OAuth");
    expect(notice.text).toContain(
      "https://www.servicenow.com/docs/r/australia/platform-security/authentication/basic-auth-restriction.html",
    );
    expect(outcomes(t)).toEqual(["block_basic_auth:failed"]);
    expect(t.sim.requests.filter((r) => r.method !== "GET" && r.path.includes(TABLE))).toEqual([]);
    // The finding's buttons stay: once the table is back, the owner can try again.
    t.sim.faults.missingTables.delete(TABLE);
    expect(shown(t)).toContain("warden_block_basic_auth");
  });

  it("links ServiceNow's Basic Auth Restriction page where no button can block Basic auth (Web Service Access Only)", async () => {
    const james = { id: "UJAMES", name: "James Okafor", email: "james.okafor@acme.example" };
    const t = await startWarden({ platform: "slack", users: [OWNER, james] });
    await notifyOwners(t.warden);
    // svc_jira_bridge uses Basic auth but is Web Service Access Only: the restriction lets it through.
    const [message] = t.slack.messages(`D${james.id}`);
    if (!message) throw new Error("James got no DM");
    const jira = t.idOf("svc_jira_bridge");
    const jiraButtons = slackButtons(message).filter((b) => decodeActionPayload(b.value)?.id === jira);
    expect(jiraButtons.length).toBeGreaterThan(0);
    expect(jiraButtons.map((b) => b.action_id)).not.toContain("warden_block_basic_auth");
    const link =
      "<https://www.servicenow.com/docs/r/australia/platform-security/authentication/basic-auth-restriction.html|ServiceNow: Basic authentication restriction>";
    expect(JSON.stringify(message.blocks).split(link)).toHaveLength(2);
    // Paula's account can be blocked from its button: her DM has no such link.
    expect(JSON.stringify(t.slack.messages(DM)[0]?.blocks)).not.toContain("basic-auth-restriction");
  });
});
