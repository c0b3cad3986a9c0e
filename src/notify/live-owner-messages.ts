import type { OwnerAccountView, OwnerMessageView } from "../messages/build-owner-messages.js";
import type { Repositories } from "../store/store.js";

/** A delivered owner message that no newer message replaced: its buttons are live. */
export interface LiveOwnerMessage {
  outboxId: number;
  sentAt: Date;
  view: OwnerMessageView;
}

/**
 * The live owner messages of one platform per recipient, oldest first: delivered ('sent') and not
 * superseded. Normally one per owner; a database from before superseding may hold several.
 */
export async function listLiveOwnerMessages(
  store: Pick<Repositories, "outbox">,
  platform: string,
  recipient?: string,
): Promise<Map<string, LiveOwnerMessage[]>> {
  const byRecipient = new Map<string, LiveOwnerMessage[]>();
  for (const item of await store.outbox.listLiveOwnerItems(platform, recipient)) {
    const message = { outboxId: item.id, sentAt: item.sentAt ?? new Date(0), view: item.message.view };
    byRecipient.set(item.recipient, [...(byRecipient.get(item.recipient) ?? []), message]);
  }
  return byRecipient;
}

/**
 * What the owner is asked about an account: its rules, and for a finding back after a Keep ran
 * out, the end of that Keep (so it is asked again). Compared as a set.
 */
export function findingKeys(account: Pick<OwnerAccountView, "findings">): Set<string> {
  return new Set(
    account.findings.map((f) => {
      // Stored findings carry the end of an expired Keep; a fresh Finding has none.
      const until = (f as { acceptedUntil?: Date }).acceptedUntil;
      return until ? `${f.rule}@${new Date(until).toISOString()}` : f.rule;
    }),
  );
}

const sameAccount = (a: Pick<OwnerAccountView, "source" | "accountId">) => (b: typeof a) =>
  a.source === b.source && a.accountId === b.accountId;

/** The account as `message` shows it, if it does. */
export function shownIn(
  message: LiveOwnerMessage,
  account: Pick<OwnerAccountView, "source" | "accountId">,
): OwnerAccountView | undefined {
  return message.view.accounts.find(sameAccount(account));
}

/**
 * Whether a live message already asks the owner about `account` as it is now, so it needs no new
 * message: the message shows the account and every one of its current findings. A change taken
 * from chat (disable, restrict) or in the source ("fixed") that a scan since has seen and that left
 * findings open does not count: the owner is asked again, with buttons. Before that scan the
 * findings are simply not updated yet, and the account is not sent again.
 */
export function isAskedAlready(
  live: readonly LiveOwnerMessage[],
  account: OwnerAccountView,
  latestScanAt: Date | undefined,
): boolean {
  const wanted = findingKeys(account);
  return live.some((message) => {
    const shown = shownIn(message, account);
    if (!shown) return false;
    const keys = findingKeys(shown);
    if (![...wanted].every((k) => keys.has(k))) return false;
    const d = shown.decision;
    const changed =
      d !== undefined &&
      (d.action === "disable" || d.action === "restrict" || d.action === "fixed") &&
      (d.outcome === "applied" || d.outcome === "already");
    return !(changed && latestScanAt !== undefined && latestScanAt > new Date(d.at));
  });
}
