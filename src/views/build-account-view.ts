import type { Database } from "better-sqlite3";
import { findAccount } from "../store/accounts.js";
import { listOpenFindings } from "../store/findings.js";
import { type OwnerAccountView, toOwnerAccountView } from "./build-owner-messages.js";

/** One account with its open findings, as owner and admin messages show it. */
export function buildAccountView(
  db: Database,
  source: string,
  accountId: string,
): OwnerAccountView | undefined {
  const stored = findAccount(db, source, accountId);
  if (!stored) return undefined;
  return toOwnerAccountView(stored.identity, listOpenFindings(db, { source, accountId }));
}
