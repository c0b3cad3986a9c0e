import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { openWarden } from "../../src/app/open-warden.js";
import { startServer } from "../../src/app/start-server.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/logger.js";
import { runScan } from "../../src/scan/run-scan.js";
import { NOW, startDemoSource } from "../helpers/demo-source.js";
import { startFakeSlackApi } from "../helpers/fake-slack-api.js";
import { tempDbPath } from "../helpers/temp-db.js";

/** The little of the `ws` package's server this test uses (it ships no types of its own). */
interface Socket {
  send(data: string): void;
  on(event: "message", listener: (data: Buffer | string) => void): void;
}
interface SocketServer {
  on(event: "connection", listener: (socket: Socket) => void): void;
  on(event: "listening", listener: () => void): void;
  address(): AddressInfo;
  close(): void;
}
const { Server } = createRequire(import.meta.url)("ws") as {
  Server: new (options: { port: number; host: string }) => SocketServer;
};

describe("Slack in Socket Mode (no public URL)", () => {
  it("connects with the app token and answers /warden over the socket", async () => {
    const { sim } = await startDemoSource();
    const slack = await startFakeSlackApi();
    onTestFinished(() => slack.close());
    // Slack's side of Socket Mode: a WebSocket server that says hello, then delivers a slash command.
    const sockets = new Server({ port: 0, host: "127.0.0.1" });
    onTestFinished(() => sockets.close());
    await new Promise<void>((resolve) => sockets.on("listening", resolve));
    slack.script("apps.connections.open", { ok: true, url: `ws://127.0.0.1:${sockets.address().port}/` });
    const acks: unknown[] = [];
    sockets.on("connection", (socket) => {
      socket.on("message", (data) => acks.push(JSON.parse(String(data))));
      socket.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { host: "fake" } }));
      socket.send(
        JSON.stringify({
          envelope_id: "env-1",
          type: "slash_commands",
          accepts_response_payload: true,
          payload: {
            token: "legacy",
            team_id: "T0FAKE",
            team_domain: "acme",
            channel_id: "C1",
            channel_name: "general",
            user_id: "URAJ",
            user_name: "raj",
            command: "/warden",
            text: "help",
            api_app_id: "A1",
            response_url: slack.responseUrl({ channel: "C1" }),
            trigger_id: "t1",
          },
        }),
      );
    });

    const config = loadConfig({
      SERVICENOW_URL: sim.url,
      SERVICENOW_USERNAME: "warden",
      SERVICENOW_PASSWORD: "warden-demo",
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_APP_TOKEN: "xapp-test",
      SLACK_API_URL: slack.url,
      WARDEN_DB: tempDbPath(),
    });
    const warden = await openWarden(config, { logger: silentLogger, now: () => NOW });
    onTestFinished(() => warden.close());
    await runScan({
      db: warden.db,
      connector: warden.connectors.get("servicenow"),
      now: () => NOW,
      logger: silentLogger,
      dormantDays: 100,
    });
    const server = await startServer(warden, { port: 0, host: "127.0.0.1" });
    onTestFinished(() => server.close());

    for (let i = 0; i < 300 && slack.callsTo("response_url").length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(slack.callsTo("apps.connections.open")[0]?.token).toBe("xapp-test");
    expect(acks).toContainEqual(expect.objectContaining({ envelope_id: "env-1" }));
    const [answer] = slack.callsTo("response_url");
    expect(answer?.args.response_type).toBe("ephemeral");
    expect(JSON.stringify(answer?.args)).toContain("/warden lookup");
  });
});
