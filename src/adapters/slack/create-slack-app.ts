import { App, ExpressReceiver, LogLevel } from "@slack/bolt";
import type { Database } from "better-sqlite3";
import type { Application } from "express";
import { type ChatCommandDeps, runChatCommand } from "../../chat/run-chat-command.js";
import { normalizeEmail } from "../../identity/normalize-email.js";
import type { Logger } from "../../logger.js";
import { recordDecisionInMessage } from "../../notify/record-decision-in-message.js";
import { assignOwner } from "../../remediation/assign-owner.js";
import type { ActionRequest, ActionResult } from "../../remediation/handle-action.js";
import { seal, unseal } from "../../remediation/seal.js";
import { appendAudit } from "../../store/audit-log.js";
import { forgetChatUser, getChatUserEmail, saveChatUser } from "../../store/chat-users.js";
import { getOrCreateSecret } from "../../store/settings.js";
import { decodeActionPayload } from "../../views/action-payload.js";
import { buildLookup } from "../../views/build-lookup.js";
import {
  ASSIGN_OWNER_ACTION_ID,
  parseAssignOwnerBlockId,
  renderDigestBlocks,
  renderHelpBlocks,
  renderLookupBlocks,
  renderOwnerMessageBlocks,
} from "./render/index.js";
import { messageArgs, noticeMessage, type SlackMessage } from "./render/slack-message.js";
import { renderKeepModal } from "./render-keep-modal.js";

export interface SlackAppOptions {
  botToken: string;
  signingSecret?: string | undefined;
  appToken?: string | undefined;
  apiUrl: string;
  /** Express app to mount `POST /slack/events` on (HTTP mode). */
  expressApp?: Application;
  /** Tests pass 0 retries so a failing fake does not stall them. */
  retries?: number;
}

export interface SlackAppDeps {
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

const ACTION_PATTERN = /^warden_(disable|restrict|not_mine|undo)$/;

/**
 * The Slack adapter: a Bolt app whose listeners acknowledge at once (Slack's 3-second rule), then
 * turn the request into a call to the shared core and render its answer. Nothing here decides
 * anything; `handleAction` and `runChatCommand` do.
 */
export function createSlackApp(options: SlackAppOptions, deps: SlackAppDeps) {
  const { db, logger } = deps;
  const clientOptions = {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: options.retries ?? 10 },
    rejectRateLimitedCalls: true,
  };
  const receiver =
    options.appToken === undefined
      ? new ExpressReceiver({
          signingSecret: options.signingSecret ?? "",
          endpoints: "/slack/events",
          ...(options.expressApp ? { app: options.expressApp } : {}),
        })
      : undefined;
  const app = new App({
    token: options.botToken,
    ...(receiver
      ? { receiver }
      : {
          appToken: options.appToken ?? "",
          socketMode: true,
          // The Socket Mode client makes its own Web API calls (apps.connections.open): point it
          // at SLACK_API_URL too (GovSlack, tests). Bolt hands it only installerOptions.clientOptions.
          installerOptions: { clientOptions: { slackApiUrl: options.apiUrl } },
        }),
    clientOptions,
    logLevel: LogLevel.ERROR,
  });

  let sealKey: Buffer | undefined;
  const modalKey = () => {
    sealKey ??= getOrCreateSecret(db, "slack.modal_seal_key");
    return sealKey;
  };

  /**
   * The acting user's email, normalised: cached while younger than WARDEN_USER_CACHE_HOURS, else
   * read again with users.info (needs users:read.email), so a user whose email changed in Slack
   * stops acting as the old address's owner. https://api.slack.com/methods/users.info
   */
  async function emailOf(userId: string): Promise<string | undefined> {
    const cached = getChatUserEmail(db, "slack", userId, { now: deps.now(), maxAgeMs: deps.userCacheMs });
    if (cached) return cached;
    try {
      const info = await app.client.users.info({ user: userId });
      const email = normalizeEmail(info.user?.profile?.email);
      if (email) saveChatUser(db, "slack", email, userId, deps.now());
      else forgetChatUser(db, "slack", userId);
      return email;
    } catch (error) {
      // Unknown to Slack now: nothing cached may resolve to them. Other failures (network, rate
      // limit) leave the cache alone; the click is refused as from a user without an email.
      if ((error as { data?: { error?: string } }).data?.error === "user_not_found") {
        forgetChatUser(db, "slack", userId);
      }
      logger.warn({ err: error, userId }, "could not read the Slack user's email");
      return undefined;
    }
  }

  /**
   * The person an admin picked as owner: email and display name from users.info (real_name, as
   * Slack shows it: https://api.slack.com/methods/users.info). Names are not cached, so this
   * asks Slack; when it cannot answer, the cached email is used and the owner is greeted by it.
   */
  async function pickedPerson(
    userId: string,
  ): Promise<{ email: string | undefined; name: string | undefined }> {
    try {
      const info = await app.client.users.info({ user: userId });
      const email = normalizeEmail(info.user?.profile?.email);
      if (email) saveChatUser(db, "slack", email, userId, deps.now());
      else forgetChatUser(db, "slack", userId);
      const name = info.user?.real_name || info.user?.profile?.real_name || info.user?.profile?.display_name;
      return { email, name: name || undefined };
    } catch (error) {
      logger.warn({ err: error, userId }, "could not read the picked Slack user's name");
      return { email: await emailOf(userId), name: undefined };
    }
  }

  app.command("/warden", async ({ ack, command, respond }) => {
    await ack();
    const email = await emailOf(command.user_id);
    const reply = runChatCommand(
      {
        db,
        now: deps.now,
        admins: deps.admins,
        logger,
        ...(deps.startScan ? { startScan: deps.startScan } : {}),
        ...(deps.lookup ? { lookup: deps.lookup } : {}),
      },
      command.text ?? "",
      email,
      { platform: "slack", id: command.user_id },
    );
    const rendered =
      reply.kind === "lookup"
        ? renderLookupBlocks(reply.view)
        : reply.kind === "score"
          ? renderDigestBlocks(reply.view)
          : reply.kind === "help"
            ? renderHelpBlocks()
            : noticeMessage(reply.notice);
    await respond({ response_type: "ephemeral", ...messageArgs(rendered) });
  });

  /** Updates the owner message in place after a decision on one of its accounts. */
  async function updateMessage(
    outboxId: number | undefined,
    channel: string | undefined,
    ts: string | undefined,
    result: ActionResult,
  ) {
    if (outboxId === undefined || !channel || !ts || !("decision" in result)) return;
    const view = recordDecisionInMessage(db, "slack", outboxId, result.decision);
    if (!view) return;
    const message = renderOwnerMessageBlocks(view, { messageId: outboxId, now: deps.now() });
    await app.client.chat.update({ channel, ts, ...messageArgs(message) });
  }

  async function act(
    body: { user: { id: string }; container?: { channel_id?: string; message_ts?: string } },
    request: Omit<ActionRequest, "actor" | "origin">,
    /** Shows `message` to the clicking user only. */
    tell: (message: SlackMessage) => Promise<unknown>,
  ) {
    const channel = body.container?.channel_id;
    const ts = body.container?.message_ts;
    const email = await emailOf(body.user.id);
    const result = await deps.handleAction({
      ...request,
      actor: { platform: "slack", id: body.user.id, email },
      origin: channel && ts ? { conversation: channel, message: ts } : undefined,
    });
    // Only the message the core verified the click came from, and only with its own decision.
    if (
      "decision" in result &&
      result.decision.outcome !== "pending" &&
      result.decision.messageId === request.payload.m
    ) {
      await updateMessage(result.decision.messageId, channel, ts, result);
    }
    if (result.status !== "done") {
      const current =
        result.status === "stale"
          ? renderLookupBlocks(buildLookup(db, request.payload.id)).blocks
          : undefined;
      await tell(noticeMessage(result.notice, current));
    }
    return result;
  }

  app.action(ACTION_PATTERN, async ({ ack, body, action, respond }) => {
    await ack();
    const payload = decodeActionPayload((action as { value?: string }).value);
    if (!payload || body.type !== "block_actions") return;
    await act(body as never, { payload }, (message) =>
      respond({ response_type: "ephemeral", replace_original: false, ...messageArgs(message) }),
    );
  });

  app.action("warden_keep", async ({ ack, body, action, client }) => {
    await ack();
    const payload = decodeActionPayload((action as { value?: string }).value);
    if (!payload || body.type !== "block_actions") return;
    const container = (body as { container?: { channel_id?: string; message_ts?: string } }).container;
    // The click's context rides in the modal, sealed: the submission comes back with it.
    const privateMetadata = seal(modalKey(), {
      payload,
      channel: container?.channel_id,
      ts: container?.message_ts,
      user: body.user.id,
    });
    await client.views.open({ trigger_id: body.trigger_id, view: renderKeepModal({ privateMetadata }) });
  });

  app.view("warden_keep", async ({ ack, body, view, client }) => {
    const values = view.state.values;
    const reason = values.reason?.reason?.value ?? "";
    if (reason.trim() === "") {
      await ack({ response_action: "errors", errors: { reason: "Say why the account should be kept." } });
      return;
    }
    await ack();
    const meta = unseal(modalKey(), view.private_metadata) as
      | { payload: unknown; channel?: string; ts?: string; user?: string }
      | undefined;
    const payload = decodeActionPayload(meta?.payload);
    if (!meta || !payload || meta.user !== body.user.id) {
      appendAudit(db, {
        at: deps.now(),
        event: "decision.invalid",
        actor: `slack:${body.user.id}`,
        detail: {
          action: "keep",
          reason: "modal metadata not sealed by warden, or submitted by another user",
        },
      });
      logger.warn({ user: body.user.id }, "refused a Keep modal whose metadata warden did not seal");
      return;
    }
    await act(
      {
        user: { id: body.user.id },
        container: {
          ...(meta.channel ? { channel_id: meta.channel } : {}),
          ...(meta.ts ? { message_ts: meta.ts } : {}),
        },
      },
      { payload, reason, keepDays: values.expiry?.expiry?.selected_option?.value },
      async (message) => {
        if (meta.channel)
          await client.chat.postEphemeral({
            channel: meta.channel,
            user: body.user.id,
            ...messageArgs(message),
          });
      },
    );
  });

  // Admin channel: a user picker assigns an owner to an account nobody reachable owns.
  app.action(ASSIGN_OWNER_ACTION_ID, async ({ ack, body, action, respond }) => {
    await ack();
    const target = parseAssignOwnerBlockId((action as { block_id?: string }).block_id ?? "");
    const picked = (action as { selected_user?: string }).selected_user;
    if (!target || !picked || body.type !== "block_actions") return;
    const email = await emailOf(body.user.id);
    const owner = await pickedPerson(picked);
    const outcome = assignOwner(db, {
      admins: deps.admins,
      actor: { platform: "slack", id: body.user.id, email },
      source: target.s,
      accountId: target.id,
      ownerEmail: owner.email,
      ownerName: owner.name,
      now: deps.now(),
    });
    await respond({
      response_type: "ephemeral",
      replace_original: false,
      ...messageArgs(noticeMessage(outcome.notice)),
    });
  });

  return { app, receiver, client: app.client };
}
