import type { LookupAccess } from "../config/load-config.js";
import type { Logger } from "../logger.js";
import { buildDigest, type DigestView } from "../messages/build-digest.js";
import type { LookupView } from "../messages/build-lookup.js";
import { buildMineView, type MineView } from "../messages/build-mine-view.js";
import { accessPolicy, isAdmin } from "../remediation/can-act-on.js";
import type { Store } from "../store/store.js";
import { answerLookup } from "./answer-lookup.js";
import { parseLookupQuery } from "./parse-lookup-query.js";

/** A chat command's answer as a neutral model; each adapter renders it (privately to the asker). */
export type ChatReply =
  | { kind: "help" }
  | { kind: "lookup"; view: LookupView }
  | { kind: "mine"; view: MineView }
  | { kind: "score"; view: DigestView }
  | { kind: "scan"; started: boolean; notice: string }
  | { kind: "refused"; notice: string };

export interface ChatCommandDeps {
  store: Store;
  now: () => Date;
  /** Admin emails (the access policy's, see can-act-on.ts): only they may start a scan from chat. */
  admins: readonly string[];
  /** Starts a scan in the background; false when one is already running. */
  startScan?: () => boolean;
  /** WARDEN_LOOKUP: who a lookup answers (default "owners": the account's owner and admins). */
  lookup?: LookupAccess;
  logger?: Logger;
  /** WARDEN_MODE=ticket: `mine`'s buttons say they open a ticket. */
  ticketMode?: boolean | undefined;
}

/**
 * `/warden <text>` in Slack and the same words to the bot in Teams: `lookup <account>`, `mine`,
 * `score`, `scan` (admins), `help`. `mine` lists the asker's own accounts (first page). Empty or unknown input gets help. The account is matched literally
 * (sys_id, user name or display name), never as a query; one too long to be an account is
 * refused with a notice, not searched.
 */
export async function runChatCommand(
  deps: ChatCommandDeps,
  text: string,
  actorEmail: string | undefined,
  /** The asking chat user, for the audit entry of a refused lookup. */
  actor?: { platform: string; id: string },
): Promise<ChatReply> {
  const trimmed = text.trim();
  const [word = ""] = trimmed.split(/\s+/);
  switch (word.toLowerCase()) {
    case "lookup": {
      const parsed = parseLookupQuery(trimmed.slice(word.length));
      if (!parsed.ok)
        return parsed.reason === "empty" ? { kind: "help" } : { kind: "refused", notice: parsed.notice };
      return answerLookup({ ...deps, access: deps.lookup }, parsed.query, { email: actorEmail, ...actor });
    }
    case "mine":
      return {
        kind: "mine",
        view: await buildMineView(deps.store, {
          email: actorEmail,
          admins: deps.admins,
          now: deps.now(),
          ticketMode: deps.ticketMode,
        }),
      };
    case "score":
      return { kind: "score", view: await buildDigest(deps.store, { now: deps.now() }) };
    case "scan": {
      if (!isAdmin({ email: actorEmail }, accessPolicy(deps.admins))) {
        return { kind: "refused", notice: "Only warden admins can start a scan." };
      }
      if (!deps.startScan)
        return { kind: "scan", started: false, notice: "Scans run on the server's schedule." };
      return deps.startScan()
        ? {
            kind: "scan",
            started: true,
            notice: "Scan started; the results will be in the next digest and in lookups.",
          }
        : { kind: "scan", started: false, notice: "A scan is already running." };
    }
    default:
      return { kind: "help" };
  }
}
