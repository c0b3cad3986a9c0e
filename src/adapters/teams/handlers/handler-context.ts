import type { CloudAdapter, TurnContext } from "botbuilder";
import type { ChatAdapterDeps } from "../../../chat/chat-adapter-deps.js";
import type { TeamsActionDeps } from "../handle-teams-action.js";

export interface TeamsBotDeps extends ChatAdapterDeps {
  adapter: CloudAdapter;
  /** TEAMS_APP_ID (empty in emulator mode): proactive turns run as this bot. */
  appId: string;
  /**
   * Work a turn started and does not wait for (a bulk decision's outcome, shown when done): the
   * server lets it finish before it stops.
   */
  background?: (work: Promise<unknown>) => void;
  /**
   * Called after an install or conversationUpdate event was saved: messages waiting because warden
   * was not installed, a channel not seen or an owner in no roster may go out now. Not awaited by
   * the turn (Teams wants an answer quickly).
   */
  onConversationSeen?: () => void;
}

/** The bot's deps plus what its handlers share: the user lookup and the card actions' deps. */
export interface TeamsHandlerContext extends TeamsBotDeps {
  /** The acting user's email, normalised (see readTeamsUserEmail). */
  emailOf(context: TurnContext): Promise<string | undefined>;
  /** The acting user's IANA time zone, when their client reported one (see readTeamsTimeZone). */
  timeZoneOf(context: TurnContext): Promise<string | undefined>;
  /** Saves the time zone an activity reports for its sender. */
  rememberTimeZone(context: TurnContext): Promise<void>;
  actions: TeamsActionDeps;
}
