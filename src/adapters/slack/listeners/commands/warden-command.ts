import type { App } from "@slack/bolt";
import { runChatCommand } from "../../../../chat/run-chat-command.js";
import {
  renderDigestBlocks,
  renderHelpBlocks,
  renderLookupBlocks,
  renderMineBlocks,
} from "../../render/index.js";
import { messageArgs, noticeMessage } from "../../render/slack-message.js";
import type { SlackListenerContext } from "../listener-context.js";

/**
 * `/warden <text>`: acknowledged at once, then answered privately (ephemeral) with what
 * runChatCommand decided. https://docs.slack.dev/tools/bolt-js/concepts/commands
 */
export function registerWardenCommand(app: App, ctx: SlackListenerContext): void {
  app.command("/warden", async ({ ack, command, respond }) => {
    await ack();
    const email = await ctx.emailOf(command.user_id);
    const reply = await runChatCommand(
      {
        store: ctx.store,
        now: ctx.now,
        admins: ctx.admins,
        logger: ctx.logger,
        ...(ctx.startScan ? { startScan: ctx.startScan } : {}),
        ...(ctx.lookup ? { lookup: ctx.lookup } : {}),
        ticketMode: ctx.ticketMode,
      },
      command.text ?? "",
      email,
      { platform: "slack", id: command.user_id },
    );
    const rendered =
      reply.kind === "lookup"
        ? renderLookupBlocks(reply.view)
        : reply.kind === "mine"
          ? renderMineBlocks(reply.view, { now: ctx.now() })
          : reply.kind === "score"
            ? renderDigestBlocks(reply.view)
            : reply.kind === "help"
              ? renderHelpBlocks()
              : noticeMessage(reply.notice);
    await respond({ response_type: "ephemeral", ...messageArgs(rendered) });
  });
}
