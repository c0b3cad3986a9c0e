import type { MachineIdentity } from "../core/model.js";
import type { Repositories } from "../store/store.js";
import type { OwnerOfRecord } from "./can-act-on.js";

/** The account's owner of record as canActOn takes it: the owner assigned in chat, and the source's. */
export async function ownerOfRecord(
  store: Pick<Repositories, "ownerOverrides">,
  account: Pick<MachineIdentity, "source" | "id" | "owner">,
): Promise<OwnerOfRecord> {
  return {
    assignedOwnerEmail: await store.ownerOverrides.getOwnerOverride(account.source, account.id),
    sourceOwnerEmail: account.owner?.email,
  };
}
