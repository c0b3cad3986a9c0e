import type { Database } from "better-sqlite3";
import { findAccount } from "../store/accounts.js";
import { listOpenFindings } from "../store/findings.js";
import { type OwnerAccountView, toOwnerAccountView } from "../views/build-owner-messages.js";

/** One account as the admin channel shows it when its owner says "not mine". */
export function buildUnownedView(
  db: Database,
  source: string,
  accountId: string,
): OwnerAccountView | undefined {
  const stored = findAccount(db, accountId);
  if (!stored || stored.identity.source !== source) return undefined;
  return toOwnerAccountView(stored.identity, listOpenFindings(db, { source, accountId }));
}
