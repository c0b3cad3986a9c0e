import { App, ExpressReceiver, LogLevel } from "@slack/bolt";
import type { WebClient, WebClientOptions } from "@slack/web-api";
import type { Application } from "express";
import { authorizeBot } from "./authorize-bot.js";
import { registerListeners } from "./listeners/index.js";
import type { SlackListenerDeps } from "./listeners/listener-context.js";
import { readSlackUserEmail } from "./listeners/read-slack-user-email.js";

export interface SlackAppOptions {
  botToken: string;
  signingSecret?: string | undefined;
  appToken?: string | undefined;
  apiUrl: string;
  /** The process's Slack Web API client (createChatPlatforms): every call warden makes goes through it. */
  client: WebClient;
  /** The options it was built with: Bolt builds its own clients from them (it takes no instance). */
  clientOptions: WebClientOptions;
  /** Express app to mount `POST /slack/events` on (HTTP mode). */
  expressApp?: Application;
}

export type SlackAppDeps = SlackListenerDeps;

/**
 * The Slack adapter: a Bolt app whose listeners (listeners/, one per file) acknowledge at once
 * (Slack's 3-second rule), then turn the request into a call to the shared core and render its
 * answer. Nothing here decides anything; `handleAction` and `runChatCommand` do.
 */
export function createSlackApp(options: SlackAppOptions, deps: SlackAppDeps) {
  const { client } = options;
  const receiver =
    options.appToken === undefined
      ? new ExpressReceiver({
          signingSecret: options.signingSecret ?? "",
          endpoints: "/slack/events",
          ...(options.expressApp ? { app: options.expressApp } : {}),
        })
      : undefined;
  const app = new App({
    authorize: authorizeBot(client, options.botToken),
    ...(receiver
      ? { receiver }
      : {
          appToken: options.appToken ?? "",
          socketMode: true,
          // The Socket Mode client makes its own Web API calls (apps.connections.open): point it
          // at SLACK_API_URL too (GovSlack, tests). Bolt hands it only installerOptions.clientOptions.
          // Only the URL: without a retryConfig it keeps its own, made for reconnecting
          // (https://github.com/slackapi/node-slack-sdk/blob/main/packages/socket-mode/src/SocketModeClient.ts).
          installerOptions: { clientOptions: { slackApiUrl: options.apiUrl } },
        }),
    // A copy: Bolt writes its logger into the object it is given.
    clientOptions: { ...options.clientOptions },
    logLevel: LogLevel.ERROR,
  });

  let sealKey: Buffer | undefined;
  registerListeners(app, {
    ...deps,
    client,
    emailOf: readSlackUserEmail({
      client,
      store: deps.store,
      now: deps.now,
      logger: deps.logger,
      userCacheMs: deps.userCacheMs,
    }),
    async modalKey() {
      sealKey ??= await deps.store.settings.getOrCreateSecret("slack.modal_seal_key");
      return sealKey;
    },
  });
  return { app, receiver };
}
