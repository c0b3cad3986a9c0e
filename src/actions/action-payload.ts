import { type ActionKind, isActionKind } from "../actions/action-registry.js";
import { assignOwnerControl } from "../actions/assign-owner.js";
import type { RuleName } from "../core/model.js";

// The action facts live in src/actions/; re-exported for the renderers and listeners.
export { ACTION_IDS, type ActionKind } from "../actions/action-registry.js";

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
  /**
   * The access review campaign the message asks about the account in: its answer does not depend on
   * the findings shown, so such a click is never stale because they changed.
   */
  c?: number | undefined;
}

/** Slack action_id / Teams verb of the admin channel's "assign an owner" control. */
export const ASSIGN_OWNER_ACTION_ID = assignOwnerControl.id;

export function encodeActionPayload(payload: ActionPayload): string {
  return JSON.stringify(payload);
}

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
  if (!isActionKind(p.a) || typeof p.s !== "string" || typeof p.id !== "string") {
    return undefined;
  }
  if (!Array.isArray(p.r) || !p.r.every((r) => typeof r === "string")) return undefined;
  return {
    a: p.a,
    s: p.s,
    id: p.id,
    r: p.r as RuleName[],
    m: typeof p.m === "number" ? p.m : undefined,
    d: typeof p.d === "number" ? p.d : undefined,
    c: typeof p.c === "number" ? p.c : undefined,
  };
}
