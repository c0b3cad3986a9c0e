import type { LookupAccess } from "../config/load-config.js";
import type { MachineIdentity } from "../core/model.js";
import { normalizeEmail } from "../identity/normalize-email.js";
import type { Logger } from "../logger.js";
import { buildLookup } from "../messages/build-lookup.js";
import { type AccessPolicy, accessPolicy, canActOn, isAdmin } from "../remediation/can-act-on.js";
import { ownerOfRecord } from "../remediation/owner-of-record.js";
import type { Repositories } from "../store/store.js";
import type { ChatReply } from "./run-chat-command.js";

/** Who asks: their email as the platform reports it, and their chat user (for the audit log). */
export interface LookupAsker {
  email: string | undefined;
  platform?: string | undefined;
  id?: string | undefined;
}

export interface LookupAccessDeps {
  store: Pick<Repositories, "accounts" | "findings" | "decisions" | "ownerOverrides" | "audit" | "reviews">;
  now: () => Date;
  admins: readonly string[];
  /** WARDEN_LOOKUP; "owners" unless told otherwise. */
  access?: LookupAccess | undefined;
  logger?: Logger | undefined;
}

/** Whether `asker` may see the account: the same rule as for clicks (its owner of record or an admin). */
const maySee = async (
  store: LookupAccessDeps["store"],
  policy: AccessPolicy,
  identity: MachineIdentity,
  asker: LookupAsker,
) => canActOn(asker, await ownerOfRecord(store, identity), policy).ok;

/**
 * A chat lookup under WARDEN_LOOKUP. "everyone": anyone sees any account. "owners" (default): an
 * admin sees any account; anyone else sees only accounts they own, and is told that any other
 * account is private (audited as "lookup.refused"). "Did you mean" names only accounts the asker
 * may see: for a non-admin, the suggestions are cut down to the ones they own. (`warden lookup` on
 * the command line is run by someone holding the database, and is not restricted.)
 */
export async function answerLookup(
  deps: LookupAccessDeps,
  query: string,
  asker: LookupAsker,
): Promise<ChatReply> {
  const { store } = deps;
  const view = await buildLookup(store, query);
  const policy = accessPolicy(deps.admins);
  if ((deps.access ?? "owners") === "everyone" || isAdmin(asker, policy)) {
    return { kind: "lookup", view };
  }
  if (!view.found) {
    const own: string[] = [];
    // One after another, in the suggestions' order, as the synchronous filter did.
    for (const name of view.suggestions) {
      const account = await store.accounts.resolveAccount(name);
      if (account !== undefined && (await maySee(store, policy, account.identity, asker))) own.push(name);
    }
    return { kind: "lookup", view: { ...view, suggestions: own } };
  }
  if (await maySee(store, policy, view.identity, asker)) return { kind: "lookup", view };
  const email = normalizeEmail(asker.email);
  try {
    await store.audit.appendAudit({
      at: deps.now(),
      event: "lookup.refused",
      actor: `${asker.platform ?? "chat"}:${asker.id ?? "unknown"}${email ? ` <${email}>` : ""}`,
      subject: `${view.identity.source}:${view.identity.id}`,
      detail: { query, reason: "not the owner or an admin" },
    });
  } catch (error) {
    // A database that cannot record the refusal does not turn it into an answer.
    deps.logger?.error({ err: error, event: "lookup.refused" }, "could not write the audit entry");
  }
  return {
    kind: "refused",
    notice: `${query} is private: only its owner and warden admins can look it up.`,
  };
}
