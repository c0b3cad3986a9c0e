import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { startWarden } from "../helpers/start-warden.js";

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
    const t = await startWarden({
      platform: "slack",
      admins: [],
      env: {
        SLACK_APP_TOKEN: "xapp-test",
        SLACK_SIGNING_SECRET: undefined,
        SLACK_ADMIN_CHANNEL: undefined,
        SLACK_DIGEST_CHANNEL: undefined,
      },
      serve: false,
    });
    const slack = t.slack;
    // Slack's side of Socket Mode: a WebSocket server that says hello, then delivers a slash command.
    const sockets = new Server({ port: 0, host: "127.0.0.1" });
    onTestFinished(() => sockets.close());
    await new Promise<void>((resolve) => sockets.on("listening", resolve));
    slack.script("apps.connections.open", { ok: true, url: `ws://127.0.0.1:${sockets.address().port}/` });
    const acks: unknown[] = [];
    let acked = () => {};
    const ack = new Promise<void>((resolve) => {
      acked = resolve;
    });
    sockets.on("connection", (socket) => {
      socket.on("message", (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string };
        acks.push(message);
        if (message.envelope_id === "env-1") acked();
      });
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

    await t.serve();
    // Warden acknowledges the envelope over the socket and answers on the command's response_url.
    await ack;
    await slack.until(() => slack.callsTo("response_url")[0], "the answer to /warden help");
    expect(slack.callsTo("apps.connections.open")[0]?.token).toBe("xapp-test");
    expect(acks).toContainEqual(expect.objectContaining({ envelope_id: "env-1" }));
    const [answer] = slack.callsTo("response_url");
    expect(answer?.args.response_type).toBe("ephemeral");
    expect(JSON.stringify(answer?.args)).toContain("/warden lookup");
  });
});
