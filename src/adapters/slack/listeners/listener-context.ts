import type { WebClient } from "@slack/web-api";
import type { Database } from "better-sqlite3";
import type { ChatCommandDeps } from "../../../chat/run-chat-command.js";
import type { Logger } from "../../../logger.js";
import type { ActionRequest, ActionResult } from "../../../remediation/handle-action.js";

/** What warden's Slack listeners are given (createSlackApp builds it once per app). */
export interface SlackListenerDeps {
  db: Database;
  now: () => Date;
  logger: Logger;
  admins: readonly string[];
  /** How long a user's email read from Slack is trusted (WARDEN_USER_CACHE_HOURS), in ms. */
  userCacheMs: number;
  handleAction: (request: ActionRequest) => Promise<ActionResult>;
  startScan?: ChatCommandDeps["startScan"];
  /** WARDEN_LOOKUP (default "owners"). */
  lookup?: ChatCommandDeps["lookup"];
}

/** The listener deps plus what the listeners share: the process's client and the user lookup. */
export interface SlackListenerContext extends SlackListenerDeps {
  /** The process's Slack Web API client (createChatPlatforms), not Bolt's per-request one. */
  client: WebClient;
  /** The Slack user's email, normalised (see readSlackUserEmail). */
  emailOf(userId: string): Promise<string | undefined>;
  /** The key that seals the Keep modal's private_metadata, created once per database. */
  modalKey(): Buffer;
}
