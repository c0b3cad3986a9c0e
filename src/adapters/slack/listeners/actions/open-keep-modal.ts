import type { App } from "@slack/bolt";
import { decodeActionPayload } from "../../../../actions/action-payload.js";
import { keep } from "../../../../actions/keep.js";
import { sourceTitle } from "../../../../messages/describe-usage.js";
import { seal } from "../../../../remediation/seal.js";
import { renderKeepModal } from "../../render-keep-modal.js";
import type { SlackListenerContext } from "../listener-context.js";

/**
 * The Keep… button opens the modal that asks why and for how long; the click's context rides in
 * the modal, sealed, and comes back with the submission (views/submit-keep-modal.ts).
 * https://docs.slack.dev/surfaces/modals
 */
export function registerOpenKeepModal(app: App, ctx: SlackListenerContext): void {
  app.action(keep.id, async ({ ack, body, action }) => {
    await ack();
    const payload = decodeActionPayload((action as { value?: string }).value);
    if (!payload || body.type !== "block_actions") return;
    const container = (body as { container?: { channel_id?: string; message_ts?: string } }).container;
    const view = (body as { view?: { type?: string; private_metadata?: string } }).view;
    const privateMetadata = seal(await ctx.modalKey(), {
      payload,
      channel: container?.channel_id,
      ts: container?.message_ts,
      user: body.user.id,
      // From the Home tab: its page and filter, to publish it again after the Keep.
      ...(view?.type === "home" ? { home: view.private_metadata ?? "" } : {}),
    });
    // One indexed read (the trigger id lasts 3 seconds): the modal names the account it keeps.
    const stored = await ctx.store.accounts.findAccount(payload.s, payload.id);
    const account = stored && {
      userName: stored.identity.userName,
      name: stored.identity.name,
      sourceTitle: sourceTitle(stored.identity),
      rules: payload.r,
    };
    await ctx.client.views.open({
      trigger_id: body.trigger_id,
      view: renderKeepModal({ privateMetadata, account }),
    });
  });
}
