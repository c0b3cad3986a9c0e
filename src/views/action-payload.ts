import type { RuleName } from "../core/model.js";

/** What an owner (or admin) can do from a chat button. */
export type ActionKind = "disable" | "restrict" | "keep" | "not_mine" | "undo";

/**
 * What a button carries, the same on Slack (button `value`) and Teams (Action.Execute / Submit
 * `data`). Compact, because Slack allows 2,000 characters per value.
 */
export interface ActionPayload {
  /** The action. */
  a: ActionKind;
  /** Source and account id, e.g. "servicenow" and a sys_id. */
  s: string;
  id: string;
  /** The rules the message showed for this account: a click on a stale message is detected with them. */
  r: RuleName[];
  /** The message the button belongs to (outbox id), so a second click on it is recognised. */
  m?: number | undefined;
  /** For undo: the decision it reverses. */
  d?: number | undefined;
}

/** Slack action_id / Teams verb for each action: stable, they appear in stored messages. */
export const ACTION_IDS: Readonly<Record<ActionKind, string>> = {
  disable: "warden_disable",
  restrict: "warden_restrict",
  keep: "warden_keep",
  not_mine: "warden_not_mine",
  undo: "warden_undo",
};

/** Slack action_id / Teams verb of the admin channel's "assign an owner" control. */
export const ASSIGN_OWNER_ACTION_ID = "warden_assign_owner";

export function encodeActionPayload(payload: ActionPayload): string {
  return JSON.stringify(payload);
}

const KINDS = new Set<string>(Object.keys(ACTION_IDS));

/** Parses a button value; undefined for anything that is not a payload warden made. */
export function decodeActionPayload(value: unknown): ActionPayload | undefined {
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (parsed === null || typeof parsed !== "object") return undefined;
  const p = parsed as Record<string, unknown>;
  if (typeof p.a !== "string" || !KINDS.has(p.a) || typeof p.s !== "string" || typeof p.id !== "string") {
    return undefined;
  }
  if (!Array.isArray(p.r) || !p.r.every((r) => typeof r === "string")) return undefined;
  return {
    a: p.a as ActionKind,
    s: p.s,
    id: p.id,
    r: p.r as RuleName[],
    m: typeof p.m === "number" ? p.m : undefined,
    d: typeof p.d === "number" ? p.d : undefined,
  };
}
