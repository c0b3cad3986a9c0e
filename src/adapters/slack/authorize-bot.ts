import type { Authorize } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";

/**
 * Bolt's `authorize` for warden's one workspace: the bot token, with the bot's ids from auth.test
 * (https://docs.slack.dev/reference/methods/auth.test). Bolt's own single-token authorization calls
 * auth.test once, when the App is built, and keeps that answer for the life of the process, a
 * failed one too (`singleAuthorization` in bolt-js's App.ts): with warden's no-retry client, Slack
 * unreachable for a moment at start would fail every click until a restart. This keeps only a
 * successful answer: an outage costs the requests made during it, and the next one asks again.
 */
export function authorizeBot(client: WebClient, botToken: string): Authorize<boolean> {
  let ids: Promise<{ botId: string | undefined; botUserId: string | undefined }> | undefined;
  return async () => {
    ids ??= client.auth
      .test({ token: botToken })
      .then((result) => ({ botId: result.bot_id, botUserId: result.user_id }))
      .catch((error: unknown) => {
        ids = undefined;
        throw error;
      });
    const { botId, botUserId } = await ids;
    return {
      botToken,
      ...(botId === undefined ? {} : { botId }),
      ...(botUserId === undefined ? {} : { botUserId }),
    };
  };
}
