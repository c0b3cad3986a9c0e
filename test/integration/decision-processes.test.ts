import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it, onTestFinished } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { verifyAuditChain } from "../../src/store/audit-log.js";
import { openDatabase } from "../../src/store/open-database.js";
import { killHard, runWarden, startServe, WARDEN_BIN } from "../helpers/run-warden.js";
import { prepareSlackProcesses, slackButtons } from "../helpers/start-warden.js";
import { tempDbPath } from "../helpers/temp-db.js";

const SECRET = "processes-secret";
const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const DM = `D${OWNER.id}`;

/**
 * A database with a scan and the owner's DM already sent, shared by real `warden serve`
 * processes; the simulated ServiceNow and the fake Slack run in the test.
 */
async function setup(store: "sqlite" | "postgres") {
  const t = await prepareSlackProcesses({ users: [OWNER], secret: SECRET, store });
  const { sim, slack, env } = t;
  const [dm] = slack.messages(DM);
  if (!dm) throw new Error("the owner got no DM");
  const disable = slackButtons(dm).find((e) => e.action_id === "warden_disable")!;
  const accountId = decodeActionPayload(disable.value)!.id;
  const users = sim.data.tables.get("sys_user")!;
  const click = (url: string) => t.click(OWNER, { channel: DM, ts: dm.ts }, disable, url);
  return {
    sim,
    slack,
    env,
    dm,
    accountId,
    click,
    sql: t.sql,
    value: t.value,
    /** The audit chain as `warden audit --verify` checks it, on either backend. */
    verified: async () =>
      (await runWarden(["audit", "--verify"], { ...env, LOG_LEVEL: "silent" }).done).code === 0,
    active: () => users.rows[users.indexById.get(accountId)!]!.active,
    patches: () => sim.requests.filter((r) => r.method === "PATCH").length,
    shown: () => JSON.stringify(slack.messages(DM)[0]?.blocks ?? []),
  };
}

describe.each(["sqlite", "postgres"] as const)("decisions across real processes on %s", (store) => {
  it("a double click split across two processes on one database writes once", async () => {
    const t = await setup(store);
    const [a, b] = await Promise.all([startServe(t.env), startServe(t.env)]);
    // Process A claims the decision; its re-read is held at ServiceNow while B gets the second click.
    const held = t.sim.holds.next({ method: "GET", path: `/sys_user/${t.accountId}` });
    expect((await t.click(a.url)).status).toBe(200);
    const read = await held;
    expect((await t.click(b.url)).status).toBe(200);
    await t.slack.until(
      () => t.slack.ephemerals(DM).some((e) => /already being done/.test(String(e.text))),
      "process B to say the decision is in progress",
    );
    await read.release();
    await t.slack.until(() => /Disabled by/.test(t.shown()), "the DM to show the decision");
    expect(t.patches()).toBe(1);
    expect(await t.sql("SELECT action, outcome FROM decisions")).toEqual([
      { action: "disable", outcome: "applied" },
    ]);
    expect(await t.value("SELECT count(*) FROM audit_log WHERE event = 'decision.duplicate'")).toBe(1);
    expect(await t.verified()).toBe(true);
  });

  it("kill -9 while the write is at ServiceNow: the next start settles the decision and updates the DM", async () => {
    const t = await setup(store);
    const first = await startServe(t.env);
    const held = t.sim.holds.next({ method: "PATCH" });
    await t.click(first.url);
    const patch = await held;
    await killHard(first);
    await patch.release(); // ServiceNow carries out the write it received
    expect(t.active()).toBe("false");

    await startServe(t.env);
    await t.slack.until(() => /Disabled by/.test(t.shown()), "the DM to show the settled decision");
    const [settled] = await t.sql<{ outcome: string; after_values: string }>(
      "SELECT outcome, after_values FROM decisions",
    );
    expect(settled?.outcome).toBe("applied");
    // The account as re-read (its privileged roles and Basic-auth decision are recorded too).
    expect(JSON.parse(settled?.after_values ?? "{}")).toMatchObject({
      active: false,
      lockedOut: true,
      webServiceAccessOnly: false,
    });
    expect(await t.value("SELECT count(*) FROM audit_log WHERE event = 'decision.recovered'")).toBe(1);
    expect(t.patches()).toBe(1);
  });

  it("kill -9 before anything was written: the decision is marked failed and the button works again", async () => {
    const t = await setup(store);
    const first = await startServe(t.env);
    const held = t.sim.holds.next({ method: "GET", path: `/sys_user/${t.accountId}` });
    await t.click(first.url);
    const read = await held;
    await killHard(first);
    await read.release();

    const second = await startServe(t.env);
    await t.slack.until(() => /failed/.test(t.shown()), "the DM to show the interrupted decision");
    expect((await t.sql("SELECT outcome, error FROM decisions"))[0]).toEqual({
      outcome: "failed",
      error: "interrupted before anything was written to servicenow; nothing was changed",
    });
    expect(t.patches()).toBe(0);
    expect(t.active()).toBe("true");
    // Nothing blocks a new attempt.
    await t.click(second.url);
    await t.slack.until(() => /Disabled by/.test(t.shown()), "the retried disable");
    expect(t.active()).toBe("false");
    expect(t.patches()).toBe(1);
  });
});

describe("the SQLite file shared by processes", () => {
  it("keeps the audit chain linear while several processes append at once", async () => {
    const path = tempDbPath();
    openDatabase(path).close();
    const store = join(WARDEN_BIN, "../store");
    const script = `
      const { openDatabase } = await import(${JSON.stringify(join(store, "open-database.js"))});
      const { appendAudit } = await import(${JSON.stringify(join(store, "audit-log.js"))});
      const db = openDatabase(process.argv[1]);
      for (let i = 0; i < 150; i++) appendAudit(db, { at: new Date(), event: "test.append", detail: { i, pid: process.pid } });
      db.close();`;
    const run = promisify(execFile);
    await Promise.all(
      [1, 2, 3].map(() => run(process.execPath, ["--input-type=module", "-e", script, path])),
    );
    const db = openDatabase(path);
    onTestFinished(() => void db.close());
    expect(verifyAuditChain(db)).toEqual({ ok: true, entries: 450 });
  });
});
