import { OutboxMessageError } from "../errors.js";

/** Where a Slack message landed (chat.update and thread replies need both). */
export interface SlackMessageRef {
  platform: "slack";
  channel: string;
  ts: string;
}

/** Where a Teams message landed (updateActivity needs all three). */
export interface TeamsMessageRef {
  platform: "teams";
  conversationId: string;
  activityId: string;
  serviceUrl: string;
}

/** Where a sent message landed, typed per platform. */
export type MessageRef = SlackMessageRef | TeamsMessageRef;

/**
 * The stored form of a message reference: the platform's own fields only (the outbox row says
 * which platform). The shape is the one warden has always stored, so older rows decode.
 */
export function encodeMessageRef(ref: MessageRef): Record<string, string> {
  const { platform: _platform, ...fields } = ref;
  return fields;
}

/**
 * Reads a stored message reference of `platform` (parsed JSON); a malformed one is an
 * OutboxMessageError whose message starts with `what`.
 */
export function decodeMessageRef(
  platform: string,
  value: unknown,
  what = `the stored ${platform} message reference`,
): MessageRef {
  const malformed = (why: string) => new OutboxMessageError("E_OUTBOX_MALFORMED", `${what} ${why}`);
  if (typeof value !== "object" || value === null) throw malformed("is not an object");
  const r = value as Record<string, unknown>;
  const text = (key: string): string => {
    const field = r[key];
    if (typeof field !== "string") throw malformed(`has no ${key}`);
    return field;
  };
  if (platform === "slack") return { platform, channel: text("channel"), ts: text("ts") };
  if (platform === "teams") {
    return {
      platform,
      conversationId: text("conversationId"),
      activityId: text("activityId"),
      serviceUrl: text("serviceUrl"),
    };
  }
  throw malformed("belongs to a platform warden does not know");
}

/** The conversation and message a reference names, in neutral terms (for checking a click's origin). */
export function refLocation(ref: MessageRef): { conversation: string; message: string } {
  return ref.platform === "slack"
    ? { conversation: ref.channel, message: ref.ts }
    : { conversation: ref.conversationId, message: ref.activityId };
}
