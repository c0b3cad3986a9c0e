import { ADAPTIVE_CARD_LIMITS, jsonBytes } from "./adaptive-card.js";

type Json = Record<string, unknown>;

/** Element and action types of Adaptive Cards 1.5 (adaptivecards.io schema explorer). */
const ELEMENTS = new Set([
  "TextBlock",
  "RichTextBlock",
  "Image",
  "ImageSet",
  "Media",
  "Container",
  "ColumnSet",
  "Column",
  "FactSet",
  "ActionSet",
  "Table",
  "Input.Text",
  "Input.Number",
  "Input.Date",
  "Input.Time",
  "Input.Toggle",
  "Input.ChoiceSet",
]);
const ACTIONS = new Set([
  "Action.OpenUrl",
  "Action.Submit",
  "Action.ShowCard",
  "Action.ToggleVisibility",
  "Action.Execute",
]);

/** Parses a card with a real Adaptive Cards library and returns its complaints (see tests). */
export type AdaptiveCardParser = (card: unknown) => string[];

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * Lists what is wrong with a card warden is about to send to Teams: not version "1.5", over the
 * 28 KB budget, element or action types 1.5 lacks, an Action.Execute without verb or title, a
 * TextBlock without text, duplicate or missing input ids, a required input without error message.
 * `options.parse` adds a real parser's complaints (tests pass the `adaptivecards` package, which is
 * a dev dependency, so production code does not load it). Empty when the card is fine.
 */
export function checkAdaptiveCard(card: unknown, options: { parse?: AdaptiveCardParser } = {}): string[] {
  const problems: string[] = [];
  if (!isObject(card)) return ["card: not an object"];
  if (card.type !== "AdaptiveCard") problems.push(`card.type: "${String(card.type)}" is not AdaptiveCard`);
  if (card.version !== ADAPTIVE_CARD_LIMITS.version) {
    problems.push(`card.version: "${String(card.version)}" is not ${ADAPTIVE_CARD_LIMITS.version}`);
  }
  const bytes = jsonBytes(card);
  if (bytes > ADAPTIVE_CARD_LIMITS.maxBytes)
    problems.push(`card: ${bytes} bytes > ${ADAPTIVE_CARD_LIMITS.maxBytes}`);

  const ids = new Set<string>();
  const checkAction = (where: string, action: unknown) => {
    if (!isObject(action)) {
      problems.push(`${where}: not an object`);
      return;
    }
    if (typeof action.type !== "string" || !ACTIONS.has(action.type)) {
      problems.push(`${where}: action type "${String(action.type)}" is not in Adaptive Cards 1.5`);
      return;
    }
    if (typeof action.title !== "string" || action.title === "") problems.push(`${where}: no title`);
    if (action.type === "Action.Execute") {
      if (typeof action.verb !== "string" || action.verb === "")
        problems.push(`${where}: Action.Execute without verb`);
      if (action.fallback !== undefined) {
        if (!isObject(action.fallback) || action.fallback.type !== "Action.Submit") {
          problems.push(`${where}.fallback: not an Action.Submit`);
        } else checkAction(`${where}.fallback`, action.fallback);
      }
    }
    if (action.type === "Action.ShowCard") {
      if (!isObject(action.card)) problems.push(`${where}: Action.ShowCard without card`);
      else checkCard(`${where}.card`, action.card);
    }
  };
  const checkElement = (where: string, element: unknown) => {
    if (!isObject(element)) {
      problems.push(`${where}: not an object`);
      return;
    }
    const type = element.type;
    if (typeof type !== "string" || !ELEMENTS.has(type)) {
      problems.push(`${where}: element type "${String(type)}" is not in Adaptive Cards 1.5`);
      return;
    }
    if (type === "TextBlock" && (typeof element.text !== "string" || element.text === "")) {
      problems.push(`${where}: TextBlock without text`);
    }
    if (type.startsWith("Input.")) {
      if (typeof element.id !== "string" || element.id === "") problems.push(`${where}: input without id`);
      if (element.isRequired === true && typeof element.errorMessage !== "string") {
        problems.push(`${where}: required input without errorMessage`);
      }
    }
    if (typeof element.id === "string") {
      if (ids.has(element.id)) problems.push(`${where}: duplicate id "${element.id}"`);
      ids.add(element.id);
    }
    if (type === "FactSet" && list(element.facts).length === 0)
      problems.push(`${where}: FactSet without facts`);
    for (const [i, e] of list(element.items).entries()) checkElement(`${where}.items[${i}]`, e);
    for (const [i, e] of list(element.columns).entries()) checkElement(`${where}.columns[${i}]`, e);
    for (const [i, a] of list(element.actions).entries()) checkAction(`${where}.actions[${i}]`, a);
  };
  const checkCard = (where: string, c: Json) => {
    for (const [i, e] of list(c.body).entries()) checkElement(`${where}.body[${i}]`, e);
    for (const [i, a] of list(c.actions).entries()) checkAction(`${where}.actions[${i}]`, a);
  };
  if (!Array.isArray(card.body)) problems.push("card.body: not an array");
  checkCard("card", card);
  if (options.parse) problems.push(...options.parse(card).map((p) => `adaptivecards: ${p}`));
  return problems;
}
