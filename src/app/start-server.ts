import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { createSlackApp } from "../adapters/slack/create-slack-app.js";
import { createSlackSender } from "../adapters/slack/create-slack-sender.js";
import { createTeamsAdapter } from "../adapters/teams/create-teams-adapter.js";
import { createTeamsBot } from "../adapters/teams/create-teams-bot.js";
import { createTeamsSender } from "../adapters/teams/create-teams-sender.js";
import { createActionHandler } from "../remediation/handle-action.js";
import { createScanRunner } from "../scan/create-scan-runner.js";
import { createHttpApp } from "./create-http-app.js";
import { createWardenScheduler } from "./create-warden-scheduler.js";
import type { Warden } from "./open-warden.js";
import { retryDeliveries, startRetryTimer } from "./retry-deliveries.js";
import { withNotMineRouting } from "./route-not-mine.js";
import { settleInterruptedDecisions } from "./settle-interrupted-decisions.js";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `warden serve`: one HTTP server with the health endpoints and, when Slack is configured, Bolt's
 * `POST /slack/events` (or a Socket Mode connection); when Teams is configured (TEAMS_APP_ID, or
 * TEAMS_ENABLED=true for emulator mode), botbuilder's `POST /api/messages`. Clicks from both go to
 * the shared action handler.
 */
export async function startServer(
  warden: Warden,
  options: { port: number; host?: string; schedules?: boolean },
): Promise<RunningServer> {
  const { config, db, logger, now } = warden;
  const userCacheMs = config.userCacheHours * 3_600_000;
  const http = createHttpApp({ db, now });
  // Clicks being handled: on SIGTERM each is let finish, so a decision is recorded whole or not at all.
  const inFlight = new Set<Promise<unknown>>();
  const applyAction = createActionHandler({
    db,
    connector: warden.connector,
    now,
    admins: config.admins,
    mode: config.mode,
    logger: logger.child({ component: "remediation" }),
  });
  const handleAction: typeof applyAction = (request) => {
    const work = applyAction(request);
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => {});
    return work;
  };
  const scans = createScanRunner({
    db,
    connector: warden.connector,
    now,
    logger: logger.child({ component: "scan" }),
    dormantDays: config.dormantDays,
  });
  let stopSocket = async () => {};
  if (config.slack.botToken) {
    // Referenced lazily by the sender: "Not mine" is routed only after the app exists.
    const slack: ReturnType<typeof createSlackApp> = createSlackApp(
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
        userCacheMs,
        startScan: scans.start,
        handleAction: withNotMineRouting(handleAction, {
          db,
          now,
          logger,
          platform: "slack",
          adminChannel: config.slack.adminChannel,
          sender: () => createSlackSender({ client: slack.client, db, now, userCacheMs }),
        }),
      },
    );
    if (!slack.receiver) {
      await slack.app.start();
      stopSocket = () => slack.app.stop().then(() => undefined);
    }
  }
  if (config.teams.enabled) {
    const adapter = createTeamsAdapter(config.teams, logger.child({ platform: "teams" }));
    const appId = config.teams.appId ?? "";
    const teams = createTeamsBot({
      adapter,
      db,
      now,
      logger: logger.child({ platform: "teams" }),
      admins: config.admins,
      userCacheMs,
      startScan: scans.start,
      // An install or conversationUpdate may be what waiting messages need: retry them now.
      onConversationSeen: () => {
        retryDeliveries(warden, "teams", { causeCleared: true }).catch((error: unknown) =>
          logger.error({ err: error }, "could not retry waiting Teams messages"),
        );
      },
      handleAction: withNotMineRouting(handleAction, {
        db,
        now,
        logger,
        platform: "teams",
        adminChannel: config.teams.adminChannel,
        sender: () => createTeamsSender({ adapter, appId, db, now, userCacheMs }),
      }),
    });
    // JSON parsing for this route only: Bolt verifies Slack's signature over the raw body.
    http.post("/api/messages", express.json({ limit: "1mb" }), teams.handler);
  }
  const scheduler = options.schedules ? createWardenScheduler(warden, scans) : undefined;
  // With the schedules: queued messages are retried when their backoff ends, between runs too.
  const retryTimer = options.schedules ? startRetryTimer(warden) : undefined;
  const server: Server = await new Promise((resolve) => {
    const s = http.listen(options.port, options.host ?? "0.0.0.0", () => resolve(s));
  });
  const address = server.address() as AddressInfo;
  logger.info({ port: address.port }, "warden is listening");
  // Decisions a killed process left half done: settled from the source, in the background.
  void settleInterruptedDecisions(warden).catch((error: unknown) =>
    logger.error({ err: error }, "could not settle interrupted decisions"),
  );
  if (scheduler) {
    await scheduler.start();
    // In the background: a catch-up scan must not hold up serving clicks.
    void scheduler.catchUp();
  }
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      retryTimer?.stop();
      await scheduler?.stop();
      // Stop accepting requests, let clicks in progress finish (bounded, to exit within 10 s), then
      // cut what is left (idle keep-alive connections would otherwise hold the process).
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => setTimeout(resolve, 8000).unref()),
      ]);
      server.closeAllConnections();
      await stopSocket();
      await closed;
    },
  };
}
