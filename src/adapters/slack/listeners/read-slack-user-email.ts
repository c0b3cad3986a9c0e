import type { WebClient } from "@slack/web-api";
import { normalizeEmail } from "../../../identity/normalize-email.js";
import type { Logger } from "../../../logger.js";
import type { Repositories } from "../../../store/store.js";

/**
 * The acting user's email, normalised: cached while younger than WARDEN_USER_CACHE_HOURS, else
 * read again with users.info (needs users:read.email), so a user whose email changed in Slack
 * stops acting as the old address's owner. https://api.slack.com/methods/users.info
 */
export function readSlackUserEmail(deps: {
  client: WebClient;
  store: Pick<Repositories, "chatUsers">;
  now: () => Date;
  logger: Logger;
  userCacheMs: number;
}): (userId: string) => Promise<string | undefined> {
  const { client, store, logger } = deps;
  return async (userId) => {
    const cached = await store.chatUsers.getChatUserEmail("slack", userId, {
      now: deps.now(),
      maxAgeMs: deps.userCacheMs,
    });
    if (cached) return cached;
    try {
      const info = await client.users.info({ user: userId });
      const email = normalizeEmail(info.user?.profile?.email);
      if (email) await store.chatUsers.saveChatUser("slack", email, userId, deps.now());
      else await store.chatUsers.forgetChatUser("slack", userId);
      return email;
    } catch (error) {
      // Unknown to Slack now: nothing cached may resolve to them. Other failures (network, rate
      // limit) leave the cache alone; the click is refused as from a user without an email.
      if ((error as { data?: { error?: string } }).data?.error === "user_not_found") {
        await store.chatUsers.forgetChatUser("slack", userId);
      }
      logger.warn({ err: error, userId }, "could not read the Slack user's email");
      return undefined;
    }
  };
}
