import type { CloudAdapter, ConversationReference, TurnContext } from "botbuilder";

/**
 * Runs `logic` in a proactive turn in the conversation of `reference` (continueConversationAsync)
 * and returns its value. Errors are carried out of the turn by hand: the adapter's onTurnError
 * would otherwise log and swallow them, and a caller would take a refused send for a sent one.
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages
 */
export async function runProactiveTurn<T>(
  adapter: CloudAdapter,
  appId: string,
  reference: Partial<ConversationReference>,
  logic: (context: TurnContext) => Promise<T>,
): Promise<T> {
  let outcome: { value: T } | { error: unknown } | undefined;
  await adapter.continueConversationAsync(appId, reference, async (context) => {
    try {
      outcome = { value: await logic(context) };
    } catch (error) {
      outcome = { error };
    }
  });
  if (outcome === undefined) throw new Error("the Teams turn did not run");
  if ("error" in outcome) throw outcome.error;
  return outcome.value;
}
