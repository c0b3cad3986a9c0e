import type { Database } from "better-sqlite3";
import type { MachineIdentity } from "../core/model.js";
import { findAccount, suggestAccounts } from "../store/accounts.js";
import { type DecisionSummary, listAccountDecisions } from "../store/decisions.js";
import { listAccountFindings, type StoredFinding } from "../store/findings.js";

export type LookupView =
  | {
      found: true;
      identity: MachineIdentity;
      firstSeenAt: Date;
      lastSeenAt: Date;
      openFindings: StoredFinding[];
      resolvedFindings: StoredFinding[];
      decisions: DecisionSummary[];
    }
  | { found: false; query: string; suggestions: string[] };

/** One account by sys_id or user name (matched literally), with its findings and decisions. */
export function buildLookup(db: Database, query: string): LookupView {
  const account = findAccount(db, query.trim());
  if (!account) return { found: false, query, suggestions: suggestAccounts(db, query.trim()) };
  const { identity } = account;
  const findings = listAccountFindings(db, identity.source, identity.id);
  const decisions = listAccountDecisions(db, identity.source, identity.id);
  return {
    found: true,
    identity,
    firstSeenAt: account.firstSeenAt,
    lastSeenAt: account.lastSeenAt,
    openFindings: findings.filter((f) => !f.resolvedAt),
    resolvedFindings: findings.filter((f) => f.resolvedAt),
    decisions,
  };
}
