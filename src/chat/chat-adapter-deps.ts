import type { Logger } from "../logger.js";
import type { ActionRequest, ActionResult } from "../remediation/handle-action.js";
import type { Store } from "../store/store.js";
import type { ChatCommandDeps } from "./run-chat-command.js";

/** What a chat adapter (Slack's listeners, Teams' handlers) is given by the server: the same for both. */
export interface ChatAdapterDeps {
  store: Store;
  now: () => Date;
  logger: Logger;
  admins: readonly string[];
  /** How long a user's email read from the chat platform is trusted (WARDEN_USER_CACHE_HOURS), in ms. */
  userCacheMs: number;
  handleAction: (request: ActionRequest) => Promise<ActionResult>;
  startScan?: ChatCommandDeps["startScan"];
  /** WARDEN_LOOKUP (default "owners"). */
  lookup?: ChatCommandDeps["lookup"];
  /** WARDEN_MODE=ticket: the Home views' buttons say they open a ticket. */
  ticketMode?: boolean | undefined;
}
