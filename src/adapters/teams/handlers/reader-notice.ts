import type { TurnContext } from "botbuilder";
import { plainRichText, type RichText } from "../../../messages/rich-text.js";
import type { TeamsHandlerContext } from "./handler-context.js";

/**
 * A notice as the person who clicked reads it: a plain-text answer renders no DATE/TIME function,
 * so a notice naming a time (its `noticeParts`) is written in their time zone, named; else, and
 * when no zone is known for them, as the core wrote it (UTC, saying so).
 */
export async function readerNotice(
  ctx: Pick<TeamsHandlerContext, "timeZoneOf">,
  context: TurnContext,
  result: { notice: string; noticeParts?: RichText | undefined },
): Promise<string> {
  if (!result.noticeParts) return result.notice;
  return plainRichText(result.noticeParts, { timeZone: await ctx.timeZoneOf(context) });
}
