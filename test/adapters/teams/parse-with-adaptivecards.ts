import * as AC from "adaptivecards";

/**
 * Parses and validates a card with Microsoft's `adaptivecards` package (3.0.6, dev dependency)
 * and returns its complaints, e.g. "DuplicateId: Duplicate Id "reason".". No DOM is needed for
 * parse + validateProperties. Its `main` is ESM with extension-less imports that plain Node
 * cannot load, and the UMD bundle (dist/adaptivecards.js) is not in this install's dist/; vitest (vite)
 * resolves those imports, so this helper only runs under vitest.
 */
export function parseWithAdaptiveCards(json: unknown): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  for (const event of card.validateProperties().validationEvents) {
    problems.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  return problems;
}
