import type { TeamsMessageRef } from "../../../notify/message-ref.js";
import type { AdaptiveCard } from "./adaptive-card.js";

/**
 * A rendered outbox message and where it goes: a new card (in an owner's 1:1 chat, a channel, or
 * the conversation of an earlier message), or an update in place of a card sent before.
 */
export type TeamsDelivery =
  | {
      post: AdaptiveCard;
      to:
        | { owner: string; directoryId?: string | undefined }
        | { channel: string }
        | { conversationOf: TeamsMessageRef };
    }
  | { update: AdaptiveCard; at: TeamsMessageRef };
