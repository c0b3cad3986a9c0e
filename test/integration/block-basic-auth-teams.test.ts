import { describe, expect, it } from "vitest";
import { checkAdaptiveCard } from "../../src/adapters/teams/render/index.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { parseWithAdaptiveCards } from "../adapters/teams/parse-with-adaptivecards.js";
import { cardMarkupProblems, cardShownText } from "../helpers/rendered-text.js";
import { startWarden } from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  executeInvoke,
  personalConversationId,
  teamInstall,
} from "../helpers/teams-activities.js";

/** Uses Basic auth for its API calls and can log into the UI (the demo's basic_auth_only scenario: SOAP). */
const ACCOUNT = "svc_billing_soap";
const TABLE = "sys_user_basic_auth_exception";

async function setup() {
  const t = await startWarden({ platform: "teams" });
  const paula = t.fake.addMember({ name: "Paula Garcia", email: "paula.garcia@acme.example" });
  expect((await t.post(teamInstall(t.fake.serviceUrl, paula, paula.tenantId))).status).toBe(200);
  await notifyOwners(t.warden);
  return Object.assign(t, { paula });
}
type Setup = Awaited<ReturnType<typeof setup>>;

/** Paula's card, and the Action.Execute of `verb` for the account (on `from`, else the posted card). */
function paulaAction(t: Setup, verb: string, from?: unknown) {
  const conversationId = personalConversationId(t.paula);
  const [message] = t.fake.activities(conversationId);
  if (!message) throw new Error("Paula got no card");
  const id = t.idOf(ACCOUNT);
  const action = executeActions(from ?? cardOf(message)).find((a) => a.verb === verb && a.data.id === id);
  if (!action) throw new Error(`no ${verb} action for ${ACCOUNT}`);
  return { card: { conversationId, activityId: message.id }, action };
}

/** The account's decision in the simulated instance's Basic Auth Exception table. */
const decisionOf = (t: Setup) =>
  t.sim.data.tables.get(TABLE)?.rows.find((r) => r.user === t.idOf(ACCOUNT))?.decision;
const outcomes = (t: Setup) =>
  t.db.prepare("SELECT action || ':' || outcome FROM decisions ORDER BY id").pluck().all();
const posted = (t: Setup) => cardOf(t.fake.activities(personalConversationId(t.paula))[0]);

describe("Teams: Block Basic auth through ServiceNow's Basic Auth Exception table", () => {
  it("sets the account's decision to no_grant, the card says who blocked it, and Undo puts the previous decision back", async () => {
    const t = await setup();
    expect(decisionOf(t)).toBe("global");
    const { card, action } = paulaAction(t, "warden_block_basic_auth");

    const answer = await t.post(executeInvoke(t.fake.serviceUrl, t.paula, card, action));
    expect(answer.status).toBe(200);
    expect(outcomes(t)).toEqual(["block_basic_auth:applied"]);
    expect(decisionOf(t)).toBe("no_grant");
    const patches = t.sim.requests.filter((r) => r.method === "PATCH" && r.path.includes(TABLE));
    expect(patches.map((r) => r.status)).toEqual([200]);

    // Both the card returned to the clicker and the one the connector holds show the outcome.
    const returned = (answer.body as { value: unknown }).value;
    expect(cardShownText(returned)).toContain("Basic auth blocked by paula.garcia@acme.example");
    const updated = posted(t);
    expect(cardShownText(updated)).toContain("Basic auth blocked by paula.garcia@acme.example");
    // The person who acted is warden's own mention; nothing else links or pings.
    expect(JSON.stringify(updated)).toContain("<at>paula.garcia@acme.example</at>");
    expect(cardMarkupProblems(updated, { mentions: [t.paula.id] })).toEqual([]);
    expect(checkAdaptiveCard(updated, { parse: parseWithAdaptiveCards })).toEqual([]);

    const undo = paulaAction(t, "warden_undo", returned).action;
    const undone = await t.post(executeInvoke(t.fake.serviceUrl, t.paula, card, undo));
    expect(undone.status).toBe(200);
    expect(outcomes(t)).toEqual(["block_basic_auth:applied", "undo:applied"]);
    expect(decisionOf(t)).toBe("global");
    expect(t.sim.requests.filter((r) => r.method === "PATCH" && r.path.includes(TABLE))).toHaveLength(2);
    // After Undo the finding is open again: the button is back.
    expect(executeActions(posted(t)).some((a) => a.verb === "warden_block_basic_auth")).toBe(true);
  });
});
