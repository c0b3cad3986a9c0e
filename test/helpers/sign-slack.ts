/**
 * Builds and signs the requests Slack sends to an app's Request URL (`/slack/events`):
 * slash commands, block_actions and view_submission payloads, signed like Slack does
 * (`v0=` + HMAC-SHA256 of `v0:{timestamp}:{rawBody}` with the signing secret).
 */
import { createHmac } from "node:crypto";

/** Headers Slack adds to every request it sends to the app. */
export interface SlackSignatureHeaders {
  "x-slack-request-timestamp": string;
  "x-slack-signature": string;
}

/** Signs `body` with `secret` at `timestampSeconds` (default: now). */
export function signSlackRequest(
  secret: string,
  body: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const digest = createHmac("sha256", secret).update(`v0:${timestampSeconds}:${body}`).digest("hex");
  return { "x-slack-request-timestamp": String(timestampSeconds), "x-slack-signature": `v0=${digest}` };
}

/** Team fields shared by the builders. */
const TEAM = { id: "T0FAKE", domain: "fake-workspace" };
const API_APP_ID = "A0WARDEN";

export interface SlashCommandInput {
  text: string;
  userId: string;
  channelId: string;
  responseUrl: string;
  command?: string;
  userName?: string;
  triggerId?: string;
  teamId?: string;
}

/** A form-encoded slash command body (fields as documented for Bolt's `SlashCommand`). */
export function slashCommandBody(input: SlashCommandInput): string {
  return new URLSearchParams({
    token: "legacy-verification-token",
    team_id: input.teamId ?? TEAM.id,
    team_domain: TEAM.domain,
    channel_id: input.channelId,
    channel_name: input.channelId.startsWith("D") ? "directmessage" : "general",
    user_id: input.userId,
    user_name: input.userName ?? input.userId.toLowerCase(),
    command: input.command ?? "/warden",
    text: input.text,
    api_app_id: API_APP_ID,
    is_enterprise_install: "false",
    response_url: input.responseUrl,
    trigger_id: input.triggerId ?? "1337.42.trigger",
  }).toString();
}

/** Wraps a JSON payload as Slack's interactivity form body (`payload=<json>`). */
export function payloadBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface BlockActionsInput {
  userId: string;
  actionId: string;
  value?: string;
  channelId: string;
  messageTs: string;
  responseUrl: string;
  /** Blocks of the message the button sits in. */
  blocks?: unknown[];
  blockId?: string;
  triggerId?: string;
  /** Message text (default ""). */
  messageText?: string;
}

/** A block_actions payload object for a button click in a message. */
export function blockActionsPayload(input: BlockActionsInput): Record<string, unknown> {
  const actionTs = `${Math.floor(Date.now() / 1000)}.000001`;
  return {
    type: "block_actions",
    user: {
      id: input.userId,
      username: input.userId.toLowerCase(),
      name: input.userId.toLowerCase(),
      team_id: TEAM.id,
    },
    api_app_id: API_APP_ID,
    token: "legacy-verification-token",
    container: {
      type: "message",
      message_ts: input.messageTs,
      channel_id: input.channelId,
      is_ephemeral: false,
    },
    trigger_id: input.triggerId ?? "1337.42.trigger",
    team: TEAM,
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channelId, name: input.channelId.startsWith("D") ? "directmessage" : "general" },
    message: {
      type: "message",
      ts: input.messageTs,
      text: input.messageText ?? "",
      blocks: input.blocks ?? [],
      user: "U0WARDEN",
      bot_id: "B0WARDEN",
    },
    state: { values: {} },
    response_url: input.responseUrl,
    actions: [
      {
        type: "button",
        block_id: input.blockId ?? "actions",
        action_id: input.actionId,
        action_ts: actionTs,
        text: { type: "plain_text", text: input.actionId, emoji: true },
        ...(input.value === undefined ? {} : { value: input.value }),
      },
    ],
  };
}

/** Form body (`payload=`) of a block_actions button click. */
export function blockActionsBody(input: BlockActionsInput): string {
  return payloadBody(blockActionsPayload(input));
}

export interface ViewSubmissionInput {
  userId: string;
  callbackId: string;
  privateMetadata?: string;
  /** `state.values`: block_id → action_id → element state (e.g. `{ type: "plain_text_input", value }`). */
  values?: Record<string, Record<string, unknown>>;
  viewId?: string;
  triggerId?: string;
}

/** A view_submission payload object for a modal's submit. */
export function viewSubmissionPayload(input: ViewSubmissionInput): Record<string, unknown> {
  return {
    type: "view_submission",
    team: TEAM,
    user: {
      id: input.userId,
      username: input.userId.toLowerCase(),
      name: input.userId.toLowerCase(),
      team_id: TEAM.id,
    },
    api_app_id: API_APP_ID,
    token: "legacy-verification-token",
    trigger_id: input.triggerId ?? "1337.42.trigger",
    is_enterprise_install: false,
    enterprise: null,
    view: {
      id: input.viewId ?? "V00000001",
      team_id: TEAM.id,
      type: "modal",
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata ?? "",
      title: { type: "plain_text", text: "Warden" },
      blocks: [],
      state: { values: input.values ?? {} },
      hash: "1700000000.fakehash",
      app_id: API_APP_ID,
      bot_id: "B0WARDEN",
      root_view_id: input.viewId ?? "V00000001",
      previous_view_id: null,
      external_id: "",
    },
    response_urls: [],
  };
}

/** Form body (`payload=`) of a view_submission. */
export function viewSubmissionBody(input: ViewSubmissionInput): string {
  return payloadBody(viewSubmissionPayload(input));
}

export interface PostSlackOptions {
  /** Signature timestamp in seconds (default now), e.g. to send a stale request. */
  timestamp?: number;
  /** Path appended to `baseUrl` (default "/slack/events"). */
  path?: string;
  /** Override the content type (default: JSON for bodies starting with `{`, else form). */
  contentType?: string;
}

/** The app's HTTP answer. */
export interface SlackPostResult {
  status: number;
  text: string;
}

/** POSTs a signed body to `${baseUrl}/slack/events` like Slack would. */
export async function postSlack(
  baseUrl: string,
  body: string,
  secret: string,
  options: PostSlackOptions = {},
): Promise<SlackPostResult> {
  const contentType =
    options.contentType ??
    (body.trimStart().startsWith("{") ? "application/json" : "application/x-www-form-urlencoded");
  const response = await fetch(`${baseUrl.replace(/\/$/, "")}${options.path ?? "/slack/events"}`, {
    method: "POST",
    headers: { "content-type": contentType, ...signSlackRequest(secret, body, options.timestamp) },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/** An Events API `event_callback` body (JSON) for `app_home_opened` by `userId` on `tab`. */
export function appHomeOpenedBody(userId: string, tab: "home" | "messages" = "home"): string {
  const now = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    token: "legacy-verification-token",
    team_id: TEAM.id,
    api_app_id: API_APP_ID,
    type: "event_callback",
    event_id: `Ev${now}${userId}${Math.random().toString(36).slice(2, 8)}`,
    event_time: now,
    event: {
      type: "app_home_opened",
      user: userId,
      channel: `D${userId}`,
      tab,
      event_ts: `${now}.000100`,
    },
  });
}

export interface HomeActionInput {
  userId: string;
  /** The Home view as published (its private_metadata and blocks come back with the click). */
  view: Record<string, unknown>;
  action: Record<string, unknown>;
  triggerId?: string;
}

/**
 * A block_actions payload for a control in the Home tab: the container is the view, there is no
 * channel, message or response_url (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload).
 */
export function homeActionsBody(input: HomeActionInput): string {
  const viewId = `VH${input.userId}`;
  return payloadBody({
    type: "block_actions",
    user: {
      id: input.userId,
      username: input.userId.toLowerCase(),
      name: input.userId.toLowerCase(),
      team_id: TEAM.id,
    },
    api_app_id: API_APP_ID,
    token: "legacy-verification-token",
    container: { type: "view", view_id: viewId },
    trigger_id: input.triggerId ?? "1337.42.trigger",
    team: TEAM,
    enterprise: null,
    is_enterprise_install: false,
    view: { id: viewId, team_id: TEAM.id, app_id: API_APP_ID, bot_id: "B0WARDEN", ...input.view },
    state: { values: {} },
    actions: [{ action_ts: `${Math.floor(Date.now() / 1000)}.000001`, ...input.action }],
  });
}
