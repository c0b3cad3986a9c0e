import type { TurnContext } from "botbuilder";
import type { Logger } from "../../../logger.js";
import { isTimeZone } from "../../../messages/format-time-in-zone.js";
import type { Repositories } from "../../../store/store.js";

/** Users whose last saved zone this process remembers, so an unchanged zone is not written again. */
const REMEMBERED = 10_000;

/**
 * The acting user's time zone on Teams. A user's activity carries `localTimezone`, their client's
 * IANA zone name ("Europe/Berlin"; botframework-schema Activity.localTimezone, "expressed in IANA
 * Time Zone database format"); it is saved per user (chat_user_time_zones) when it changes, so a
 * reply to an activity without one (an install or system event carries none) still finds it.
 * Undefined when their client never reported a zone this Node knows: times are then written in
 * UTC, saying so.
 */
export function readTeamsTimeZone(deps: {
  store: Pick<Repositories, "chatUsers">;
  now: () => Date;
  logger: Logger;
}) {
  const saved = new Map<string, string>();
  /** Saves the zone the activity reports for its sender, if it is new. */
  async function remember(context: TurnContext): Promise<void> {
    const { activity } = context;
    const userId = activity.from?.id;
    const zone = activity.localTimezone;
    if (!userId || !isTimeZone(zone) || saved.get(userId) === zone) return;
    try {
      await deps.store.chatUsers.saveUserTimeZone("teams", userId, zone, deps.now());
      if (saved.size >= REMEMBERED) saved.clear();
      saved.set(userId, zone);
    } catch (error) {
      deps.logger.warn({ err: error }, "could not save the Teams user's time zone");
    }
  }
  /** The zone the activity reports, else the one saved for its sender. */
  async function timeZoneOf(context: TurnContext): Promise<string | undefined> {
    const { activity } = context;
    if (isTimeZone(activity.localTimezone)) return activity.localTimezone;
    const userId = activity.from?.id;
    if (!userId) return undefined;
    const stored = await deps.store.chatUsers.getUserTimeZone("teams", userId);
    return isTimeZone(stored) ? stored : undefined;
  }
  return { remember, timeZoneOf };
}
