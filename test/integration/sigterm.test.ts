import { describe, expect, it, onTestFinished } from "vitest";
import { openWarden } from "../../src/app/open-warden.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/logger.js";
import { runScan } from "../../src/scan/run-scan.js";
import { openDatabase } from "../../src/store/open-database.js";
import { decodeActionPayload } from "../../src/views/action-payload.js";
import { NOW, startDemoSource } from "../helpers/demo-source.js";
import { startFakeSlackApi } from "../helpers/fake-slack-api.js";
import { runWarden } from "../helpers/run-warden.js";
import { blockActionsBody, postSlack } from "../helpers/sign-slack.js";
import { tempDbPath } from "../helpers/temp-db.js";

const SECRET = "sigterm-secret";
const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };

describe("warden serve and SIGTERM", () => {
  it("lets a click in progress finish, records it whole, and exits 0 within 10 s", async () => {
    const { sim } = await startDemoSource();
    const slack = await startFakeSlackApi({ users: [OWNER] });
    onTestFinished(() => slack.close());
    const env = {
      LOG_LEVEL: "silent",
      SERVICENOW_URL: sim.url,
      SERVICENOW_USERNAME: "warden",
      SERVICENOW_PASSWORD: "warden-demo",
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      WARDEN_DB: tempDbPath(),
      PORT: "0",
      // February 29th: no slot in the catch-up look-back, so the test sees only its own click.
      SCAN_SCHEDULE: "0 0 29 2 *",
      DIGEST_SCHEDULE: "0 0 29 2 *",
    };
    // A scan and the owner's DM, written to the database the server will use.
    const warden = await openWarden(loadConfig(env), { logger: silentLogger, now: () => NOW });
    await runScan({
      db: warden.db,
      connector: warden.connectors.get("servicenow"),
      now: () => NOW,
      logger: silentLogger,
      dormantDays: 100,
    });
    await notifyOwners(warden);
    await warden.close();
    const [dm] = slack.messages(`D${OWNER.id}`);
    if (!dm) throw new Error("the owner got no DM");
    const disable = (dm.blocks as { elements?: { action_id: string; value?: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === "warden_disable")!;
    const accountId = decodeActionPayload(disable.value)!.id;

    const serve = runWarden(["serve"], env);
    onTestFinished(() => void serve.child.kill("SIGKILL"));
    const port = await new Promise<string>((resolve, reject) => {
      let seen = "";
      serve.child.stdout?.on("data", (chunk) => {
        seen += chunk;
        const match = seen.match(/listening on port (\d+)/);
        if (match?.[1]) resolve(match[1]);
      });
      serve.done.then((r) => reject(new Error(`serve exited early: ${r.stderr}`)));
    });

    // ServiceNow holds the write: the click is still in progress when SIGTERM comes.
    const held = sim.holds.next({ method: "PATCH" });
    const patchesBefore = sim.requests.filter((r) => r.method === "PATCH").length;
    const click = await postSlack(
      `http://127.0.0.1:${port}`,
      blockActionsBody({
        userId: OWNER.id,
        actionId: "warden_disable",
        value: disable.value ?? "",
        channelId: `D${OWNER.id}`,
        messageTs: dm.ts,
        responseUrl: slack.responseUrl(),
      }),
      SECRET,
    );
    expect(click.status).toBe(200);
    const patch = await held;
    const started = Date.now();
    serve.child.kill("SIGTERM");
    await patch.release();
    const result = await serve.done;
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);

    const db = openDatabase(env.WARDEN_DB);
    onTestFinished(() => void db.close());
    const decision = db.prepare("SELECT action, outcome FROM decisions WHERE account_id = ?").get(accountId);
    expect(decision).toEqual({ action: "disable", outcome: "applied" });
    expect(sim.requests.filter((r) => r.method === "PATCH").length).toBe(patchesBefore + 1);
    expect(db.prepare("SELECT count(*) FROM audit_log WHERE event = 'decision.applied'").pluck().get()).toBe(
      1,
    );
  });
});
