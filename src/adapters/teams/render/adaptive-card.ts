import type { ActionPayload } from "../../../actions/action-payload.js";

/**
 * The subset of Adaptive Card 1.5 warden sends to Teams, as plain JSON types (no SDK needed).
 * Teams supports cards up to 1.5 from bots (msteams-docs cards-reference.md).
 */
export type CardElement = TextBlock | FactSet | Container | ActionSet | InputText | InputChoiceSet;
export type CardAction = ExecuteAction | SubmitAction | ShowCardAction;

declare const escaped: unique symbol;
/**
 * Card markdown whose data is escaped: only the helpers of card-text.ts (`textBlock`, `fact`)
 * make it, so a TextBlock or fact cannot be written with raw data by mistake.
 */
export type SafeMarkdown = string & { readonly [escaped]: true };

export interface TextBlock {
  type: "TextBlock";
  text: SafeMarkdown;
  wrap?: boolean;
  weight?: "default" | "lighter" | "bolder";
  size?: "small" | "default" | "medium" | "large" | "extraLarge";
  color?: "default" | "dark" | "light" | "accent" | "good" | "warning" | "attention";
  isSubtle?: boolean;
  spacing?: "none" | "small" | "default" | "medium" | "large" | "extraLarge" | "padding";
  separator?: boolean;
}

export interface FactSet {
  type: "FactSet";
  facts: { title: SafeMarkdown; value: SafeMarkdown }[];
}

export interface Container {
  type: "Container";
  items: CardElement[];
  style?: "default" | "emphasis" | "good" | "attention" | "warning" | "accent";
  separator?: boolean;
  spacing?: TextBlock["spacing"];
}

export interface ActionSet {
  type: "ActionSet";
  actions: CardAction[];
}

export interface InputText {
  type: "Input.Text";
  id: string;
  label?: string;
  placeholder?: string;
  isRequired?: boolean;
  errorMessage?: string;
  isMultiline?: boolean;
  maxLength?: number;
  style?: "text" | "tel" | "url" | "email";
  regex?: string;
}

export interface InputChoiceSet {
  type: "Input.ChoiceSet";
  id: string;
  label?: string;
  value?: string;
  style?: "compact" | "expanded";
  /** Several choices; the value comes back as the picked values joined by commas. */
  isMultiSelect?: boolean;
  isRequired?: boolean;
  errorMessage?: string;
  choices: { title: string; value: string }[];
}

/** Data an action carries: the ActionPayload itself, or for owner assignment the account. */
export type ActionData =
  | ActionPayload
  | { s: string; id: string; m?: number }
  | { bulk: true; m: number }
  /** An access review's "Still needed for all…": the bulk form with its action and accounts set. */
  | { bulk: true; m: number; "bulk.action": "certify"; "bulk.accounts": string }
  | MineCardData;
/** The `mine` card's own buttons: which page to show (the filters come with the card's inputs). */
export interface MineCardData {
  mine: number;
}

export interface SubmitAction {
  type: "Action.Submit";
  title: string;
  data: ActionData;
}

/** Universal Action; Teams clients that lack it (cards < 1.4 hosts) use the Submit `fallback`. */
export interface ExecuteAction {
  type: "Action.Execute";
  title: string;
  verb: string;
  data: ActionData;
  /** "destructive" shows the button in red (https://adaptivecards.io/explorer/Action.Execute.html). */
  style?: "default" | "positive" | "destructive";
  fallback?: SubmitAction;
}

export interface ShowCardAction {
  type: "Action.ShowCard";
  title: string;
  /** As on Action.Execute: "positive" marks the recommended fix (https://adaptivecards.io/explorer/Action.ShowCard.html). */
  style?: "default" | "positive" | "destructive";
  card: { type: "AdaptiveCard"; body: CardElement[]; actions?: CardAction[] };
}

/** The card sent as `application/vnd.microsoft.card.adaptive` attachment content. */
export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: "1.5";
  body: CardElement[];
  actions?: CardAction[];
  /** Teams' extensions: the mention entities that `<at>…</at>` texts of the card refer to. */
  msteams?: { entities?: MentionEntity[] };
}

/** A user mentioned in a card: `text` appears in a TextBlock; `mentioned.id` is their Teams id. */
export interface MentionEntity {
  type: "mention";
  text: string;
  mentioned: { id: string; name: string };
}

/** Limits warden keeps to. */
export const ADAPTIVE_CARD_LIMITS = {
  version: "1.5",
  /**
   * Teams takes 100 KB per bot message; 28 KB (UTF-8 bytes of the JSON) is what Power Automate
   * allows and leaves room for the activity around the card (chat.md §9), so we design for it.
   */
  maxBytes: 28 * 1024,
} as const;

export const ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";

/** A version 1.5 card around `body` (and card-level `actions` when there are any). */
export function createCard(body: CardElement[], actions: CardAction[] = []): AdaptiveCard {
  const card: AdaptiveCard = { type: "AdaptiveCard", $schema: ADAPTIVE_CARD_SCHEMA, version: "1.5", body };
  if (actions.length > 0) card.actions = actions;
  return card;
}

/** Size of a card (or part of one) as Teams receives it: UTF-8 bytes of its JSON. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}
