import type { App } from "@slack/bolt";
import type { View } from "@slack/types";
import { type ActionPayload, decodeActionPayload } from "../../../../actions/action-payload.js";
import { certify } from "../../../../actions/certify.js";
import { keep } from "../../../../actions/keep.js";
import { sourceTitle } from "../../../../messages/describe-usage.js";
import { seal } from "../../../../remediation/seal.js";
import { renderCertifyModal } from "../../render-certify-modal.js";
import { renderKeepModal } from "../../render-keep-modal.js";
import type { SlackListenerContext } from "../listener-context.js";

/** The modal each button that asks why first opens (the actions with `asksReason`). */
const REASON_MODALS: Record<
  typeof keep.id | typeof certify.id,
  (ctx: SlackListenerContext, payload: ActionPayload, privateMetadata: string) => Promise<View>
> = {
  [keep.id]: async (ctx, payload, privateMetadata) => {
    const stored = await ctx.store.accounts.findAccount(payload.s, payload.id);
    const account = stored && {
      userName: stored.identity.userName,
      name: stored.identity.name,
      sourceTitle: sourceTitle(stored.identity),
      rules: payload.r,
    };
    return renderKeepModal({ privateMetadata, account });
  },
  [certify.id]: async (ctx, payload, privateMetadata) => {
    const stored = await ctx.store.accounts.findAccount(payload.s, payload.id);
    const campaign =
      payload.c === undefined ? undefined : await ctx.store.reviews.getReviewCampaign(payload.c);
    const account = stored && {
      userName: stored.identity.userName,
      name: stored.identity.name,
      sourceTitle: sourceTitle(stored.identity),
      review: campaign && { id: campaign.id, dueAt: campaign.dueAt },
    };
    return renderCertifyModal({ privateMetadata, account });
  },
};

/** The action_ids whose button opens a modal first (the decide listener takes every other one). */
export const REASON_MODAL_ACTION_IDS: readonly string[] = Object.keys(REASON_MODALS);

const actionKind: Record<string, ActionPayload["a"]> = { [keep.id]: keep.kind, [certify.id]: certify.kind };

/**
 * Keep… and Still needed… open a modal that asks why (and, for Keep, for how long); the click's
 * context rides in the modal, sealed, and comes back with the submission
 * (views/submit-reason-modal.ts). https://docs.slack.dev/surfaces/modals
 */
export function registerOpenReasonModal(app: App, ctx: SlackListenerContext): void {
  for (const [actionId, render] of Object.entries(REASON_MODALS)) {
    app.action(actionId, async ({ ack, body, action }) => {
      await ack();
      const payload = decodeActionPayload((action as { value?: string }).value);
      // The button's own action only: a value naming another action is not a Keep or a Still needed.
      if (!payload || body.type !== "block_actions" || payload.a !== actionKind[actionId]) return;
      const container = (body as { container?: { channel_id?: string; message_ts?: string } }).container;
      const view = (body as { view?: { type?: string; private_metadata?: string } }).view;
      const privateMetadata = seal(await ctx.modalKey(), {
        payload,
        channel: container?.channel_id,
        ts: container?.message_ts,
        user: body.user.id,
        // From the Home tab: its page and filter, to publish it again after the decision.
        ...(view?.type === "home" ? { home: view.private_metadata ?? "" } : {}),
      });
      // Indexed reads only (the trigger id lasts 3 seconds): the modal names the account it is about.
      await ctx.client.views.open({
        trigger_id: body.trigger_id,
        view: await render(ctx, payload, privateMetadata),
      });
    });
  }
}
