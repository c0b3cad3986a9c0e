import {
  CardFactory,
  type MessagingExtensionQuery,
  type MessagingExtensionResponse,
  type TurnContext,
} from "botbuilder";
import { answerLookup } from "../../../chat/answer-lookup.js";
import { parseLookupQuery } from "../../../chat/parse-lookup-query.js";
import { renderLookupCard } from "../render/index.js";
import type { TeamsHandlerContext } from "./handler-context.js";

/** The search command's id and its one parameter, as in manifests/teams/manifest.json. */
export const SEARCH_COMMAND = { id: "lookup", parameter: "account" } as const;

const message = (text: string): MessagingExtensionResponse => ({
  composeExtension: { type: "message", text },
});

/**
 * The search message extension (composeExtension/query): the account typed is looked up under the
 * same privacy rule as the `lookup` command (WARDEN_LOOKUP; by default only its owner and admins
 * see it, a refusal is audited), and answered as one result card; an account not found lists the
 * suggestions the asker may see. Teams wants the answer within 5 seconds: the store alone is read.
 * https://learn.microsoft.com/en-us/microsoftteams/platform/messaging-extensions/how-to/search-commands/respond-to-search
 */
export async function onSearchQuery(
  ctx: TeamsHandlerContext,
  context: TurnContext,
  query: MessagingExtensionQuery,
): Promise<MessagingExtensionResponse> {
  const typed = query.parameters?.find((p) => p.name === SEARCH_COMMAND.parameter)?.value;
  const parsed = parseLookupQuery(typeof typed === "string" ? typed : "");
  if (!parsed.ok) {
    return message(
      parsed.reason === "empty" ? "Type an account's user name, sys_id or app id." : parsed.notice,
    );
  }
  const reply = await answerLookup(
    { store: ctx.store, now: ctx.now, admins: ctx.admins, access: ctx.lookup, logger: ctx.logger },
    parsed.query,
    { email: await ctx.emailOf(context), platform: "teams", id: context.activity.from.id },
  );
  if (reply.kind !== "lookup") return message("notice" in reply ? reply.notice : "Nothing found.");
  const { view } = reply;
  if (!view.found && view.suggestions.length === 0) return message(`No account matches ${parsed.query}.`);
  const preview = (title: string, text: string) => CardFactory.thumbnailCard(title, text);
  const attachments = view.found
    ? [
        {
          ...CardFactory.adaptiveCard(renderLookupCard(view)),
          preview: preview(view.identity.userName, `${view.openFindings.length} open findings`),
        },
      ]
    : view.suggestions.slice(0, 10).map((name) => ({
        ...CardFactory.adaptiveCard(renderLookupCard({ ...view, suggestions: [name] })),
        preview: preview(name, "Did you mean this account? Send lookup to warden for it."),
      }));
  return { composeExtension: { type: "result", attachmentLayout: "list", attachments } };
}
