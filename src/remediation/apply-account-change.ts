import type { AccountIntent, AccountValues, SourceConnector } from "../sources/source-connector.js";
import type { DecisionOutcome } from "../store/decisions.js";
import { satisfies } from "./account-change.js";

/** How a change to the source ended, as the decision records it. */
export interface ChangeOutcome {
  outcome: Exclude<DecisionOutcome, "pending">;
  before?: AccountValues | undefined;
  after?: AccountValues | undefined;
  error?: string | undefined;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Re-reads the account, then applies `intent` at most once, and says what the source really holds.
 * `recordBefore` stores the values read before the write is sent (so a crash in between can be
 * resolved from the source later); `requires` is a state the account must still be in (an Undo
 * only reverses a decision whose result nobody has changed since). A write that fails without a
 * clear answer (timeout, reset, 5xx) is never sent again: the account is re-read and the outcome
 * follows from what the source shows. What the intent writes is the connector's business
 * (`intendedValues`): warden only compares values.
 */
export async function applyAccountChange(
  connector: SourceConnector,
  accountId: string,
  intent: AccountIntent,
  options: {
    dryRun: boolean;
    requires?: AccountValues | undefined;
    recordBefore: (before: AccountValues) => Promise<void>;
  },
): Promise<ChangeOutcome> {
  const change = connector.intendedValues(intent);
  if (!change) return { outcome: "failed", error: `${connector.name} has no way to do that to this account` };
  let current: Awaited<ReturnType<SourceConnector["readAccount"]>>;
  try {
    current = await connector.readAccount(accountId);
  } catch (error) {
    return { outcome: "failed", error: `could not read the account first: ${messageOf(error)}` };
  }
  if (!current) return { outcome: "failed", error: "the account no longer exists in the source" };
  const before = current.values;
  await options.recordBefore(before);
  if (options.requires && !satisfies(before, options.requires)) {
    return {
      outcome: "failed",
      before,
      after: before,
      error: "it was changed in the source since that decision, so undoing it would overwrite that change",
    };
  }
  if (satisfies(before, change)) return { outcome: "already", before, after: before };
  if (options.dryRun) return { outcome: "dry_run", before, after: { ...before, ...change } };

  let after: AccountValues | undefined;
  try {
    const written = await connector.apply(accountId, intent);
    after = written?.values;
  } catch (writeError) {
    // The write may or may not have reached the source: ask it rather than send it again.
    try {
      const reread = await connector.readAccount(accountId);
      const now = reread?.values;
      if (now && satisfies(now, change)) return { outcome: "applied", before, after: now };
      return {
        outcome: "failed",
        before,
        after: now,
        error: `${messageOf(writeError)}; re-read afterwards, the account does not show the change`,
      };
    } catch (readError) {
      return {
        outcome: "failed",
        before,
        error: `${messageOf(writeError)}; the account could not be re-read either (${messageOf(readError)}), so whether the change was applied is unknown: try again to re-check`,
      };
    }
  }
  if (!after || !satisfies(after, change)) {
    return {
      outcome: "failed",
      before,
      after,
      error: "the source accepted the change but the account does not show it (missing field rights?)",
    };
  }
  return { outcome: "applied", before, after };
}
