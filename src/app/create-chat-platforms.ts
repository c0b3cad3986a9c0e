import type { WebClient, WebClientOptions } from "@slack/web-api";
import type { CloudAdapter } from "botbuilder";
import type { Config } from "../config/load-config.js";
import type { Logger } from "../logger.js";

/** The Slack side of the process: the one Web API client and the options it was built with. */
export interface SlackPlatform {
  client: WebClient;
  /**
   * The same options, for Bolt: its App builds its own clients from `clientOptions` and takes no
   * client instance (https://docs.slack.dev/tools/bolt-js/reference#app-options), so every Slack
   * call of the process, warden's and Bolt's, follows one policy.
   */
  clientOptions: WebClientOptions;
}

/** The Teams side of the process: the one botbuilder CloudAdapter, for the bot and the sender. */
export interface TeamsPlatform {
  adapter: CloudAdapter;
  /** TEAMS_APP_ID; empty in emulator mode (TEAMS_ENABLED=true without an app id). */
  appId: string;
}

/**
 * The chat platforms of one process. Each is built on first use and then shared: commands that
 * never reach a chat platform (`warden lookup`, `digest --print`, `notify --preview`) do not load
 * the chat SDKs at all, and `warden serve`'s server, scheduler and retry timer use one Slack client
 * and one Teams adapter. Undefined when the platform is not configured.
 */
export interface ChatPlatforms {
  slack(): Promise<SlackPlatform | undefined>;
  teams(): Promise<TeamsPlatform | undefined>;
}

/**
 * One retry policy for Slack: no retries inside the client, rate limits rejected rather than
 * waited out. Whoever called decides what a failure means: the outbox retries a delivery with its
 * own backoff (and waits out a 429's Retry-After), the doctor reports it, a click's listener tells
 * the user. The client's default (ten retries over about thirty minutes) would hold a run, a
 * doctor or a click for that long.
 * https://docs.slack.dev/tools/node-slack-sdk/web-api#automatic-retries
 * https://docs.slack.dev/tools/node-slack-sdk/web-api#rate-limits
 */
export function slackClientOptions(apiUrl: string): WebClientOptions {
  return {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 30_000,
  };
}

/**
 * The chat-platform factory, called once by the composition root: the only place that constructs
 * a Slack WebClient or a botbuilder CloudAdapter. The SDKs are imported when a platform is first
 * asked for (they take seconds to load on a busy machine).
 */
export function createChatPlatforms(config: Config, logger: Logger): ChatPlatforms {
  let slack: Promise<SlackPlatform | undefined> | undefined;
  let teams: Promise<TeamsPlatform | undefined> | undefined;
  return {
    slack() {
      slack ??= buildSlack(config);
      return slack;
    },
    teams() {
      teams ??= buildTeams(config, logger.child({ platform: "teams" }));
      return teams;
    },
  };
}

async function buildSlack(config: Config): Promise<SlackPlatform | undefined> {
  const { botToken, apiUrl } = config.slack;
  if (!botToken) return undefined;
  const { WebClient } = await import("@slack/web-api");
  const clientOptions = slackClientOptions(apiUrl);
  return { client: new WebClient(botToken, clientOptions), clientOptions };
}

/**
 * botbuilder's CloudAdapter for warden's registration (TEAMS_APP_ID / TEAMS_APP_PASSWORD /
 * TEAMS_APP_TENANT_ID). With no app id the SDK skips token checks on incoming requests and sends no
 * token; that is only for local tests and the Bot Framework Emulator, never for a public endpoint.
 * https://learn.microsoft.com/en-us/azure/bot-service/bot-service-debug-emulator
 */
async function buildTeams(config: Config, logger: Logger): Promise<TeamsPlatform | undefined> {
  const { teams } = config;
  if (!teams.enabled) return undefined;
  const { CloudAdapter, ConfigurationBotFrameworkAuthentication } = await import("botbuilder");
  const appId = teams.appId ?? "";
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: appId,
    MicrosoftAppPassword: teams.appPassword ?? "",
    MicrosoftAppType: appId && teams.tenantId ? "SingleTenant" : "MultiTenant",
    MicrosoftAppTenantId: teams.tenantId ?? "",
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    // Without this the SDK only writes to the console; the turn's HTTP answer is a 500 either way.
    logger.error(
      { err: error, activityType: context.activity.type, conversationId: context.activity.conversation?.id },
      "Teams turn failed",
    );
  };
  return { adapter, appId };
}
