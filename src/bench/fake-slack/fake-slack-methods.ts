/**
 * Default behaviour of the Slack Web API methods the fake implements. Each handler gets the
 * parsed call arguments and returns the JSON body Slack would answer with HTTP 200.
 */
import { contentOf, type SlackMessageStore } from "./fake-slack-store.js";

/** A workspace member known to `users.lookupByEmail`. */
export interface FakeSlackUser {
  id: string;
  name: string;
  email: string;
}

/** Identity `auth.test` reports. */
export interface FakeSlackIdentity {
  teamId: string;
  botUserId: string;
  botId: string;
}

/** A Slack Web API JSON body (`ok` plus method-specific fields). */
export interface SlackBody {
  ok: boolean;
  [field: string]: unknown;
}

/** What a method handler can see. */
export interface SlackMethodContext {
  args: Record<string, unknown>;
  store: SlackMessageStore;
  users: Map<string, FakeSlackUser>;
  identity: FakeSlackIdentity;
  /** Base URL of the fake (http://127.0.0.1:PORT). */
  baseUrl: string;
}

type MethodHandler = (ctx: SlackMethodContext) => SlackBody;

/** `{ ok: false, error }` plus any extra fields. */
export function slackError(error: string, extra: Record<string, unknown> = {}): SlackBody {
  return { ok: false, error, ...extra };
}

function str(args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Slack delivers `chat.postMessage` with a user id as channel into the bot's DM with that user. */
function resolveChannel(channel: string): string {
  return /^[UW][A-Z0-9]+$/.test(channel) ? `D${channel}` : channel;
}

function findUser(users: Map<string, FakeSlackUser>, email: string): FakeSlackUser | undefined {
  const exact = users.get(email);
  if (exact) return exact;
  const lower = email.toLowerCase();
  for (const [key, user] of users) if (key.toLowerCase() === lower) return user;
  return undefined;
}

function userObject(user: FakeSlackUser, teamId: string): Record<string, unknown> {
  return {
    id: user.id,
    team_id: teamId,
    name: user.name,
    real_name: user.name,
    deleted: false,
    is_bot: false,
    profile: { email: user.email, real_name: user.name, display_name: user.name },
  };
}

const authTest: MethodHandler = ({ identity, baseUrl }) => ({
  ok: true,
  url: `${baseUrl}/`,
  team: "Fake Workspace",
  user: "warden",
  team_id: identity.teamId,
  user_id: identity.botUserId,
  bot_id: identity.botId,
  is_enterprise_install: false,
});

const lookupByEmail: MethodHandler = ({ args, users, identity }) => {
  const email = str(args, "email");
  if (!email) return slackError("invalid_arguments");
  const user = findUser(users, email);
  return user ? { ok: true, user: userObject(user, identity.teamId) } : slackError("users_not_found");
};

/** users.info: the profile email needs users:read.email in real Slack. */
const usersInfo: MethodHandler = ({ args, users, identity }) => {
  const id = str(args, "user");
  const user = [...users.values()].find((u) => u.id === id);
  return user ? { ok: true, user: userObject(user, identity.teamId) } : slackError("user_not_found");
};

const conversationsOpen: MethodHandler = ({ args }) => {
  const ids = (str(args, "users") ?? "").split(",").filter((id) => id !== "");
  if (ids.length === 0)
    return slackError(str(args, "channel") ? "method_not_supported" : "users_list_not_supplied");
  const id = ids.length === 1 ? `D${ids[0]}` : `G${ids.join("")}`;
  return { ok: true, channel: { id } };
};

const postMessage: MethodHandler = ({ args, store, identity }) => {
  const requested = str(args, "channel");
  if (!requested) return slackError("channel_not_found");
  const content = contentOf(args);
  if (content.text === undefined && content.blocks === undefined && args.attachments === undefined) {
    return slackError("no_text");
  }
  const channel = resolveChannel(requested);
  const message = store.post(channel, content, str(args, "thread_ts"));
  return {
    ok: true,
    channel,
    ts: message.ts,
    message: {
      type: "message",
      user: identity.botUserId,
      bot_id: identity.botId,
      ...content,
      ts: message.ts,
    },
  };
};

const update: MethodHandler = ({ args, store }) => {
  const channel = str(args, "channel");
  const ts = str(args, "ts");
  if (!channel) return slackError("channel_not_found");
  if (!ts) return slackError("message_not_found");
  const message = store.update(channel, ts, contentOf(args));
  if (!message) return slackError("message_not_found");
  return { ok: true, channel, ts, text: message.text ?? "", message: { ...contentOf(args), ts } };
};

const postEphemeral: MethodHandler = ({ args, store }) => {
  const channel = str(args, "channel");
  const user = str(args, "user");
  if (!channel) return slackError("channel_not_found");
  if (!user) return slackError("user_not_in_channel");
  const ts = store.nextTs();
  const { text, blocks } = contentOf(args);
  store.postEphemeral(channel, { user, text, blocks, ts });
  return { ok: true, message_ts: ts };
};

function viewArg(args: Record<string, unknown>): Record<string, unknown> | undefined {
  const view = args.view;
  return typeof view === "object" && view !== null && !Array.isArray(view)
    ? (view as Record<string, unknown>)
    : undefined;
}

const viewsOpen: MethodHandler = ({ args, store }) => {
  const triggerId = str(args, "trigger_id");
  const view = viewArg(args);
  if (!triggerId && !str(args, "interactivity_pointer")) return slackError("invalid_arguments");
  if (!view) return slackError("invalid_arguments");
  const id = `V${String(store.views.size + 1).padStart(8, "0")}`;
  const externalId = typeof view.external_id === "string" ? view.external_id : undefined;
  store.views.set(id, { id, externalId, view, triggerId });
  return { ok: true, view: { id, ...view } };
};

const viewsUpdate: MethodHandler = ({ args, store }) => {
  const view = viewArg(args);
  if (!view) return slackError("invalid_arguments");
  const viewId = str(args, "view_id");
  const externalId = str(args, "external_id");
  const shown = viewId
    ? store.views.get(viewId)
    : [...store.views.values()].find((v) => externalId !== undefined && v.externalId === externalId);
  if (!shown) return slackError("not_found");
  shown.view = view;
  return { ok: true, view: { id: shown.id, ...view } };
};

/**
 * views.publish: the Home tab of `user_id`, replaced whole on each call (as last published). Slack
 * refuses a view that is not a Home view or holds more than 100 blocks.
 */
const viewsPublish: MethodHandler = ({ args, store }) => {
  const userId = str(args, "user_id");
  const view = viewArg(args);
  if (!userId || !view) return slackError("invalid_arguments");
  if (view.type !== "home") return slackError("invalid_arguments");
  if (Array.isArray(view.blocks) && view.blocks.length > 100) return slackError("invalid_blocks");
  const id = store.homes.get(userId)?.id ?? `VH${userId}`;
  store.homes.set(userId, { id, externalId: undefined, view, triggerId: undefined });
  return { ok: true, view: { id, ...view } };
};

/**
 * conversations.info: any well-formed channel id (C… or G…) exists and the bot is a member; script
 * the fake for `channel_not_found`, a channel without the bot (`is_member: false`) or an archived one.
 */
const conversationsInfo: MethodHandler = ({ args }) => {
  const channel = str(args, "channel");
  if (!channel || !/^[CGD][A-Z0-9]{2,}$/.test(channel)) return slackError("channel_not_found");
  return {
    ok: true,
    channel: {
      id: channel,
      name: channel.toLowerCase(),
      is_channel: channel.startsWith("C"),
      is_private: channel.startsWith("G"),
      is_archived: false,
      is_member: true,
    },
  };
};

/** Handlers by Web API method name. */
export const slackMethods: Readonly<Record<string, MethodHandler>> = {
  "auth.test": authTest,
  "users.lookupByEmail": lookupByEmail,
  "users.info": usersInfo,
  "conversations.open": conversationsOpen,
  "conversations.info": conversationsInfo,
  "chat.postMessage": postMessage,
  "chat.update": update,
  "chat.postEphemeral": postEphemeral,
  "views.open": viewsOpen,
  "views.update": viewsUpdate,
  "views.publish": viewsPublish,
};
