import { ASSIGN_OWNER_ACTION_ID } from "../../../actions/action-payload.js";

export { ASSIGN_OWNER_ACTION_ID };

/** The account an owner picker belongs to; `m` is the outbox id of the admin message. */
export interface AssignOwnerTarget {
  s: string;
  id: string;
  m?: number | undefined;
}

const PREFIX = `${ASSIGN_OWNER_ACTION_ID}:`;

/**
 * A `users_select` has no `value`, so the account it assigns travels in its block's `block_id`:
 * "warden_assign_owner:{"s":"servicenow","id":"…"}". Undefined when it would pass Slack's 255
 * characters (the picker is then left out and the admin uses the command line).
 */
export function assignOwnerBlockId(target: AssignOwnerTarget): string | undefined {
  const json = JSON.stringify(target.m === undefined ? { s: target.s, id: target.id } : target);
  const blockId = `${PREFIX}${json}`;
  return blockId.length <= 255 ? blockId : undefined;
}

/** Reads a block_id made by `assignOwnerBlockId`; undefined for anything else. */
export function parseAssignOwnerBlockId(blockId: string): AssignOwnerTarget | undefined {
  if (!blockId.startsWith(PREFIX)) return undefined;
  try {
    const p = JSON.parse(blockId.slice(PREFIX.length)) as Record<string, unknown>;
    if (typeof p.s !== "string" || typeof p.id !== "string") return undefined;
    return { s: p.s, id: p.id, m: typeof p.m === "number" ? p.m : undefined };
  } catch {
    return undefined;
  }
}
