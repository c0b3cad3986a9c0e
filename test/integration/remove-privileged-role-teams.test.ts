import { describe, expect, it } from "vitest";
import { notifyOwners } from "../../src/app/post-digest.js";
import { generateInstance } from "../../src/sources/servicenow/simulator/generate-instance.js";
import { NOW } from "../helpers/demo-source.js";
import { grantThroughGroup, heldRoles } from "../helpers/group-grant.js";
import { cardShownText } from "../helpers/rendered-text.js";
import { startWarden } from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  executeInvoke,
  personalConversationId,
  teamInstall,
} from "../helpers/teams-activities.js";

const ACCOUNT = "svc_automation_admin";

async function setup() {
  const instance = generateInstance({ now: NOW, seed: 1 });
  // admin is granted directly; security_admin comes from a group, and must be left alone.
  grantThroughGroup(instance, ACCOUNT, "security_admin", "Platform Admins");
  const t = await startWarden({ platform: "teams", instance });
  const raj = t.fake.addMember({ name: "Raj Patel", email: "raj.patel@acme.example" });
  expect((await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
  await notifyOwners(t.warden);
  return Object.assign(t, { raj });
}

/** Raj's card, and the ShowCard / Action.Execute of `verb` for the account. */
type Setup = Awaited<ReturnType<typeof setup>>;

function rajCard(t: Setup, verb: string, from?: unknown) {
  const conversationId = personalConversationId(t.raj);
  const [message] = t.fake.activities(conversationId);
  if (!message) throw new Error("Raj got no card");
  const id = t.idOf(ACCOUNT);
  const action = executeActions(from ?? cardOf(message)).find((a) => a.verb === verb && a.data.id === id);
  if (!action) throw new Error(`no ${verb} action for ${ACCOUNT}`);
  return { card: { conversationId, activityId: message.id }, action, content: cardOf(message) };
}

/** The ShowCard whose confirming Action.Execute has `verb`, for the account `id`. */
function showCardOf(card: unknown, verb: string, id: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown) => {
    if (found || typeof node !== "object" || node === null) return;
    if (Array.isArray(node)) return node.forEach(walk);
    const o = node as Record<string, unknown>;
    if (
      o.type === "Action.ShowCard" &&
      executeActions(o.card).some((a) => a.verb === verb && a.data.id === id)
    ) {
      found = o;
      return;
    }
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
}

describe("Teams: Remove privileged role, from the card to ServiceNow's sys_user_has_role and back", () => {
  it("removes only the directly granted privileged role, names what it left alone, and Undo grants it again", async () => {
    const t = await setup();
    const { card, action, content } = rajCard(t, "warden_remove_privileged_role");
    const confirm = showCardOf(content, "warden_remove_privileged_role", t.idOf(ACCOUNT));
    // The recommended fix is the positive button; its confirming button is destructive.
    expect(confirm?.style).toBe("positive");
    expect(JSON.stringify(confirm?.card)).toContain('"style":"destructive"');
    expect(cardShownText(confirm?.card)).toMatch(
      /In use now: API calls \(7 days\): PATCH \/api\/now\/table\/sys_user/,
    );
    expect(showCardOf(content, "warden_disable", t.idOf(ACCOUNT))?.style).toBe("destructive");

    const answer = await t.post(executeInvoke(t.fake.serviceUrl, t.raj, card, action));
    expect(answer.status).toBe(200);
    const returned = cardShownText((answer.body as { value: unknown }).value);
    expect(returned).toContain("Privileged roles removed by raj.patel@acme.example");
    expect(returned).toContain(
      "removed admin; left alone: security_admin (inherited from group Platform Admins)",
    );
    expect(heldRoles(t.sim.data, ACCOUNT)).toEqual({ direct: ["itil"], inherited: ["security_admin"] });
    expect(t.sim.requests.filter((r) => r.method === "DELETE").map((r) => r.status)).toEqual([204]);
    expect(cardShownText(cardOf(t.fake.activities(card.conversationId)[0]))).toContain(
      "left alone: security_admin (inherited from group Platform Admins)",
    );

    const undo = rajCard(t, "warden_undo", (answer.body as { value: unknown }).value).action;
    const undone = await t.post(executeInvoke(t.fake.serviceUrl, t.raj, card, undo));
    expect(undone.status).toBe(200);
    expect(cardShownText((undone.body as { value: unknown }).value)).toContain("granted again: admin");
    expect(heldRoles(t.sim.data, ACCOUNT)).toEqual({
      direct: ["admin", "itil"],
      inherited: ["security_admin"],
    });
    const posts = t.sim.requests.filter((r) => r.method === "POST" && r.path.endsWith("/sys_user_has_role"));
    expect(posts.map((r) => r.status)).toEqual([201]);
    expect(t.db.prepare("SELECT action || ':' || outcome FROM decisions ORDER BY id").pluck().all()).toEqual([
      "remove_privileged_role:applied",
      "undo:applied",
    ]);
  });
});
