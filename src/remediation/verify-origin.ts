import type { Database } from "better-sqlite3";
import { findMessageShowing } from "../store/outbox.js";
import type { ActionPayload } from "../views/action-payload.js";

/** Where a click came from, as the platform reported it (signed by Slack, authenticated by Bot Framework). */
export interface ClickOrigin {
  /** Slack channel id; Teams conversation id. */
  conversation: string;
  /** Slack message ts; Teams activity id (the `replyToId` of the click). */
  message: string;
}

export type OriginCheck =
  | { ok: true; messageId: number | undefined; sentAt: Date | undefined }
  | { ok: false; reason: string };

/**
 * A button's payload names the owner message it belongs to (`m`), but payloads and card data are
 * whatever the client sent. The message is taken only if warden sent it on this platform, it lists
 * the account, and it is the very message the click came from; otherwise the click is refused, so
 * a forged payload can neither redirect an update to another message nor pass for another one.
 */
export function verifyOrigin(
  db: Database,
  platform: string,
  payload: Pick<ActionPayload, "m" | "s" | "id">,
  origin: ClickOrigin | undefined,
): OriginCheck {
  if (payload.m === undefined) return { ok: true, messageId: undefined, sentAt: undefined };
  const message = findMessageShowing(db, payload.m, payload.s, payload.id);
  if (!message || message.platform !== platform) {
    return { ok: false, reason: "the button names a message that never showed this account" };
  }
  const sent = message.location;
  if (!origin || !sent || !sameLocation(sent, origin)) {
    return { ok: false, reason: "the button does not belong to the message it was clicked in" };
  }
  return { ok: true, messageId: payload.m, sentAt: message.sentAt };
}

/** Teams suffixes a channel thread's conversation id with ";messageid=…"; the conversation is the part before. */
const conversationOf = (id: string) => id.split(";")[0];

function sameLocation(a: ClickOrigin, b: ClickOrigin): boolean {
  return conversationOf(a.conversation) === conversationOf(b.conversation) && a.message === b.message;
}
