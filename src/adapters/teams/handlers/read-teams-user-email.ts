import { TeamsInfo, type TurnContext } from "botbuilder";
import { normalizeEmail } from "../../../identity/normalize-email.js";
import type { Logger } from "../../../logger.js";
import type { Repositories } from "../../../store/store.js";

/**
 * The acting user's email, normalised: cached in chat_users while younger than
 * WARDEN_USER_CACHE_HOURS, else read again from the conversation's roster (TeamsInfo.getMember),
 * so a user whose email changed stops acting as the old address's owner.
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/get-teams-context#get-single-member-details
 */
export function readTeamsUserEmail(deps: {
  store: Pick<Repositories, "chatUsers">;
  now: () => Date;
  logger: Logger;
  userCacheMs: number;
}): (context: TurnContext) => Promise<string | undefined> {
  const { store, now, logger, userCacheMs } = deps;
  return async (context) => {
    const userId = context.activity.from.id;
    const cached = await store.chatUsers.getChatUserEmail("teams", userId, {
      now: now(),
      maxAgeMs: userCacheMs,
    });
    if (cached) return cached;
    try {
      const member = await TeamsInfo.getMember(context, userId);
      const email = normalizeEmail(member.email ?? member.userPrincipalName);
      if (email) await store.chatUsers.saveChatUser("teams", email, member.id ?? userId, now());
      else await store.chatUsers.forgetChatUser("teams", member.id ?? userId);
      return email;
    } catch (error) {
      logger.warn({ err: error, userId }, "could not read the Teams user's email");
      return undefined;
    }
  };
}
