import { describe, expect, it, onTestFinished } from "vitest";
import { openWarden } from "../../src/app/open-warden.js";
import { startServer } from "../../src/app/start-server.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/logger.js";
import { NOW, startDemoSource } from "../helpers/demo-source.js";
import { startFakeSlackApi } from "../helpers/fake-slack-api.js";
import { tempDbPath } from "../helpers/temp-db.js";

async function waitFor<T>(check: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("warden serve schedules", () => {
  it("catches up a missed scan (then owner messages) and a missed digest once at start", async () => {
    const { sim } = await startDemoSource();
    const slack = await startFakeSlackApi({
      users: [{ id: "URAJ", name: "Raj", email: "raj.patel@acme.example" }],
    });
    onTestFinished(() => slack.close());
    const config = loadConfig({
      SERVICENOW_URL: sim.url,
      SERVICENOW_USERNAME: "warden",
      SERVICENOW_PASSWORD: "warden-demo",
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: "secret",
      SLACK_API_URL: slack.url,
      SLACK_DIGEST_CHANNEL: "CDIGEST",
      SLACK_ADMIN_CHANNEL: "CADMIN",
      WARDEN_DB: tempDbPath(),
    });
    const warden = await openWarden(config, { logger: silentLogger, now: () => NOW });
    onTestFinished(() => warden.close());
    const server = await startServer(warden, { port: 0, host: "127.0.0.1", schedules: true });
    onTestFinished(() => server.close());

    // The 02:00 scan slot of "today" and Monday's 09:00 digest slot passed with no run on record.
    await waitFor(() => slack.messages("DURAJ").length > 0 || undefined, "the owner message after the scan");
    await waitFor(() => slack.messages("CDIGEST").length > 0 || undefined, "the digest");
    const count = (sql: string) => warden.db.prepare(sql).pluck().get() as number;
    expect(count("SELECT count(*) FROM scans")).toBe(1);
    expect(count("SELECT count(*) FROM digests")).toBe(1);
    expect(slack.messages("CDIGEST")).toHaveLength(1);
  });
});
