import type { Inventory } from "../core/model.js";

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

/** The state of an account that remediation reads and writes. */
export interface AccountState {
  id: string;
  userName: string;
  active: boolean;
  lockedOut: boolean;
  webServiceAccessOnly: boolean;
}

export type AccountStateChange = Partial<Pick<AccountState, "active" | "lockedOut" | "webServiceAccessOnly">>;

/**
 * What warden needs from a source system: collect the inventory with its signals, and read and
 * change one account's state for remediation. ServiceNow is the first implementation.
 */
export interface SourceConnector {
  readonly name: string;
  collectInventory(options: CollectOptions): Promise<Inventory>;
  /** Re-reads one account by its id; undefined when it no longer exists (or is hidden). */
  readAccount(id: string): Promise<AccountState | undefined>;
  /** Finds an account by its exact user name, compared literally. */
  findAccountByName(userName: string): Promise<AccountState | undefined>;
  /** Writes a state change and returns the state read back after it. */
  changeAccount(id: string, change: AccountStateChange): Promise<AccountState | undefined>;
  /** HTTP requests made so far. */
  readonly requestCount: number;
}
