import type { WebClient } from "@slack/web-api";
import type { ChatAdapterDeps } from "../../../chat/chat-adapter-deps.js";

/** What warden's Slack listeners are given (createSlackApp builds it once per app). */
export type SlackListenerDeps = ChatAdapterDeps;

/** The listener deps plus what the listeners share: the process's client and the user lookup. */
export interface SlackListenerContext extends SlackListenerDeps {
  /** The process's Slack Web API client (createChatPlatforms), not Bolt's per-request one. */
  client: WebClient;
  /** The Slack user's email, normalised (see readSlackUserEmail). */
  emailOf(userId: string): Promise<string | undefined>;
  /** The key that seals the Keep modal's private_metadata, created once per database. */
  modalKey(): Promise<Buffer>;
}
