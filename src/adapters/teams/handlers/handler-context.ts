import type { Database } from "better-sqlite3";
import type { CloudAdapter, TurnContext } from "botbuilder";
import type { ChatCommandDeps } from "../../../chat/run-chat-command.js";
import type { Logger } from "../../../logger.js";
import type { ActionRequest, ActionResult } from "../../../remediation/handle-action.js";
import type { TeamsActionDeps } from "../handle-teams-action.js";

export interface TeamsBotDeps {
  adapter: CloudAdapter;
  db: Database;
  now: () => Date;
  logger: Logger;
  admins: readonly string[];
  /** How long a user's email read from Teams is trusted (WARDEN_USER_CACHE_HOURS), in ms. */
  userCacheMs: number;
  handleAction: (request: ActionRequest) => Promise<ActionResult>;
  startScan?: ChatCommandDeps["startScan"];
  /** WARDEN_LOOKUP (default "owners"). */
  lookup?: ChatCommandDeps["lookup"];
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
  actions: TeamsActionDeps;
}
