import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { createSlackApp } from "../adapters/slack/create-slack-app.js";
import { createSlackSender } from "../adapters/slack/create-slack-sender.js";
import { createTeamsBot } from "../adapters/teams/create-teams-bot.js";
import { createTeamsSender } from "../adapters/teams/create-teams-sender.js";
import { WardenError } from "../errors.js";
import { createActionHandler } from "../remediation/handle-action.js";
import { createScanRunner } from "../scan/create-scan-runner.js";
import { succeeded } from "../scan/run-scans.js";
import { scanSettingsFromConfig } from "../scan/scan-settings.js";
import { createHttpApp } from "./create-http-app.js";
import { createWardenScheduler } from "./create-warden-scheduler.js";
import { describeAlert } from "./describe-scheduled-run.js";
import type { Warden } from "./open-warden.js";
import { postAlerts } from "./post-alerts.js";
import { retryDeliveries, startRetryTimer } from "./retry-deliveries.js";
import { withNotMineRouting } from "./route-not-mine.js";
import { settleInterruptedDecisions } from "./settle-interrupted-decisions.js";

export interface RunningServer {
  url: string;
  /** Resolves when the background scan (`/warden scan`, a schedule) has ended; at once when none runs. */
  scanIdle(): Promise<void>;
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
  options: {
    port: number;
    host?: string;
    schedules?: boolean;
    /** One human-readable line per scheduled action (`warden serve`: stdout). */
    report?: (line: string) => void;
  },
): Promise<RunningServer> {
  const { config, logger, now } = warden;
  const userCacheMs = config.userCacheHours * 3_600_000;
  const http = createHttpApp({ store: warden.store, now });
  // Clicks being handled: on SIGTERM each is let finish, so a decision is recorded whole or not at all.
  const inFlight = new Set<Promise<unknown>>();
  const applyAction = createActionHandler({
    store: warden.store,
    connectors: warden.connectors,
    now,
    admins: config.admins,
    mode: config.mode,
    logger: logger.child({ component: "remediation" }),
    ticketing: warden.ticketing,
  });
  const handleAction: typeof applyAction = (request) => {
    const work = applyAction(request);
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => {});
    return work;
  };
  const scans = createScanRunner({
    store: warden.store,
    connectors: warden.connectors,
    settingsFor: scanSettingsFromConfig(config),
    now,
    logger: logger.child({ component: "scan" }),
    retentionDays: config.retentionDays,
    // Immediate alerts of the run's new findings, whatever started it (a schedule, `/warden scan`).
    afterRun: async (results) => {
      const line = describeAlert(await postAlerts(warden, succeeded(results)));
      if (line) options.report?.(line);
    },
  });
  let stopSocket = async () => {};
  const slackPlatform = await warden.chat.slack();
  if (slackPlatform) {
    const slack = createSlackApp(
      {
        botToken: config.slack.botToken ?? "",
        signingSecret: config.slack.signingSecret,
        appToken: config.slack.appToken,
        apiUrl: config.slack.apiUrl,
        client: slackPlatform.client,
        clientOptions: slackPlatform.clientOptions,
        expressApp: http,
      },
      {
        store: warden.store,
        now,
        logger: logger.child({ platform: "slack" }),
        admins: config.admins,
        userCacheMs,
        startScan: scans.start,
        lookup: config.lookup,
        ticketMode: config.mode === "ticket",
        handleAction: withNotMineRouting(handleAction, {
          store: warden.store,
          now,
          logger,
          platform: "slack",
          adminChannel: config.slack.adminChannel,
          sender: () =>
            createSlackSender({ client: slackPlatform.client, store: warden.store, now, userCacheMs }),
        }),
      },
    );
    if (!slack.receiver) {
      await slack.app.start();
      stopSocket = () => slack.app.stop().then(() => undefined);
    }
  }
  const teamsPlatform = await warden.chat.teams();
  if (teamsPlatform) {
    const { adapter, appId } = teamsPlatform;
    const teams = createTeamsBot({
      adapter,
      appId,
      background: (work) => {
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work)).catch(() => {});
      },
      store: warden.store,
      now,
      logger: logger.child({ platform: "teams" }),
      admins: config.admins,
      userCacheMs,
      startScan: scans.start,
      lookup: config.lookup,
      ticketMode: config.mode === "ticket",
      // An install or conversationUpdate may be what waiting messages need: retry them now.
      onConversationSeen: () => {
        retryDeliveries(warden, "teams", { causeCleared: true }).catch((error: unknown) =>
          logger.error({ err: error }, "could not retry waiting Teams messages"),
        );
      },
      handleAction: withNotMineRouting(handleAction, {
        store: warden.store,
        now,
        logger,
        platform: "teams",
        adminChannel: config.teams.adminChannel,
        sender: () => createTeamsSender({ adapter, appId, store: warden.store, now, userCacheMs }),
      }),
    });
    // JSON parsing for this route only: Bolt verifies Slack's signature over the raw body.
    http.post("/api/messages", express.json({ limit: "1mb" }), teams.handler);
  }
  const scheduler = options.schedules
    ? createWardenScheduler(warden, scans, options.report ? { report: options.report } : {})
    : undefined;
  // With the schedules: queued messages are retried when their backoff ends, between runs too.
  const retryTimer = options.schedules ? startRetryTimer(warden) : undefined;
  let server: Server;
  try {
    server = await listen(http, options.port, options.host ?? "0.0.0.0");
  } catch (error) {
    retryTimer?.stop();
    await stopSocket();
    throw error;
  }
  const address = server.address() as AddressInfo;
  logger.info({ port: address.port }, "warden is listening");
  // Decisions a killed process left half done: settled from the source, in the background.
  const settled = settleInterruptedDecisions(warden).catch((error: unknown) =>
    logger.error({ err: error }, "could not settle interrupted decisions"),
  );
  if (scheduler) {
    await scheduler.start();
    // In the background: a catch-up scan must not hold up serving clicks. After the settling: a
    // caught-up notify settles pending decisions too, and two passes at once would both record one.
    void settled
      .then(() => scheduler.catchUp())
      .catch((error: unknown) => logger.error({ err: error }, "the catch-up at start failed"));
  }
  return {
    url: `http://127.0.0.1:${address.port}`,
    scanIdle: scans.idle,
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

/**
 * Listens on `port`; a port that cannot be had is one sentence naming it (the `error` event of
 * https://nodejs.org/api/net.html#serverlisten), not an unhandled error with a stack trace.
 */
function listen(app: RequestListener, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    // As express's app.listen does, with the error handled here.
    const server = createServer(app);
    const refuse = (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(new WardenError("E_PORT_IN_USE", `port ${port} is already in use: set PORT to a free port`));
      } else if (error.code === "EACCES") {
        reject(
          new WardenError(
            "E_PORT_DENIED",
            `port ${port} may not be opened by warden's user: set PORT to a port above 1023`,
          ),
        );
      } else {
        reject(
          new WardenError(
            "E_PORT",
            `cannot listen on port ${port} (${error.code ?? error.message}): set PORT`,
          ),
        );
      }
    };
    server.once("error", refuse);
    server.listen(port, host, () => {
      server.off("error", refuse);
      resolve(server);
    });
  });
}
