import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSlackApp } from "../adapters/slack/create-slack-app.js";
import { createSlackSender } from "../adapters/slack/create-slack-sender.js";
import { deliverOutbox } from "../notify/deliver-outbox.js";
import { createActionHandler } from "../remediation/handle-action.js";
import { enqueue } from "../store/outbox.js";
import { buildUnownedView } from "./build-unowned-view.js";
import { createHttpApp } from "./create-http-app.js";
import type { Warden } from "./open-warden.js";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `warden serve`: one HTTP server with the health endpoints and, when Slack is configured, Bolt's
 * `POST /slack/events` (or a Socket Mode connection). Clicks go to the shared action handler.
 */
export async function startServer(
  warden: Warden,
  options: { port: number; host?: string },
): Promise<RunningServer> {
  const { config, db, logger, now } = warden;
  const http = createHttpApp({ db, now });
  const handleAction = createActionHandler({
    db,
    connector: warden.connector,
    now,
    admins: config.admins,
    mode: config.mode,
    logger: logger.child({ component: "remediation" }),
  });
  let stopSocket = async () => {};
  if (config.slack.botToken) {
    const slack = createSlackApp(
      {
        botToken: config.slack.botToken,
        signingSecret: config.slack.signingSecret,
        appToken: config.slack.appToken,
        apiUrl: config.slack.apiUrl,
        expressApp: http,
      },
      {
        db,
        now,
        logger: logger.child({ platform: "slack" }),
        admins: config.admins,
        handleAction: async (request) => {
          const result = await handleAction(request);
          // "Not mine" goes to the admin channel for reassignment, through the outbox.
          if (result.status === "done" && request.payload.a === "not_mine" && config.slack.adminChannel) {
            const view = buildUnownedView(db, request.payload.s, request.payload.id);
            if (view) {
              enqueue(db, {
                platform: "slack",
                kind: "not_mine",
                recipient: config.slack.adminChannel,
                dedupeKey: `slack:not_mine:${result.decision.id}`,
                payload: JSON.stringify({ accounts: [view] }),
                now: now(),
              });
              await deliverOutbox({
                db,
                sender: createSlackSender({ client: slack.client, db, now }),
                now,
                logger,
              });
            }
          }
          return result;
        },
      },
    );
    if (!slack.receiver) {
      await slack.app.start();
      stopSocket = () => slack.app.stop().then(() => undefined);
    }
  }
  const server: Server = await new Promise((resolve) => {
    const s = http.listen(options.port, options.host ?? "0.0.0.0", () => resolve(s));
  });
  const address = server.address() as AddressInfo;
  logger.info({ port: address.port }, "warden is listening");
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await stopSocket();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
