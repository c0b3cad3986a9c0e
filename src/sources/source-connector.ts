import type { AccountValues, Inventory, SourceAttributes } from "../core/model.js";

export type { AccountValues } from "../core/model.js";

/** Progress of a long collection, for the CLI's progress line. */
export interface CollectProgress {
  phase: string;
  /** Items done in this phase, where countable. */
  done?: number;
}

export interface CollectOptions {
  now: Date;
  dormantDays: number;
  onProgress?: (progress: CollectProgress) => void;
}

/** One account as remediation re-reads it from the source. */
export interface AccountState {
  id: string;
  userName: string;
  values: AccountValues;
}

/**
 * What warden asks a source to do to an account; the connector maps it onto its own writes
 * (ServiceNow's disable is `active=false, locked_out=true`). `restore` puts recorded values back
 * (an Undo restores exactly the fields the undone intent wrote, see intentFields).
 */
export type AccountIntent =
  | { kind: "disable" }
  | { kind: "restrict_to_api" }
  /**
   * Delete the credentials (secrets, certificates) that are expired when the account is re-read
   * before the write, and only those; not reversible (a deleted secret cannot be brought back).
   * Only sources that list credentials have it (Entra); others answer undefined.
   */
  | { kind: "remove_expired_credentials" }
  /**
   * Delete the privileged roles granted directly to the account (not the inherited ones, which
   * its groups would grant again), as re-read before the write. Only ServiceNow has it.
   */
  | { kind: "remove_privileged_roles" }
  /** Deny the account Basic auth in the source's per-account decision, where it has one (ServiceNow). */
  | { kind: "block_basic_auth" }
  | { kind: "restore"; values: AccountValues };

export type AccountIntentKind = AccountIntent["kind"];

/**
 * What warden needs from a source system: collect the inventory with its signals, re-read one
 * account, and apply an intent to it. ServiceNow is the first implementation; connectors are
 * looked up by source name (connector-registry.ts).
 */
export interface SourceConnector {
  /** The source name its accounts, findings and scans are stored under, e.g. "servicenow". */
  readonly name: string;
  /** The kind of source (two instances of one kind share it): which settings and rules apply. */
  readonly kind: SourceAttributes["kind"];
  collectInventory(options: CollectOptions): Promise<Inventory>;
  /** Re-reads one account by its id; undefined when it no longer exists (or is hidden). */
  readAccount(id: string): Promise<AccountState | undefined>;
  /**
   * The values an intent leaves the account in: an account already holding them is not written
   * again, and a write is checked against them. Undefined when this source has no such write
   * (e.g. no "restrict to API" for an account that never logs in interactively).
   */
  intendedValues(intent: AccountIntent): AccountValues | undefined;
  /**
   * `values` under the source's own field names, as a ticket asking for the change should name
   * them (ServiceNow: locked_out, not lockedOut). Absent: warden's names are the source's.
   */
  sourceFields?(values: AccountValues): Record<string, string>;
  /** Writes the intent and returns the state read back after it. */
  apply(id: string, intent: AccountIntent): Promise<AccountState | undefined>;
  /** HTTP requests made so far. */
  readonly requestCount: number;
}
