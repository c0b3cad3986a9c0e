/**
 * In-memory state behind the fake Slack Web API: channel messages (with edits applied),
 * ephemeral messages and open modals. Used by `fake-slack-api.ts`; tests read it through the
 * fake's `messages()`, `ephemerals()` and `views()`.
 */

/** Block Kit blocks as Slack stores them (kept as parsed JSON). */
export type SlackBlocks = unknown[];

/** What a channel or DM currently shows for one message (after `chat.update`s). */
export interface SlackShownMessage {
  ts: string;
  text: string | undefined;
  blocks: SlackBlocks | undefined;
  /** Parent message ts when the message was posted into a thread. */
  threadTs: string | undefined;
  /** How many times the message was updated (chat.update or response_url replace_original). */
  edits: number;
}

/** An ephemeral message shown to one user (chat.postEphemeral or an ephemeral response_url post). */
export interface SlackEphemeralMessage {
  /** Recipient user id, when known. */
  user: string | undefined;
  text: string | undefined;
  blocks: SlackBlocks | undefined;
  /** `message_ts` returned by chat.postEphemeral (undefined for response_url posts). */
  ts: string | undefined;
}

/** A modal opened with views.open, as last set by views.update. */
export interface SlackShownView {
  id: string;
  externalId: string | undefined;
  view: Record<string, unknown>;
  /** The trigger_id passed to views.open. */
  triggerId: string | undefined;
}

/** First ts the store hands out; each later one is 100 µs larger ("1700000000.000100", …). */
const BASE_SECONDS = 1_700_000_000;

/** Optional text/blocks pulled out of call arguments. */
export interface MessageContent {
  text?: string | undefined;
  blocks?: SlackBlocks | undefined;
}

/** Reads `text` and `blocks` from parsed call args (ignores wrongly typed values). */
export function contentOf(args: Record<string, unknown>): MessageContent {
  const content: MessageContent = {};
  if (typeof args.text === "string") content.text = args.text;
  if (Array.isArray(args.blocks)) content.blocks = args.blocks;
  return content;
}

/** Per-channel message store with unique, increasing timestamps. */
export class SlackMessageStore {
  private counter = 0;
  private readonly channels = new Map<string, SlackShownMessage[]>();
  private readonly ephemeral = new Map<string, SlackEphemeralMessage[]>();
  readonly views = new Map<string, SlackShownView>();
  /** Home tabs published with views.publish, by user id. */
  readonly homes = new Map<string, SlackShownView>();

  /** A fresh unique ts such as "1700000000.000100". */
  nextTs(): string {
    this.counter += 1;
    const micros = this.counter * 100;
    const seconds = BASE_SECONDS + Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, "0")}`;
  }

  /** Appends a message to `channel` and returns it. */
  post(channel: string, content: MessageContent, threadTs?: string): SlackShownMessage {
    const message: SlackShownMessage = {
      ts: this.nextTs(),
      text: content.text,
      blocks: content.blocks,
      threadTs,
      edits: 0,
    };
    const list = this.channels.get(channel) ?? [];
    list.push(message);
    this.channels.set(channel, list);
    return message;
  }

  /** The message `ts` in `channel`, if it exists (and was not deleted). */
  find(channel: string, ts: string): SlackShownMessage | undefined {
    return this.channels.get(channel)?.find((m) => m.ts === ts);
  }

  /** Replaces the provided fields of an existing message; returns it, or undefined when absent. */
  update(channel: string, ts: string, content: MessageContent): SlackShownMessage | undefined {
    const message = this.find(channel, ts);
    if (!message) return undefined;
    if ("text" in content) message.text = content.text;
    if ("blocks" in content) message.blocks = content.blocks;
    message.edits += 1;
    return message;
  }

  /** Removes a message; returns whether it existed. */
  delete(channel: string, ts: string): boolean {
    const list = this.channels.get(channel);
    const at = list?.findIndex((m) => m.ts === ts) ?? -1;
    if (!list || at === -1) return false;
    list.splice(at, 1);
    return true;
  }

  /** Records an ephemeral message for `channel`. */
  postEphemeral(channel: string, message: SlackEphemeralMessage): void {
    const list = this.ephemeral.get(channel) ?? [];
    list.push(message);
    this.ephemeral.set(channel, list);
  }

  /** Copies of the messages `channel` currently shows, oldest first. */
  messages(channel: string): SlackShownMessage[] {
    return (this.channels.get(channel) ?? []).map((m) => ({ ...m }));
  }

  /** Copies of the ephemeral messages shown in `channel`, oldest first. */
  ephemerals(channel: string): SlackEphemeralMessage[] {
    return (this.ephemeral.get(channel) ?? []).map((m) => ({ ...m }));
  }

  /** Ids of channels that have at least one message. */
  channelIds(): string[] {
    return [...this.channels.keys()];
  }
}
