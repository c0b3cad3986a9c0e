import type { Database } from "better-sqlite3";
import type { MachineIdentity } from "../core/model.js";
import { getOwnerOverride } from "../store/owner-overrides.js";
import type { OwnerOfRecord } from "./can-act-on.js";

/** The account's owner of record as canActOn takes it: the owner assigned in chat, and the source's. */
export function ownerOfRecord(
  db: Database,
  account: Pick<MachineIdentity, "source" | "id" | "owner">,
): OwnerOfRecord {
  return {
    assignedOwnerEmail: getOwnerOverride(db, account.source, account.id),
    sourceOwnerEmail: account.owner?.email,
  };
}
