import { describe, expect, it, onTestFinished } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { openDatabase } from "../../src/store/open-database.js";
import { startServe } from "../helpers/run-warden.js";
import { prepareSlackProcesses, slackButtons } from "../helpers/start-warden.js";

const SECRET = "sigterm-secret";
const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };

describe("warden serve and SIGTERM", () => {
  it("lets a click in progress finish, records it whole, and exits 0 within 10 s", async () => {
    const t = await prepareSlackProcesses({ users: [OWNER], secret: SECRET });
    const { sim, slack, env } = t;
    const [dm] = slack.messages(`D${OWNER.id}`);
    if (!dm) throw new Error("the owner got no DM");
    const disable = slackButtons(dm).find((e) => e.action_id === "warden_disable")!;
    const accountId = decodeActionPayload(disable.value)!.id;

    const serve = await startServe(env);

    // ServiceNow holds the write: the click is still in progress when SIGTERM comes.
    const held = sim.holds.next({ method: "PATCH" });
    const patchesBefore = sim.requests.filter((r) => r.method === "PATCH").length;
    const click = await t.click(OWNER, { channel: `D${OWNER.id}`, ts: dm.ts }, disable, serve.url);
    expect(click.status).toBe(200);
    const patch = await held;
    const started = Date.now();
    serve.child.kill("SIGTERM");
    await patch.release();
    const result = await serve.done;
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);

    const db = openDatabase(t.warden.config.dbPath);
    onTestFinished(() => void db.close());
    const decision = db.prepare("SELECT action, outcome FROM decisions WHERE account_id = ?").get(accountId);
    expect(decision).toEqual({ action: "disable", outcome: "applied" });
    expect(sim.requests.filter((r) => r.method === "PATCH").length).toBe(patchesBefore + 1);
    expect(db.prepare("SELECT count(*) FROM audit_log WHERE event = 'decision.applied'").pluck().get()).toBe(
      1,
    );
  });
});
