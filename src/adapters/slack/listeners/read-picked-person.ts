import type { WebClient } from "@slack/web-api";
import { normalizeEmail } from "../../../identity/normalize-email.js";
import type { Logger } from "../../../logger.js";
import type { Repositories } from "../../../store/store.js";

/**
 * The person an admin picked as owner: email and display name from users.info (real_name, as
 * Slack shows it: https://api.slack.com/methods/users.info). Names are not cached, so this
 * asks Slack; when it cannot answer, the cached email is used and the owner is greeted by it.
 */
export function readPickedPerson(deps: {
  client: WebClient;
  store: Pick<Repositories, "chatUsers">;
  now: () => Date;
  logger: Logger;
  emailOf(userId: string): Promise<string | undefined>;
}): (userId: string) => Promise<{ email: string | undefined; name: string | undefined }> {
  const { client, store, logger } = deps;
  return async (userId) => {
    try {
      const info = await client.users.info({ user: userId });
      const email = normalizeEmail(info.user?.profile?.email);
      if (email) await store.chatUsers.saveChatUser("slack", email, userId, deps.now());
      else await store.chatUsers.forgetChatUser("slack", userId);
      const name = info.user?.real_name || info.user?.profile?.real_name || info.user?.profile?.display_name;
      return { email, name: name || undefined };
    } catch (error) {
      logger.warn({ err: error, userId }, "could not read the picked Slack user's name");
      return { email: await deps.emailOf(userId), name: undefined };
    }
  };
}
