import type { ActionPayload } from "../actions/action-payload.js";
import type { Repositories } from "../store/store.js";

/** Where a click came from, as the platform reported it (signed by Slack, authenticated by Bot Framework). */
export interface ClickOrigin {
  /** Slack channel id; Teams conversation id. */
  conversation: string;
  /** Slack message ts; Teams activity id (the `replyToId` of the click). */
  message: string;
}

export type OriginCheck =
  | { ok: true; messageId: number | undefined; sentAt: Date | undefined }
  | {
      ok: false;
      reason: string;
      /** When the message was replaced by a newer one, whose buttons are the live ones. */
      supersededAt?: Date | undefined;
      /** The message was removed by retention (WARDEN_RETENTION_DAYS): it was real, just too old. */
      expired?: boolean;
    };

/**
 * A button's payload names the owner message it belongs to (`m`), but payloads and card data are
 * whatever the client sent. The message is taken only if warden sent it on this platform, it lists
 * the account, and it is the very message the click came from; otherwise the click is refused, so
 * a forged payload can neither redirect an update to another message nor pass for another one.
 * A message a newer one superseded has no live buttons: a click from a client still showing them
 * is refused (`supersededAt` set), except an Undo of a decision the newer message does not show.
 */
export async function verifyOrigin(
  store: Pick<Repositories, "outbox">,
  platform: string,
  payload: Pick<ActionPayload, "a" | "m" | "s" | "id">,
  origin: ClickOrigin | undefined,
): Promise<OriginCheck> {
  if (payload.m === undefined) return { ok: true, messageId: undefined, sentAt: undefined };
  const message = await store.outbox.findMessageShowing(payload.m, payload.s, payload.id);
  if (!message && (await store.outbox.prunedMessage(payload.m))) {
    return { ok: false, reason: "the button belongs to a message retention removed", expired: true };
  }
  if (!message || message.platform !== platform) {
    return { ok: false, reason: "the button names a message that never showed this account" };
  }
  const sent = message.location;
  if (!origin || !sent || !sameLocation(sent, origin)) {
    return { ok: false, reason: "the button does not belong to the message it was clicked in" };
  }
  const superseded = await supersededBy(store, payload.m);
  if (superseded && !(payload.a === "undo" && !superseded.lists(payload))) {
    return {
      ok: false,
      reason: "the button belongs to a message a newer one superseded",
      supersededAt: superseded.sentAt,
    };
  }
  return { ok: true, messageId: payload.m, sentAt: message.sentAt };
}

/** The newer message that superseded owner message `outboxId`, if one did. */
async function supersededBy(store: Pick<Repositories, "outbox">, outboxId: number) {
  const message = (await store.outbox.getOutboxItem(outboxId))?.message;
  if (message?.kind !== "owner_message") return undefined;
  const newer = message.view.supersededBy;
  if (!newer) return undefined;
  const listed = (await store.outbox.getOutboxItem(newer.outboxId))?.message;
  const accounts = listed?.kind === "owner_message" ? listed.view.accounts : [];
  return {
    sentAt: new Date(newer.sentAt),
    lists: (target: { s: string; id: string }) =>
      accounts.some((a) => a.source === target.s && a.accountId === target.id),
  };
}

/** Teams suffixes a channel thread's conversation id with ";messageid=…"; the conversation is the part before. */
const conversationOf = (id: string) => id.split(";")[0];

function sameLocation(a: ClickOrigin, b: ClickOrigin): boolean {
  return conversationOf(a.conversation) === conversationOf(b.conversation) && a.message === b.message;
}
