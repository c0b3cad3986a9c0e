import type { Repositories } from "../store/store.js";
import { type OwnerAccountView, toOwnerAccountView } from "./build-owner-messages.js";

/** One account with its open findings, as owner and admin messages show it. */
export async function buildAccountView(
  store: Pick<Repositories, "accounts" | "findings" | "settings">,
  source: string,
  accountId: string,
): Promise<OwnerAccountView | undefined> {
  const stored = await store.accounts.findAccount(source, accountId);
  if (!stored) return undefined;
  return toOwnerAccountView(
    stored.identity,
    await store.findings.listOpenFindings({ source, accountId }),
    await store.settings.getSourceInstance(),
  );
}
